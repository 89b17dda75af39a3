"""The page cache in front of the app, in two tiers:

1. in memory, per worker: whole responses by key, for the pages read again and again (a page
   from the database is kept from its second read, so a spread over the archive does not push
   the pages readers come back to out of memory);
2. in the database, shared by every worker and every server that reads the file: the prepared
   pages (reader.prepared) of every article, home and section page, so the long tail of the archive
   is served without rendering too. A page missing there is prepared at its first read.

Readers never see a page that lags the content by more than CHECK_SECONDS (or the time a shared
cache may keep a page, if shorter): the database's triggers forget the prepared pages of whatever an
import changes, in the same transaction, and count an edition; each worker empties its memory when
the edition (or the file) changes, which it looks at that often (and at once after a change made by
its own process). Memory entries last at most the time a shared cache may keep a page.

Memory is bounded whatever the traffic: the key is built from normalised values only (the path,
the query parameters the pages use, valid preference values, the chosen encoding, the checked
host), requests that carry anything else pass straight to the app, and every byte an entry holds
(key, headers, body, bookkeeping) counts against the limit, with a cap on the number of entries.
Only the addresses of real pages (a 200) are kept in the database."""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
import zlib
from collections import OrderedDict
from collections.abc import Callable, Iterable
from itertools import chain
from typing import Any, NamedTuple
from urllib.parse import parse_qsl

from werkzeug.datastructures import Accept
from werkzeug.http import parse_accept_header, parse_etags
from werkzeug.sansio.http import parse_cookie

from . import prefs, prepared, store
from .caching import (
    LANGUAGE_PREFIXES,
    PAGE_CACHEABLE,
    body_tag,
    cache_control,
    encode,
)
from .prefs import Prefs

Environ = dict[str, Any]
StartResponse = Callable[..., Any]
WSGIApp = Callable[[Environ, StartResponse], Iterable[bytes]]
Key = tuple[str, ...]

# Requests longer than these are real but rare (or hostile): served, never stored.
MAX_PATH = 512
MAX_QUERY = 1024
MAX_HEADER = 1024
# What an entry costs besides its strings (the tuple, the dict slot, the OrderedDict link).
ENTRY_OVERHEAD = 600
# An entry is never smaller than this in the count, so the number of entries is bounded too.
MIN_ENTRY = 2048
# Header values already parsed (cookies, Accept-Encoding): real traffic repeats a few; the memo is
# emptied when it holds this many.
MEMO = 512
# Prepared pages waiting to be written to the database: written together, at most this many or
# after this long, in one short transaction (never waiting long for the lock).
BATCH_PAGES = 64
BATCH_SECONDS = 0.5
WRITE_WAIT_MS = 50
# What a typical page's entry costs in memory: for how many keys `_read_before` keeps a mark.
READ_ONCE_PAGE = 6 * 1024
# The database cache of each worker's connection (KB).
READ_CACHE_KB = 8 * 1024
# How often a worker looks at the database file for a change made by another process (an import,
# a new edition copied over it): a change made in this process is seen at its next request.
CHECK_SECONDS = 0.05
# The Cache-Control of a page with a reader's preferences.
PERSONAL = cache_control(True, 0)


class Entry(NamedTuple):
    """A response as the memory tier keeps it (a tuple: made on every read from the database)."""

    expires: float
    status: str
    headers: list[tuple[str, str]]
    body: bytes
    etag: str | None
    size: int


def entry_size(key: Key, status: str, headers: list[tuple[str, str]], body: bytes) -> int:
    strings = len("".join(key)) + len(status) + len("".join(chain.from_iterable(headers)))
    return max(MIN_ENTRY, ENTRY_OVERHEAD + len(body) + 2 * strings)


class Rendered(NamedTuple):
    """A page rendered with marks where preferences go: what any reader's response is made of."""

    status: str
    headers: list[tuple[str, str]]  # without the body's own (length, encoding, validator)
    etag: str  # of the anonymous body
    br: bytes  # the anonymous body, brotli
    parts: bytes  # the body in runs between its holes (prepared.pack)
    anonymous: bytes | None = None  # the anonymous body, when at hand

    def identity(self) -> bytes:
        """The anonymous body, uncompressed (a page read from the database for a response that
        needs this was read with its parts: `respond` sends the brotli bytes as they are)."""
        if self.anonymous is not None:
            return self.anonymous
        return zlib.decompress(prepared.stream_of(self.parts), wbits=31)


BODY_HEADERS = ("content-length", "content-encoding", "etag")


def accepted(header: str) -> str:
    """What a client's Accept-Encoding allows, as the page cache's key and `respond` read it:
    "br+gzip", "br", "gzip" or ""."""
    accept = parse_accept_header(header, Accept)
    return "+".join(name for name in ("br", "gzip") if accept[name])


def respond(page: Rendered, chosen: Prefs, accepts: str) -> tuple[list[tuple[str, str]], bytes, str]:
    """(headers, body, etag) of a prepared page for a reader with these preferences whose client
    accepts these encodings. Anonymous: the kept brotli bytes, as a fresh render sends them. With
    preferences: gzip put together from the packed runs (prepared.compose), with no compression
    per request, and a validator naming the choices."""
    personal = chosen.personal
    tag = f"{page.etag}.{chosen.variant}" if personal else page.etag
    if not personal and "br" in accepts:
        encoding, body = "br", page.br
    elif "gzip" in accepts:
        encoding, body = "gzip", prepared.compose(page.parts, chosen)
    else:
        identity = page.identity()
        if personal:
            identity = prepared.refill(identity, prepared.holes_of(page.parts), chosen)
        encoding, body = ("br", encode(identity, "br", shared=False)) if accepts else ("", identity)
    etag = f'"{tag}-{encoding}"' if encoding else f'"{tag}"'
    if personal:
        headers = [(n, PERSONAL if n.lower() == "cache-control" else v) for n, v in page.headers]
    else:
        headers = page.headers.copy()
    headers.append(("ETag", etag))
    if encoding:
        headers.append(("Content-Encoding", encoding))
    headers.append(("Content-Length", str(len(body))))
    return headers, body, etag


class PageCache:
    """WSGI middleware answering the interface languages' pages from memory, else from the
    prepared pages in the database, else by rendering them (and keeping them)."""

    def __init__(self, app: WSGIApp, database: str, ttl: float, max_bytes: int,
                 query_params: Iterable[str], host_matters: bool = True,
                 build: Callable[[], str] | None = None, writable: bool = True) -> None:
        self.app = app
        self.database = database
        self.ttl = ttl
        self.max_bytes = max_bytes
        self.query_params = frozenset(query_params)
        # With READER_SITE_URL, pages do not depend on the Host the request named.
        self.host_matters = host_matters
        self.bytes = 0
        self.entries: OrderedDict[Key, Entry] = OrderedDict()
        self.generation: tuple[int, int] | None = None
        self.lock = threading.Lock()
        # The database tier: only when pages do not depend on the Host (their address is the path).
        self.build_of = build if not host_matters else None
        self._build: str | None = None
        self.writable = writable
        self.seen_file: tuple[int, int, int] | None = None
        self.next_check = 0.0
        self.seen_writes = -1
        self.check_every = min(CHECK_SECONDS, ttl)
        self.local = threading.local()
        self.cookie_memo: dict[str, Prefs] = {}
        self.accept_memo: dict[str, str] = {}
        self.headers_memo: dict[str, list[tuple[str, str]]] = {}
        # Keys read once from the database (`_read_before`): about twice as many as memory holds.
        self.read_once: set[int] = set()
        self.read_once_limit = max(MEMO, 2 * max_bytes // READ_ONCE_PAGE)
        self.pending: list[store.PreparedRow] = []
        self.pending_edition: int | None = None
        self.pending_since = 0.0
        self.write_lock = threading.Lock()
        # Preparing ahead (the CLI) waits for the database's lock; a server never waits long.
        self.patient = False

    # --- the key --------------------------------------------------------------------------

    def prefs_of(self, cookie: str) -> Prefs:
        # Parsed as Flask's request.cookies parses them (bytes that are not UTF-8 stay latin-1
        # characters, never an error), so the key says what the page will see.
        found = self.cookie_memo.get(cookie)
        if found is None:
            found = prefs.from_cookies(parse_cookie(cookie))
            if len(self.cookie_memo) >= MEMO:
                self.cookie_memo.clear()
            self.cookie_memo[cookie] = found
        return found

    def encoding_of(self, accept: str) -> str:
        found = self.accept_memo.get(accept)
        if found is None:
            found = accepted(accept)
            if len(self.accept_memo) >= MEMO:
                self.accept_memo.clear()
            self.accept_memo[accept] = found
        return found

    def key(self, environ: Environ) -> Key | None:
        """The page's key, from normalised values only; None: serve without the cache."""
        path = environ.get("PATH_INFO", "")
        query = environ.get("QUERY_STRING", "")
        if (environ.get("REQUEST_METHOD") not in ("GET", "HEAD") or not path.startswith(LANGUAGE_PREFIXES)
                or len(path) > MAX_PATH or len(query) > MAX_QUERY):
            return None
        params: list[str] = []
        if query:
            pairs = parse_qsl(query, keep_blank_values=True)
            names = [name for name, _ in pairs]
            if len(set(names)) != len(names) or not self.query_params.issuperset(names):
                return None  # parameters no page reads: not part of any page, not worth a slot
            params = sorted(f"{n}={v}" for n, v in pairs)
        cookie = environ.get("HTTP_COOKIE", "")
        accept = environ.get("HTTP_ACCEPT_ENCODING", "")
        if len(cookie) > 4 * MAX_HEADER or len(accept) > MAX_HEADER:
            return None
        # Only the cookies that change a page are part of the key, and only valid values.
        chosen = (self.prefs_of(cookie) if cookie else prepared.ANONYMOUS).key
        encoding = self.encoding_of(accept) if accept else ""
        host = environ.get("HTTP_HOST", "") if self.host_matters else ""
        scheme = environ.get("wsgi.url_scheme", "") if self.host_matters else ""
        return (path, *params, "|", *chosen, encoding, host, scheme)

    # --- the memory tier ------------------------------------------------------------------

    def _connection(self) -> Any:
        """This thread's connection to the database (reopened when the file is replaced)."""
        conn = getattr(self.local, "conn", None)
        inode = getattr(self.local, "inode", None)
        if conn is None or (self.seen_file is not None and inode != self.seen_file[0]):
            if conn is not None:
                conn.close()
            # Never made here: a missing file is the operator's to create (every request says so).
            conn = store.connect(self.database, readonly=not self.writable, existing=True)
            # Room for the prepared pages' index: a page of a 100,000-article edition (150,000
            # pages) is found and read in 13 µs with 8 MB as with 32 MB, and a worker is 24 MB
            # smaller (measured over a uniform spread, the file in the system's cache).
            conn.execute(f"PRAGMA cache_size = -{READ_CACHE_KB}")
            conn.row_factory = None  # plain tuples: its reads take columns by place
            self.local.conn = conn
            self.local.inode = self.seen_file[0] if self.seen_file else None
        return conn

    def _generation(self) -> tuple[int, int]:
        """(file, edition): what the pages in memory were made from. The file is looked at once in
        `check_every` (sooner after a write by this process), and the edition read only when the
        file changed: most requests cost no system call."""
        now, writes = time.monotonic(), store.writes()
        if now < self.next_check and writes == self.seen_writes and self.generation is not None:
            return self.generation
        self.next_check, self.seen_writes = now + self.check_every, writes
        try:
            st = os.stat(self.database)
        except OSError:
            return (0, 0)
        seen = (st.st_ino, st.st_mtime_ns, st.st_size)
        if seen == self.seen_file and self.generation is not None:
            return self.generation
        self.seen_file = seen
        try:
            edition = store.edition(self._connection())
        except Exception:  # not (yet) a reader database: whatever it is, it changed
            edition = -st.st_mtime_ns
        return (st.st_ino, edition)

    def _lookup(self, key: Key) -> Entry | None:
        generation = self._generation()
        with self.lock:
            if generation != self.generation:
                self.entries.clear()
                self.bytes = 0
                self.generation = generation
            entry = self.entries.get(key)
            if entry is None or entry.expires < time.monotonic():
                return None
            self.entries.move_to_end(key)
            return entry

    def __call__(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        key = self.key(environ)
        if key is None:
            return self.app(environ, start_response)
        entry = self._lookup(key)
        if entry is None:
            entry = self._fill(key, environ)
        return _send(entry, environ, start_response)

    def _store(self, key: Key, entry: Entry, generation: tuple[int, int] | None) -> None:
        with self.lock:
            # Not if an import changed the database while the page was being rendered.
            if generation != self.generation:
                return
            old = self.entries.pop(key, None)
            self.bytes += entry.size - (old.size if old else 0)
            self.entries[key] = entry
            # Least recently used pages go first when the cache is full.
            while self.bytes > self.max_bytes and self.entries:
                self.bytes -= self.entries.popitem(last=False)[1].size

    def _keep(self, key: Key, status: str, headers: list[tuple[str, str]], body: bytes, etag: str | None,
              generation: tuple[int, int] | None, expires: float | None = None, admit: bool = True) -> Entry:
        size = entry_size(key, status, headers, body) if admit else 0
        ttl = self.ttl if expires is None else min(self.ttl, max(0.0, expires - time.time()))
        entry = Entry(time.monotonic() + ttl, status, headers, body, etag, size)
        if admit and size <= self.max_bytes // 4:
            self._store(key, entry, generation)
        return entry

    def _read_before(self, key: Key) -> bool:
        """Was this key read from the database recently? Only such pages are kept in memory: a page
        read once (most of a spread over the archive) would push out pages read again and again,
        and reading it again costs a query, not a render. A page kept once and pushed out since is
        kept again at its next read. The memory of keys is bounded: a set of hashes (a collision
        only keeps a page early), emptied when full."""
        mark = hash(key)
        if mark in self.read_once:
            return True
        if len(self.read_once) >= self.read_once_limit:
            self.read_once.clear()
        self.read_once.add(mark)
        return False

    # --- filling: from the database, or by rendering ---------------------------------------

    def _fill(self, key: Key, environ: Environ) -> Entry:
        generation = self.generation
        where = None
        if self.build_of is not None:
            where = prepared.address(environ.get("PATH_INFO", ""), environ.get("QUERY_STRING", ""))
        if where is not None:
            chosen = self.prefs_of(environ.get("HTTP_COOKIE", ""))
            encoding = self.encoding_of(environ.get("HTTP_ACCEPT_ENCODING", ""))
            page, expires = self._prepared(where, environ, generation,
                                           brotli=not chosen.personal and "br" in encoding)
            if page is not None:
                headers, body, etag = respond(page, chosen, encoding)
                # Rendered just now (its anonymous body at hand): kept; read from the database:
                # kept from its second read.
                rendered = page.anonymous is not None
                return self._keep(key, page.status, headers, body, etag, generation, expires,
                                  admit=rendered or self._read_before(key))
        return self._render(key, environ, generation)

    def _headers(self, raw: str) -> list[tuple[str, str]]:
        """Prepared pages' headers, decoded once per worker (most pages share theirs)."""
        found = self.headers_memo.get(raw)
        if found is None:
            found = [(str(n), str(v)) for n, v in json.loads(raw)]
            if len(self.headers_memo) >= MEMO:
                self.headers_memo.clear()
            self.headers_memo[raw] = found
        return found

    def build(self) -> str:
        if self._build is None:
            assert self.build_of is not None
            self._build = self.build_of()
        return self._build

    def _prepared(self, where: str, environ: Environ, generation: tuple[int, int] | None,
                  brotli: bool) -> tuple[Rendered | None, float | None]:
        """The page at this address from the database (with its brotli body or its parts, as
        `brotli` says the response needs), else rendered with its holes (and kept there); None if
        it is not a page to keep (not a 200, or a response for one reader)."""
        row = None
        try:
            row = store.prepared_page(self._connection(), where, self.build(), brotli)
        except Exception:  # an unreadable or older database: render as without this tier
            return None, None
        if row is not None and (row.expires is None or row.expires > time.time()):
            page = Rendered("200 OK", self._headers(row.headers), row.etag, row.br, row.parts)
            return page, row.expires
        inner = dict(environ, REQUEST_METHOD="GET", HTTP_IF_NONE_MATCH="", HTTP_COOKIE="",
                     HTTP_ACCEPT_ENCODING="")
        for name in (PAGE_CACHEABLE, prepared.TOPICS, prepared.EXPIRES):
            inner.pop(name, None)
        nonce = prepared.new_nonce()
        inner[prepared.PREPARE] = nonce
        status, headers, body = _call(self.app, inner)
        parts = prepared.split(body, nonce)
        if not inner.get(PAGE_CACHEABLE) or parts is None:
            return None, None
        text, holes = parts
        headers = [(n, v) for n, v in headers if n.lower() not in BODY_HEADERS]
        anonymous = prepared.fill(text, holes, prepared.ANONYMOUS)
        page = Rendered(status, headers, body_tag(anonymous), encode(anonymous, "br", shared=True),
                        prepared.pack(text, holes), anonymous)
        expires = inner.get(prepared.EXPIRES)
        if status.startswith("200 ") and generation is not None and generation[1] >= 0:
            self._queue(store.PreparedRow(
                where, expires, json.dumps(headers), page.etag, page.br, page.parts,
                tuple(dict.fromkeys(inner.get(prepared.TOPICS, ())))), generation[1])
        return page, expires

    def _queue(self, row: store.PreparedRow, edition: int) -> None:
        """Keep a prepared page in the database, with others rendered at the same edition."""
        if not self.writable:
            return
        batch: list[store.PreparedRow] = []
        with self.write_lock:
            if self.pending_edition != edition:
                self.pending, self.pending_edition = [], edition
            if not self.pending:
                self.pending_since = time.monotonic()
            self.pending.append(row)
            if len(self.pending) >= BATCH_PAGES or time.monotonic() - self.pending_since >= BATCH_SECONDS:
                batch, self.pending = self.pending, []
            if batch:
                self._write(batch, edition, wait=self.patient)

    def _write(self, batch: list[store.PreparedRow], edition: int, wait: bool) -> None:
        """Keep the batch (unless the database changed since `edition`). While serving, a database
        that is locked (an import), read-only after all, or full keeps none: the pages are
        prepared again later; `wait` (the CLI) waits longer and fails loudly instead."""
        conn = getattr(self.local, "writer", None)
        try:
            if conn is None:
                conn = store.connect(self.database, existing=True)
                self.local.writer = conn
            conn.execute(f"PRAGMA busy_timeout = {5000 if wait else WRITE_WAIT_MS}")
            store.put_prepared(conn, self.build(), batch, seen_edition=edition)
        except sqlite3.Error:
            if wait:
                raise

    def flush(self) -> None:
        """Write the prepared pages waiting in memory now (the CLI and the tests); none is kept if
        the database changed since they were rendered."""
        with self.write_lock:
            batch, self.pending = self.pending, []
            if batch and self.pending_edition is not None:
                self._write(batch, self.pending_edition, wait=True)

    def _render(self, key: Key, environ: Environ, generation: tuple[int, int] | None) -> Entry:
        """Render the page (as a GET, with no validator, so the stored body is whole) and keep
        it if the app's caching policy says it is the same for every reader with this key."""
        inner = dict(environ, REQUEST_METHOD="GET", HTTP_IF_NONE_MATCH="")
        inner.pop(PAGE_CACHEABLE, None)
        status, headers, body = _call(self.app, inner)
        etag = next((v for n, v in headers if n.lower() == "etag"), None)
        if inner.get(PAGE_CACHEABLE):
            return self._keep(key, status, headers, body, etag, generation)
        size = entry_size(key, status, headers, body)
        return Entry(time.monotonic() + self.ttl, status, headers, body, etag, size)


def _call(app: WSGIApp, environ: Environ) -> tuple[str, list[tuple[str, str]], bytes]:
    """Run the app on this request; (status, headers, whole body), the iterable closed."""
    captured: dict[str, Any] = {}
    chunks = app(environ, lambda s, h, e=None: captured.update(status=s, headers=h))
    try:
        body = b"".join(chunks)
    finally:
        close = getattr(chunks, "close", None)
        if close is not None:
            close()
    return captured["status"], list(captured["headers"]), body


def _send(entry: Entry, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
    if _matches(entry, environ):
        start_response("304 Not Modified", [h for h in entry.headers if h[0].lower() not in
                                            ("content-length", "content-encoding")])
        return [b""]
    start_response(entry.status, entry.headers)
    return [b""] if environ["REQUEST_METHOD"] == "HEAD" else [entry.body]


def _matches(entry: Entry, environ: Environ) -> bool:
    """Does the client's If-None-Match cover this 200 response's validator?"""
    header = environ.get("HTTP_IF_NONE_MATCH")
    if not entry.etag or not header or not entry.status.startswith("200") or len(header) > MAX_HEADER:
        return False
    return parse_etags(header).contains_raw(entry.etag)


# --- preparing pages ahead (`flask pages prepare`) ------------------------------------------


def prepare_pages(app: Any, addresses: Iterable[str]) -> list[str]:
    """Prepare these pages through the app's page cache, as a reader's first request would, and
    keep them; the addresses that did not answer 200, with their status."""
    from werkzeug.test import EnvironBuilder

    from .settings import get

    cache = app.extensions["reader.page_cache"]
    cache.patient = True
    with app.app_context():
        site = get(app).site_url
    failed = []
    for where in addresses:
        path, _, query = where.partition("?")
        # At the site's own address: a host it does not answer to would be refused.
        environ = EnvironBuilder(path=path, query_string=query, base_url=site).get_environ()
        # Each page in an application context of its own: `g` (the interface language, the
        # sections) is kept per application context, and a command runs in one.
        with app.app_context():
            status, _, _ = _call(app.wsgi_app, environ)
        if not status.startswith("200 "):
            failed.append(f"{where}: {status}")
    cache.flush()
    return failed


_PREPARING: dict[str, Any] = {}


def start_preparing(config: dict[str, Any], build: str) -> None:
    """A process of `pages prepare --jobs N`: its own app, with the command's settings, making
    pages of the command's build (else it refuses to make any)."""
    from . import create_app

    app = create_app(config)
    made = app.extensions["reader.page_cache"].build()
    if made != build:
        raise RuntimeError(f"a preparing process would make pages of build {made}, not {build}")
    _PREPARING["app"] = app


def prepare_part(addresses: list[str]) -> list[str]:
    return prepare_pages(_PREPARING["app"], addresses)
