"""HTTP behaviour: page budget, static files, caching validators, compression, security headers."""

from __future__ import annotations

import gzip
import re
from collections.abc import Callable

import brotli
import pytest
from flask import Flask, Response, make_response, request, template_rendered
from flask.testing import FlaskClient
from werkzeug.test import EnvironBuilder, run_wsgi_app

from reader import store
from reader.importer import import_paths
from tests.support import AppFactory

ARTICLE = "/en/articles/paris-statement-south-caucasus"
PAGES = ["/hy/", "/en/", ARTICLE, "/hy/articles/sevan-volunteer-monitoring", "/en/search?q=Yerevan",
         "/hy/search", "/en/sections/society", "/hy/articles/no-such-story"]

# A body as sent, decoded by its Content-Encoding.
DECODE: dict[str | None, Callable[[bytes], bytes]] = {
    "br": brotli.decompress, "gzip": gzip.decompress, None: lambda data: data}


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
        if encoding == "gzip":
            # No timestamp in the gzip header: every server, every second, sends the same bytes.
            assert packed.data[4:8] == b"\0\0\0\0"


@pytest.mark.parametrize("page_cache", [True, False], ids=["page-cache", "no-page-cache"])
@pytest.mark.parametrize("url", PAGES)
def test_conditional_requests_get_304_and_head_works(make_app: AppFactory, url: str, page_cache: bool) -> None:
    # With the page cache off, the app's own caching policy answers (as behind a CDN that caches).
    client = make_app(PAGE_CACHE=page_cache).test_client()
    first = client.get(url, headers={"Accept-Encoding": "gzip"})
    etag = first.headers["ETag"]
    again = client.get(url, headers={"Accept-Encoding": "gzip", "If-None-Match": etag})
    if first.status_code == 200:
        assert again.status_code == 304 and again.data == b""
        assert "Content-Encoding" not in again.headers  # nothing was sent to encode
    else:  # only a success is conditional
        assert again.status_code == first.status_code
    head = client.head(url, headers={"Accept-Encoding": "gzip"})
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


def test_error_pages_are_kept_by_no_cache(make_app: AppFactory, tmp_path) -> None:
    # A failure is of the moment: a cache that kept the 500 or 503 page would go on showing it
    # after the fix, and a 405 is not a page at all.
    app = make_app(TESTING=False)

    @app.get("/en/boom")
    def boom() -> str:
        raise RuntimeError("the template broke")

    client = app.test_client()
    for response in (client.get("/en/boom"), client.get("/preferences")):
        assert response.status_code in (500, 405)
        assert response.headers["Cache-Control"] == "no-store"
        assert "ETag" not in response.headers
    missing = make_app(DATABASE=str(tmp_path / "none.sqlite3"), LOAD_DEMO=False).test_client().get("/en/")
    assert missing.status_code == 503 and missing.headers["Cache-Control"] == "no-store"
    assert "ETag" not in missing.headers


@pytest.mark.parametrize("status", [300, 301, 302, 303, 307, 308])
def test_every_redirect_is_for_this_reader_only(make_app: AppFactory, status: int) -> None:
    app = make_app()

    @app.get("/en/moved")
    def moved() -> Response:
        return Response("", status, headers={"Location": "http://localhost/en/"})

    response = app.test_client().get("/en/moved")
    assert response.status_code == status
    assert response.headers["Cache-Control"] == "private, no-cache"
    assert response.headers["Location"] == "/en/"  # relative, whatever the app wrote
    assert "ETag" not in response.headers


def test_a_bad_request_is_not_taken_for_a_redirect(make_app: AppFactory) -> None:
    app = make_app()

    @app.get("/en/bad")
    def bad() -> Response:
        return Response("no", 400, headers={"Location": "http://localhost/en/"})

    response = app.test_client().get("/en/bad")
    assert response.status_code == 400 and response.headers["Cache-Control"] == "no-store"
    assert response.headers["Location"] == "http://localhost/en/"  # only redirects are rewritten


@pytest.mark.parametrize(("accept", "sent"), [
    ("gzip, br", "br"), ("br, gzip", "br"), ("br;q=0, gzip", "gzip"), ("gzip;q=0, br", "br"),
    ("gzip;q=0, br;q=0", None), ("identity", None), ("", None),
])
def test_brotli_is_preferred_and_a_refused_encoding_is_never_sent(client: FlaskClient, accept: str,
                                                                 sent: str | None) -> None:
    plain = client.get("/en/").data
    response = client.get("/en/", headers={"Accept-Encoding": accept})
    assert response.headers.get("Content-Encoding") == sent
    assert DECODE[sent](response.data) == plain


@pytest.mark.parametrize("page_cache", [True, False], ids=["page-cache", "no-page-cache"])
def test_only_text_of_512_bytes_or_more_is_compressed(make_app: AppFactory, page_cache: bool) -> None:
    # Below 512 bytes compression gains nothing; pictures are compressed already.
    app = make_app(PAGE_CACHE=page_cache)

    @app.get("/en/sized/<kind>/<int:size>")
    def sized(kind: str, size: int) -> Response:
        return Response(b"x" * size, mimetype={"text": "text/html", "json": "application/json",
                                               "svg": "image/svg+xml", "png": "image/png"}[kind])

    client = app.test_client()

    def encoding(url: str) -> str | None:
        return client.get(url, headers={"Accept-Encoding": "gzip"}).headers.get("Content-Encoding")

    assert encoding("/en/sized/text/511") is None
    assert encoding("/en/sized/text/512") == "gzip"
    assert encoding("/en/sized/json/600") == "gzip" and encoding("/en/sized/svg/600") == "gzip"
    assert encoding("/en/sized/png/600") is None


# --- the page cache: what it may serve to whom ------------------------------------------------


def page_cache_of(app: Flask):
    return app.extensions["reader.page_cache"]


def canonical(response) -> str:
    return re.search(r'<link rel="canonical" href="([^"]+)"', response.get_data(as_text=True)).group(1)


def test_a_page_cached_for_one_host_or_scheme_is_never_served_for_another(make_app: AppFactory) -> None:
    # Without READER_SITE_URL absolute links take the request's host and scheme: a page kept for
    # one name must not send readers of another name to it.
    app = make_app(CACHE_MAX_AGE=3600, PROXY_COUNT=1, TRUSTED_HOSTS="a.example,b.example")
    client = app.test_client()
    for _ in range(2):  # the second round comes from the cache
        assert canonical(client.get(ARTICLE, headers={"Host": "a.example"})) == f"http://a.example{ARTICLE}"
        assert canonical(client.get(ARTICLE, headers={"Host": "b.example"})) == f"http://b.example{ARTICLE}"
        https = client.get(ARTICLE, headers={"Host": "a.example", "X-Forwarded-Proto": "https"})
        assert canonical(https) == f"https://a.example{ARTICLE}"
    assert len(page_cache_of(app).entries) == 3


def test_with_a_site_url_every_host_name_shares_one_entry(make_app: AppFactory) -> None:
    app = make_app(CACHE_MAX_AGE=3600, SITE_URL="https://news.example")
    client = app.test_client()
    for host in ("localhost", "127.0.0.1", "news.example"):
        assert canonical(client.get(ARTICLE, headers={"Host": host})) == f"https://news.example{ARTICLE}"
    assert len(page_cache_of(app).entries) == 1


def test_the_same_search_with_its_parameters_in_another_order_is_one_entry(cached_app: Flask) -> None:
    client = cached_app.test_client()
    first = client.get("/en/search?q=Yerevan&page=1")
    assert client.get("/en/search?page=1&q=Yerevan").data == first.data
    assert len(page_cache_of(cached_app).entries) == 1
    client.get("/en/search?q=Paris&page=1")
    assert len(page_cache_of(cached_app).entries) == 2


def test_a_head_request_first_leaves_the_whole_page_for_the_next_reader(cached_app: Flask,
                                                                       make_app: AppFactory) -> None:
    whole = make_app(PAGE_CACHE=False).test_client().get(ARTICLE).data
    client = cached_app.test_client()
    head = client.head(ARTICLE)
    assert head.status_code == 200 and head.data == b""
    assert client.get(ARTICLE).data == whole
    assert client.head(ARTICLE).data == b""  # and HEAD from the cache has no body


def test_a_conditional_first_request_leaves_the_whole_page_for_the_next_reader(make_app: AppFactory) -> None:
    # The reader's validator came from another worker (same database, same bytes): this
    # worker answers 304, and still keeps the whole page for readers without one.
    other_worker = make_app(CACHE_MAX_AGE=3600).test_client()
    tag = other_worker.get(ARTICLE).headers["ETag"]
    whole = other_worker.get(ARTICLE).data
    client = make_app(CACHE_MAX_AGE=3600).test_client()
    assert client.get(ARTICLE, headers={"If-None-Match": tag}).status_code == 304
    assert client.get(ARTICLE).data == whole


def test_a_304_from_the_page_cache_carries_no_body_length_or_encoding(cached_app: Flask) -> None:
    client = cached_app.test_client()
    packed = client.get("/en/", headers={"Accept-Encoding": "br"})
    client.get("/en/", headers={"Accept-Encoding": "br"})  # now from the cache
    again = client.get("/en/", headers={"Accept-Encoding": "br", "If-None-Match": packed.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    assert "Content-Encoding" not in again.headers and "Content-Length" not in again.headers
    assert again.headers["ETag"] == packed.headers["ETag"]
    assert again.headers["Cache-Control"] == packed.headers["Cache-Control"]


def test_the_least_recently_read_page_is_dropped_first(make_app: AppFactory) -> None:
    app = make_app(CACHE_MAX_AGE=3600, PAGE_CACHE_MB=0.0625)  # 64 KB: a few small pages
    cache = page_cache_of(app)
    client = app.test_client()
    urls = [f"/en/search?q=w{n}" for n in range(40)]
    client.get(urls[0])
    for url in urls[1:]:
        client.get(urls[0])  # read again and again: never the least recently used
        client.get(url)
        assert cache.bytes <= cache.max_bytes
    kept = {key[1] for key in cache.entries}
    assert "q=w0" in kept and "q=w1" not in kept and "q=w39" in kept
    assert cache.bytes == sum(entry.size for entry in cache.entries.values())


def test_a_page_bigger_than_a_quarter_of_the_cache_is_served_but_not_kept(make_app: AppFactory) -> None:
    # One huge page must not push every other page out.
    app = make_app(CACHE_MAX_AGE=3600, PAGE_CACHE_MB=0.0625)  # a quarter: 16 KB

    @app.get("/en/sized/<int:size>")
    def sized(size: int) -> Response:
        return Response(b"x" * size, mimetype="text/plain")

    client = app.test_client()
    for size, kept in ((13_000, True), (17_000, False)):
        assert len(client.get(f"/en/sized/{size}").data) == size
        assert any(key[0] == f"/en/sized/{size}" for key in page_cache_of(app).entries) is kept


def wsgi_get(app: Flask, url: str, **environ: str) -> tuple[int, bytes]:
    """A GET through the whole WSGI stack with these raw environ values (the test client drops
    a Cookie header given by hand and sends its own cookie jar instead)."""
    path, _, query = url.partition("?")
    env = EnvironBuilder(path=path, query_string=query).get_environ()
    env.update(environ)
    body, status, _ = run_wsgi_app(app.wsgi_app, env, buffered=True)
    return int(status.split()[0]), b"".join(body)


def test_requests_with_oversized_parts_are_served_but_never_cached(cached_app: Flask) -> None:
    from reader.pagecache import MAX_HEADER, MAX_PATH, MAX_QUERY

    cache = page_cache_of(cached_app)

    def stored(url: str, **environ: str) -> bool:
        before = len(cache.entries)
        assert wsgi_get(cached_app, url, **environ)[0] in (200, 404)
        return len(cache.entries) > before

    at_most = "/en/articles/" + "a" * (MAX_PATH - len("/en/articles/"))
    assert stored(at_most) and not stored(at_most + "a")
    query = "q=" + "b" * (MAX_QUERY - 2)
    assert stored(f"/en/search?{query}") and not stored(f"/en/search?{query}b")
    cookie = "theme=dark; pad=" + "c" * (4 * MAX_HEADER - len("theme=dark; pad="))
    assert stored("/en/", HTTP_COOKIE=cookie) and not stored("/hy/", HTTP_COOKIE=cookie + "c")
    accept = "gzip" + " " * (MAX_HEADER - 4)
    assert stored("/hy/", HTTP_ACCEPT_ENCODING=accept)
    assert not stored("/en/search", HTTP_ACCEPT_ENCODING=accept + " ")


def test_only_valid_preference_cookies_make_a_page_of_its_own(cached_app: Flask) -> None:
    cache = page_cache_of(cached_app)
    # Unknown cookies and invalid values change nothing on the page: one entry serves them all.
    for cookie in ("theme=dark", "theme=dark; tracking=1234", "text_size=huge; theme=dark",
                   "theme=dark; lang=en"):
        status, body = wsgi_get(cached_app, "/en/", HTTP_COOKIE=cookie)
        assert status == 200 and b"theme-dark" in body and b"size-md" in body
    assert len(cache.entries) == 1
    status, body = wsgi_get(cached_app, "/en/", HTTP_COOKIE="theme=dark; text_size=lg")
    assert b"theme-dark" in body and b"size-lg" in body and len(cache.entries) == 2
    status, body = wsgi_get(cached_app, "/en/", HTTP_COOKIE="theme=neon; text_size=huge")
    assert b"theme-auto" in body and b"size-md" in body and len(cache.entries) == 3


def test_an_if_none_match_longer_than_the_limit_is_ignored(cached_app: Flask) -> None:
    from reader.pagecache import MAX_HEADER

    client = cached_app.test_client()
    tag = client.get("/en/").headers["ETag"]
    client.get("/en/")  # now from the cache
    fits = tag + "," + " " * (MAX_HEADER - len(tag) - 1)
    assert client.get("/en/", headers={"If-None-Match": fits}).status_code == 304
    assert client.get("/en/", headers={"If-None-Match": fits + " "}).status_code == 200


def test_a_redirect_the_app_writes_for_the_requests_host_is_relative_with_a_site_url(
        make_app: AppFactory) -> None:
    # With READER_SITE_URL the request's own host is still stripped from a redirect, so no host
    # taken from a request's headers is written into a response.
    app = make_app(SITE_URL="https://news.example")

    @app.get("/en/moved")
    def moved() -> Response:
        return Response("", 302, headers={"Location": "http://localhost/en/?from=moved"})

    @app.get("/en/away")
    def away() -> Response:
        return Response("", 302, headers={"Location": "https://other.example/en/"})

    client = app.test_client()
    assert client.get("/en/moved").headers["Location"] == "/en/?from=moved"
    assert client.get("/en/away").headers["Location"] == "https://other.example/en/"


def test_refreshing_expired_pages_keeps_the_byte_count_true(cached_app: Flask,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    import time

    from reader import pagecache

    cache = page_cache_of(cached_app)
    client = cached_app.test_client()
    for url in ("/en/", "/hy/", ARTICLE):
        client.get(url)
    counted = cache.bytes
    assert counted == sum(entry.size for entry in cache.entries.values())
    for hours in range(1, 4):  # each time past CACHE_MAX_AGE: every page is rendered and kept again
        later = time.monotonic() + 3601 * hours
        monkeypatch.setattr(pagecache.time, "monotonic", lambda later=later: later)
        for url in ("/en/", "/hy/", ARTICLE):
            client.get(url)
        assert len(cache.entries) == 3
        assert cache.bytes == sum(entry.size for entry in cache.entries.values()) == counted


def test_a_head_request_is_answered_from_the_cache_without_rendering(cached_app: Flask) -> None:
    client = cached_app.test_client()
    rendered: list[str] = []

    def record(sender, template, context, **extra) -> None:  # held here: signals hold weakly
        rendered.append(template.name)

    template_rendered.connect(record, cached_app)
    whole = client.get("/en/")
    for _ in range(3):
        head = client.head("/en/")
        assert head.status_code == 200 and head.data == b"" and head.headers["ETag"] == whole.headers["ETag"]
    assert rendered == ["home.html"]


def test_the_page_cache_serves_every_address_exactly_what_the_app_renders_for_it(make_app: AppFactory) -> None:
    # Addresses that differ only by a blank parameter are pages of their own: the app renders
    # them differently (the settings form returns to the address). (The same parameters in
    # another order are one page: see the test above.)
    urls = ["/en/", "/en/?page=", "/en/?page=1", "/en/search", "/en/search?q=", "/en/search?q=&page=",
            "/en/search?q=Paris&page=1", "/hy/search?q=Երևան"]
    direct = make_app(PAGE_CACHE=False).test_client()
    expected = {url: direct.get(url).data for url in urls}
    client = make_app(CACHE_MAX_AGE=3600).test_client()
    for _ in range(2):
        for url in urls:
            assert client.get(url).data == expected[url], url


def test_a_page_that_stores_a_choice_is_kept_by_no_cache_whatever_it_says(make_app: AppFactory) -> None:
    # A response that sets a cookie is for one reader, once: no shared cache may keep it (even if
    # its view said otherwise), and it is never answered with a 304, which would drop the cookie.
    app = make_app()

    @app.get("/en/remember")
    def remember() -> Response:
        response = Response("<!doctype html><title>Saved</title>" + "x" * 600, mimetype="text/html")
        response.headers["Cache-Control"] = "public, max-age=600"
        response.set_cookie("seen", "1")
        return response

    client = app.test_client()
    first = client.get("/en/remember")
    assert first.headers["Cache-Control"] == "no-store" and "ETag" not in first.headers
    again = client.get("/en/remember", headers={"If-None-Match": "*"})
    assert again.status_code == 200 and "seen=1" in again.headers["Set-Cookie"]


def test_a_form_posts_own_cache_control_is_kept_and_otherwise_no_store(make_app: AppFactory) -> None:
    app = make_app()

    @app.post("/en/echo/<mode>")
    def echo(mode: str) -> Response:
        response = Response("ok", mimetype="text/plain")
        if mode == "private":
            response.headers["Cache-Control"] = "private, max-age=0"
        return response

    client = app.test_client()
    assert client.post("/en/echo/private").headers["Cache-Control"] == "private, max-age=0"
    assert client.post("/en/echo/plain").headers["Cache-Control"] == "no-store"


def test_a_redirect_is_never_kept_by_the_page_cache(cached_app: Flask) -> None:
    # A redirect may follow something of this reader's that the page cache's key does not hold
    # (here the language cookie): each reader must get their own.
    @cached_app.get("/en/go")
    def go() -> Response:
        target = "/hy/" if request.cookies.get("lang") == "hy" else "/en/"
        return Response("", 302, headers={"Location": target})

    armenian, english = cached_app.test_client(), cached_app.test_client()
    armenian.set_cookie("lang", "hy")
    assert armenian.get("/en/go").headers["Location"] == "/hy/"
    assert english.get("/en/go").headers["Location"] == "/en/"
    assert not any(key[0] == "/en/go" for key in page_cache_of(cached_app).entries)


def test_responses_leave_the_date_to_the_server(make_app) -> None:
    """The server adds its own Date: one from the app too would be a second header (and, kept in
    the page cache, an old one)."""
    client = make_app().test_client()
    for path in ("/en/", "/en/", "/hy/articles/paris-statement-south-caucasus", "/robots.txt"):
        assert "Date" not in client.get(path).headers, path
    page = client.get("/en/")
    assert "Date" not in client.get("/en/", headers={"If-None-Match": page.headers["ETag"]}).headers


class Pieces(list[bytes]):
    """A response body in pieces that records whether the server closed it (PEP 3333)."""

    closed = False

    def close(self) -> None:
        self.closed = True


def test_the_page_cache_keeps_a_body_sent_in_pieces_whole_and_closes_it(tmp_path) -> None:
    """The cache sits in front of any WSGI app: a body in several pieces is stored as one, and the
    app's iterable is closed, as a server would close it."""
    from reader.caching import PAGE_CACHEABLE
    from reader.pagecache import PageCache

    bodies: list[Pieces | list[bytes]] = []

    def app(environ, start_response):  # type: ignore[no-untyped-def]
        environ[PAGE_CACHEABLE] = True
        start_response("200 OK", [("Content-Type", "text/html")])
        body = Pieces([b"<p>one ", b"two</p>"]) if len(bodies) == 0 else [b"<p>plain</p>"]
        bodies.append(body)
        return body

    cache = PageCache(app, str(tmp_path / "db"), ttl=60, max_bytes=1 << 20, query_params=())
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": "/en/", "QUERY_STRING": "", "wsgi.url_scheme": "http",
               "HTTP_HOST": "localhost"}
    sent = b"".join(cache(dict(environ), lambda status, headers: None))
    assert sent == b"<p>one two</p>"
    assert isinstance(bodies[0], Pieces) and bodies[0].closed
    assert b"".join(cache(dict(environ), lambda status, headers: None)) == b"<p>one two</p>"  # stored
    other = dict(environ, PATH_INFO="/hy/")
    assert b"".join(cache(other, lambda status, headers: None)) == b"<p>plain</p>"  # no close(): fine


@pytest.mark.parametrize(("accept", "coding"), [("br, gzip", "br"), ("gzip", "gzip"), ("", None)])
def test_a_picture_keeps_a_validator_per_encoding_and_a_range_of_it_is_that_range(
        app: Flask, accept: str, coding: str | None) -> None:
    """An SVG picture is text, sent compressed as the client accepts, under a validator of those
    bytes (never one validator for two encodings) that answers its revalidation with a 304; a
    range request (players and resumed downloads) gets exactly those bytes of the picture."""
    conn = store.connect(app.config["DATABASE"], readonly=True)
    name, data = conn.execute("SELECT name, data FROM media WHERE type = 'image/svg+xml' LIMIT 1").fetchone()
    conn.close()
    client = app.test_client()
    whole = client.get(f"/media/{name}", headers={"Accept-Encoding": accept})
    assert whole.status_code == 200 and whole.headers.get("Content-Encoding") == coding
    sent = whole.get_data()
    assert DECODE[coding](sent) == data
    assert whole.headers["ETag"] == (f'"{name}-{coding}"' if coding else f'"{name}"')
    again = client.get(f"/media/{name}", headers={"Accept-Encoding": accept,
                                                  "If-None-Match": whole.headers["ETag"]})
    assert again.status_code == 304
    # A range long enough that it would be worth compressing were it a whole body.
    part = client.get(f"/media/{name}", headers={"Accept-Encoding": accept, "Range": "bytes=100-899"})
    assert part.status_code == 206 and "Content-Encoding" not in part.headers
    assert part.get_data() == data[100:900]
    assert part.headers["Content-Range"] == f"bytes 100-899/{len(data)}"
