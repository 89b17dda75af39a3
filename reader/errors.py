"""Error pages in the reader's language that say what happened and leak nothing."""

from __future__ import annotations

from flask import Flask, Response, make_response, render_template
from werkzeug.exceptions import HTTPException, InternalServerError


def init_app(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(e: HTTPException) -> Response:
        code = e.code or 500
        template = "errors/404.html" if code == 404 else "errors/error.html"
        response = make_response(render_template(template, code=code), code)
        for name, value in e.get_headers():  # e.g. Allow on a 405
            if name.lower() != "content-type":
                response.headers[name] = value
        return response

    @app.errorhandler(Exception)
    def server_error(e: Exception) -> tuple[str, int] | Response:
        app.logger.exception("unhandled error", exc_info=e)
        try:
            return render_template("errors/error.html", code=500), 500
        except Exception:  # the error page itself failed: say so plainly, still leak nothing
            return Response("500 Internal Server Error", 500, mimetype="text/plain")

    app.register_error_handler(InternalServerError, server_error)
