"""Files kept in the database — lead images copied on import, the audio edition — served under
their content hash, with byte ranges so players can seek."""

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
    # Range requests (206, Accept-Ranges, Content-Range, 416 for a range past the end), for audio
    # players that seek; werkzeug answers them from the whole body.
    return response.make_conditional(request, accept_ranges=True, complete_length=len(data))
