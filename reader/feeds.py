"""What the site publishes for machines: an Atom feed per interface language and per section, the
sitemap (with hreflang alternates), and robots.txt. Every absolute URL comes from the trusted
origin (reader.origin)."""

from __future__ import annotations

from datetime import UTC, datetime
from math import ceil
from xml.etree.ElementTree import Element, SubElement, register_namespace, tostring

from flask import Blueprint, Response, abort, url_for
from flask_babel import gettext

from . import store
from .i18n import section_name
from .languages import CODES, DEFAULT
from .origin import absolute

bp = Blueprint("feeds", __name__)

ATOM = "http://www.w3.org/2005/Atom"
SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML = "http://www.w3.org/1999/xhtml"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# Stories in a feed: enough for an aggregator polling every few hours.
FEED_SIZE = 30
# Article pages per sitemap file (the protocol allows 50,000; smaller files are quicker to serve).
SITEMAP_SIZE = 10_000
EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
register_namespace("xhtml", XHTML)


def _xml(root: Element, mimetype: str) -> Response:
    body = b'<?xml version="1.0" encoding="utf-8"?>\n' + tostring(root, encoding="utf-8", xml_declaration=False)
    return Response(body, mimetype=mimetype)


def _text(parent: Element, tag: str, text: str, **attrs: str) -> Element:
    element = SubElement(parent, tag, attrs)
    element.text = text
    return element


def _stamp(dt: datetime) -> str:
    return dt.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def atom(lang: str, section: str | None) -> Response:
    articles, total = store.latest(store.get_db(), lang, FEED_SIZE, 0, section, with_body=True)
    if section and not total:
        abort(404)
    home = url_for("views.section", lang=lang, section=section) if section else url_for("views.home", lang=lang)
    self_url = (url_for("feeds.section_feed", lang=lang, section=section) if section
                else url_for("feeds.latest_feed", lang=lang))
    feed = Element("feed", {"xmlns": ATOM, XML_LANG: lang})
    heading = section_name(section) if section else gettext("Latest stories")
    _text(feed, "title", f"{heading} – {gettext('Reader')}")
    _text(feed, "subtitle", gettext("Reader — accessible news in Armenian and English."))
    _text(feed, "id", absolute(home))
    SubElement(feed, "link", {"rel": "self", "type": "application/atom+xml", "href": absolute(self_url)})
    SubElement(feed, "link", {"rel": "alternate", "type": "text/html", "href": absolute(home)})
    newest = max((a.updated or a.published for a in articles), default=EPOCH)
    _text(feed, "updated", _stamp(newest))
    for a in articles:
        entry = SubElement(feed, "entry", {XML_LANG: a.lang})
        # The story's own page (in its language) identifies it; the link reads it in this interface.
        _text(entry, "id", absolute(url_for("views.article", lang=a.lang, slug=a.slug)))
        _text(entry, "title", a.title)
        SubElement(entry, "link", {"rel": "alternate", "type": "text/html", "hreflang": a.lang,
                                   "href": absolute(url_for("views.article", lang=lang, slug=a.slug))})
        _text(entry, "published", _stamp(a.published))
        _text(entry, "updated", _stamp(a.updated or a.published))
        for name in a.authors or (gettext("Reader"),):
            _text(SubElement(entry, "author"), "name", name)
        if a.section:
            SubElement(entry, "category", {"term": a.section, "label": section_name(a.section)})
        _text(entry, "summary", a.summary)
        # The body as readers get it: sanitised on import (reader.sanitize), escaped here as text.
        _text(entry, "content", a.body_html, type="html")
    return _xml(feed, "application/atom+xml")


@bp.get("/<lang:lang>/feed.atom")
def latest_feed(lang: str) -> Response:
    return atom(lang, None)


@bp.get("/<lang:lang>/sections/<section>/feed.atom")
def section_feed(lang: str, section: str) -> Response:
    return atom(lang, section)


def _url(urlset: Element, path: str, alternates: dict[str, str], modified: datetime | None = None) -> None:
    url = SubElement(urlset, "url")
    _text(url, "loc", absolute(path))
    if modified is not None:
        _text(url, "lastmod", _stamp(modified))
    for code, href in (*alternates.items(), ("x-default", alternates[DEFAULT])):
        SubElement(url, f"{{{XHTML}}}link", {"rel": "alternate", "hreflang": code, "href": absolute(href)})


@bp.get("/sitemap.xml")
def sitemap_index() -> Response:
    _, total = store.article_pages(store.get_db(), 0)
    index = Element("sitemapindex", {"xmlns": SITEMAP})
    parts = [url_for("feeds.sitemap_lists")] + [
        url_for("feeds.sitemap_articles", part=n) for n in range(1, max(1, ceil(total / SITEMAP_SIZE)) + 1)]
    for part in parts:
        _text(SubElement(index, "sitemap"), "loc", absolute(part))
    return _xml(index, "application/xml")


@bp.get("/sitemaps/lists.xml")
def sitemap_lists() -> Response:
    urlset = Element("urlset", {"xmlns": SITEMAP})
    homes = {code: url_for("views.home", lang=code) for code in CODES}
    for code in CODES:
        _url(urlset, homes[code], homes)
    for key in store.sections(store.get_db()):
        pages = {code: url_for("views.section", lang=code, section=key) for code in CODES}
        for code in CODES:
            _url(urlset, pages[code], pages)
    return _xml(urlset, "application/xml")


@bp.get("/sitemaps/articles-<int:part>.xml")
def sitemap_articles(part: int) -> Response:
    if part < 1:
        abort(404)
    pages, total = store.article_pages(store.get_db(), SITEMAP_SIZE, (part - 1) * SITEMAP_SIZE)
    if not pages and part > 1:
        abort(404)
    urlset = Element("urlset", {"xmlns": SITEMAP})
    for page in pages:
        # As the article page lists its alternates: each version in its own language's interface;
        # a one-language story offered in both interfaces.
        alternates = {code: url_for("views.article", lang=code, slug=page.versions.get(code, page.slug))
                      for code in CODES}
        _url(urlset, alternates[page.lang], alternates, page.modified)
    return _xml(urlset, "application/xml")


@bp.get("/robots.txt")
def robots() -> Response:
    lines = ["User-agent: *", "Disallow: /preferences", "Disallow: /language/"]
    # Search pages are endless combinations of words: crawlers get the stories from the sitemap.
    lines += [f"Disallow: {url_for('views.search', lang=code)}" for code in CODES]
    lines += ["", f"Sitemap: {absolute(url_for('feeds.sitemap_index'))}", ""]
    return Response("\n".join(lines), mimetype="text/plain")
