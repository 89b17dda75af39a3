"""Feeds in: RSS 2.0, RSS 1.0 and Atom (read by feedparser) from files or http(s) URLs, each entry
made into an article through the same checks, sanitiser and content checks as Markdown files;
all or nothing per run, and idempotent (an entry's GUID gives it a stable slug and story, so
importing a feed again updates its articles, never duplicates them)."""

from __future__ import annotations

import calendar
import hashlib
import re
import sqlite3
import urllib.error
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import feedparser
from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException
from feedparser.urls import resolve_relative_uris

from . import store
from .importer import ImportRefused, Invalid, Parsed, Progress, build, check_parsed, write
from .languages import CODES
from .sanitize import TooComplex, check_limits, clean, excerpt, text_of

MAX_FEED_BYTES = 10 * 1024 * 1024
Checked = tuple[list[Parsed], list[tuple[str, str]]]  # the articles, and (where, warning)
FETCH_TIMEOUT = 30
SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*\Z")


@dataclass(frozen=True)
class Source:
    label: str  # the file or URL, as the reader of the command's output knows it
    data: bytes


def read_source(source: str) -> Source:
    """A feed's bytes from a file or an http(s) URL, at most MAX_FEED_BYTES; raise Invalid."""
    scheme = urlsplit(source).scheme.lower()
    if scheme in ("http", "https"):
        request = urllib.request.Request(source, headers={"User-Agent": "reader feed import"})
        try:
            with urllib.request.urlopen(request, timeout=FETCH_TIMEOUT) as response:  # noqa: S310
                data = response.read(MAX_FEED_BYTES + 1)
        except urllib.error.HTTPError as e:
            e.close()
            raise Invalid(f"cannot fetch the feed (HTTP {e.code})") from e
        except (OSError, ValueError) as e:
            raise Invalid(f"cannot fetch the feed ({excerpt(str(e), 120)})") from e
    elif scheme and len(scheme) > 1:
        raise Invalid(f"a feed is a file or an http(s) URL, got {excerpt(source)}")
    else:
        try:
            with Path(source).open("rb") as f:
                data = f.read(MAX_FEED_BYTES + 1)
        except OSError as e:
            raise Invalid(f"cannot read the feed ({e.strerror})") from e
    if len(data) > MAX_FEED_BYTES:
        raise Invalid(f"the feed is larger than {MAX_FEED_BYTES // 1024 // 1024} MB")
    return Source(source, data)


def _language(*candidates: object) -> str | None:
    for value in candidates:
        if isinstance(value, str) and value.strip():
            primary = value.strip().replace("_", "-").split("-")[0].lower()
            if primary in CODES:
                return primary
    return None


def _when(parsed: Any) -> datetime | None:
    """feedparser gives dates as UTC struct_time (the zone applied)."""
    if not parsed:
        return None
    return datetime.fromtimestamp(calendar.timegm(parsed), UTC)


def _plain(value: object) -> str:
    return " ".join(text_of(str(clean(str(value)))).split()) if value else ""


def _slug_and_story(entry: Any) -> tuple[str, str]:
    """Stable across imports: from the entry's GUID (else its link): the link's last segment when it
    reads like a slug, else a hash."""
    key = str(entry.get("id") or entry.get("link") or "")
    if not key:
        raise Invalid("the entry has neither a GUID nor a link, so it could not be updated later")
    segment = urlsplit(str(entry.get("link") or "")).path.rstrip("/").rsplit("/", 1)[-1].lower()
    segment = re.sub(r"\.(html?|php|aspx?)$", "", segment)
    digest = hashlib.sha256(key.encode()).hexdigest()
    slug = segment if SLUG.match(segment) and 3 <= len(segment) <= 80 else f"item-{digest[:16]}"
    return slug, f"feed-{digest[:24]}"


MEDIA = "{http://search.yahoo.com/mrss/}"
ATOM = "{http://www.w3.org/2005/Atom}"


@dataclass(frozen=True)
class Raw:
    """What feedparser folds together, read from the feed's XML itself: an item's own summary and
    its picture's description (Media RSS), which feedparser writes over the summary."""

    summary: str
    alt: str


def raw_items(data: bytes) -> list[Raw]:
    """Per item or entry, in order; empty when the XML is not well formed (feedparser is lenient,
    this is not) — then pictures have no alt text and are left out, said as a warning."""
    try:
        root = ElementTree.fromstring(data, forbid_dtd=True)
    except (ElementTree.ParseError, DefusedXmlException, ValueError):
        return []
    items = [e for e in root.iter() if e.tag in ("item", f"{ATOM}entry")
             or e.tag.endswith("}item")]  # RSS 2.0, Atom, RSS 1.0 (in the RDF namespace)
    found = []
    for item in items:
        own = next((c for c in item if c.tag in ("description", f"{ATOM}summary")
                    or c.tag.endswith("}description") and not c.tag.startswith(MEDIA)), None)
        media = next((m for m in item.iter() if m.tag in (f"{MEDIA}description", f"{MEDIA}title")), None)
        found.append(Raw("".join(own.itertext()) if own is not None else "",
                         "".join(media.itertext()) if media is not None else ""))
    return found


def _image(entry: Any, raw: Raw | None, image_hosts: frozenset[str],
           warnings: list[str]) -> dict[str, str] | None:
    """The entry's picture (Media RSS or an image enclosure), only with alt text."""
    candidates = [m for m in entry.get("media_content", []) if str(m.get("medium", "image")) == "image"
                  or str(m.get("type", "")).startswith("image/")]
    candidates += [e for e in entry.get("enclosures", []) if str(e.get("type", "")).startswith("image/")]
    if not candidates:
        return None
    src = str(candidates[0].get("url") or candidates[0].get("href") or "")
    alt = _plain(raw.alt) if raw else ""
    if not alt:
        warnings.append("the feed gives its picture no description (alt text): imported without it")
        return None
    url = urlsplit(src)
    if url.scheme != "https":
        warnings.append("its picture is not an https address: imported without it")
        return None
    if (url.hostname or "") not in image_hosts:
        # Readers' browsers would ask that host for it: only hosts the operator allowed.
        warnings.append(f"its picture's host {excerpt(url.hostname or '')} is not in READER_IMAGE_HOSTS: "
                        "imported without it")
        return None
    caption = _plain(entry.get("media_credit", [{}])[0].get("content") if entry.get("media_credit") else "")
    return {"src": src, "alt": alt, **({"credit": caption} if caption else {})}


def parse_entry(entry: Any, raw: Raw | None, feed_lang: str | None, option_lang: str | None,
                section: str | None, declared: set[str], image_hosts: frozenset[str],
                label: str, feed_link: str = "") -> tuple[Parsed, list[str]]:
    """One entry as an article (through build: the same checks as a file); its warnings."""
    warnings: list[str] = []
    content = entry.get("content") or []
    own_summary = raw.summary if raw is not None else str(entry.get("summary", ""))
    body_raw = str(content[0].get("value", "")) if content else ""
    if not body_raw.strip():  # a feed of summaries only: the summary is the story
        body_raw, content = own_summary, []
    lang = option_lang or _language(content[0].get("language") if content else None,
                                    entry.get("title_detail", {}).get("language"), feed_lang)
    if lang is None:
        raise Invalid("the feed does not say its language (hy or en): pass --lang")
    slug, story = _slug_and_story(entry)
    # dict.get: feedparser's own lookup of a missing "updated" falls back to "published" (with a
    # deprecation warning); each is read for what it is.
    updated = _when(dict.get(entry, "updated_parsed"))
    published = _when(dict.get(entry, "published_parsed")) or updated
    if published is None:
        raise Invalid("the entry has no date")
    title = _plain(entry.get("title"))
    summary = _plain(own_summary) if content else ""
    try:
        check_limits(body_raw)
        # Links relative to the publisher's page lead there, not to this site.
        base = str(entry.get("link") or feed_link or "")
        if base.startswith(("http://", "https://")):
            body_raw = resolve_relative_uris(body_raw, base, "utf-8", "text/html")
        body_html = str(clean(body_raw))
    except TooComplex as e:
        raise Invalid(str(e)) from e
    if not summary:
        words = text_of(body_html).split()
        summary = " ".join(words[:40]) + (" …" if len(words) > 40 else "")
    # Categories name sections by their slugs (or names that slugify to them).
    tags = [re.sub(r"[^a-z0-9]+", "-", str(t.get("term", "")).lower()).strip("-")
            for t in entry.get("tags", [])]
    meta: dict[str, Any] = {
        "slug": slug, "lang": lang, "story": story, "title": title, "summary": summary[:1000],
        "published": published, "updated": updated if updated and updated > published else None,
        "authors": [a.get("name") for a in entry.get("authors", []) if a.get("name")] or None,
        "section": next((t for t in tags if t in declared), section),
    }
    image = _image(entry, raw, image_hosts, warnings)
    if image is not None:
        meta["image"] = image
    meta = {k: v for k, v in meta.items() if v is not None}
    parsed = build(meta, (body_html, []), Path(label), image_hosts)
    return parsed, warnings


def check_feeds(conn: sqlite3.Connection | None, sources: Iterable[str], lang: str | None = None,
                section: str | None = None, image_hosts: Iterable[str] = (),
                strict: bool = False, progress: Progress | None = None) -> Checked:
    """Read and check every entry of every feed; (the articles, the warnings); raise ImportRefused."""
    hosts = frozenset(h.strip().lower() for h in image_hosts if h.strip())
    declared = {s.slug for s in store.declared_sections(conn)} if conn is not None else set()
    results: list[tuple[str, Parsed | str]] = []
    warnings: list[tuple[str, str]] = []
    sources = list(sources)
    for done, source in enumerate(sources, start=1):
        if progress is not None:
            progress(done - 1, len(sources))
        try:
            feed = read_source(source)
            parsed_feed = feedparser.parse(feed.data, sanitize_html=False, resolve_relative_uris=False)
            if not parsed_feed.entries:
                problem = parsed_feed.get("bozo_exception")
                raise Invalid("not a feed, or a feed without entries"
                              + (f" ({excerpt(str(problem), 120)})" if problem else ""))
        except Invalid as e:
            results.append((source, str(e)))
            continue
        feed_lang = _language(parsed_feed.feed.get("language"),
                              parsed_feed.feed.get("title_detail", {}).get("language"))
        raws = raw_items(feed.data)
        if len(raws) != len(parsed_feed.entries):
            raws = []
        for number, entry in enumerate(parsed_feed.entries, start=1):
            label = f"{source}#{number}"
            try:
                parsed, said = parse_entry(entry, raws[number - 1] if raws else None, feed_lang, lang,
                                           section, declared, hosts, label, parsed_feed.feed.get("link", ""))
            except Invalid as e:
                results.append((label, str(e)))
                continue
            results.append((label, parsed))
            warnings += [(label, f"[feed] {w}") for w in said]
    if not results:
        raise ImportRefused([(" ".join(sources) or ".", "no feeds named")])
    if strict and warnings:
        raise ImportRefused(warnings)
    return check_parsed(conn, results, strict), warnings


def import_feeds(conn: sqlite3.Connection, sources: Iterable[str], lang: str | None = None,
                 section: str | None = None, image_hosts: Iterable[str] = (),
                 strict: bool = False, progress: Progress | None = None) -> Checked:
    """Check everything, then write everything in one transaction; raise ImportRefused."""
    parsed, warnings = check_feeds(conn, list(sources), lang, section, image_hosts, strict, progress)
    write(conn, parsed)
    return parsed, warnings
