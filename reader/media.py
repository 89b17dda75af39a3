"""Lead images copied into the database on import, served under their content hash."""

from __future__ import annotations

from flask import Blueprint, Response, abort, request
from werkzeug.wrappers import Response as BaseResponse

from . import store
from .caching import IMMUTABLE

bp = Blueprint("media", __name__)


@bp.get("/media/<name>")
def media_file(name: str) -> BaseResponse:
    found = store.media(store.get_db(), name)
    if found is None:
        abort(404)
    kind, data = found
    response = Response(data, mimetype=kind)
    response.headers["Cache-Control"] = IMMUTABLE
    # An SVG opened on its own is a document: it may run nothing and load nothing.
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
    response.set_etag(name)
    return response.make_conditional(request)
