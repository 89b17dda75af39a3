"""The pages to audit, found from the app itself: every GET route of its url_map, filled in with
every interface language, every article and every section in the store; a search with results,
one without and an empty one; a page that does not exist (404); and later pages of lists. Routes
that hold no page of their own (redirects, feeds, files, form posts) are listed with the reason."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import product
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.routing import MapAdapter

from .. import store
from ..languages import CODES
from ..searchtext import query_terms

# A slug no article can have (slugs are lowercase ASCII and hyphens; this one has digits only
# where no import would put them), for the page that does not exist.
MISSING_SLUG = "no-such-page-0-audit"
# A query no story matches in either language: checked against the store before use.
NO_RESULTS_QUERY = "zzxqvj"
EVERY_ARTICLE = 10**9  # "all of them", as a LIMIT


@dataclass(frozen=True)
class SitePage:
    id: str
    path: str  # absolute path with query, e.g. "/hy/search?q=..."
    lang: str  # the interface language
    kind: str  # the page type: "home", "article", "article-other-language", "search-results", ...
    endpoint: str
    status: int  # what the site is expected to answer: 200, or 404 for the missing page
    pictured: bool = False  # an article page with a picture (the quick audit prefers one)


@dataclass(frozen=True)
class Route:
    """A route that holds no page to audit, and why (a code: see `report.ROUTE_REASONS`)."""

    rule: str
    endpoint: str
    reason: str  # "methods", "arguments", "redirect", "not-html", "status"
    detail: str


@dataclass(frozen=True)
class Discovery:
    pages: tuple[SitePage, ...]
    routes: tuple[Route, ...]


def argument_values(conn: sqlite3.Connection) -> dict[str, list[str]]:
    """What each route argument the audit understands can be: the interface languages, every
    article's slug (each story's version in each interface, so every article), every section."""
    slugs: dict[str, None] = {}
    for code in CODES:
        for article in store.latest(conn, code, EVERY_ARTICLE)[0]:
            slugs[article.slug] = None
    return {"lang": list(CODES), "slug": list(slugs), "section": store.sections(conn)}


def _longest_word(text: str) -> str | None:
    words = sorted(re.findall(r"\w{4,}", text), key=len, reverse=True)
    return words[0] if words else None


def search_queries(conn: sqlite3.Connection, lang: str) -> dict[str, str]:
    """A query with results (a word of the newest headline in this language) and one without."""
    found: dict[str, str] = {}
    newest = store.latest(conn, lang, 1)[0]
    word = _longest_word(newest[0].title) if newest else None
    if word and store.search(conn, query_terms(word), 1)[1] > 0:
        found["search-results"] = word
    if store.search(conn, query_terms(NO_RESULTS_QUERY), 1)[1] == 0:
        found["search-no-results"] = NO_RESULTS_QUERY
    return found


@dataclass(frozen=True)
class _Known:
    """What discovery needs from the store, read once before any page is requested."""

    values: dict[str, list[str]]  # argument name → its values
    article_lang: dict[tuple[str, str], str]  # (interface language, slug) → the article's language
    queries: dict[str, dict[str, str]]  # interface language → search variant → query
    pictured: frozenset[tuple[str, str]] = frozenset()  # (interface language, slug) with a picture


def _read_store(app: Flask) -> _Known:
    with app.app_context():
        conn = store.get_db()
        values = argument_values(conn)
        article_lang = {}
        pictured = set()
        for lang in CODES:
            for slug in values["slug"]:
                article = store.find_article(conn, lang, slug)
                if article is not None:
                    article_lang[(lang, slug)] = article.lang
                    if article.image_src or "<img" in article.body_html:
                        pictured.add((lang, slug))
        return _Known(values, article_lang, {lang: search_queries(conn, lang) for lang in CODES},
                      frozenset(pictured))


def _kind(endpoint: str, values: dict[str, Any], known: _Known) -> str:
    kind = endpoint.rsplit(".", 1)[-1]
    if kind == "search":
        return "search-empty"
    if "slug" in values and "lang" in values:
        if known.article_lang.get((values["lang"], values["slug"]), values["lang"]) != values["lang"]:
            kind += "-other-language"
    return kind


def discover(app: Flask) -> Discovery:
    """Every page of `app` (its routes, its store), each requested through the test client: what
    answers with an HTML page is a page; redirects and other content are routes without pages.
    (No app context is held while requesting: the requests would share its `g`.)"""
    known = _read_store(app)
    adapter = app.url_map.bind("localhost")
    client = app.test_client()
    pages: list[tuple[str, str, str, str, int]] = []  # path, lang, kind, endpoint, status
    pictured: set[str] = set()  # their paths
    routes: list[Route] = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: (r.rule, r.endpoint)):
        methods = sorted(m for m in (rule.methods or ()) if m not in ("HEAD", "OPTIONS"))
        if "GET" not in methods:
            routes.append(Route(rule.rule, rule.endpoint, "methods", ", ".join(methods)))
            continue
        unknown = sorted(rule.arguments - known.values.keys())
        if unknown:
            routes.append(Route(rule.rule, rule.endpoint, "arguments", ", ".join(unknown)))
            continue
        names = sorted(rule.arguments)
        noted: set[str] = set()
        for combination in product(*(known.values[name] for name in names)):
            values: dict[str, Any] = dict(zip(names, combination, strict=True))
            found = _probe(client, adapter.build(rule.endpoint, values), rule.rule, rule.endpoint, noted)
            if isinstance(found, Route):
                routes.append(found)
                continue
            if found is None:
                continue
            path, status = found
            kind = _kind(rule.endpoint, values, known)
            pages.append((path, values.get("lang", ""), kind, rule.endpoint, status))
            if (values.get("lang"), values.get("slug")) in known.pictured:
                pictured.add(path)
            pages.extend(_variants(client, adapter, known, rule.endpoint, values, kind, path))
    return Discovery(
        pages=tuple(SitePage(f"p{i}", path, lang, kind, endpoint, status, path in pictured)
                    for i, (path, lang, kind, endpoint, status) in enumerate(_ordered(pages), 1)),
        routes=tuple(routes),
    )


def _probe(client: FlaskClient, path: str, rule: str, endpoint: str,
           noted: set[str]) -> tuple[str, int] | Route | None:
    """(path, 200) for an HTML page; a Route (once per rule and reason) for anything else.
    An HTML page with another status (an error where a page should be) is audited all the same,
    expecting 200, so that the report shows the failure."""
    response = client.get(path)
    reason, detail = None, ""
    if 300 <= response.status_code < 400:
        reason, detail = "redirect", f"{path} → {response.headers.get('Location', '')}"
    elif response.mimetype != "text/html":
        reason, detail = "not-html", response.mimetype or ""
    if reason is None:
        return path, 200
    if reason in noted:
        return None
    noted.add(reason)
    return Route(rule, endpoint, reason, detail)


def _variants(client: FlaskClient, adapter: MapAdapter, known: _Known, endpoint: str, values: dict[str, Any],
              kind: str, path: str) -> Iterator[tuple[str, str, str, str, int]]:
    """Pages a route shows besides its plain one: searches, the missing page, later pages."""
    lang = values.get("lang", "")
    get = client.get
    if kind == "search-empty" and lang:
        for variant, query in known.queries[lang].items():
            with_query = adapter.build(endpoint, {**values, "q": query})
            yield with_query, lang, variant, endpoint, 200
            if _links_to_page_2(get(with_query).data):
                yield adapter.build(endpoint, {**values, "q": query, "page": 2}), lang, variant + "-page-2", \
                    endpoint, 200
        return
    if "slug" in values:
        if values["slug"] != known.values["slug"][0]:
            return  # one missing page per route and language
        missing = adapter.build(endpoint, {**values, "slug": MISSING_SLUG})
        if get(missing).status_code == 404:
            yield missing, lang, "not-found", endpoint, 404
        return
    if _links_to_page_2(get(path).data):
        yield adapter.build(endpoint, {**values, "page": 2}), lang, kind + "-page-2", endpoint, 200


def _links_to_page_2(html: bytes) -> bool:
    """Does a list's first page link to a second one (its pagination)?"""
    return re.search(rb'href="[^"]*(?:[?&]|&amp;)page=2(?:&|"|#)', html) is not None


def _ordered(pages: list[tuple[str, str, str, str, int]]) -> list[tuple[str, str, str, str, int]]:
    """By interface language (in declaration order), keeping each language's discovery order;
    each path once."""
    unique: dict[str, tuple[str, str, str, str, int]] = {}
    for page in pages:
        unique.setdefault(page[0], page)
    order = {code: i for i, code in enumerate(CODES)}
    return sorted(unique.values(), key=lambda p: order.get(p[1], len(order)))


def quick(pages: tuple[SitePage, ...]) -> tuple[SitePage, ...]:
    """One page of each type in each interface language: the first found, or for articles the
    first with a picture (so that the checks of text alternatives find something to check)."""
    chosen: dict[tuple[str, str], SitePage] = {}
    for page in pages:
        key = (page.lang, page.kind)
        if key not in chosen or (page.pictured and not chosen[key].pictured):
            chosen[key] = page
    return tuple(p for p in pages if chosen.get((p.lang, p.kind)) is p)
