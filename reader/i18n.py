"""Interface language: choosing it, naming languages, and formatting dates the reader's way."""

from __future__ import annotations

import time
from datetime import UTC, datetime

from babel.lists import format_list
from flask import Flask, g, has_request_context, request
from flask_babel import (
    Babel,
    format_date,
    format_decimal,
    format_time,
    format_timedelta,
    get_locale,
    gettext,
    ngettext,
)
from markupsafe import Markup, escape
from werkzeug.routing import BaseConverter

from . import store
from .languages import BY_CODE, CODES, DEFAULT, LANGUAGES, PATTERN
from .prepared import changes_by
from .settings import get

LANG_COOKIE = "lang"

babel = Babel()


class LangConverter(BaseConverter):
    """`<lang:lang>` matches only the interface languages, so /xx/... is a plain 404."""

    regex = PATTERN


def from_accept_language() -> str | None:
    """The first interface language the browser asks for, matching on the primary subtag."""
    for value, quality in request.accept_languages:
        primary = value.split("-")[0].split("_")[0].lower()
        if quality > 0 and primary in CODES:
            return primary
    return None


def preferred_language() -> str:
    """For pages outside /<lang>/: the reader's last choice, else the browser's, else Armenian."""
    chosen = request.cookies.get(LANG_COOKIE)
    if chosen in CODES:
        return chosen
    return from_accept_language() or DEFAULT


def babel_locale() -> str:
    """The locale Babel translates and formats with: the interface language, in the regional form
    the operator chose for it (READER_FORMAT_LOCALES: British English by default)."""
    lang = select_locale()
    if not has_request_context():
        return lang
    return get().format_locales.get(lang, lang)


def select_locale() -> str:
    """The interface language of this request (a code of languages.CODES)."""
    if not has_request_context():
        return DEFAULT
    if "lang" not in g:
        args = request.view_args or {}
        first = request.path.lstrip("/").split("/", 1)[0]
        if args.get("lang") in CODES:
            g.lang = args["lang"]
        elif first in CODES:
            g.lang = first
        else:
            g.lang = preferred_language()
            # This response depends on the reader's cookie or browser (see caching.decide).
            g.lang_from_request = True
    return str(g.lang)


def section_name(key: str) -> str:
    """A section's name in the interface language, as its publisher declared it (the slug if the
    section is not declared)."""
    if "sections" not in g:  # only pages that have read the database name sections
        g.sections = {s.slug: s for s in store.declared_sections(store.get_db())}
    found = g.sections.get(key)
    return str(found.name(select_locale())) if found else key


def ago(dt: datetime) -> str:
    """How long ago, in words of the interface language ("3 weeks ago"). A page that says it is
    kept prepared no longer than a shared cache may keep it."""
    changes_by(time.time() + get().cache_max_age)
    return str(format_timedelta(dt - datetime.now(UTC), add_direction=True))


def dateline(dt: datetime) -> str:
    """A date and time as the interface language writes them, in the configured zone."""
    return str(gettext("%(date)s, %(time)s", date=format_date(dt, "long"), time=format_time(dt, "short")))


def byline(authors: list[str] | tuple[str, ...], lang: str | None = None) -> Markup:
    """"By Anna Hakobyan and Aram Petrosyan" in the interface language («Հեղինակներ՝ … և …»): the
    word for one author or several, the names joined as the language joins a list. With `lang`
    (a story in the other language), each name is marked as being in that language."""
    names = [escape(a) if lang is None else Markup('<span lang="{}">{}</span>').format(lang, a)
             for a in authors]
    joined = Markup(format_list([str(n) for n in names], locale=get_locale() or DEFAULT))
    return Markup(ngettext("By %(names)s", "By %(names)s", len(authors), names=joined))


def init_app(app: Flask) -> None:
    app.url_map.converters["lang"] = LangConverter
    babel.init_app(app, locale_selector=babel_locale)
    app.jinja_env.filters.update(format_date=format_date, format_number=format_decimal)

    @app.context_processor
    def language_context() -> dict[str, object]:
        lang = select_locale()
        return {
            "lang": lang,
            "languages": LANGUAGES,
            "language": BY_CODE,
            "section_name": section_name,
            "dateline": dateline,
            "byline": byline,
            "ago": ago,
        }
