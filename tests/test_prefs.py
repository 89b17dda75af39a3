"""Preferences rendered by the server from cookies, the no-JS form, and cache correctness."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

ARTICLE = "/en/articles/paris-statement-south-caucasus"


def html_classes(client: FlaskClient, url: str = ARTICLE) -> str:
    page = client.get(url).get_data(as_text=True)
    return page.split('<html lang="en" class="', 1)[1].split('"', 1)[0]


@pytest.mark.parametrize("size", ["xs", "sm", "md", "lg"])
@pytest.mark.parametrize("theme", ["auto", "light", "dark", "contrast"])
def test_server_renders_the_chosen_size_and_theme(client: FlaskClient, size: str,
                                                  theme: str) -> None:
    client.set_cookie("text_size", size)
    client.set_cookie("theme", theme)
    assert html_classes(client) == f"size-{size} theme-{theme}"
    page = client.get(ARTICLE).get_data(as_text=True)
    assert f'value="{size}" checked' in page and f'value="{theme}" checked' in page


@pytest.mark.parametrize(
    ("size", "theme"),
    [("huge", "neon"), ("", ""), ("LG", "Dark"), ("lg;theme=dark", "x" * 3000), ("%00", "\\")],
)
def test_malformed_cookies_are_ignored(client: FlaskClient, size: str, theme: str) -> None:
    client.set_cookie("text_size", size)
    client.set_cookie("theme", theme)
    response = client.get(ARTICLE)
    assert response.status_code == 200
    assert html_classes(client) == "size-md theme-auto"
    assert response.headers["Cache-Control"].startswith("public")


def test_anonymous_pages_are_cacheable_by_shared_caches(client: FlaskClient) -> None:
    for url in ("/en/", ARTICLE, "/hy/search?q=Երևան"):
        response = client.get(url)
        assert response.headers["Cache-Control"] == "public, max-age=60"
        assert "Cookie" in response.vary
        assert "Set-Cookie" not in response.headers


@pytest.mark.parametrize("name", ["text_size", "theme"])
def test_pages_with_a_preference_cookie_are_private(client: FlaskClient, name: str) -> None:
    client.set_cookie(name, "lg" if name == "text_size" else "dark")
    response = client.get(ARTICLE)
    assert response.headers["Cache-Control"].startswith("private")
    assert "Cookie" in response.vary


def test_form_without_javascript_sets_cookies_for_a_year_and_returns(client: FlaskClient) -> None:
    response = client.post("/preferences", data={"size": "lg", "theme": "contrast",
                                                 "next": "/en/search?q=Yerevan"})
    assert response.status_code == 303
    assert response.headers["Location"] == "/en/search?q=Yerevan#reader-settings"
    cookies = response.headers.getlist("Set-Cookie")
    assert any(c.startswith("text_size=lg;") and "Max-Age=31536000" in c and "SameSite=Lax" in c
               for c in cookies)
    assert any(c.startswith("theme=contrast;") for c in cookies)
    assert all("Secure" not in c for c in cookies)  # plain HTTP here
    assert html_classes(client, "/en/search?q=Yerevan") == "size-lg theme-contrast"


def test_cookies_are_secure_over_https(client: FlaskClient) -> None:
    response = client.post("/preferences", data={"size": "lg", "next": "/en/"},
                           base_url="https://localhost")
    assert "Secure" in response.headers["Set-Cookie"]


@pytest.mark.parametrize(
    "target",
    ["https://evil.example/", "//evil.example/x", "/\\evil.example", "evil.example",
     "javascript:alert(1)", "", "/en/\r\nLocation: https://evil.example/", "\\\\evil.example"],
)
def test_form_only_returns_to_same_site_paths(client: FlaskClient, target: str) -> None:
    response = client.post("/preferences", data={"size": "sm", "next": target})
    assert response.headers["Location"] == "/#reader-settings"


def test_form_ignores_unknown_values(client: FlaskClient) -> None:
    response = client.post("/preferences", data={"size": "giant", "theme": "<b>", "next": "/en/"})
    assert response.status_code == 303
    assert "Set-Cookie" not in response.headers


def test_the_form_returns_to_the_page_it_was_on(client: FlaskClient) -> None:
    page = client.get("/hy/search?q=Երևան").get_data(as_text=True)
    assert 'name="next" value="/hy/search?q=Երևան"' in page
