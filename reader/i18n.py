"""Interface language: choosing it, naming languages, and formatting dates the reader's way."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Flask, g, has_request_context, request
from flask_babel import (
    Babel,
    format_date,
    format_decimal,
    format_time,
    format_timedelta,
    gettext,
    lazy_gettext,
)
from werkzeug.routing import BaseConverter

LANGS = ("hy", "en")
DEFAULT_LANG = "hy"
LANG_COOKIE = "lang"
# Each language named in itself, for the switcher. CLDR gives "հայերեն"; a menu item starts
# with a capital letter.
AUTONYMS = {"hy": "Հայերեն", "en": "English"}
# Each language named in the interface language, e.g. to say what language a story is in.
LANGUAGE_NAMES = {"hy": lazy_gettext("Armenian"), "en": lazy_gettext("English")}
# The sections an article may belong to (its `section` field), named in the interface language.
SECTION_NAMES = {
    "politics": lazy_gettext("Politics"),
    "society": lazy_gettext("Society"),
    "culture": lazy_gettext("Culture"),
    "economy": lazy_gettext("Economy"),
    "science": lazy_gettext("Science"),
}

babel = Babel()


class LangConverter(BaseConverter):
    """`<lang:lang>` matches only the interface languages, so /xx/... is a plain 404."""

    regex = "hy|en"


def from_accept_language() -> str | None:
    """The first interface language the browser asks for, matching on the primary subtag."""
    for value, quality in request.accept_languages:
        primary = value.split("-")[0].split("_")[0].lower()
        if quality > 0 and primary in LANGS:
            return primary
    return None


def preferred_language() -> str:
    """For pages outside /<lang>/: the reader's last choice, else the browser's, else Armenian."""
    chosen = request.cookies.get(LANG_COOKIE)
    if chosen in LANGS:
        return chosen
    return from_accept_language() or DEFAULT_LANG


def select_locale() -> str:
    if not has_request_context():
        return DEFAULT_LANG
    if "lang" not in g:
        args = request.view_args or {}
        first = request.path.lstrip("/").split("/", 1)[0]
        if args.get("lang") in LANGS:
            g.lang = args["lang"]
        elif first in LANGS:
            g.lang = first
        else:
            g.lang = preferred_language()
    return g.lang


def script_lang(text: str) -> str | None:
    """The language a reader's own words are written in, judged by script: Armenian letters
    (U+0531-U+0587) mean hy, Latin letters mean en; mixed or neither: unknown."""
    armenian = any("\u0531" <= c <= "\u0587" for c in text)
    latin = any(c.isascii() and c.isalpha() for c in text)
    if armenian != latin:
        return "hy" if armenian else "en"
    return None


def ago(dt: datetime) -> str:
    """How long ago, in words of the interface language ("3 weeks ago")."""
    return format_timedelta(dt - datetime.now(UTC), add_direction=True)


def dateline(dt: datetime) -> str:
    """A date and time as the interface language writes them, in the configured zone."""
    return gettext("%(date)s, %(time)s", date=format_date(dt, "long"), time=format_time(dt, "short"))


def init_app(app: Flask) -> None:
    app.url_map.converters["lang"] = LangConverter
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.filters.update(format_date=format_date, format_number=format_decimal)

    @app.context_processor
    def language_context() -> dict[str, object]:
        lang = select_locale()
        return {
            "lang": lang,
            "autonyms": AUTONYMS,
            "language_names": LANGUAGE_NAMES,
            "dateline": dateline,
            "ago": ago,
        }
