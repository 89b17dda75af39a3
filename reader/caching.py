"""How every response is cached, decided in one place: who may keep it (Cache-Control), what it
varies on, its validator and 304s, compression, and whether the page cache may store it. The
after-request hook applies the decision; the page cache (reader.pagecache) reads it."""

from __future__ import annotations

import gzip
import hashlib
from dataclasses import dataclass

import brotli
from flask import Flask, Request, Response, g, request
from werkzeug.datastructures import Accept

from . import prefs
from .languages import CODES
from .origin import base
from .settings import get

MIN_COMPRESS = 512  # bytes; smaller bodies gain nothing
COMPRESSIBLE = ("text/", "application/json", "application/xml", "application/atom+xml",
                "application/rss+xml", "application/javascript", "image/svg+xml")
IMMUTABLE = "public, max-age=31536000, immutable"
# The environ key through which a response tells the page cache it may be stored.
PAGE_CACHEABLE = "reader.page_cacheable"
LANGUAGE_PREFIXES = tuple(f"/{code}/" for code in CODES)


@dataclass(frozen=True)
class Policy:
    cache_control: str | None  # None: leave the response's own
    vary: tuple[str, ...]
    validator: bool  # give it an ETag and answer If-None-Match
    page_cacheable: bool


def compressible(mimetype: str) -> bool:
    return mimetype.startswith(COMPRESSIBLE)


def decide(req: Request, response: Response, max_age: int) -> Policy:
    """The caching of this response to this request."""
    method_ok = req.method in ("GET", "HEAD")
    sets_cookie = "Set-Cookie" in response.headers
    own = response.headers.get("Cache-Control")
    if not method_ok or sets_cookie:
        # A change (POST) or a response that stores a choice: never kept by anyone.
        return Policy("no-store" if sets_cookie else own or "no-store", (), False, False)
    if 300 <= response.status_code < 400:
        # Redirects between pages: for this reader only (they may follow a cookie).
        return Policy(own or "private, no-cache", (), False, False)
    if response.status_code not in (200, 404):
        # Errors, and a part of a body (a 206 for a range a player asked for): sent as they are,
        # never compressed (a range is those bytes of the body, unencoded).
        return Policy(own or "no-store", (), False, False)
    if own is not None:
        # Static files and media say for themselves (immutable under a fingerprinted URL).
        return Policy(None, (), True, False)
    vary = ["Cookie"]
    by_request = bool(g.get("lang_from_request"))
    if by_request:
        vary.append("Accept-Language")
    personal = prefs.current().personal or by_request
    return Policy(
        cache_control(personal, max_age),
        tuple(vary),
        True,
        not by_request and not response.direct_passthrough,
    )


def cache_control(personal: bool, max_age: int) -> str:
    """A page's Cache-Control: one with this reader's text size or colours is never for a shared
    cache."""
    return "private, no-cache" if personal else f"public, max-age={max_age}"


def body_tag(body: bytes) -> str:
    """The validator of a body (before the encoding's suffix): it changes with the content, the
    catalog and the preferences alike."""
    return hashlib.blake2b(body, digest_size=12).hexdigest()


def encode(body: bytes, encoding: str, shared: bool) -> bytes:
    """The body compressed: harder when the bytes are kept and sent to many readers (an anonymous
    page), faster when made for one reader's request (a page with their preferences)."""
    if encoding == "br":
        packed: bytes = brotli.compress(body, quality=5 if shared else 1)
        return packed
    return gzip.compress(body, 6 if shared else 1, mtime=0)


def choose_encoding(accepted: Accept) -> str | None:
    """br, else gzip, else none: what to send a client with this Accept-Encoding."""
    return "br" if accepted["br"] else "gzip" if accepted["gzip"] else None


def relative_location(response: Response) -> None:
    """Redirects between pages are relative: the browser keeps the host it asked, and no host
    taken from a request's headers is written into a response."""
    location = response.headers.get("Location", "")
    for origin in (base(), request.host_url.rstrip("/")):
        if location.startswith(origin + "/"):
            response.headers["Location"] = location[len(origin):]
            return


def apply(response: Response) -> Response:
    """The after-request hook: apply the policy, then the validator, 304 and compression."""
    response = _apply(response)
    # The server sends the Date (werkzeug's and granian's always do); werkzeug's conditional
    # responses add one too, which would be a second Date, and a stale one from the page cache.
    response.headers.remove("Date")
    return response


def _apply(response: Response) -> Response:
    if 300 <= response.status_code < 400:
        relative_location(response)
    policy = decide(request, response, get().cache_max_age)
    if policy.cache_control is not None:
        response.headers["Cache-Control"] = policy.cache_control
    for name in policy.vary:
        response.vary.add(name)
    if policy.page_cacheable:
        request.environ[PAGE_CACHEABLE] = True
    if not policy.validator or response.direct_passthrough or response.is_streamed:
        return response
    body = response.get_data()
    encoding = None
    if (compressible(response.mimetype or "") and len(body) >= MIN_COMPRESS
            and "Content-Encoding" not in response.headers):
        response.vary.add("Accept-Encoding")
        encoding = choose_encoding(request.accept_encodings)
    own, weak = response.get_etag()
    if own is None or encoding:
        # The validator covers the bytes sent, so it differs per encoding too (a picture's own
        # validator included).
        response.set_etag((own or body_tag(body)) + (f"-{encoding}" if encoding else ""), bool(weak))
    if response.status_code == 200:
        response.make_conditional(request)
    if encoding and response.status_code != 304:
        shared = "public" in (response.headers.get("Cache-Control") or "")
        response.set_data(encode(body, encoding, shared))
        response.headers["Content-Encoding"] = encoding
    return response


def init_app(app: Flask) -> None:
    app.after_request(apply)
