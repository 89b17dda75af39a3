"""The sections stories belong to: data, not code. A publisher declares them in a YAML file — a
list of {slug, hy, en} in menu order — imported with `flask --app app sections import FILE`; a new
database starts with the demo's (reader/demo/sections.yaml). Renaming or reordering a section
needs no code change."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from . import DEMO_DIR
from .languages import CODES

DEFAULTS = DEMO_DIR / "sections.yaml"
SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*\Z")
MAX_SECTIONS = 100
MAX_NAME = 80
MAX_FILE_BYTES = 64 * 1024


@dataclass(frozen=True)
class Section:
    slug: str
    names: dict[str, str]  # interface language -> the section's name in it

    def name(self, lang: str) -> str:
        return self.names.get(lang) or self.slug


class SectionsRefused(Exception):
    """The sections file cannot be used; `problems` say why (nothing was changed)."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems))


def _short(value: object) -> str:
    text = value if isinstance(value, str) else type(value).__name__
    return repr(text if len(text) <= 40 else text[:39] + "…")


def parse(text: str) -> list[Section]:
    """Check a sections file's text; raise SectionsRefused with every problem found."""
    if len(text.encode()) > MAX_FILE_BYTES:
        raise SectionsRefused([f"the file is larger than {MAX_FILE_BYTES // 1024} KB"])
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            # An alias repeats its anchor's value wherever it stands: refused, as in article files.
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                raise SectionsRefused(["YAML anchors and aliases (& and *) are not allowed"])
        data = yaml.safe_load(text)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        raise SectionsRefused([f"not valid YAML{f' at line {mark.line + 1}' if mark else ''}"]) from e
    if not isinstance(data, list) or not data:
        raise SectionsRefused(["the file must be a list of sections, each with slug, "
                               + ", ".join(CODES)])
    if len(data) > MAX_SECTIONS:
        raise SectionsRefused([f"more than {MAX_SECTIONS} sections"])
    problems: list[str] = []
    sections: list[Section] = []
    seen: set[str] = set()
    for number, item in enumerate(data, start=1):
        where = f"section {number}"
        if not isinstance(item, dict):
            problems.append(f"{where}: must be a mapping of slug, {', '.join(CODES)}")
            continue
        unknown = sorted(map(str, set(item) - {"slug", *CODES}))
        if unknown:
            problems.append(f"{where}: unknown field {_short(unknown[0])}")
        slug = item.get("slug")
        if not isinstance(slug, str) or not SLUG.match(slug) or len(slug) > 60:
            problems.append(f"{where}: 'slug' must be lowercase ASCII letters, digits and hyphens, "
                            f"got {_short(slug)}")
            continue
        if slug in seen:
            problems.append(f"{where}: the slug {slug!r} is declared twice")
        seen.add(slug)
        names: dict[str, str] = {}
        for code in CODES:
            name = item.get(code)
            if not isinstance(name, str) or not name.strip():
                problems.append(f"{where} ({slug}): its name in {code!r} is missing or empty")
            elif len(name) > MAX_NAME:
                problems.append(f"{where} ({slug}): its name in {code!r} is longer than {MAX_NAME} characters")
            else:
                names[code] = " ".join(name.split())
        sections.append(Section(slug, names))
    if problems:
        raise SectionsRefused(problems)
    return sections


def read(path: Path) -> list[Section]:
    try:
        raw = path.read_bytes()[: MAX_FILE_BYTES + 1]
        text = raw.decode("utf-8-sig")
    except OSError as e:
        raise SectionsRefused([f"cannot read the file ({e.strerror})"]) from e
    except UnicodeDecodeError as e:
        raise SectionsRefused([f"not UTF-8 text (byte {e.start})"]) from e
    return parse(text)


def defaults() -> list[Section]:
    """The demo's sections, which every new database starts with."""
    return read(DEFAULTS)
