"""HTTP caching and compression of pages: validators, 304s, shared-cache rules, gzip and brotli."""

from __future__ import annotations

import gzip
import hashlib

import brotli
from flask import Flask, Response, current_app, request

from . import prefs

MIN_COMPRESS = 512  # bytes; smaller bodies gain nothing


def page_headers(response: Response) -> Response:
    """For HTML pages: who may cache them, a validator, a 304 when it still matches, compression."""
    if (
        request.method not in ("GET", "HEAD")
        or response.mimetype != "text/html"
        or response.status_code not in (200, 404)
        or response.direct_passthrough
    ):
        return response
    response.vary.add("Cookie")
    # Outside /hy/ and /en/ the language comes from the reader's cookie or browser.
    localised_by_request = not request.path.startswith(("/hy/", "/en/"))
    if localised_by_request:
        response.vary.add("Accept-Language")
    if "Cache-Control" not in response.headers:
        if prefs.current().personal or localised_by_request:
            # The page carries this reader's text size or colours: never for a shared cache.
            response.headers["Cache-Control"] = "private, no-cache"
        else:
            max_age = int(current_app.config["CACHE_MAX_AGE"])
            response.headers["Cache-Control"] = f"public, max-age={max_age}"
    body = response.get_data()
    encoding = None
    if len(body) >= MIN_COMPRESS:
        response.vary.add("Accept-Encoding")
        accepted = request.accept_encodings
        encoding = "br" if accepted["br"] else "gzip" if accepted["gzip"] else None
    # The validator covers the bytes sent, so it changes with the content, the catalog and the
    # preferences alike, and differs per encoding.
    tag = hashlib.blake2b(body, digest_size=12).hexdigest() + (f"-{encoding}" if encoding else "")
    response.set_etag(tag)
    if response.status_code == 200:
        response.make_conditional(request)
    if encoding and response.status_code != 304:
        packed = brotli.compress(body, quality=5) if encoding == "br" else gzip.compress(body, 6)
        response.set_data(packed)
        response.headers["Content-Encoding"] = encoding
    return response


def init_app(app: Flask) -> None:
    app.after_request(page_headers)
