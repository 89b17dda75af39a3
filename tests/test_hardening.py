"""What an attacker with a laptop can send: floods of distinct keys and huge headers, forged
forwarded headers and hosts, cross-site form posts, absurd parameters. Each test reproduces an
attack that worked before and checks what a reader or an operator would notice now."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import EnvironBuilder, run_wsgi_app

from reader import store
from reader.importer import import_paths
from reader.pagecache import ENTRY_OVERHEAD, PageCache
from tests.support import LONGEST_HOST, AppFactory

ARTICLE = "/en/articles/paris-statement-south-caucasus"


def page_cache(app: Flask) -> PageCache:
    cache: PageCache = app.extensions["reader.page_cache"]
    return cache


def real_size(cache: PageCache) -> int:
    """What the entries really hold: every string of every key, header and body."""
    return sum(
        sum(len(p) for p in key) + len(e.status) + sum(len(n) + len(v) for n, v in e.headers)
        + len(e.body) + ENTRY_OVERHEAD
        for key, e in cache.entries.items()
    )


def raw_get(app: Flask, path: str, method: str = "GET", **environ: str) -> tuple[int, bytes]:
    """A request straight into the WSGI stack, headers as a server passes them (the test client
    would rebuild the Cookie header from its own jar)."""
    env = EnvironBuilder(path=path, method=method).get_environ()
    env.update(environ)
    body, status, _ = run_wsgi_app(app.wsgi_app, env, buffered=True)
    return int(status.split()[0]), b"".join(body)


# --- row 1: memory exhaustion through the page cache ----------------------------------------


def test_a_flood_of_distinct_keys_and_huge_headers_stays_within_the_cache_limit(
        make_app: AppFactory) -> None:
    app = make_app(CACHE_MAX_AGE=3600, PAGE_CACHE_MB=0.25)
    cache = page_cache(app)
    client = app.test_client()
    pad = "x" * 60_000
    huge = "y" * 100_000
    for n in range(120):
        # Distinct pages that do exist in the key (404 pages are cached too), each with huge
        # header values and query padding.
        raw_get(app, f"/en/?page={n + 2}", "HEAD", HTTP_ACCEPT_ENCODING=huge + str(n),
                HTTP_X_FORWARDED_HOST=huge, HTTP_X_FORWARDED_PROTO=huge, HTTP_USER_AGENT=huge,
                HTTP_COOKIE=f"theme={huge}; text_size=lg; other={pad}")
        raw_get(app, f"/en/?page={n + 2}", "HEAD", HTTP_COOKIE=f"theme=dark; text_size=lg; n={n}")
        client.head(f"/hy/search?q=w{n}&pad={pad}{n}")
        client.head(f"/en/articles/nothing-{n}", headers={"Accept-Encoding": "gzip, br;q=0.5" + " " * n})
        assert cache.bytes <= cache.max_bytes
        assert real_size(cache) <= cache.bytes
    assert len(cache.entries) * 2048 <= cache.max_bytes
    assert len(cache.entries) > 20  # it still caches


def test_the_key_holds_normalised_values_not_the_raw_headers(make_app: AppFactory) -> None:
    app = make_app(CACHE_MAX_AGE=3600)
    cache = page_cache(app)
    client = app.test_client()
    for accept in ("gzip", "gzip, deflate", "deflate, gzip;q=0.9, x-custom", "GZIP"):
        client.get("/en/", headers={"Accept-Encoding": accept})
    for cookies in ("theme=dark", "theme=dark; tracking=1234", "theme=dark; text_size=huge",
                    "tracking=1; theme=dark"):
        status, body = raw_get(app, "/en/", HTTP_COOKIE=cookies)
        assert status == 200 and b"theme-dark" in body
    # One entry for every gzip reader, one for every reader with only a valid dark-theme cookie.
    assert len(cache.entries) == 2
    assert all(len("".join(key)) < 200 for key in cache.entries)


def test_requests_with_parameters_no_page_reads_bypass_the_cache(make_app: AppFactory) -> None:
    app = make_app(CACHE_MAX_AGE=3600)
    cache = page_cache(app)
    client = app.test_client()
    for n in range(50):
        assert client.get(f"{ARTICLE}?v={n}").status_code == 200
        assert client.get(f"/en/?page=1&page={n}").status_code in (200, 404)
    assert cache.entries == {}
    client.get("/en/search?q=Paris&page=1")
    assert len(cache.entries) == 1


def test_the_cache_limit_counts_keys_and_headers_not_only_bodies(make_app: AppFactory) -> None:
    app = make_app(CACHE_MAX_AGE=3600, PAGE_CACHE_MB=0.0625)  # 64 KB
    cache = page_cache(app)
    client = app.test_client()
    for n in range(200):
        client.get("/hy/search", query_string={"q": f"{'Ա' * 150}{n}"}, headers={"Accept-Encoding": "br"})
    assert cache.bytes <= cache.max_bytes and real_size(cache) <= cache.bytes
    assert 0 < len(cache.entries) < 200


# --- row 2: forwarded headers and hosts -------------------------------------------------------


def absolute_urls(html: str) -> set[str]:
    found = set(re.findall(r'(?:href|content)="([a-z][a-z0-9+.-]*:[^"]*)"', html))
    return {u for u in found if not u.startswith(("https://www.facebook.com", "https://x.com",
                                                  "https://t.me", "mailto:"))}


def test_a_forged_forwarded_scheme_never_reaches_a_page(make_app: AppFactory) -> None:
    app = make_app(CACHE_MAX_AGE=3600, PROXY_COUNT=1, TRUSTED_HOSTS="news.example")
    client = app.test_client()
    for scheme in ("javascript:alert(document.domain)//", "ftp", "data:text/html,x", "HTTPS "):
        page = client.get(ARTICLE, headers={"Host": "news.example", "X-Forwarded-Proto": scheme})
        assert page.status_code == 200
        urls = absolute_urls(page.get_data(as_text=True))
        assert urls and all(u.startswith("http://news.example/") for u in urls), urls
    good = client.get(ARTICLE, headers={"Host": "news.example", "X-Forwarded-Proto": "https"})
    assert all(u.startswith("https://news.example/") for u in absolute_urls(good.get_data(as_text=True)))


def test_a_forwarded_host_is_believed_only_when_trusted(make_app: AppFactory) -> None:
    app = make_app(CACHE_MAX_AGE=3600, PROXY_COUNT=1, TRUSTED_HOSTS="news.example")
    client = app.test_client()
    evil = client.get(ARTICLE, headers={"Host": "news.example", "X-Forwarded-Host": "evil.example"})
    assert evil.status_code == 400 and b"evil.example" not in evil.data
    assert evil.headers["Cache-Control"] == "no-store"
    slash = client.get("/hy?x=1", headers={"Host": "news.example", "X-Forwarded-Host": "evil.example"})
    assert slash.status_code == 400


def test_redirects_are_relative_and_not_for_shared_caches(make_app: AppFactory) -> None:
    app = make_app(CACHE_MAX_AGE=3600)
    client = app.test_client()
    slash = client.get("/hy?x=1", headers={"Host": "evil.example"})
    assert slash.status_code == 308 and slash.headers["Location"] == "/hy/?x=1"
    assert slash.headers["Cache-Control"] == "private, no-cache"
    for url in ("/", "/language/en?next=/en/"):
        response = client.get(url, headers={"Host": "evil.example"})
        assert response.headers["Location"].startswith("/") and "evil" not in response.headers["Location"]
        assert "public" not in response.headers["Cache-Control"]


def test_site_url_is_the_only_origin_of_absolute_urls(make_app: AppFactory) -> None:
    app = make_app(CACHE_MAX_AGE=3600, SITE_URL="https://news.example/")
    client = app.test_client()
    for host in ("localhost", "evil.example", "127.0.0.1:5000"):
        page = client.get(ARTICLE, headers={"Host": host, "X-Forwarded-Host": "evil.example",
                                            "X-Forwarded-Proto": "http"})
        html = page.get_data(as_text=True)
        urls = absolute_urls(html)
        assert f'<link rel="canonical" href="https://news.example{ARTICLE}">' in html
        assert urls and all(u.startswith("https://news.example/") for u in urls), urls
        assert f"u=https%3A//news.example{ARTICLE}" in html  # share links


def test_a_malformed_host_is_refused_even_with_nothing_configured(client: FlaskClient) -> None:
    for host in ('evil.example/"><script>', "a b", "x" * 300, "host:port", "[::1", "héllo"):
        response = client.get("/en/", headers={"Host": host})
        assert response.status_code == 400, host
    assert client.get("/en/", headers={"Host": "LOCALHOST:5000"}).status_code == 200


# --- row 7: no 5xx from request bytes ---------------------------------------------------------


@pytest.mark.parametrize("page_cache_on", [True, False])
def test_cookies_that_are_not_utf8_are_ignored(make_app: AppFactory, page_cache_on: bool) -> None:
    app = make_app(CACHE_MAX_AGE=3600, PAGE_CACHE=page_cache_on)
    for cookie in ("x=\xff", "text_size=\xff\xfe", "theme=dark; junk=\xc3\x28", "\x00=\x00"):
        status, body = raw_get(app, "/en/", HTTP_COOKIE=cookie)
        assert status == 200 and b"Latest stories" in body
    status, body = raw_get(app, "/en/", HTTP_COOKIE="theme=dark; x=\xff")
    assert status == 200 and b"theme-dark" in body


def test_page_numbers_of_any_length_give_a_page_or_404(client: FlaskClient) -> None:
    for value in ("9" * 5000, "1" + "0" * 4400, "0" * 5000 + "2", "2" * 7):
        assert client.get(f"/en/?page={value}").status_code in (200, 404)
        assert client.get(f"/hy/search?q=Երևան&page={value}").status_code in (200, 404)


# --- row 8: preferences only from this site ---------------------------------------------------


@pytest.mark.parametrize(("lang", "refused"),
                         [("hy", "Փոփոխությունը մերժվեց"), ("en", "This change was refused")])
def test_a_cross_site_post_cannot_change_preferences(client: FlaskClient, lang: str, refused: str) -> None:
    client.set_cookie("lang", lang)
    for headers in ({"Sec-Fetch-Site": "cross-site"}, {"Sec-Fetch-Site": "same-site"},
                    {"Origin": "https://evil.example"}, {"Origin": "null"}):
        response = client.post("/preferences", data={"size": "lg", "theme": "dark", "next": f"/{lang}/"},
                               headers=headers)
        assert response.status_code == 403
        assert refused in response.get_data(as_text=True)
        assert "Set-Cookie" not in response.headers
        assert response.headers["Cache-Control"] == "no-store"


def test_the_sites_own_pages_and_no_javascript_forms_still_save(client: FlaskClient) -> None:
    for headers in ({"Sec-Fetch-Site": "same-origin"}, {"Origin": "http://localhost"}, {},
                    {"Sec-Fetch-Site": "none"}):
        response = client.post("/preferences", data={"size": "lg", "next": "/en/"}, headers=headers)
        assert response.status_code == 303 and "text_size=lg" in response.headers["Set-Cookie"]


def test_the_origin_check_follows_the_configured_site_url(make_app: AppFactory) -> None:
    client = make_app(CACHE_MAX_AGE=3600, SITE_URL="https://news.example").test_client()
    ok = client.post("/preferences", data={"size": "lg"}, headers={"Origin": "https://news.example"})
    assert ok.status_code == 303
    assert client.post("/preferences", data={"size": "lg"},
                       headers={"Origin": "http://localhost"}).status_code == 403


# --- row 9: search over huge articles ---------------------------------------------------------


def test_a_match_deep_in_a_huge_article_is_found_and_shown_from_a_bounded_part(
        app: Flask, write_article) -> None:
    words = " ".join(f"filler{n}" for n in range(140_000))  # about 1.8 MB of text
    path = write_article(slug="huge-story", title="Zanzibar cables", body=words + " zanzibar\n")
    import_paths(store.connect(app.config["DATABASE"]), [path])
    page = app.test_client().get("/en/search?q=zanzibar")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "/en/articles/huge-story" in html
    assert len(html) < 30_000  # a snippet, not the article
    assert "filler0 " in html  # shown from the start, as the match is past the part read


def test_a_refused_host_gets_a_short_plain_text_400_that_says_why(make_app: AppFactory) -> None:
    # What an operator sees with curl when a name is not in READER_TRUSTED_HOSTS: the whole
    # response, as the outermost middleware sends it, before any page or cache.
    app = make_app(TRUSTED_HOSTS="news.example")
    env = EnvironBuilder(path="/en/", headers={"Host": "evil.example"}).get_environ()
    body, status, headers = run_wsgi_app(app.wsgi_app, env, buffered=True)
    data = b"".join(body)
    assert status == "400 Bad Request"
    assert data == b"400 Bad Request: this site does not answer to that host name.\n"
    assert headers["Content-Type"] == "text/plain; charset=utf-8"
    assert headers["Content-Length"] == str(len(data))
    assert headers["Cache-Control"] == "no-store"


def canonical_of(html: str) -> str:
    found = re.search(r'<link rel="canonical" href="([^"]+)"', html)
    assert found is not None
    return found.group(1)


@pytest.mark.parametrize(("host", "origin"), [
    ("LocalHost:5000", "http://localhost:5000"), ("[::1]:8080", "http://[::1]:8080"), ("[::1]", "http://[::1]"),
    ("127.0.0.1", "http://127.0.0.1"), ("news.example.", "http://news.example"),
    ("localhost:65535", "http://localhost:65535"),  # five digits, the most a port has
    (LONGEST_HOST + ":8080", "http://" + LONGEST_HOST + ":8080"),  # the longest name DNS allows
])
def test_a_well_formed_host_is_served_under_its_normalised_name(client: FlaskClient, host: str,
                                                               origin: str) -> None:
    page = client.get(ARTICLE, headers={"Host": host})
    assert page.status_code == 200
    assert canonical_of(page.get_data(as_text=True)) == origin + ARTICLE


@pytest.mark.parametrize("host", ["localhost:123456", "localhost:80a", "localhost:", ":80", "[::1]:8]0",
                                  "localhost:\u0661\u0662", "x" * 64, LONGEST_HOST + "b", "a..b", "-a.example"])
def test_a_host_with_a_bad_port_or_name_is_refused(client: FlaskClient, host: str) -> None:
    assert client.get("/en/", headers={"Host": host}).status_code == 400


def test_a_trusted_name_is_answered_with_any_case_or_port_and_nothing_else(make_app: AppFactory) -> None:
    client = make_app(TRUSTED_HOSTS="news.example").test_client()
    for host in ("news.example", "NEWS.example:8080"):
        page = client.get(ARTICLE, headers={"Host": host})
        assert page.status_code == 200, host
        assert canonical_of(page.get_data(as_text=True)) == f"http://{host.lower()}{ARTICLE}"
    for host in ("news.example.evil", "evil.news.example", "news.exampl"):
        assert client.get(ARTICLE, headers={"Host": host}).status_code == 400


@pytest.mark.parametrize("host", ["news.example.", "news.example.:443"])
def test_a_trusted_name_with_a_final_dot_is_the_same_site(make_app: AppFactory, host: str) -> None:
    # "news.example." is the fully qualified spelling of "news.example"; request bytes must
    # never produce a 5xx (row 7).
    client = make_app(TRUSTED_HOSTS="news.example", TESTING=False).test_client()
    page = client.get(ARTICLE, headers={"Host": host})
    assert page.status_code == 200
    # Served under the name without its final dot: one site, one spelling in its links.
    assert canonical_of(page.get_data(as_text=True)) == f"http://{host.replace('.:', ':').rstrip('.')}{ARTICLE}"


def test_a_request_without_a_host_header_is_served_under_the_server_name(app: Flask) -> None:
    # An HTTP/1.0 client sends no Host: the server's own name stands in, checked like a Host.
    env = EnvironBuilder(path=ARTICLE).get_environ()
    del env["HTTP_HOST"]
    env["SERVER_NAME"], env["SERVER_PORT"] = "reader.internal", "80"
    body, status, _ = run_wsgi_app(app.wsgi_app, env, buffered=True)
    assert status.startswith("200")
    assert canonical_of(b"".join(body).decode()) == f"http://reader.internal{ARTICLE}"
    env = EnvironBuilder(path=ARTICLE).get_environ()
    del env["HTTP_HOST"]
    env["SERVER_NAME"] = "bad name"
    _, status, _ = run_wsgi_app(app.wsgi_app, env, buffered=True)
    assert status.startswith("400")


def test_a_forged_scheme_falls_back_to_how_the_request_really_arrived(make_app: AppFactory) -> None:
    # Behind a proxy that speaks HTTPS to the app, a forged X-Forwarded-Proto leaves https.
    client = make_app(PROXY_COUNT=1, TRUSTED_HOSTS="news.example").test_client()
    page = client.get(ARTICLE, base_url="https://news.example", headers={"X-Forwarded-Proto": "gopher"})
    assert canonical_of(page.get_data(as_text=True)) == f"https://news.example{ARTICLE}"
    page = client.get(ARTICLE, base_url="http://news.example", headers={"X-Forwarded-Proto": "gopher"})
    assert canonical_of(page.get_data(as_text=True)) == f"http://news.example{ARTICLE}"
    # A server that hands over a scheme that is not a web one: the page still names http.
    page = make_app().test_client().get(ARTICLE, base_url="gopher://news.example")
    assert canonical_of(page.get_data(as_text=True)) == f"http://news.example{ARTICLE}"


def test_behind_two_proxies_the_outer_proxys_forwarded_values_are_believed(make_app: AppFactory) -> None:
    # Each proxy appends what it saw: with two, the first value is the client's own (forgeable)
    # and the outer proxy's is the one before last.
    client = make_app(PROXY_COUNT=2, TRUSTED_HOSTS="news.example,inner.example").test_client()
    page = client.get(ARTICLE, headers={"Host": "inner.example",
                                        "X-Forwarded-Host": "evil.example, news.example, x",
                                        "X-Forwarded-Proto": "http, https, http"})
    assert canonical_of(page.get_data(as_text=True)) == f"https://news.example{ARTICLE}"
