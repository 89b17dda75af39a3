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
    assert "November 6, 2024" in en
    assert 'datetime="2024-11-06T' in hy


def test_empty_app_home_says_there_are_no_stories(empty_app: Flask) -> None:
    page = empty_app.test_client().get("/en/").get_data(as_text=True)
    assert "There are no stories yet." in page
