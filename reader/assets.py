"""Static files under fingerprinted URLs: cached for a year, precompressed, served from memory."""

from __future__ import annotations

import gzip
import hashlib
import mimetypes
from dataclasses import dataclass
from pathlib import Path

import brotli
from flask import Blueprint, Flask, Response, abort, current_app, request
from werkzeug.wrappers import Response as BaseResponse

from . import resource
from .caching import IMMUTABLE

bp = Blueprint("assets", __name__)
COMPRESSIBLE = (".css", ".js", ".svg", ".txt", ".json")


@dataclass(frozen=True)
class Asset:
    fingerprint: str
    mimetype: str
    raw: bytes
    gzip: bytes | None
    br: bytes | None


def load(folder: Path) -> dict[str, Asset]:
    assets: dict[str, Asset] = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        name = path.relative_to(folder).as_posix()
        raw = path.read_bytes()
        packed = path.suffix in COMPRESSIBLE
        assets[name] = Asset(
            fingerprint=hashlib.sha256(raw).hexdigest()[:12],
            mimetype=mimetypes.guess_type(name)[0] or "application/octet-stream",
            raw=raw,
            gzip=gzip.compress(raw, 9, mtime=0) if packed else None,
            br=brotli.compress(raw, quality=11) if packed else None,
        )
    return assets


def asset_url(name: str) -> str:
    return f"/static/{current_app.extensions['reader_assets'][name].fingerprint}/{name}"


def encoded(raw: bytes, gz: bytes | None, br: bytes | None) -> tuple[bytes, str | None]:
    """The smallest body the client accepts, and its Content-Encoding."""
    accepted = request.accept_encodings
    if br is not None and accepted["br"]:
        return br, "br"
    if gz is not None and accepted["gzip"]:
        return gz, "gzip"
    return raw, None


@bp.get("/static/<fingerprint>/<path:name>")
def static_file(fingerprint: str, name: str) -> BaseResponse:
    asset = current_app.extensions["reader_assets"].get(name)
    if asset is None:
        abort(404)
    body, encoding = encoded(asset.raw, asset.gzip, asset.br)
    response = Response(body, mimetype=asset.mimetype)
    if encoding:
        response.headers["Content-Encoding"] = encoding
    if asset.gzip is not None:
        response.vary.add("Accept-Encoding")
    # An old fingerprint (a page cached before a deploy) gets today's file, but not for a year.
    response.headers["Cache-Control"] = IMMUTABLE if fingerprint == asset.fingerprint else "no-cache"
    # One validator per encoding: caches must not swap a brotli body for a plain one.
    response.set_etag(asset.fingerprint + (f"-{encoding}" if encoding else ""))
    return response.make_conditional(request)


def init_app(app: Flask) -> None:
    app.extensions["reader_assets"] = load(resource("static"))
    app.register_blueprint(bp)
    app.jinja_env.globals["asset_url"] = asset_url
