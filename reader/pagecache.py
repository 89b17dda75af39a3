"""A rendered-page cache in front of the app: repeat requests for the same page are answered from
memory without rendering. Entries last a short time and are dropped whenever the database file
changes (an import), so readers never see a page older than the content."""

from __future__ import annotations

import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from typing import Any

from werkzeug.http import parse_cookie, parse_etags

from .prefs import SIZE_COOKIE, SIZES, THEME_COOKIE, THEMES

Environ = dict[str, Any]
StartResponse = Callable[..., Any]
WSGIApp = Callable[[Environ, StartResponse], Iterable[bytes]]
Entry = tuple[float, str, list[tuple[str, str]], bytes, str | None]


class PageCache:
    """WSGI middleware caching whole responses of /hy/ and /en/ pages."""

    def __init__(self, app: WSGIApp, database: str, ttl: float,
                 max_bytes: int = 16 * 1024 * 1024) -> None:
        self.app = app
        self.database = database
        self.ttl = ttl
        self.max_bytes = max_bytes
        self.bytes = 0
        self.entries: OrderedDict[tuple[str, ...], Entry] = OrderedDict()
        self.generation: tuple[int, int] | None = None
        self.lock = threading.Lock()

    def _database_generation(self) -> tuple[int, int]:
        try:
            st = os.stat(self.database)
        except OSError:
            return (0, 0)
        return (st.st_mtime_ns, st.st_size)

    def _key(self, environ: Environ) -> tuple[str, ...] | None:
        path = environ.get("PATH_INFO", "")
        if environ.get("REQUEST_METHOD") not in ("GET", "HEAD") or not path.startswith(("/hy/", "/en/")):
            return None
        # Only the cookies that change a page are part of the key, and only valid values.
        cookies = parse_cookie(environ.get("HTTP_COOKIE", ""))
        size = cookies.get(SIZE_COOKIE)
        theme = cookies.get(THEME_COOKIE)
        return (
            path,
            environ.get("QUERY_STRING", ""),
            size if size in SIZES else "",
            theme if theme in THEMES else "",
            environ.get("HTTP_ACCEPT_ENCODING", ""),
            environ.get("HTTP_HOST", ""),
            environ.get("wsgi.url_scheme", ""),
            environ.get("HTTP_X_FORWARDED_PROTO", ""),
            environ.get("HTTP_X_FORWARDED_HOST", ""),
        )

    def _lookup(self, key: tuple[str, ...]) -> Entry | None:
        generation = self._database_generation()
        with self.lock:
            if generation != self.generation:
                self.entries.clear()
                self.bytes = 0
                self.generation = generation
            entry = self.entries.get(key)
            if entry is None or entry[0] < time.monotonic():
                return None
            self.entries.move_to_end(key)
            return entry

    def __call__(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        key = self._key(environ)
        if key is None:
            return self.app(environ, start_response)
        entry = self._lookup(key)
        if entry is None:
            entry = self._fill(key, environ)
        return _send(entry, environ, start_response)

    def _fill(self, key: tuple[str, ...], environ: Environ) -> Entry:
        """Render the page (as a GET, with no validator, so the stored body is whole) and keep
        it if it is the same for every reader with this key."""
        captured: dict[str, Any] = {}
        generation = self._database_generation()
        inner = dict(environ, REQUEST_METHOD="GET", HTTP_IF_NONE_MATCH="")
        body = b"".join(self.app(inner, lambda s, h, e=None: captured.update(status=s, headers=h)))
        status, headers = captured["status"], captured["headers"]
        names = {name.lower(): value for name, value in headers}
        entry = (time.monotonic() + self.ttl, status, headers, body, names.get("etag"))
        cacheable = (
            status[:3] in ("200", "404")
            and "set-cookie" not in names
            and "no-store" not in names.get("cache-control", "")
        )
        with self.lock:
            # Not if an import changed the database while the page was being rendered.
            if cacheable and generation == self.generation:
                old = self.entries.pop(key, None)
                self.bytes += len(body) - (len(old[3]) if old else 0)
                self.entries[key] = entry
                # Least recently used pages go first when the cache is full.
                while self.bytes > self.max_bytes and self.entries:
                    self.bytes -= len(self.entries.popitem(last=False)[1][3])
        return entry


def _send(entry: Entry, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
    _, status, headers, body, etag = entry
    if _matches(etag, status, environ):
        start_response("304 Not Modified", [h for h in headers if h[0].lower() not in
                                            ("content-length", "content-encoding")])
        return [b""]
    start_response(status, headers)
    return [b""] if environ["REQUEST_METHOD"] == "HEAD" else [body]


def _matches(etag: str | None, status: str, environ: Environ) -> bool:
    """Does the client's If-None-Match cover this 200 response's validator?"""
    header = environ.get("HTTP_IF_NONE_MATCH")
    if not etag or not header or not status.startswith("200"):
        return False
    return parse_etags(header).contains_raw(etag)
