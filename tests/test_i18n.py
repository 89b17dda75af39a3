"""Choosing the interface language: redirects, cookies, Accept-Language, 404s in the right language."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.support import AppFactory


@pytest.mark.parametrize(
    ("headers", "cookie", "target"),
    [
        ({}, None, "/hy/"),
        ({"Accept-Language": "en-US,en;q=0.9"}, None, "/en/"),
        ({"Accept-Language": "hy-AM,en;q=0.5"}, None, "/hy/"),
        ({"Accept-Language": "fr-FR,en;q=0.8,hy;q=0.5"}, None, "/en/"),
        ({"Accept-Language": "fr-FR,de"}, None, "/hy/"),
        ({"Accept-Language": "am"}, None, "/hy/"),  # Amharic, not Armenian
        ({"Accept-Language": "en;q=0"}, None, "/hy/"),
        ({"Accept-Language": "hy"}, "en", "/en/"),  # the reader's last choice wins
        ({"Accept-Language": "en"}, "hy", "/hy/"),
        ({"Accept-Language": "en"}, "xx", "/en/"),  # a malformed cookie is ignored
        ({"Accept-Language": ";;;,,q=abc"}, "%ff", "/hy/"),
    ],
)
def test_root_redirects_by_cookie_then_accept_language_then_armenian(
    client: FlaskClient, headers: dict[str, str], cookie: str | None, target: str
) -> None:
    if cookie is not None:
        client.set_cookie("lang", cookie)
    response = client.get("/", headers=headers)
    assert response.status_code == 302
    assert response.headers["Location"] == target
    assert {"Cookie", "Accept-Language"} <= set(response.vary)


def test_language_switch_remembers_the_choice_for_root(client: FlaskClient) -> None:
    response = client.get("/language/en?next=/en/articles/paris-statement-south-caucasus")
    assert response.status_code == 303
    assert response.headers["Location"] == "/en/articles/paris-statement-south-caucasus"
    cookie = response.headers["Set-Cookie"]
    assert "lang=en" in cookie and "SameSite=Lax" in cookie and "Max-Age=31536000" in cookie
    assert client.get("/", headers={"Accept-Language": "hy"}).headers["Location"] == "/en/"


@pytest.mark.parametrize(
    "target",
    ["https://evil.example/", "//evil.example/", "/\\evil.example", "/hy/", "javascript:alert(1)",
     "/en/\r\nSet-Cookie: x=1"],
)
def test_language_switch_never_leaves_the_site_or_the_language(client: FlaskClient,
                                                                target: str) -> None:
    response = client.get("/language/en", query_string={"next": target})
    assert response.headers["Location"] == "/en/"


@pytest.mark.parametrize(
    ("path", "lang", "words"),
    [
        ("/hy/articles/no-such-story", "hy", "Էջը չի գտնվել"),
        ("/en/articles/no-such-story", "en", "Page not found"),
        ("/hy/nowhere", "hy", "Էջը չի գտնվել"),
        ("/en/sections/no-such-section", "en", "Page not found"),
    ],
)
def test_unknown_pages_are_404_in_the_interface_language(client: FlaskClient, path: str,
                                                         lang: str, words: str) -> None:
    response = client.get(path)
    page = response.get_data(as_text=True)
    assert response.status_code == 404
    assert f'<html lang="{lang}"' in page and words in page


def test_unknown_language_is_404_in_the_readers_preferred_language(client: FlaskClient) -> None:
    response = client.get("/fr/articles/x", headers={"Accept-Language": "en-GB"})
    assert response.status_code == 404
    assert '<html lang="en"' in response.get_data(as_text=True)
    response = client.get("/am/")
    page = response.get_data(as_text=True)
    assert response.status_code == 404 and '<html lang="hy"' in page and "Էջը չի գտնվել" in page


def test_server_error_page_is_translated_and_leaks_nothing(make_app: AppFactory) -> None:
    app = make_app(TESTING=False)

    @app.get("/hy/boom")
    def boom() -> str:
        raise RuntimeError("secret-token-123 in /srv/private/path")

    response = app.test_client().get("/hy/boom")
    page = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Տեղի է ունեցել սխալ" in page and '<html lang="hy"' in page
    assert "secret-token-123" not in page and "Traceback" not in page and "/srv" not in page


def test_dates_are_localised_with_genitive_armenian_month(client: FlaskClient) -> None:
    hy = client.get("/hy/articles/paris-statement-south-caucasus").get_data(as_text=True)
    en = client.get("/en/articles/paris-statement-south-caucasus").get_data(as_text=True)
    assert "2024 թ. նոյեմբերի 6" in hy
    assert "6 November 2024" in en
    assert 'datetime="2024-11-06T' in hy


def test_empty_app_home_says_there_are_no_stories(empty_app: Flask) -> None:
    page = empty_app.test_client().get("/en/").get_data(as_text=True)
    assert "There are no stories yet." in page


@pytest.mark.parametrize(("accept", "target"), [
    ("en_US", "/en/"), ("EN-GB", "/en/"), ("En", "/en/"), ("HY-am", "/hy/"),
    ("hy;q=0.1, fr", "/hy/"), ("fr, en;q=0.001", "/en/"), ("en;q=0, hy;q=0", "/hy/"),
])
def test_the_browsers_language_is_read_in_any_spelling_and_any_small_preference(
        client: FlaskClient, accept: str, target: str) -> None:
    response = client.get("/", headers={"Accept-Language": accept})
    assert response.headers["Location"] == target


def test_pages_outside_the_language_prefixes_follow_the_readers_cookie_then_browser(
        client: FlaskClient) -> None:
    missing = client.get("/nowhere", headers={"Accept-Language": "en"})
    assert missing.status_code == 404 and '<html lang="en"' in missing.get_data(as_text=True)
    client.set_cookie("lang", "hy")
    missing = client.get("/nowhere", headers={"Accept-Language": "en"})
    assert '<html lang="hy"' in missing.get_data(as_text=True)
    client.set_cookie("lang", "fr")  # not an interface language: the browser's choice again
    missing = client.get("/nowhere", headers={"Accept-Language": "en"})
    assert '<html lang="en"' in missing.get_data(as_text=True)
    for path in ("/Xen/nowhere", "/eng/", "/en-gb/x"):  # no language prefix either
        missing = client.get(path, headers={"Accept-Language": "en"})
        assert missing.status_code == 404 and '<html lang="en"' in missing.get_data(as_text=True), path
    client.set_cookie("lang", "hy")
    missing = client.get("/Xen/nowhere", headers={"Accept-Language": "en"})
    assert '<html lang="hy"' in missing.get_data(as_text=True)


@pytest.mark.parametrize(("path", "lang"), [("/en/nowhere/at/all", "en"), ("/hy/nowhere", "hy")])
def test_an_unknown_page_under_a_language_prefix_is_in_that_language_whatever_the_browser_says(
        client: FlaskClient, path: str, lang: str) -> None:
    other = "hy" if lang == "en" else "en"
    client.set_cookie("lang", other)
    response = client.get(path, headers={"Accept-Language": other})
    assert response.status_code == 404 and f'<html lang="{lang}"' in response.get_data(as_text=True)
