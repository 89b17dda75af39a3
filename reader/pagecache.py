"""A rendered-page cache in front of the app: repeat requests for the same page are answered from
memory without rendering. Entries last a short time and are dropped whenever the database file
changes (an import), so readers never see a page older than the content.

Memory is bounded whatever the traffic: the key is built from normalised values only (the path,
the query parameters the pages use, valid preference values, the chosen encoding, the checked
host), requests that carry anything else pass straight to the app, and every byte an entry holds
(key, headers, body, bookkeeping) counts against the limit, with a cap on the number of entries."""

from __future__ import annotations

import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from werkzeug.datastructures import Accept
from werkzeug.http import parse_accept_header, parse_etags
from werkzeug.sansio.http import parse_cookie

from . import prefs
from .caching import LANGUAGE_PREFIXES, PAGE_CACHEABLE, choose_encoding

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


@dataclass(frozen=True)
class Entry:
    expires: float
    status: str
    headers: list[tuple[str, str]]
    body: bytes
    etag: str | None
    size: int


def entry_size(key: Key, status: str, headers: list[tuple[str, str]], body: bytes) -> int:
    strings = sum(len(p) for p in key) + len(status) + sum(len(n) + len(v) for n, v in headers)
    return max(MIN_ENTRY, ENTRY_OVERHEAD + len(body) + 2 * strings)


class PageCache:
    """WSGI middleware caching whole responses of the interface languages' pages."""

    def __init__(self, app: WSGIApp, database: str, ttl: float, max_bytes: int,
                 query_params: Iterable[str], host_matters: bool = True) -> None:
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

    def _database_generation(self) -> tuple[int, int]:
        try:
            st = os.stat(self.database)
        except OSError:
            return (0, 0)
        return (st.st_mtime_ns, st.st_size)

    def key(self, environ: Environ) -> Key | None:
        """The page's key, from normalised values only; None: serve without the cache."""
        path = environ.get("PATH_INFO", "")
        query = environ.get("QUERY_STRING", "")
        if (environ.get("REQUEST_METHOD") not in ("GET", "HEAD") or not path.startswith(LANGUAGE_PREFIXES)
                or len(path) > MAX_PATH or len(query) > MAX_QUERY):
            return None
        params = parse_qsl(query, keep_blank_values=True)
        names = [name for name, _ in params]
        if len(set(names)) != len(names) or not self.query_params.issuperset(names):
            return None  # parameters no page reads: not part of any page, not worth a slot
        cookie = environ.get("HTTP_COOKIE", "")
        accept = environ.get("HTTP_ACCEPT_ENCODING", "")
        if len(cookie) > 4 * MAX_HEADER or len(accept) > MAX_HEADER:
            return None
        # Only the cookies that change a page are part of the key, and only valid values.
        # Parsed as Flask's request.cookies parses them (bytes that are not UTF-8 stay latin-1
        # characters, never an error), so the key says what the page will see.
        chosen = prefs.from_cookies(parse_cookie(cookie)).key()
        encoding = choose_encoding(parse_accept_header(accept, Accept)) or ""
        host = environ.get("HTTP_HOST", "") if self.host_matters else ""
        scheme = environ.get("wsgi.url_scheme", "") if self.host_matters else ""
        return (path, *(f"{n}={v}" for n, v in sorted(params)), "|", *chosen, encoding, host, scheme)

    def _lookup(self, key: Key) -> Entry | None:
        generation = self._database_generation()
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

    def _fill(self, key: Key, environ: Environ) -> Entry:
        """Render the page (as a GET, with no validator, so the stored body is whole) and keep
        it if the app's caching policy says it is the same for every reader with this key."""
        captured: dict[str, Any] = {}
        generation = self._database_generation()
        inner = dict(environ, REQUEST_METHOD="GET", HTTP_IF_NONE_MATCH="")
        inner.pop(PAGE_CACHEABLE, None)
        chunks = self.app(inner, lambda s, h, e=None: captured.update(status=s, headers=h))
        try:
            body = b"".join(chunks)
        finally:
            close = getattr(chunks, "close", None)
            if close is not None:
                close()
        status, headers = captured["status"], captured["headers"]
        etag = next((v for n, v in headers if n.lower() == "etag"), None)
        size = entry_size(key, status, headers, body)
        entry = Entry(time.monotonic() + self.ttl, status, headers, body, etag, size)
        if inner.get(PAGE_CACHEABLE) and size <= self.max_bytes // 4:
            self._store(key, entry, generation)
        return entry

    def _store(self, key: Key, entry: Entry, generation: tuple[int, int]) -> None:
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
