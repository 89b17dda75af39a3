"""Reader preferences (text size, theme): read from cookies, set by a form that works without JS."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import Blueprint, Flask, Response, redirect, request
from flask_babel import lazy_gettext as _l

SIZES = ("xs", "sm", "md", "lg")
THEMES = ("auto", "light", "dark", "contrast")
SIZE_COOKIE = "text_size"
THEME_COOKIE = "theme"
ONE_YEAR = 365 * 24 * 3600

# Visible label first, so speech and voice control find the option by what is shown.
SIZE_NAMES = {
    "xs": _l("XS — extra small text"),
    "sm": _l("SM — small text"),
    "md": _l("MD — medium text (default)"),
    "lg": _l("LG — large text"),
}
THEME_NAMES = {
    "auto": _l("Auto (as your device)"),
    "light": _l("Light"),
    "dark": _l("Dark"),
    "contrast": _l("High contrast"),
}

bp = Blueprint("prefs", __name__)


@dataclass(frozen=True)
class Prefs:
    size: str = "md"
    theme: str = "auto"
    # True when the page depends on a preference cookie (so it must not be shared-cached).
    personal: bool = False


def current() -> Prefs:
    """The reader's valid preferences; malformed or unknown cookie values are ignored."""
    size = request.cookies.get(SIZE_COOKIE)
    theme = request.cookies.get(THEME_COOKIE)
    size_ok = size in SIZES
    theme_ok = theme in THEMES
    return Prefs(
        size=size if size_ok else "md",
        theme=theme if theme_ok else "auto",
        personal=size_ok or theme_ok,
    )


def safe_next(target: str | None) -> str:
    """A same-site path to return to; anything else (other hosts, schemes, //x) gives '/'."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or any(c in target for c in "\r\n\t\\"):
        return "/"
    return target


def remember(response: Response, name: str, value: str) -> None:
    """Keep a reader's choice for a year; a response that sets one is never stored by a cache."""
    response.set_cookie(name, value, max_age=ONE_YEAR, samesite="Lax", secure=request.is_secure)
    response.headers["Cache-Control"] = "no-store"


@bp.post("/preferences")
def save() -> Response:
    """The no-JavaScript path: store the choice and return to the same place on the same page."""
    response = redirect(safe_next(request.form.get("next")) + "#reader-settings", code=303)
    response.headers["Cache-Control"] = "no-store"
    for name, value, allowed in (
        (SIZE_COOKIE, request.form.get("size"), SIZES),
        (THEME_COOKIE, request.form.get("theme"), THEMES),
    ):
        if value in allowed:
            remember(response, name, value)
    return response


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)

    @app.context_processor
    def prefs_context() -> dict[str, object]:
        return {
            "prefs": current(),
            "SIZES": SIZES,
            "THEMES": THEMES,
            "SIZE_NAMES": SIZE_NAMES,
            "THEME_NAMES": THEME_NAMES,
        }
