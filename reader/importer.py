"""Article files (Markdown with YAML front matter) read, checked and written to the store."""

from __future__ import annotations

import contextlib
import hashlib
import multiprocessing
import os
import re
import sqlite3
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from datetime import date, datetime
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml
from markdown_it import MarkdownIt

from . import contentchecks, images, store
from .languages import CODES
from .sanitize import TooComplex, check_limits, clean, excerpt, text_of
from .sections import SLUG as SECTION_SLUG
from .sections import defaults as default_sections

SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*\Z")
FIELDS = {"slug", "lang", "story", "title", "summary", "published", "updated", "authors",
          "section", "image"}
IMAGE_FIELDS = {"src", "alt", "caption", "credit"}
MAX_FILE_BYTES = 2 * 1024 * 1024
# The front matter is a flat mapping with one list (authors) and one mapping (image) in it.
MAX_FRONT_MATTER_VALUES = 1_000
MAX_FRONT_MATTER_DEPTH = 10
# The Markdown parser spends some microseconds on each of these (it looks for a matching mark):
# enough of them make a small file slow to read. Articles have a few hundred.
MAX_MARKDOWN_MARKS = 10_000
_MARKDOWN_MARKS = "[*_`"

_markdown = MarkdownIt("commonmark")
# libyaml's safe loader when PyYAML was built with it: the same results, several times faster.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# Parse in worker processes when a run has this many files (markdown and bleach are CPU-bound).
PARALLEL_FROM = 200


class ImportRefused(Exception):
    """One or more files cannot be imported; nothing was written. `warnings` are the content
    checks' warnings on the files that were read, for the publisher to see with the problems."""

    def __init__(self, problems: list[tuple[str, str]], warnings: list[tuple[str, str]] | None = None) -> None:
        self.problems = problems
        self.warnings = warnings or []
        super().__init__("\n".join(f"{path}: {reason}" for path, reason in problems))


class Invalid(ValueError):
    """This file is not a valid article; the message says why."""


@dataclass(frozen=True)
class Media:
    """A local lead image, to be copied into the database."""

    name: str  # content hash + extension: its URL
    type: str
    data: bytes


@dataclass
class Parsed:
    path: Path
    article: store.ArticleRecord
    image: Media | None
    # What the content checks found; errors among them refuse the import (see check_paths).
    findings: tuple[contentchecks.Finding, ...] = ()
    # What the search index will hold (store.search_texts), made where the file is parsed (in
    # parallel) rather than while the import holds the database.
    indexed: tuple[str, str, str] | None = None


@dataclass(frozen=True)
class _Image:
    """The image fields of an article, checked."""

    src: str | None = None
    alt: str | None = None
    caption: str | None = None
    credit: str | None = None
    width: int | None = None
    height: int | None = None
    media: Media | None = None


def article_files(paths: Iterable[Path | str]) -> list[tuple[Path, Path]]:
    """The article files named, folders searched for *.md, in a stable order; each with the folder
    its lead image must be in (the folder named, or the file's own when the file was named)."""
    found: dict[Path, tuple[Path, Path]] = {}  # a file named twice (a folder and a file in it) counts once
    for p in map(Path, paths):
        if p.is_dir():
            for f in sorted(x for x in p.rglob("*.md") if x.is_file()):
                found.setdefault(f.resolve(), (f, p))
        else:
            found.setdefault(p.resolve(), (p, p.parent))
    return list(found.values())


def render_markdown(body: str) -> tuple[str, list[str]]:
    """CommonMark to HTML, and the h1 headings in it. The sanitiser removes h1 elements (the page's
    headline is the only h1), so the content checks learn of them here and refuse the file."""
    tokens = _markdown.parse(body)
    html: str = _markdown.renderer.render(tokens, _markdown.options, {})
    return html, contentchecks.h1_headings(tokens)


def _read(path: Path) -> str:
    """The file's text; at most MAX_FILE_BYTES are read, whatever its size."""
    if path.exists() and not path.is_file():
        raise Invalid("not a regular file")
    try:
        with path.open("rb") as f:
            raw = f.read(MAX_FILE_BYTES + 1)
    except OSError as e:
        raise Invalid(f"cannot read file ({e.strerror})") from e
    if len(raw) > MAX_FILE_BYTES:
        raise Invalid(f"file is larger than {MAX_FILE_BYTES // 1024 // 1024} MB")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise Invalid(f"not UTF-8 text (byte {e.start})") from e
    nul = text.find("\0")
    if nul >= 0:
        # Nothing in an article needs one; a UTF-16 file read as UTF-8 is full of them.
        raise Invalid(f"NUL byte at line {text.count(chr(10), 0, nul) + 1}; save the file as UTF-8 text")
    return text


def _split(text: str) -> tuple[str, str]:
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        raise Invalid("no front matter: the file must start with a line '---'")
    for i, line in enumerate(lines[1:], start=1):
        if line.strip() == "---":
            return "".join(lines[1:i]), "".join(lines[i + 1 :])
    raise Invalid("front matter is not closed by a line '---'")


def _front_matter(front: str) -> dict[Any, Any]:
    """The front matter's fields, once its YAML events have passed `_check_events`."""
    try:
        _check_events(yaml.parse(front, Loader=_YAML_LOADER))
        meta = yaml.load(front, Loader=_YAML_LOADER)
    except Invalid:
        raise
    except yaml.YAMLError as e:
        where = getattr(e, "problem_mark", None)
        line = f" at line {where.line + 2}" if where else ""
        raise Invalid(f"front matter is not valid YAML{line}") from e
    except ValueError as e:  # a value YAML recognises but Python cannot hold (a 13th month)
        raise Invalid(f"front matter has a value that cannot be read ({excerpt(str(e), 80)})") from e
    if not isinstance(meta, dict):
        raise Invalid("front matter must be a mapping of fields")
    return meta


def _check_events(events: Iterable[yaml.Event]) -> None:
    """Refuse anchors and aliases before anything is built from them: an alias repeats its
    anchor's value wherever it stands, so a few hundred bytes of them stand for gigabytes of
    values (and of their repr). Refuse deep nesting (the loader recurses) and long lists too."""
    depth = values = 0
    for event in events:
        line = event.start_mark.line + 2 if event.start_mark else 0  # the file's line 1 is '---'
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise Invalid(f"front matter uses a YAML anchor or alias (& or *) at line {line}; "
                          "write each value out in full")
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_FRONT_MATTER_DEPTH:
                raise Invalid(f"front matter is nested more than {MAX_FRONT_MATTER_DEPTH} levels deep "
                              f"at line {line}")
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
        if isinstance(event, yaml.NodeEvent):
            values += 1
            if values > MAX_FRONT_MATTER_VALUES:
                raise Invalid(f"front matter has more than {MAX_FRONT_MATTER_VALUES:,} values")


def _text(meta: dict[Any, Any], key: str, required: bool = True, limit: int = 500) -> str | None:
    value = meta.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise Invalid(f"'{key}' is missing or empty")
        return None
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        raise Invalid(f"'{key}' must be text, got {excerpt(value)}")
    value = " ".join(str(value).split())
    if len(value) > limit:
        raise Invalid(f"'{key}' is longer than {limit} characters")
    return value


def _slug(meta: dict[Any, Any], key: str, required: bool = True) -> str | None:
    value = meta.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not SLUG.match(value) or len(value) > 120:
        raise Invalid(f"'{key}' must be lowercase ASCII letters, digits and hyphens, got {excerpt(value)}")
    return value


def _section(meta: dict[Any, Any]) -> str | None:
    section = meta.get("section")
    # Its shape here; whether it is declared is checked against the store (check_paths).
    if section is not None and (not isinstance(section, str) or not SECTION_SLUG.match(section)):
        raise Invalid(f"'section' must be a section's slug (lowercase letters, digits, hyphens), "
                      f"got {excerpt(section)}")
    return section


def _when(meta: dict[Any, Any], key: str, required: bool = True) -> datetime | None:
    value = meta.get(key)
    if value is None:
        if required:
            raise Invalid(f"'{key}' is missing")
        return None
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError as e:
            raise Invalid(f"'{key}' is not an ISO 8601 date and time: {excerpt(value)}") from e
    if isinstance(value, date) and not isinstance(value, datetime):
        raise Invalid(f"'{key}' needs a time and a timezone, not only a date")
    if not isinstance(value, datetime):
        raise Invalid(f"'{key}' is not a date and time, got {excerpt(value)}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise Invalid(f"'{key}' has no timezone (add e.g. +04:00)")
    if not 1900 <= value.year <= 2999:
        raise Invalid(f"'{key}' is out of range: {value.isoformat()}")
    return value


def _authors(meta: dict[Any, Any]) -> tuple[str, ...]:
    authors = meta.get("authors") or []
    if isinstance(authors, str):
        authors = [authors]
    if not isinstance(authors, list) or not all(isinstance(a, str) and a.strip() for a in authors):
        raise Invalid("'authors' must be a list of names")
    return tuple(" ".join(a.split()) for a in authors)


def _image(meta: dict[Any, Any], base: Path, root: Path, image_hosts: frozenset[str]) -> _Image:
    image = meta.get("image")
    if image is None:
        return _Image()
    if not isinstance(image, dict):
        raise Invalid("'image' must be a mapping with src, alt, caption and credit")
    unknown = set(map(str, image)) - IMAGE_FIELDS
    if unknown:
        raise Invalid(f"unknown image field {excerpt(sorted(unknown)[0])}")
    src = _text(image, "src")
    alt = _text(image, "alt", required=False)
    if not alt:
        raise Invalid("image has no alt text (describe what the picture shows)")
    caption = _text(image, "caption", required=False)
    credit = _text(image, "credit", required=False)
    assert src is not None
    fields = _Image(src=src, alt=alt, caption=caption, credit=credit)
    url = urlsplit(src)
    if url.scheme:
        if url.scheme.lower() != "https" or not url.hostname:
            raise Invalid(f"image src must be a relative path or an https URL, got {excerpt(src)}")
        if url.hostname not in image_hosts:
            # Readers' browsers would ask that host for it: allowed only for configured hosts.
            raise Invalid(f"image host {excerpt(url.hostname)} is not in READER_IMAGE_HOSTS; "
                          "put the picture beside the article instead")
        return replace(fields, src=url._replace(scheme="https").geturl())
    media, width, height = _local_image(src, base, root)
    return replace(fields, src=media.name, width=width, height=height, media=media)


def _local_image(src: str, base: Path, root: Path) -> tuple[Media, int | None, int | None]:
    """A picture beside the article: inside the imported folder (after following links, so a link
    cannot reach out of it), of an allowed type, and a real picture of that type."""
    if Path(src).is_absolute():
        raise Invalid(f"image src must be relative to the article file, got {excerpt(src)}")
    try:
        path = (base / src).resolve()
    except RuntimeError as e:  # Python 3.11's word for a loop of symbolic links
        raise Invalid(f"image {excerpt(src)} is a symbolic link that leads back to itself") from e
    if not path.is_relative_to(root.resolve()):
        raise Invalid(f"image {excerpt(src)} is outside the imported folder; put it beside the article")
    suffix = path.suffix.lower()
    if suffix not in images.TYPES:
        raise Invalid(f"image {excerpt(src)} is not one of {', '.join(sorted(images.TYPES))}")
    if not path.is_file():  # nor a folder, nor a pipe or device that would never end
        raise Invalid(f"image file {excerpt(src)} not found")
    try:
        with path.open("rb") as f:
            data = f.read(images.MAX_IMAGE_BYTES + 1)
    except OSError as e:
        raise Invalid(f"cannot read image file {excerpt(src)} ({e.strerror})") from e
    if len(data) > images.MAX_IMAGE_BYTES:
        raise Invalid(f"image {excerpt(src)} is larger than {images.MAX_IMAGE_BYTES // 1024 // 1024} MB")
    try:
        width, height = images.check(data, suffix)
    except images.BadImage as e:
        raise Invalid(f"image {excerpt(src)} {e}") from e
    name = hashlib.sha256(data).hexdigest()[:16] + suffix
    return Media(name, images.TYPES[suffix][0], data), width, height


def _body_html(body: str) -> tuple[str, list[str]]:
    """The body, rendered and sanitised, and its h1 headings (which the sanitiser removes). The
    limits are checked on the Markdown too, so a file far beyond them is refused before the
    (slower) Markdown parser reads it."""
    if sum(map(body.count, _MARKDOWN_MARKS)) > MAX_MARKDOWN_MARKS:
        raise Invalid(f"the body has more than {MAX_MARKDOWN_MARKS:,} Markdown marks "
                      f"({' '.join(_MARKDOWN_MARKS)}); split it into several articles")
    try:
        check_limits(body)
        html, h1s = render_markdown(body)
        return str(clean(html)), h1s
    except TooComplex as e:
        raise Invalid(str(e)) from e


def parse_file(path: Path, image_hosts: frozenset[str] = frozenset(),
               root: Path | None = None) -> Parsed:
    """Read and check one article file; raise Invalid with the reason. A local lead image must be
    inside `root` (by default the file's folder)."""
    front, body = _split(_read(path))
    meta = _front_matter(front)
    if not body.strip():
        raise Invalid("the article has no body")
    return build(meta, _body_html(body), path, image_hosts, root)


def build(meta: dict[Any, Any], body: tuple[str, list[str]], path: Path,
          image_hosts: frozenset[str] = frozenset(), root: Path | None = None) -> Parsed:
    """Check an article's fields and its sanitised body (with the h1 headings the sanitiser
    removed) — from a file's front matter or a feed's entry — into a record; raise Invalid."""
    unknown = set(map(str, meta)) - FIELDS
    if unknown:
        raise Invalid(f"unknown field {excerpt(sorted(unknown)[0])}")
    # Every field is checked, and every problem said at once ("; "), so that a publisher fixes a
    # file in one round, not one problem per run.
    problems: list[str] = []

    def read(reader: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        try:
            return reader(*args, **kwargs)
        except Invalid as e:
            problems.append(str(e))
            return None

    lang = meta.get("lang")
    if not isinstance(lang, str) or lang not in CODES:
        problems.append(f"'lang' must be {' or '.join(map(repr, CODES))}, got {excerpt(lang)}")
    slug = read(_slug, meta, "slug")
    story = read(_slug, meta, "story", required=False) or f"{lang}/{slug}"
    published = read(_when, meta, "published")
    updated = read(_when, meta, "updated", required=False)
    if updated and published and updated < published:
        problems.append("'updated' is earlier than 'published'")
    authors = read(_authors, meta)
    title = read(_text, meta, "title", limit=300)
    summary = read(_text, meta, "summary", limit=1000)
    section = read(_section, meta)
    image = read(_image, meta, path.parent, root or path.parent, image_hosts)
    body_html, h1s = body
    body_text = text_of(body_html)
    if not body_html.strip():
        problems.append("the article has no body")
    if problems:
        raise Invalid("; ".join(problems))
    assert isinstance(lang, str) and slug is not None and published is not None and image is not None
    findings = contentchecks.check_body(body_html, lang, h1s)
    if image.alt:  # judged by the file's own src: the stored one is a content hash
        findings += contentchecks.check_lead_image(str(meta["image"]["src"]), image.alt, image.caption)
    assert title is not None and summary is not None
    article = store.ArticleRecord(
        lang=lang, slug=slug, story=story, title=title, summary=summary,
        body_html=body_html, body_text=body_text, words=len(body_text.split()),
        published=published, updated=updated, authors=authors, section=section,
        image_src=image.src, image_alt=image.alt, image_caption=image.caption,
        image_credit=image.credit, image_width=image.width, image_height=image.height,
        source=str(path),
    )
    return Parsed(path, article, image.media, tuple(findings), store.search_texts(article))


def _parse_or_reason(path: Path, root: Path, image_hosts: frozenset[str] = frozenset()) -> Parsed | str:
    try:
        return parse_file(path, image_hosts, root)
    except Invalid as e:
        return str(e)
    except Exception as e:  # whatever else goes wrong, say which file and why
        return f"cannot be read as an article ({type(e).__name__}: {excerpt(str(e), 200)})"


Progress = Callable[[int, int], None]  # (files done, files in all)


def _parse_all(files: list[tuple[Path, Path]], image_hosts: frozenset[str],
               progress: Progress | None = None) -> list[Parsed | str]:
    """Each file parsed, or the reason it cannot be; in order."""
    workers = os.cpu_count() or 1
    parse = partial(_parse_or_reason, image_hosts=image_hosts)
    paths, roots = [f for f, _ in files], [r for _, r in files]
    results: list[Parsed | str] = []
    with contextlib.ExitStack() as stack:
        if len(files) < PARALLEL_FROM or workers < 2:
            parsed: Iterable[Parsed | str] = map(parse, paths, roots)
        else:
            pool = stack.enter_context(
                ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")))
            parsed = pool.map(parse, paths, roots, chunksize=32)
        for result in parsed:
            results.append(result)
            if progress is not None:
                progress(len(results), len(files))
    return results


def content_warnings(parsed: Iterable[Parsed]) -> list[tuple[str, str]]:
    """The content checks' warnings on these files, as (path, "[id] message")."""
    return [(str(p.path), str(f)) for p in parsed for f in p.findings if not f.error]


def check_paths(conn: sqlite3.Connection | None, paths: Iterable[Path | str],
                image_hosts: Iterable[str] = (), strict: bool = False,
                progress: Progress | None = None) -> list[Parsed]:
    """Parse and check every file, and the set against itself and the store; raise ImportRefused.
    The content checks' errors refuse the files, and so do their warnings when `strict`."""
    paths = list(paths)
    files = article_files(paths)
    if not files:
        raise ImportRefused([(" ".join(map(str, paths)) or ".", "no article files (*.md) found")])
    hosts = frozenset(h.strip().lower() for h in image_hosts if h.strip())
    results = _parse_all(files, hosts, progress)
    return check_parsed(conn, [(str(f), r) for (f, _), r in zip(files, results, strict=True)], strict)


def check_parsed(conn: sqlite3.Connection | None, results: list[tuple[str, Parsed | str]],
                 strict: bool) -> list[Parsed]:
    """Check parsed articles (or the reasons they could not be parsed), against each other and the
    store; raise ImportRefused with every problem."""
    problems: list[tuple[str, str]] = []
    parsed: list[Parsed] = []
    for f, result in results:
        if isinstance(result, Parsed):
            parsed.append(result)
            problems += [(str(f), str(finding)) for finding in result.findings if finding.error or strict]
        else:
            problems.append((str(f), result))
    declared = [s.slug for s in (store.declared_sections(conn) if conn is not None else default_sections())]
    for p in parsed:
        section = p.article.section
        if section is not None and section not in declared:
            problems.append((str(p.path), f"'section' must be one of the declared sections "
                                          f"({', '.join(declared)}), got {excerpt(section)}; declare it with "
                                          "`flask --app app sections import FILE`"))
    by_key: dict[tuple[str, str], Path] = {}
    by_story: dict[tuple[str, str], Path] = {}
    slug_story: dict[tuple[str, str], str] = {}  # (slug, lang) -> story, this run
    for p in parsed:
        a = p.article
        key = (a.lang, a.slug)
        if key in by_key:
            problems.append((str(p.path), f"duplicate slug {excerpt(a.slug)} in {excerpt(a.lang)}, "
                                          f"also in {by_key[key]}"))
            continue
        by_key[key] = p.path
        skey = (a.story, a.lang)
        if skey in by_story:
            problems.append((str(p.path), f"story {excerpt(a.story)} already has a {excerpt(a.lang)} "
                                          f"version in {by_story[skey]}"))
            continue
        by_story[skey] = p.path
        slug_story[(a.slug, a.lang)] = a.story
    for p in parsed:
        a = p.article
        other = next(c for c in CODES if c != a.lang)
        their_story = slug_story.get((a.slug, other))
        if their_story is None and conn is not None:
            their_story = store.stories_of_slug(conn, a.slug).get(other)
        if their_story is not None and their_story != a.story:
            problems.append((str(p.path), f"slug {excerpt(a.slug)} is used in {excerpt(other)} by another "
                                          "story; a slug shared by both languages must name one story"))
        stored_slug = store.lookup_story_lang(conn, a.story, a.lang) if conn else None
        if stored_slug and stored_slug != a.slug and (a.lang, stored_slug) not in by_key:
            problems.append((str(p.path), f"story {excerpt(a.story)} already has a {excerpt(a.lang)} "
                                          f"version stored as {excerpt(stored_slug)}"))
    if problems:
        raise ImportRefused(problems, [] if strict else content_warnings(parsed))
    return parsed


def import_paths(conn: sqlite3.Connection, paths: Iterable[Path | str],
                 image_hosts: Iterable[str] = (), strict: bool = False,
                 progress: Progress | None = None) -> list[Parsed]:
    """Check everything, then write everything in one transaction; raise ImportRefused."""
    parsed = check_paths(conn, paths, image_hosts, strict, progress)
    write(conn, parsed)
    return parsed


def write(conn: sqlite3.Connection, parsed: list[Parsed]) -> None:
    """Write checked articles (and their pictures) in one transaction: all or nothing."""
    with store.transaction(conn):
        stories = store.release_stories(conn, [(p.article.lang, p.article.slug) for p in parsed])
        for p in parsed:
            if p.image:
                store.put_media(conn, p.image.name, p.image.type, p.image.data)
            try:
                store.upsert(conn, p.article, p.indexed)
            except sqlite3.IntegrityError as e:
                raise ImportRefused([(str(p.path), f"conflicts with a stored article ({e}); "
                                                   "import the story's files together")]) from e
        # A re-import may move an article to another story: refresh the old one too.
        store.refresh_listing(conn, stories | {p.article.story for p in parsed})
        store.refresh_sections(conn)
