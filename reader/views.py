"""The reader's pages: home, sections, article, search, and the language choice."""

from __future__ import annotations

import sqlite3
from math import ceil
from urllib.parse import urlencode

from flask import Blueprint, Response, abort, current_app, redirect, render_template, request
from markupsafe import Markup

from . import store
from .i18n import LANG_COOKIE, LANGS, SECTION_NAMES, preferred_language, script_lang
from .prefs import remember, safe_next
from .sanitize import trusted
from .searchtext import highlight, query_terms, snippet
from .store import Article

bp = Blueprint("views", __name__)
MAX_QUERY_CHARS = 200


def page_number() -> int:
    """?page=N; anything malformed counts as the first page."""
    raw = request.args.get("page", "1")
    return int(raw) if raw.isascii() and raw.isdigit() and 0 < int(raw) < 10**6 else 1


def with_query(path: str, **params: object) -> str:
    kept = {k: v for k, v in params.items() if v not in (None, "", 1)}
    return path + ("?" + urlencode(kept) if kept else "")


def pagination(path: str, page: int, total: int, size: int, **params: object) -> dict[str, object]:
    pages = max(1, ceil(total / size))
    if page > pages:
        abort(404)
    return {
        "page": page,
        "pages": pages,
        "prev": with_query(path, **params, page=page - 1) if page > 1 else None,
        "next": with_query(path, **params, page=page + 1) if page < pages else None,
    }


def same_place(lang: str) -> dict[str, str]:
    """The current path with the language prefix swapped: the corresponding page per language."""
    rest = request.full_path.rstrip("?").split("/", 2)[2]
    return {code: f"/{code}/{rest}" for code in LANGS}


@bp.get("/")
def root() -> Response:
    lang = preferred_language()
    response = redirect(f"/{lang}/", 302)
    response.vary.update(("Cookie", "Accept-Language"))
    response.headers["Cache-Control"] = "private, no-cache"
    return response


@bp.get("/language/<lang:lang>")
def choose_language(lang: str) -> Response:
    """The language switcher: remember the choice for `/`, then go to the corresponding page."""
    target = safe_next(request.args.get("next"))
    if not target.startswith(f"/{lang}/"):
        target = f"/{lang}/"
    response = redirect(target, 303)
    remember(response, LANG_COOKIE, lang)
    return response


def listing(lang: str, section: str | None) -> str:
    size = current_app.config["PAGE_SIZE"]
    page = page_number()
    db = store.get_db()
    articles, total = store.latest(db, lang, size, (page - 1) * size, section)
    if section and not total:
        abort(404)
    path = request.path
    return render_template(
        "home.html",
        articles=articles,
        total=total,
        section=section,
        pager=pagination(path, page, total, size),
        alternates=same_place(lang),
        x_default="/" if section is None and page == 1 else None,
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
    versions = store.versions(db, found.story)
    # Each version lives in its own language's interface; a single-language story is offered in
    # both interfaces.
    alternates = {
        code: f"/{code}/articles/{versions[code].slug if code in versions else found.slug}"
        for code in LANGS
    }
    other_version = next((v for code, v in versions.items() if code != found.lang), None)
    return render_template(
        "article.html",
        article=found,
        other_version=other_version,
        other_version_url=alternates[other_version.lang] if other_version else None,
        alternates=alternates,
        x_default=alternates["hy"],
        canonical=request.host_url.rstrip("/") + request.path,
    )


def result_path(db: sqlite3.Connection, lang: str, a: Article) -> str:
    """Link a result in this interface, unless the slug there names the other version."""
    if a.lang != lang and store.slug_taken(db, lang, a.slug):
        return f"/{a.lang}/articles/{a.slug}"
    return f"/{lang}/articles/{a.slug}"


@bp.get("/<lang:lang>/search")
def search(lang: str) -> str:
    query = " ".join(request.args.get("q", "").split())[:MAX_QUERY_CHARS]
    terms = query_terms(query)
    size = current_app.config["SEARCH_PAGE_SIZE"]
    page = page_number() if terms else 1
    db = store.get_db()
    results, total, capped = store.search(db, terms, size, (page - 1) * size)
    pager = pagination(request.path, page, total, size, q=query) if total else None
    # The reader's words keep their own language, so a screen reader says them right.
    query_lang = script_lang(query)
    query_shown = (Markup('<span lang="{}">{}</span>').format(query_lang, query)
                   if query_lang and query_lang != lang else query)
    return render_template(
        "search.html",
        query=query,
        query_shown=query_shown,
        terms=terms,
        results=[
            {
                "article": a,
                "url": result_path(db, lang, a),
                "title": highlight(a.title, terms),
                "snippet": snippet(a.body_text, terms) if terms else "",
                "summary": highlight(a.summary, terms),
            }
            for a in results
        ],
        total=total,
        capped=capped,
        pager=pager,
        alternates=same_place(lang),
        x_default=None,
    )


# The link to the other version, written in that version's language (like a language's own name).
READ_IN = {"hy": "Կարդալ հայերեն", "en": "Read in English"}


def reading_minutes(words: int) -> int:
    """Minutes at about 200 words a minute, never less than one."""
    return max(1, round(words / 200))


@bp.app_context_processor
def page_helpers() -> dict[str, object]:
    def nav_sections() -> list[str]:
        return store.sections(store.get_db())

    def section_name(key: str) -> str:
        return str(SECTION_NAMES.get(key, key))

    return {"nav_sections": nav_sections, "section_name": section_name,
            "read_in": READ_IN, "reading_minutes": reading_minutes}


@bp.app_template_filter("article_html")
def article_html(stored_html: str) -> Markup:
    """Article bodies are stored only after the sanitiser has cleaned them."""
    return trusted(stored_html)
