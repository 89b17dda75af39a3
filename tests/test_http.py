"""HTTP behaviour: page budget, static files, caching validators, compression, security headers."""

from __future__ import annotations

import gzip
import re

import brotli
import pytest
from flask import Flask, Response, make_response, template_rendered
from flask.testing import FlaskClient

from reader import store
from reader.importer import import_paths
from tests.support import AppFactory

ARTICLE = "/en/articles/paris-statement-south-caucasus"
PAGES = ["/hy/", "/en/", ARTICLE, "/hy/articles/sevan-volunteer-monitoring", "/en/search?q=Yerevan",
         "/hy/search", "/en/sections/society", "/hy/articles/no-such-story"]


def assets_of(page: str) -> list[str]:
    return re.findall(r'<(?:link rel="stylesheet"|script|link rel="icon")[^>]*(?:href|src)="([^"]+)"',
                      page)


@pytest.mark.parametrize("url", [ARTICLE, "/hy/articles/audio-library-braille-room"])
def test_article_page_budget(client: FlaskClient, url: str) -> None:
    html = client.get(url).data
    assert len(html) <= 30 * 1024
    assets = assets_of(html.decode())
    # HTML, one stylesheet, one script, the icon: nothing else before images.
    assert 1 + len(assets) <= 4
    total = len(brotli.compress(html, quality=5))
    for asset in assets:
        response = client.get(asset, headers={"Accept-Encoding": "br"})
        assert response.status_code == 200
        if asset.endswith((".css", ".js")):
            assert response.headers["Content-Encoding"] == "br"
            total += len(response.data)
    assert total <= 14 * 1024, total


def test_static_files_are_fingerprinted_immutable_and_compressed(client: FlaskClient) -> None:
    page = client.get("/en/").get_data(as_text=True)
    css = next(a for a in assets_of(page) if a.endswith(".css"))
    assert re.fullmatch(r"/static/[0-9a-f]{12}/reader\.css", css)
    plain = client.get(css)
    assert plain.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert "Content-Encoding" not in plain.headers and plain.mimetype == "text/css"
    gz = client.get(css, headers={"Accept-Encoding": "gzip"})
    assert gz.headers["Content-Encoding"] == "gzip" and gzip.decompress(gz.data) == plain.data
    br = client.get(css, headers={"Accept-Encoding": "gzip, deflate, br"})
    assert br.headers["Content-Encoding"] == "br" and brotli.decompress(br.data) == plain.data
    assert "Accept-Encoding" in br.vary
    assert client.get(css, headers={"If-None-Match": plain.headers["ETag"]}).status_code == 304
    # An old fingerprint still gets the file, but not for a year.
    old = client.get(css.replace(css.split("/")[2], "000000000000"))
    assert old.status_code == 200 and old.headers["Cache-Control"] == "no-cache"
    assert client.get("/static/000000000000/nothing.css").status_code == 404


@pytest.mark.parametrize("url", PAGES)
def test_pages_are_compressed_for_clients_that_accept_it(client: FlaskClient, url: str) -> None:
    plain = client.get(url)
    for encoding, decode in (("br", brotli.decompress), ("gzip", gzip.decompress)):
        packed = client.get(url, headers={"Accept-Encoding": encoding})
        assert packed.headers["Content-Encoding"] == encoding
        assert decode(packed.data) == plain.data
        assert packed.headers["ETag"] != plain.headers["ETag"]
        assert "Accept-Encoding" in packed.vary


@pytest.mark.parametrize("page_cache", [True, False], ids=["page-cache", "no-page-cache"])
@pytest.mark.parametrize("url", PAGES)
def test_conditional_requests_get_304_and_head_works(make_app: AppFactory, url: str, page_cache: bool) -> None:
    # With the page cache off, the app's own caching policy answers (as behind a CDN that caches).
    client = make_app(PAGE_CACHE=page_cache).test_client()
    first = client.get(url)
    etag = first.headers["ETag"]
    again = client.get(url, headers={"If-None-Match": etag})
    if first.status_code == 200:
        assert again.status_code == 304 and again.data == b""
    else:  # only a success is conditional
        assert again.status_code == first.status_code
    head = client.head(url)
    assert head.status_code == first.status_code and head.data == b""
    assert head.headers["ETag"] == etag


def test_validator_changes_with_content_language_and_preferences(app: Flask, client: FlaskClient,
                                                                 write_article) -> None:
    tags = {client.get(url).headers["ETag"] for url in ("/en/", "/hy/")}
    client.set_cookie("text_size", "lg")
    tags.add(client.get("/en/").headers["ETag"])
    client.delete_cookie("text_size")
    assert len(tags) == 3
    before = client.get("/en/").headers["ETag"]
    import_paths(store.connect(app.config["DATABASE"]), [write_article(title="Brand new story")])
    after = client.get("/en/")
    assert after.headers["ETag"] != before and b"Brand new story" in after.data
    assert client.get("/en/", headers={"If-None-Match": before}).status_code == 200


@pytest.fixture
def cached_app(make_app: AppFactory) -> Flask:
    return make_app(PAGE_CACHE=True, CACHE_MAX_AGE=3600)


def test_page_cache_serves_repeats_and_is_invalidated_by_an_import(cached_app: Flask,
                                                                   write_article) -> None:
    client = cached_app.test_client()
    first = client.get("/en/")
    calls: list[str] = []
    record = lambda sender, template, context, **extra: calls.append(template.name)  # noqa: E731
    template_rendered.connect(record, cached_app)
    assert client.get("/en/").data == first.data and calls == []  # from the cache
    assert client.get("/en/", headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    client.set_cookie("theme", "dark")
    assert b"theme-dark" in client.get("/en/").data and calls == ["home.html"]  # another key
    client.delete_cookie("theme")
    import_paths(store.connect(cached_app.config["DATABASE"]),
                 [write_article(title="Fresh from the import")])
    assert b"Fresh from the import" in client.get("/en/").data


def test_page_cache_never_stores_a_page_that_sets_a_cookie_or_redirects(cached_app: Flask) -> None:
    calls: list[str] = []

    # A page under /en/ (where the page cache works) that sets a cookie for each reader.
    @cached_app.get("/en/welcome")
    def welcome() -> Response:
        calls.append("welcome")
        response = make_response("<!doctype html><title>Welcome</title>" + "x" * 600)
        response.set_cookie("seen", str(len(calls)))
        return response

    client = cached_app.test_client()
    first, second = client.get("/en/welcome"), client.get("/en/welcome")
    assert calls == ["welcome", "welcome"]  # rendered for each reader: never from the cache
    assert "seen=1" in first.headers["Set-Cookie"] and "seen=2" in second.headers["Set-Cookie"]
    assert second.headers["Cache-Control"] == "no-store"
    page_cache = cached_app.extensions["reader.page_cache"]
    assert not any(key[0] == "/en/welcome" for key in page_cache.entries)
    # A slash redirect under /en/ is not stored either.
    assert client.get("/en").status_code == 308
    assert not any(key[0] == "/en" for key in page_cache.entries)


def test_a_search_with_too_many_matches_says_so_and_lists_the_newest(
        client: FlaskClient, monkeypatch: pytest.MonkeyPatch) -> None:
    from reader import store as store_module

    uncapped = client.get("/en/search?q=the").get_data(as_text=True)
    assert "More than" not in uncapped
    monkeypatch.setattr(store_module, "RANK_LIMIT", 2)
    capped = client.get("/en/search?q=the&page=1").get_data(as_text=True)
    assert "More than 2 stories match “the”; the most recently added come first." in capped
    hy = client.get("/hy/search?q=the").get_data(as_text=True)
    assert "ավելի քան 2 հոդված" in hy


CSP = ("default-src 'self'; img-src 'self'; object-src 'none'; base-uri 'none'; "
       "frame-ancestors 'none'; form-action 'self'")


@pytest.mark.parametrize("url", [*PAGES, "/", "/static/x/reader.css", "/media/none.svg"])
def test_security_headers_on_every_response(client: FlaskClient, url: str) -> None:
    response = client.get(url)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "camera=()" in response.headers["Permissions-Policy"]
    csp = response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    if not url.startswith("/media/"):
        assert csp == CSP


def test_image_hosts_can_be_allowed(make_app: AppFactory) -> None:
    app = make_app(IMAGE_HOSTS="images.example.org, https://cdn.example.net")
    csp = app.test_client().get("/en/").headers["Content-Security-Policy"]
    assert "img-src 'self' https://images.example.org https://cdn.example.net;" in csp


def test_cookies_are_secure_behind_an_https_proxy(make_app: AppFactory) -> None:
    app = make_app(PROXY_COUNT=1, TRUSTED_HOSTS="news.example,localhost")
    client = app.test_client()
    behind = client.get("/language/hy?next=/hy/", headers={"X-Forwarded-Proto": "https"})
    assert "Secure" in behind.headers["Set-Cookie"] and "SameSite=Lax" in behind.headers["Set-Cookie"]
    plain = client.get("/language/hy?next=/hy/")
    assert "Secure" not in plain.headers["Set-Cookie"]
    page = client.get("/en/", headers={"X-Forwarded-Proto": "https", "X-Forwarded-Host": "news.example"})
    assert b'href="https://news.example/hy/"' in page.data
    # Without a configured proxy, forwarded headers are not believed.
    direct = make_app().test_client()
    spoofed = direct.get("/language/hy?next=/hy/", headers={"X-Forwarded-Proto": "https"})
    assert "Secure" not in spoofed.headers["Set-Cookie"]


def test_static_validators_differ_per_encoding(client: FlaskClient) -> None:
    css = next(a for a in assets_of(client.get("/en/").get_data(as_text=True)) if a.endswith(".css"))
    tags = {client.get(css, headers={"Accept-Encoding": e}).headers["ETag"] for e in ("", "gzip", "br")}
    assert len(tags) == 3


def test_not_found_is_not_conditional_and_405_says_what_is_allowed(client: FlaskClient) -> None:
    missing = client.get("/en/articles/none")
    again = client.get("/en/articles/none", headers={"If-None-Match": missing.headers["ETag"]})
    assert again.status_code == 404
    wrong = client.get("/preferences")
    assert wrong.status_code == 405 and "POST" in wrong.headers["Allow"]
    assert "Page not found" not in wrong.get_data(as_text=True)


def test_pages_localised_by_the_request_are_not_shared(client: FlaskClient) -> None:
    response = client.get("/xx/", headers={"Accept-Language": "en"})
    assert response.status_code == 404 and response.headers["Cache-Control"].startswith("private")
    assert {"Accept-Language", "Cookie"} <= set(response.vary)


def test_only_trusted_hosts_are_answered_when_configured(make_app: AppFactory) -> None:
    app = make_app(TRUSTED_HOSTS="news.example, localhost")
    client = app.test_client()
    assert client.get("/en/").status_code == 200
    assert client.get("/en/", headers={"Host": "evil.example"}).status_code == 400


def test_if_none_match_star_and_lists_from_the_page_cache(cached_app: Flask) -> None:
    client = cached_app.test_client()
    tag = client.get("/en/").headers["ETag"]
    assert client.get("/en/").status_code == 200  # now cached
    assert client.get("/en/", headers={"If-None-Match": f'"x", {tag}'}).status_code == 304
    assert client.get("/en/", headers={"If-None-Match": "*"}).status_code == 304
    assert client.get("/en/", headers={"If-None-Match": tag[:-3] + '"'}).status_code == 200


def test_page_cache_entries_expire_and_are_refreshed(cached_app: Flask,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    import time

    from reader import pagecache

    client = cached_app.test_client()
    rendered: list[str] = []

    def record(sender, template, context, **extra) -> None:  # held here: signals hold weakly
        rendered.append(template.name)

    template_rendered.connect(record, cached_app)
    client.get("/hy/")
    client.get("/hy/")
    assert len(rendered) == 1
    later = time.monotonic() + 3601  # past CACHE_MAX_AGE
    monkeypatch.setattr(pagecache.time, "monotonic", lambda: later)
    client.get("/hy/")
    client.get("/hy/")
    assert len(rendered) == 2  # rendered again once, then served from the refreshed entry
