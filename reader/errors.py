"""Error pages in the reader's language that say what happened and leak nothing."""

from __future__ import annotations

from flask import Flask, Response, make_response, render_template
from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException, InternalServerError

from .store import StoreError

# What a reader is told, per status; other statuses get the general message.
MESSAGES: dict[int, tuple[LazyString, LazyString]] = {
    403: (_l("This change was refused"),
          _l("Reading preferences can only be changed from this site's own pages. Nothing was changed.")),
    503: (_l("The stories are not available"),
          _l("Sorry, the stories cannot be read at the moment. Please try again later.")),
}
GENERAL = (_l("Something went wrong"), _l("Sorry, this page could not be shown. Please try again in a moment."))


def error_page(code: int) -> Response:
    template = "errors/404.html" if code == 404 else "errors/error.html"
    heading, message = MESSAGES.get(code, GENERAL)
    return make_response(render_template(template, code=code, heading=heading, message=message), code)


def init_app(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(e: HTTPException) -> Response:
        response = error_page(e.code or 500)
        for name, value in e.get_headers():  # e.g. Allow on a 405
            if name.lower() != "content-type":
                response.headers[name] = value
        return response

    @app.errorhandler(StoreError)
    def store_error(e: StoreError) -> Response:
        # The operator's mistake (a missing or foreign database), said plainly in the log.
        app.logger.error("%s", e)
        return error_page(503)

    @app.errorhandler(Exception)
    def server_error(e: Exception) -> Response:
        app.logger.exception("unhandled error", exc_info=e)
        try:
            return error_page(500)
        except Exception:  # the error page itself failed: say so plainly, still leak nothing
            return Response("500 Internal Server Error", 500, mimetype="text/plain")

    app.register_error_handler(InternalServerError, server_error)
