"""Article files (Markdown with YAML front matter) read, checked and written to the store."""

from __future__ import annotations

import hashlib
import mimetypes
import multiprocessing
import os
import re
import sqlite3
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml
from markdown_it import MarkdownIt

from . import store
from .languages import CODES
from .sanitize import clean, text_of
from .sections import SECTION_NAMES

SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*\Z")
FIELDS = {"slug", "lang", "story", "title", "summary", "published", "updated", "authors",
          "section", "image"}
IMAGE_FIELDS = {"src", "alt", "caption", "credit"}
IMAGE_TYPES = {".svg": "image/svg+xml", ".png": "image/png", ".jpg": "image/jpeg",
               ".jpeg": "image/jpeg", ".webp": "image/webp", ".gif": "image/gif",
               ".avif": "image/avif"}
MAX_IMAGE_BYTES = 5 * 1024 * 1024
MAX_FILE_BYTES = 2 * 1024 * 1024

_markdown = MarkdownIt("commonmark")
# libyaml's safe loader when PyYAML was built with it: the same results, several times faster.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# Parse in worker processes when a run has this many files (markdown and bleach are CPU-bound).
PARALLEL_FROM = 200


class ImportRefused(Exception):
    """One or more files cannot be imported; nothing was written."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        self.problems = problems
        super().__init__("\n".join(f"{path}: {reason}" for path, reason in problems))


class Invalid(ValueError):
    """This file is not a valid article; the message says why."""


@dataclass
class Parsed:
    path: Path
    article: dict[str, Any]
    image: tuple[str, str, bytes] | None  # (name, type, bytes) of a local lead image


def article_files(paths: Iterable[Path | str]) -> list[Path]:
    """The article files named, folders searched for *.md, in a stable order."""
    found: dict[Path, Path] = {}  # a file named twice (a folder and a file in it) counts once
    for p in map(Path, paths):
        for f in sorted(x for x in p.rglob("*.md") if x.is_file()) if p.is_dir() else [p]:
            found.setdefault(f.resolve(), f)
    return list(found.values())


def render_markdown(body: str) -> str:
    """CommonMark to HTML; if the body has an h1, every heading moves down a level so the page's
    headline stays the only h1."""
    tokens = _markdown.parse(body)
    if any(t.type == "heading_open" and t.tag == "h1" for t in tokens):
        for t in tokens:
            if t.type in ("heading_open", "heading_close"):
                t.tag = "h" + str(min(6, int(t.tag[1]) + 1))
    return _markdown.renderer.render(tokens, _markdown.options, {})


def _split(text: str) -> tuple[str, str]:
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        raise Invalid("no front matter: the file must start with a line '---'")
    for i, line in enumerate(lines[1:], start=1):
        if line.strip() == "---":
            return "".join(lines[1:i]), "".join(lines[i + 1 :])
    raise Invalid("front matter is not closed by a line '---'")


def _text(meta: dict[str, Any], key: str, required: bool = True, limit: int = 500) -> str | None:
    value = meta.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise Invalid(f"'{key}' is missing or empty")
        return None
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        raise Invalid(f"'{key}' must be text")
    value = " ".join(str(value).split())
    if len(value) > limit:
        raise Invalid(f"'{key}' is longer than {limit} characters")
    return value


def _slug(meta: dict[str, Any], key: str, required: bool = True) -> str | None:
    value = meta.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not SLUG.match(value) or len(value) > 120:
        raise Invalid(f"'{key}' must be lowercase ASCII letters, digits and hyphens, got {value!r}")
    return value


def _section(meta: dict[str, Any]) -> str | None:
    section = meta.get("section")
    if section is not None and (not isinstance(section, str) or section not in SECTION_NAMES):
        raise Invalid(f"'section' must be one of {', '.join(SECTION_NAMES)}, got {section!r}")
    return section


def _when(meta: dict[str, Any], key: str, required: bool = True) -> datetime | None:
    value = meta.get(key)
    if value is None:
        if required:
            raise Invalid(f"'{key}' is missing")
        return None
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError as e:
            raise Invalid(f"'{key}' is not an ISO 8601 date and time: {value!r}") from e
    if isinstance(value, date) and not isinstance(value, datetime):
        raise Invalid(f"'{key}' needs a time and a timezone, not only a date")
    if not isinstance(value, datetime):
        raise Invalid(f"'{key}' is not a date and time")
    if value.tzinfo is None or value.utcoffset() is None:
        raise Invalid(f"'{key}' has no timezone (add e.g. +04:00)")
    if not 1900 <= value.year <= 2999:
        raise Invalid(f"'{key}' is out of range: {value.isoformat()}")
    return value


def _image(meta: dict[str, Any], base: Path,
           image_hosts: frozenset[str]) -> tuple[dict[str, Any], tuple[str, str, bytes] | None]:
    image = meta.get("image")
    if image is None:
        return {}, None
    if not isinstance(image, dict):
        raise Invalid("'image' must be a mapping with src, alt, caption and credit")
    unknown = set(image) - IMAGE_FIELDS
    if unknown:
        raise Invalid(f"unknown image field {sorted(unknown)[0]!r}")
    src = _text(image, "src")
    alt = _text(image, "alt", required=False)
    if not alt:
        raise Invalid("image has no alt text (describe what the picture shows)")
    caption = _text(image, "caption", required=False)
    credit = _text(image, "credit", required=False)
    if caption and alt.casefold() == caption.casefold():
        raise Invalid("image alt text repeats the caption; say what the picture shows instead")
    fields = {"image_alt": alt, "image_caption": caption, "image_credit": credit}
    assert src is not None
    url = urlsplit(src)
    if url.scheme:
        if url.scheme.lower() != "https" or not url.hostname:
            raise Invalid(f"image src must be a relative path or an https URL, got {src!r}")
        if url.hostname not in image_hosts:
            # Readers' browsers would ask that host for it: allowed only for configured hosts.
            raise Invalid(f"image host {url.hostname!r} is not in READER_IMAGE_HOSTS; "
                          "put the picture beside the article instead")
        return {**fields, "image_src": url._replace(scheme="https").geturl()}, None
    if Path(src).is_absolute():
        raise Invalid(f"image src must be relative to the article file, got {src!r}")
    path = (base / src).resolve()
    kind = IMAGE_TYPES.get(path.suffix.lower())
    if kind is None:
        raise Invalid(f"image {src!r} is not one of {', '.join(sorted(IMAGE_TYPES))}")
    if not path.is_file():
        raise Invalid(f"image file {src!r} not found")
    data = path.read_bytes()
    if len(data) > MAX_IMAGE_BYTES:
        raise Invalid(f"image {src!r} is larger than {MAX_IMAGE_BYTES // 1024 // 1024} MB")
    name = hashlib.sha256(data).hexdigest()[:16] + path.suffix.lower()
    width, height = _dimensions(data, kind)
    fields.update(image_src=name, image_width=width, image_height=height)
    return fields, (name, kind or mimetypes.guess_type(path.name)[0] or "", data)


def _dimensions(data: bytes, kind: str) -> tuple[int | None, int | None]:
    """Intrinsic size where cheap to read, so the page reserves the space (no layout shift)."""
    if kind == "image/png" and data[:8] == b"\x89PNG\r\n\x1a\n":
        return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    if kind == "image/svg+xml":
        head = data[:2000].decode("utf-8", "replace")
        m = re.search(r"<svg\b[^>]*\bviewBox=\"\s*[-\d.]+[\s,]+[-\d.]+[\s,]+([\d.]+)[\s,]+([\d.]+)",
                      head)
        if m:
            return round(float(m.group(1))), round(float(m.group(2)))
    return None, None


def parse_file(path: Path, image_hosts: frozenset[str] = frozenset()) -> Parsed:
    """Read and check one article file; raise Invalid with the reason."""
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise Invalid(f"cannot read file ({e.strerror})") from e
    if len(raw) > MAX_FILE_BYTES:
        raise Invalid(f"file is larger than {MAX_FILE_BYTES // 1024 // 1024} MB")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise Invalid(f"not UTF-8 text (byte {e.start})") from e
    front, body = _split(text)
    try:
        meta = yaml.load(front, Loader=_YAML_LOADER)
    except yaml.YAMLError as e:
        where = getattr(e, "problem_mark", None)
        line = f" at line {where.line + 2}" if where else ""
        raise Invalid(f"front matter is not valid YAML{line}") from e
    if not isinstance(meta, dict):
        raise Invalid("front matter must be a mapping of fields")
    unknown = set(map(str, meta)) - FIELDS
    if unknown:
        raise Invalid(f"unknown field {sorted(unknown)[0]!r}")
    lang = meta.get("lang")
    if lang not in CODES:
        raise Invalid(f"'lang' must be {' or '.join(map(repr, CODES))}, got {lang!r}")
    slug = _slug(meta, "slug")
    story = _slug(meta, "story", required=False) or f"{lang}/{slug}"
    published = _when(meta, "published")
    updated = _when(meta, "updated", required=False)
    assert published is not None
    if updated and updated < published:
        raise Invalid("'updated' is earlier than 'published'")
    authors = meta.get("authors") or []
    if isinstance(authors, str):
        authors = [authors]
    if not isinstance(authors, list) or not all(isinstance(a, str) and a.strip() for a in authors):
        raise Invalid("'authors' must be a list of names")
    if not body.strip():
        raise Invalid("the article has no body")
    image_fields, image = _image(meta, path.parent, image_hosts)
    body_html = str(clean(render_markdown(body)))
    body_text = text_of(body_html)
    article = {
        "lang": lang,
        "slug": slug,
        "story": story,
        "title": _text(meta, "title", limit=300),
        "summary": _text(meta, "summary", limit=1000),
        "published": published,
        "updated": updated,
        "authors": [" ".join(a.split()) for a in authors],
        "section": _section(meta),
        "body_html": body_html,
        "body_text": body_text,
        "words": len(body_text.split()),
        "image_src": None, "image_alt": None, "image_caption": None, "image_credit": None,
        "image_width": None, "image_height": None,
        **image_fields,
        "source": str(path),
    }
    return Parsed(path, article, image)


def _parse_or_reason(path: Path, image_hosts: frozenset[str] = frozenset()) -> Parsed | str:
    try:
        return parse_file(path, image_hosts)
    except Invalid as e:
        return str(e)
    except Exception as e:  # whatever else goes wrong, say which file and why
        return f"cannot be read as an article ({type(e).__name__}: {e})"


def _parse_all(files: list[Path], image_hosts: frozenset[str]) -> list[Parsed | str]:
    """Each file parsed, or the reason it cannot be; in order."""
    workers = os.cpu_count() or 1
    parse = partial(_parse_or_reason, image_hosts=image_hosts)
    if len(files) < PARALLEL_FROM or workers < 2:
        return [parse(f) for f in files]
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        return list(pool.map(parse, files, chunksize=32))


def check_paths(conn: sqlite3.Connection | None, paths: Iterable[Path | str],
                image_hosts: Iterable[str] = ()) -> list[Parsed]:
    """Parse and check every file, and the set against itself and the store; raise ImportRefused."""
    files = article_files(paths)
    problems: list[tuple[str, str]] = []
    if not files:
        raise ImportRefused([(" ".join(map(str, paths)) or ".", "no article files (*.md) found")])
    parsed: list[Parsed] = []
    hosts = frozenset(h.strip().lower() for h in image_hosts if h.strip())
    for f, result in zip(files, _parse_all(files, hosts), strict=True):
        if isinstance(result, Parsed):
            parsed.append(result)
        else:
            problems.append((str(f), result))
    by_key: dict[tuple[str, str], Path] = {}
    by_story: dict[tuple[str, str], Path] = {}
    slug_story: dict[tuple[str, str], str] = {}  # (slug, lang) -> story, this run
    for p in parsed:
        a = p.article
        key = (a["lang"], a["slug"])
        if key in by_key:
            problems.append((str(p.path), f"duplicate slug {a['slug']!r} in {a['lang']!r}, "
                                          f"also in {by_key[key]}"))
            continue
        by_key[key] = p.path
        skey = (a["story"], a["lang"])
        if skey in by_story:
            problems.append((str(p.path), f"story {a['story']!r} already has a {a['lang']!r} "
                                          f"version in {by_story[skey]}"))
            continue
        by_story[skey] = p.path
        slug_story[(a["slug"], a["lang"])] = a["story"]
    for p in parsed:
        a = p.article
        other = next(c for c in CODES if c != a["lang"])
        their_story = slug_story.get((a["slug"], other))
        if their_story is None and conn is not None:
            their_story = store.stories_of_slug(conn, a["slug"]).get(other)
        if their_story is not None and their_story != a["story"]:
            problems.append((str(p.path), f"slug {a['slug']!r} is used in {other!r} by another "
                                          "story; a slug shared by both languages must name one story"))
        stored_slug = store.lookup_story_lang(conn, a["story"], a["lang"]) if conn else None
        if stored_slug and stored_slug != a["slug"] and (a["lang"], stored_slug) not in by_key:
            problems.append((str(p.path), f"story {a['story']!r} already has a {a['lang']!r} "
                                          f"version stored as {stored_slug!r}"))
    if problems:
        raise ImportRefused(problems)
    return parsed


def import_paths(conn: sqlite3.Connection, paths: Iterable[Path | str],
                 image_hosts: Iterable[str] = ()) -> list[Parsed]:
    """Check everything, then write everything in one transaction; raise ImportRefused."""
    parsed = check_paths(conn, paths, image_hosts)
    with store.transaction(conn):
        stories = store.release_stories(conn, [(p.article["lang"], p.article["slug"]) for p in parsed])
        for p in parsed:
            if p.image:
                store.put_media(conn, *p.image)
            try:
                store.upsert(conn, p.article)
            except sqlite3.IntegrityError as e:
                raise ImportRefused([(str(p.path), f"conflicts with a stored article ({e}); "
                                                   "import the story's files together")]) from e
        # A re-import may move an article to another story: refresh the old one too.
        store.refresh_listing(conn, stories | {p.article["story"] for p in parsed})
        store.refresh_sections(conn)
    return parsed
