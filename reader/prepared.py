"""Prepared pages: each article, home and section page's bytes made once per change and kept in the
database, so the whole archive is served at the speed of a static site, not only the pages one
worker happens to hold in memory.

A page is prepared by rendering it once, anonymously, with a mark where a reader's preferences
change it (the classes on <html> and the checked option of each choice; see prefs.Holes). What is
stored: the anonymous page, compressed, ready to send, and where its holes are; the page for any
set of preferences is one decompression, one join and one fast compression away. Both equal a fresh
render byte for byte (tested for every page type and a sample of preference combinations).

What keeps prepared pages true:
- the build key: a hash of the code, templates, catalogs, static files, the libraries that render
  and the settings that change pages. A page prepared by another build is never served (an upgrade
  or a changed setting prepares again);
- the topics a page shows (its story, the home list, a section's list), recorded as it renders:
  the database's triggers delete the pages of every topic a write touches, in the same transaction
  (store.SCHEMA), and every page when the sections change;
- an expiry for the pages that say how long ago something happened.

Pages are prepared when first read (when the database is writable), or all at once ahead with
`flask pages prepare` (a read-only replica then serves the publisher's). Only pages that do not
depend on the request's host are kept here: READER_SITE_URL must be set."""

from __future__ import annotations

import hashlib
import json
import re
import secrets
import struct
import zlib
from collections.abc import Iterable
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from flask import Flask, has_request_context, request
from markupsafe import Markup

from . import PACKAGE, resource
from .languages import CODES
from .prefs import PREFERENCES, Prefs
from .settings import Settings

# The environ key of a preparing render: the nonce with which the templates mark the holes.
PREPARE = "reader.prepare"
# The environ key through which a render names the topics its page shows.
TOPICS = "reader.topics"
# The environ key through which a render says its page changes with time, by when (Unix time).
EXPIRES = "reader.expires"
# The addresses kept in the database: an article, a home page or a section page (with ?page=N,
# N written plainly, from 2); anything else is served from the per-worker page cache only.
ADDRESS = re.compile(r"/(?:" + "|".join(CODES) + r")/(?:articles/[^/?]+|sections/[^/?]+)?\Z")
LIST_PAGE = re.compile(r"page=[1-9][0-9]{0,6}\Z")
# What a render marks: "class" (the classes on <html>) or "name=value" (that option's checked).
HOLE = re.compile(rb"@@([0-9a-f]{16}):([a-z0-9=_-]{1,64})@@")

# Settings that change no page's bytes, left out of the build key (so a replica with the database
# at another path serves the publisher's prepared pages).
NOT_IN_PAGES = ("database", "load_demo", "read_only", "page_cache", "page_cache_mb", "proxy_count",
                "trusted_hosts")
# The libraries whose output is in the pages.
RENDERERS = ("flask", "werkzeug", "jinja2", "markupsafe", "flask-babel", "babel", "bleach", "brotli")


def address(path: str, query: str) -> str | None:
    """The page's address in the database, or None if it is not one that is prepared."""
    if not ADDRESS.match(path):
        return None
    if not query:
        return path
    if "/articles/" not in path and LIST_PAGE.match(query) and query != "page=1":
        return f"{path}?{query}"
    return None


def build_key(app: Flask, settings: Settings) -> str:
    """What the pages' bytes are made by: code, templates, catalogs, static files, renderers and
    the settings that show in pages."""
    digest = hashlib.blake2b(digest_size=10)
    folders = [(PACKAGE, "*.py"), (Path(app.template_folder or resource("templates")), "*"),
               (Path(app.config["BABEL_TRANSLATION_DIRECTORIES"]), "*.mo"), (resource("static"), "*")]
    for folder, pattern in folders:
        for path in sorted(p for p in folder.rglob(pattern) if p.is_file()):
            digest.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes() + b"\0")
    for name in RENDERERS:
        try:
            digest.update(f"{name}={version(name)}\0".encode())
        except PackageNotFoundError:
            digest.update(f"{name}=?\0".encode())
    shown = {k: v for k, v in vars(settings).items() if k not in NOT_IN_PAGES}
    digest.update(json.dumps(shown, sort_keys=True, default=str).encode())
    return digest.hexdigest()


class Holes:
    """The `prefs` of a preparing render: marks instead of one reader's choices."""

    def __init__(self, nonce: str) -> None:
        self.nonce = nonce

    def _mark(self, hole: str) -> Markup:
        return Markup(f"@@{self.nonce}:{hole}@@")

    @property
    def classes(self) -> Markup:
        return self._mark("class")

    def checked(self, name: str, value: str) -> Markup:
        return self._mark(f"{name}={value}")


def new_nonce() -> str:
    return secrets.token_hex(8)


def known_holes() -> set[str]:
    return {"class"} | {f"{p.name}={v}" for p in PREFERENCES for v in p.values}


def split(body: bytes, nonce: str) -> tuple[bytes, list[tuple[int, str]]] | None:
    """The body without its marks, and where each hole was; None if the marks are not exactly
    what the templates make, or the body holds a zero byte (then the page is not prepared)."""
    pieces = HOLE.split(body)
    text = bytearray()
    holes: list[tuple[int, str]] = []
    known = known_holes()
    for i in range(0, len(pieces) - 1, 3):
        text += pieces[i]
        mark_nonce, hole = pieces[i + 1].decode(), pieces[i + 2].decode()
        if mark_nonce != nonce or hole not in known:
            return None
        holes.append((len(text), hole))
    text += pieces[-1]
    if [h for _, h in holes].count("class") != 1 or b"\0" in text:
        return None
    return bytes(text), holes


def _fills(prefs: Prefs) -> dict[str, bytes]:
    """What each hole holds for these preferences: the same width for every reader."""
    values = {"class": prefs.classes.encode()}
    for p in PREFERENCES:
        for v in p.values:
            values[f"{p.name}={v}"] = str(prefs.checked(p.name, v)).encode()
    return values


ANONYMOUS = Prefs({})
DEFAULT_FILLS = _fills(ANONYMOUS)


def fill(text: bytes, holes: Iterable[tuple[int, str]], prefs: Prefs) -> bytes:
    """The page for a reader with these preferences, from the page without its marks."""
    values = _fills(prefs)
    out: list[bytes] = []
    start = 0
    for offset, hole in holes:
        out.append(text[start:offset])
        out.append(values[hole])
        start = offset
    out.append(text[start:])
    return b"".join(out)


# The holes by number, in the packed parts.
HOLE_NAMES: tuple[str, ...] = tuple(sorted(known_holes()))
HOLE_NUMBER = {name: n for n, name in enumerate(HOLE_NAMES)}
# gzip's header: deflate, no name, no time (so every server makes the same bytes), unknown OS.
GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"


def pack(text: bytes, holes: list[tuple[int, str]]) -> bytes:
    """The anonymous page as gzip, made so that any reader's page is a copy with a few bytes
    changed (compose). Each run of text between two holes is compressed on its own, ending on a
    byte, and each hole's fill is a stored block (its bytes as they are) between them. A run is
    compressed with all the text before it as its dictionary, each hole in it as zero bytes:
    every hole is one width for all readers (prefs.Prefs) and a page holds no zero byte, so no
    back-reference touches a hole and every one points at the same text whatever the fills.
    Layout: hole count; per hole its number, where its bytes are in the gzip stream and in the
    page; the page's length, CRC-32 and CRC-32 of as many zero bytes; then the gzip stream."""
    cuts = [0, *(offset for offset, _ in holes), len(text)]
    runs = [text[a:b] for a, b in zip(cuts, cuts[1:], strict=False)]
    stream = bytearray(GZIP_HEADER)
    page = bytearray()
    places: list[int] = []
    for i, run in enumerate(runs):
        window = [_holes_zeroed(page, places)] if page else []
        packer = zlib.compressobj(6, zlib.DEFLATED, -15, 8, zlib.Z_DEFAULT_STRATEGY, *window)
        last = i == len(runs) - 1
        stream += packer.compress(run) + packer.flush(zlib.Z_FINISH if last else zlib.Z_SYNC_FLUSH)
        page += run
        if not last:
            fill = DEFAULT_FILLS[holes[i][1]]
            # A stored block: not the last, its length and the length's complement, the bytes.
            stream += struct.pack("<BHH", 0, len(fill), len(fill) ^ 0xFFFF)
            places += [HOLE_NUMBER[holes[i][1]], len(stream), len(page)]
            stream += fill
            page += fill
    stream += struct.pack("<II", zlib.crc32(page), len(page) & 0xFFFFFFFF)
    head = struct.pack(f"<H{len(places)}I3I", len(holes), *places, len(page), zlib.crc32(page),
                       zlib.crc32(bytes(len(page))))
    return head + bytes(stream)


def _holes_zeroed(page: bytearray, places: list[int]) -> bytes:
    """The page so far as a compressor's dictionary: the last 32 KB, every hole's bytes zeroed."""
    copy = bytearray(page)
    for i in range(0, len(places), 3):
        width = len(DEFAULT_FILLS[HOLE_NAMES[places[i]]])
        copy[places[i + 2]: places[i + 2] + width] = bytes(width)
    return bytes(copy[-32768:])


def _unpack(parts: bytes) -> tuple[tuple[int, ...], int, int, int, int]:
    """(per hole: number, place in the stream, place in the page; the page's length, its CRC-32,
    the CRC-32 of as many zeros, where the gzip stream starts)."""
    (count,) = struct.unpack_from("<H", parts, 0)
    places = struct.unpack_from(f"<{3 * count}I", parts, 2)
    length, crc, zeros = struct.unpack_from("<3I", parts, 2 + 12 * count)
    return places, length, crc, zeros, 2 + 12 * count + 12


def stream_of(parts: bytes) -> memoryview:
    """The anonymous page's gzip stream in the parts."""
    return memoryview(parts)[_unpack(parts)[4]:]


def holes_of(parts: bytes) -> list[tuple[int, str]]:
    """Where the holes are in the page without its marks."""
    places = _unpack(parts)[0]
    holes, filled = [], 0
    for i in range(0, len(places), 3):
        name = HOLE_NAMES[places[i]]
        holes.append((places[i + 2] - filled, name))
        filled += len(DEFAULT_FILLS[name])
    return holes


def compose(parts: bytes, prefs: Prefs) -> bytes:
    """The page for a reader with these preferences, gzip-compressed: the anonymous page's gzip with
    the fills that differ written over its stored blocks, and the CRC-32 made anew from the
    anonymous page's (CRC-32 is linear: the new one needs only the bytes that changed). No
    compression per request."""
    places, length, crc, zeros, at = _unpack(parts)
    stream = bytearray(memoryview(parts)[at:])
    changes = _changes(prefs)
    delta = None
    for i in range(0, len(places), 3):
        change = changes[places[i]]
        if change is not None:
            fill, xor = change
            stream[places[i + 1]: places[i + 1] + len(fill)] = fill
            if delta is None:
                delta = bytearray(length)
            delta[places[i + 2]: places[i + 2] + len(xor)] = xor
    if delta is not None:
        crc ^= zlib.crc32(delta) ^ zeros
        stream[-8:-4] = struct.pack("<I", crc)
    return bytes(stream)


_CHANGES: dict[tuple[str, ...], list[tuple[bytes, bytes] | None]] = {}


def _changes(prefs: Prefs) -> list[tuple[bytes, bytes] | None]:
    """Per hole number: None where these preferences fill it as no preference does, else (the
    fill, its XOR with the anonymous fill). Made once per set of choices."""
    key = prefs.key
    found = _CHANGES.get(key)
    if found is None:
        fills = _fills(prefs)
        found = []
        for name in HOLE_NAMES:
            fill, default = fills[name], DEFAULT_FILLS[name]
            found.append(None if fill == default else (fill, bytes(a ^ b for a, b in zip(fill, default,
                                                                                         strict=True))))
        if len(_CHANGES) >= 4096:  # every combination of choices is far fewer
            _CHANGES.clear()
        _CHANGES[key] = found
    return found


def refill(anonymous: bytes, holes: Iterable[tuple[int, str]], prefs: Prefs) -> bytes:
    """The page for a reader with these preferences, from the anonymous page (each hole holds
    what it holds for no preference)."""
    values = _fills(prefs)
    out: list[bytes] = []
    start = shift = 0
    for offset, hole in holes:
        at = offset + shift
        out.append(anonymous[start:at])
        out.append(values[hole])
        start = at + len(DEFAULT_FILLS[hole])
        shift += len(DEFAULT_FILLS[hole])
    out.append(anonymous[start:])
    return b"".join(out)


# --- what a render records ------------------------------------------------------------------


def shows(*topics: str) -> None:
    """The page being rendered shows these topics ("story:<story>", "list:home",
    "list:section:<slug>"): a write that touches one of them forgets the prepared page."""
    if has_request_context():
        request.environ.setdefault(TOPICS, []).extend(topics)


def changes_by(when: float) -> None:
    """The page being rendered says something that will no longer be true at `when` (Unix time)."""
    if not has_request_context():
        return
    current = request.environ.get(EXPIRES)
    request.environ[EXPIRES] = when if current is None else min(current, when)


def preparing() -> str | None:
    """The nonce of a preparing render, else None (templates are rendered only for requests)."""
    nonce: str | None = request.environ.get(PREPARE)  # set only by the preparer (no header reaches it)
    return nonce
