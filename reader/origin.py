"""Where this site is: the one trusted origin for absolute URLs (canonical, alternates, feeds,
share links), and the request's scheme and host believed only as far as the operator says.

- `READER_SITE_URL`, when set, is the only origin of absolute URLs.
- Otherwise the request's host, which must be well formed and, when `READER_TRUSTED_HOSTS` is
  set, one of them (else 400).
- `X-Forwarded-Proto/-Host` are believed only behind `READER_PROXY_COUNT` proxies, only `http` or
  `https` as the scheme and only a trusted host.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from flask import request
from werkzeug.middleware.proxy_fix import ProxyFix

from .settings import HOST, Settings, get

Environ = dict[str, Any]
StartResponse = Callable[..., Any]
WSGIApp = Callable[[Environ, StartResponse], Iterable[bytes]]

SCHEMES = ("http", "https")


def split_host(value: str) -> tuple[str, str] | None:
    """(host, ":port" or "") of a well-formed Host header value, lower-cased; else None."""
    host, sep, port = value.rpartition(":") if not value.endswith("]") else (value, "", "")
    if not sep:
        host, port = value, ""
    elif not (port.isascii() and port.isdigit() and len(port) <= 5):
        return None
    if len(host) > 253 or not HOST.fullmatch(host):  # HOST matches no empty name
        return None
    return host.lower(), (":" + port if sep else "")


class TrustedOrigin:
    """WSGI middleware, outermost: believes forwarded headers only as configured and answers 400
    to a request for a host this site does not serve, before any cache or page sees it."""

    def __init__(self, app: WSGIApp, settings: Settings) -> None:
        self.settings = settings
        self.app = app
        self.seen: dict[str, str | None] = {}
        self.entry: WSGIApp = self.check
        if settings.proxy_count:
            n = settings.proxy_count
            self.entry = ProxyFix(self.check, x_for=n, x_proto=n, x_host=n)

    def __call__(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        return self.entry(environ, start_response)

    def check(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        """After ProxyFix (if any) has applied the forwarded values: keep only a web scheme and
        a host this site serves."""
        if environ.get("wsgi.url_scheme") not in SCHEMES:
            # A forged X-Forwarded-Proto: fall back to how the request really arrived.
            before = environ.get("werkzeug.proxy_fix.orig", {}).get("wsgi.url_scheme")
            environ["wsgi.url_scheme"] = before if before in SCHEMES else "http"
        host = self.host(environ.get("HTTP_HOST") or environ.get("SERVER_NAME", ""))
        if host is None:
            return _bad_request(start_response)
        environ["HTTP_HOST"] = host
        return self.app(environ, start_response)

    def host(self, value: str) -> str | None:
        """The Host to serve under, normalised; None when it must be refused. Real traffic names
        a few hosts again and again: the answers for the last few hundred are kept."""
        try:
            return self.seen[value]
        except KeyError:
            pass
        found = self._host(value)
        if len(value) <= 300:
            if len(self.seen) >= 256:
                self.seen.clear()
            self.seen[value] = found
        return found

    def _host(self, value: str) -> str | None:
        parts = split_host(value)
        if parts is None:
            return None
        name, port = parts
        name = name.rstrip(".")  # "news.example." is the fully qualified spelling of "news.example"
        if not name or (self.settings.trusted_hosts and name not in self.settings.trusted_hosts):
            return None
        return name + port


def _bad_request(start_response: StartResponse) -> Iterable[bytes]:
    body = b"400 Bad Request: this site does not answer to that host name.\n"
    start_response("400 Bad Request", [("Content-Type", "text/plain; charset=utf-8"),
                                       ("Content-Length", str(len(body))),
                                       ("Cache-Control", "no-store")])
    return [body]


def base() -> str:
    """The origin absolute URLs start with: READER_SITE_URL, else the (checked) request's."""
    site = get().site_url
    if site:
        return site
    return f"{request.scheme}://{request.host}"


def absolute(path: str) -> str:
    """An absolute URL for a path made by url_for."""
    return base() + path
