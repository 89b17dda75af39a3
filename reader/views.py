"""The reader's pages: home, sections, article, search, and the language choice."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from math import ceil
from typing import Any

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import format_decimal, format_timedelta, gettext
from markupsafe import Markup
from werkzeug.wrappers import Response

from . import store
from .i18n import LANG_COOKIE, preferred_language, section_name
from .languages import CODES, DEFAULT, by_script
from .origin import absolute
from .prefs import remember, safe_next
from .prepared import shows
from .searchtext import highlight, query_terms, snippet
from .settings import get
from .store import Article

bp = Blueprint("views", __name__)
MAX_QUERY_CHARS = 200
# The query parameters pages read; the page cache keeps only requests that carry no others.
QUERY_PARAMS = ("page", "q")
MAX_PAGE = 10**6


def page_number() -> int:
    """?page=N; anything malformed counts as the first page."""
    raw = request.args.get("page", "1")
    # Length first: int() of thousands of digits is slow, and refused past 4,300 digits.
    if len(raw) > 7 or not (raw.isascii() and raw.isdigit()) or not 0 < int(raw) < MAX_PAGE:
        return 1
    return int(raw)


def here(**changes: Any) -> str:
    """This page's URL, with these query parameters changed (None or 1 for page: left out)."""
    args: dict[str, Any] = {k: v for k, v in request.args.items() if k in QUERY_PARAMS}
    args.update(changes)
    kept = {k: v for k, v in args.items() if v not in (None, "") and not (k == "page" and v == 1)}
    assert request.endpoint is not None and request.view_args is not None
    return url_for(request.endpoint, **{**request.view_args, **kept})


def pagination(page: int, total: int, size: int) -> dict[str, object]:
    pages = max(1, ceil(total / size))
    if page > pages:
        abort(404)
    return {
        "page": page,
        "pages": pages,
        "prev": here(page=page - 1) if page > 1 else None,
        "next": here(page=page + 1) if page < pages else None,
    }


def same_place() -> dict[str, str]:
    """This page in each interface language: the corresponding page per language."""
    assert request.endpoint is not None and request.view_args is not None
    args = {k: v for k, v in request.args.items() if k in QUERY_PARAMS}
    return {code: url_for(request.endpoint, **{**request.view_args, **args, "lang": code})
            for code in CODES}


@bp.get("/")
def root() -> Response:
    response = redirect(url_for("views.home", lang=preferred_language()), 302)
    response.vary.update(("Cookie", "Accept-Language"))
    return response


@bp.get("/language/<lang:lang>")
def choose_language(lang: str) -> Response:
    """The language switcher: remember the choice for `/`, then go to the corresponding page."""
    target = safe_next(request.args.get("next"))
    if not target.startswith(f"/{lang}/"):
        target = url_for("views.home", lang=lang)
    response = redirect(target, 303)
    remember(response, LANG_COOKIE, lang)
    return response


def listing(lang: str, section: str | None) -> str:
    size = get().page_size
    page = page_number()
    db = store.get_db()
    articles, total = store.latest(db, lang, size, (page - 1) * size, section)
    if section and not total:
        abort(404)
    # The list (what it holds, its order) and each story it shows (their titles, summaries).
    shows(f"list:section:{section}" if section else "list:home", *(f"story:{a.story}" for a in articles))
    alternates = same_place()
    return render_template(
        "home.html",
        articles=articles,
        total=total,
        section=section,
        pager=pagination(page, total, size),
        alternates=alternates,
        x_default=url_for("views.root") if section is None and page == 1 else alternates[DEFAULT],
    )


@bp.get("/<lang:lang>/")
def home(lang: str) -> str:
    return listing(lang, None)


@bp.get("/<lang:lang>/sections/<section>")
def section(lang: str, section: str) -> str:
    return listing(lang, section)


@bp.get("/<lang:lang>/articles/<slug>")
def article(lang: str, slug: str) -> str:
    db = store.get_db()
    found = store.find_article(db, lang, slug)
    if found is None:
        abort(404)
    # Both versions of the story and the article's audio edition (store.SCHEMA's triggers).
    shows(f"story:{found.story}")
    versions = store.versions(db, found.story)
    # Each version lives in its own language's interface; a single-language story is offered in
    # both interfaces.
    alternates = {
        code: url_for("views.article", lang=code, slug=versions[code].slug if code in versions else found.slug)
        for code in CODES
    }
    other_version = next((v for code, v in versions.items() if code != found.lang), None)
    canonical = url_for("views.article", lang=found.lang, slug=found.slug)
    image = image_url(found)
    listen = store.audio(db, found.id)
    return render_template(
        "article.html",
        article=found,
        other_version=other_version,
        other_version_url=alternates[other_version.lang] if other_version else None,
        alternates=alternates,
        x_default=alternates[DEFAULT],
        canonical=canonical,
        image_url=image,
        structured_data=news_article(found, canonical, image, other_version),
        listen=listen,
        listen_length=format_timedelta(timedelta(seconds=listen.seconds), granularity="minute",
                                       threshold=10) if listen else None,
        listen_size=gettext("%(size)s MB", size=format_decimal(listen.bytes / 1e6, "#,##0.0"))
        if listen else None,
        # The format's name is English: a screen reader says it in English in either interface.
        listen_format=Markup('<span lang="en">MP3</span>'),
    )


def image_url(a: Article) -> str | None:
    """The lead picture's address: on another host as imported, else this site's copy."""
    if not a.image_src:
        return None
    if a.image_src.startswith("https://"):
        return a.image_src
    return absolute(url_for("media.media_file", name=a.image_src))


def news_article(a: Article, canonical: str, image: str | None, other: Article | None) -> dict[str, Any]:
    """schema.org NewsArticle (JSON-LD) for search engines and aggregators."""
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "@id": absolute(canonical),
        "mainEntityOfPage": absolute(canonical),
        "url": absolute(canonical),
        "headline": a.title,
        "description": a.summary,
        "inLanguage": a.lang,
        "datePublished": a.published.isoformat(),
        "dateModified": (a.updated or a.published).isoformat(),
        "author": [{"@type": "Person", "name": name} for name in a.authors],
        "publisher": {"@type": "Organization", "name": gettext("Reader"),
                      "url": absolute(url_for("views.home", lang=a.lang))},
        "isAccessibleForFree": True,
        # What this page offers a reader with a disability (schema.org accessibility vocabulary).
        "accessMode": ["textual", "visual"] if image else ["textual"],
        "accessModeSufficient": [["textual"]],
        "accessibilityFeature": ["structuralNavigation", "displayTransformability", "highContrastDisplay",
                                 "largePrint", "readingOrder"] + (["alternativeText"] if image else []),
        "accessibilityHazard": ["noFlashingHazard", "noMotionSimulationHazard", "noSoundHazard"],
    }
    if a.section:
        data["articleSection"] = section_name(a.section)
    if image:
        data["image"] = {"@type": "ImageObject", "url": image, "description": a.image_alt,
                         **({"caption": a.image_caption} if a.image_caption else {})}
    if other is not None:
        # The version published first is taken as the original, the other as its translation.
        other_url = absolute(url_for("views.article", lang=other.lang, slug=other.slug))
        link = {"@type": "NewsArticle", "@id": other_url, "inLanguage": other.lang}
        data["workTranslation" if a.published <= other.published else "translationOfWork"] = link
    return data


def result_url(db: sqlite3.Connection, lang: str, a: Article) -> str:
    """Link a result in this interface, unless the slug there names the other version."""
    if a.lang != lang and store.slug_taken(db, lang, a.slug):
        return url_for("views.article", lang=a.lang, slug=a.slug)
    return url_for("views.article", lang=lang, slug=a.slug)


@bp.get("/<lang:lang>/search")
def search(lang: str) -> str:
    query = " ".join(request.args.get("q", "").split())[:MAX_QUERY_CHARS]
    terms = query_terms(query)
    size = get().search_page_size
    page = page_number() if terms else 1
    db = store.get_db()
    results, total, capped = store.search(db, terms, size, (page - 1) * size)
    pager = pagination(page, total, size) if total else None
    # The reader's words keep their own language, so a screen reader says them right.
    query_lang = by_script(query)
    query_shown = (Markup('<span lang="{}">{}</span>').format(query_lang, query)
                   if query_lang and query_lang != lang else query)
    alternates = same_place()
    return render_template(
        "search.html",
        query=query,
        query_shown=query_shown,
        terms=terms,
        results=[
            {
                "article": a,
                "url": result_url(db, lang, a),
                "title": highlight(a.title, terms),
                "snippet": snippet(a.body_text, terms) if terms else "",
                "summary": highlight(a.summary, terms),
            }
            for a in results
        ],
        total=total,
        capped=capped,
        pager=pager,
        alternates=alternates,
        x_default=alternates[DEFAULT],
    )


def reading_minutes(words: int) -> int:
    """Minutes at about 200 words a minute, never less than one."""
    return max(1, round(words / 200))


@bp.app_context_processor
def page_helpers() -> dict[str, object]:
    def nav_sections() -> list[str]:
        try:
            return store.sections(store.get_db())
        except store.StoreError:  # the page saying the stories are not available
            return []

    return {"nav_sections": nav_sections, "reading_minutes": reading_minutes}


@bp.get("/<lang:lang>/accessibility")
def statement(lang: str) -> str:
    """The accessibility statement (the EU model), its status and dates from the last audit
    report in the instance folder (`flask --app app audit` writes it there)."""
    from flask import current_app

    from .audit.statement import context

    alternates = same_place()
    return render_template(
        "accessibility.html",
        **context(current_app.instance_path),
        contact=get().accessibility_contact,
        # Names in English: a screen reader should say them in English in either interface.
        wcag=Markup('<span lang="en">WCAG 2.2</span>'),
        axe=Markup('<span lang="en">axe-core</span>'),
        browser=Markup('<span lang="en">Chromium</span>'),
        alternates=alternates,
        x_default=alternates[DEFAULT],
    )
