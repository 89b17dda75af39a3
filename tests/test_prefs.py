"""Preferences rendered by the server from cookies, the no-JS form, and cache correctness."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from reader.prefs import PREFERENCES, THEME

ARTICLE = "/en/articles/paris-statement-south-caucasus"
DEFAULTS = {f"{p.css_prefix}-{p.default}" for p in PREFERENCES}


def html_classes(client: FlaskClient, url: str = ARTICLE) -> set[str]:
    page = client.get(url).get_data(as_text=True)
    return set(page.split('<html lang="en" class="', 1)[1].split('"', 1)[0].split())


def with_classes(**chosen: str) -> set[str]:
    """The classes <html> has with these choices (by preference name), the others at default."""
    by_name = {p.name: p for p in PREFERENCES}
    return {f"{p.css_prefix}-{p.default}" for p in PREFERENCES if p.name not in chosen} | {
        f"{by_name[name].css_prefix}-{value}" for name, value in chosen.items()}


@pytest.mark.parametrize(("pref", "value"), [(p, c.value) for p in PREFERENCES for c in p.choices],
                         ids=[f"{p.name}-{c.value}" for p in PREFERENCES for c in p.choices])
def test_server_renders_each_chosen_value_of_each_preference(client: FlaskClient, pref, value: str) -> None:
    client.set_cookie(pref.cookie, value)
    assert html_classes(client) == with_classes(**{pref.name: value})
    page = client.get(ARTICLE).get_data(as_text=True)
    assert f'name="{pref.name}" value="{value}" checked' in page
    assert page.count(" checked") == len(PREFERENCES)  # one choice per preference


@pytest.mark.parametrize("size", ["xs", "sm", "md", "lg"])
@pytest.mark.parametrize("theme", THEME.values)
def test_server_renders_the_chosen_size_and_theme_together(client: FlaskClient, size: str,
                                                           theme: str) -> None:
    client.set_cookie("text_size", size)
    client.set_cookie("theme", theme)
    assert html_classes(client) == with_classes(size=size, theme=theme)


@pytest.mark.parametrize(
    ("size", "theme"),
    [("huge", "neon"), ("", ""), ("LG", "Dark"), ("lg;theme=dark", "x" * 3000), ("%00", "\\")],
)
def test_malformed_cookies_are_ignored(client: FlaskClient, size: str, theme: str) -> None:
    client.set_cookie("text_size", size)
    client.set_cookie("theme", theme)
    response = client.get(ARTICLE)
    assert response.status_code == 200
    assert html_classes(client) == DEFAULTS
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
    assert response.headers["Cache-Control"] == "no-store"  # a response that sets a cookie is never kept
    assert html_classes(client, "/en/search?q=Yerevan") == with_classes(size="lg", theme="contrast")


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


def test_a_preference_declared_with_a_default_outside_its_choices_is_refused() -> None:
    # A new preference is one declaration (ARCHITECTURE.md): a typo in its default must stop the
    # app at import, not give every reader a class on <html> that no CSS rule matches.
    from flask_babel import lazy_gettext

    from reader.prefs import Choice, Preference

    choices = (Choice("normal", lazy_gettext("Normal")), Choice("wide", lazy_gettext("Wide")))
    with pytest.raises(ValueError) as refused:
        Preference(name="spacing", cookie="line_spacing", legend=lazy_gettext("Line spacing"),
                   choices=choices, default="wider", css_prefix="spacing")
    assert str(refused.value) == "spacing: default 'wider' is not a choice"
    declared = Preference(name="spacing", cookie="line_spacing", legend=lazy_gettext("Line spacing"),
                          choices=choices, default="normal", css_prefix="spacing")
    assert declared.values == ("normal", "wide")
    assert declared.valid("wide") == "wide" and declared.valid("wider") is None


@pytest.mark.parametrize("target", ["///evil.example/x", "////evil.example", "//evil.example"])
def test_form_never_returns_to_another_host_through_extra_slashes(client: FlaskClient, target: str) -> None:
    # Browsers read any run of slashes after the scheme as the start of a host name:
    # Location: ///evil.example would take the reader to evil.example.
    response = client.post("/preferences", data={"size": "sm", "next": target})
    assert response.headers["Location"] == "/#reader-settings"


def test_form_returns_to_any_same_site_address_even_with_capitals_or_colons(client: FlaskClient) -> None:
    for target in ("/en/search?q=XML", "/en/search?q=Paris:+France", "/hy/search?q=%D5%8F"):
        response = client.post("/preferences", data={"size": "sm", "next": target})
        assert response.headers["Location"] == target + "#reader-settings"
    tab = client.post("/preferences", data={"size": "sm", "next": "/en/\tjavascript:x"})
    assert tab.headers["Location"] == "/#reader-settings"


@pytest.mark.parametrize("pref", PREFERENCES, ids=[p.name for p in PREFERENCES])
def test_every_preference_ignores_malformed_values(client: FlaskClient, pref) -> None:
    for junk in ("", "x" * 3000, pref.default.upper(), f"{pref.default};x=1", "\\x00"):
        client.set_cookie(pref.cookie, junk)
        response = client.get(ARTICLE)
        assert response.status_code == 200 and html_classes(client) == DEFAULTS
        assert response.headers["Cache-Control"].startswith("public")


@pytest.mark.parametrize("pref", PREFERENCES, ids=[p.name for p in PREFERENCES])
def test_each_preference_is_part_of_the_page_cache_key(app, pref) -> None:
    """A reader with a choice never gets the page cached for a reader without it, or with another."""
    client = app.test_client()
    seen = {}
    for choice in pref.choices:
        client.set_cookie(pref.cookie, choice.value)
        client.get(ARTICLE)  # fills the cache
        seen[choice.value] = html_classes(client)  # served from it
    client.delete_cookie(pref.cookie)
    assert html_classes(client) == DEFAULTS
    assert seen == {c.value: with_classes(**{pref.name: c.value}) for c in pref.choices}
    keys = {k for k in app.extensions["reader.page_cache"].entries if k[0] == ARTICLE}
    assert len(keys) == len(pref.choices) + 1  # each value, and no cookie at all


def test_reset_forgets_the_display_settings_and_keeps_the_text_size(client: FlaskClient) -> None:
    response = client.post("/preferences", data={"reset": "1", "size": "xs", "next": "/en/"})
    assert response.status_code == 303
    assert response.headers["Location"] == "/en/#display-panel"
    cleared = response.headers.getlist("Set-Cookie")
    panel = [p for p in PREFERENCES if p.placement == "panel"]
    for p in panel:
        assert any(c.startswith(f"{p.cookie}=;") and "Max-Age=0" in c for c in cleared), p.cookie
    assert not any(c.startswith("text_size=") and "Max-Age=0" in c for c in cleared)
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("scheme", ["http", "https"])
def test_reset_clears_each_cookie_with_the_attributes_it_was_set_with(client: FlaskClient, scheme: str) -> None:
    """A cookie is replaced only by one of the same name, path and security: the emptied cookie
    carries SameSite=Lax like the one it replaces, and Secure exactly when the site is on HTTPS."""
    base = f"{scheme}://localhost"
    set_ = client.post("/preferences", data={"theme": "dark", "next": "/en/"}, base_url=base)
    response = client.post("/preferences", data={"reset": "1", "next": "/en/"}, base_url=base)
    made = next(c for c in set_.headers.getlist("Set-Cookie") if c.startswith("theme=dark;"))
    cleared = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("theme=;"))
    attributes = {a.strip().partition("=")[0] for a in made.split(";")[1:]} - {"Expires", "Max-Age"}
    for attribute in attributes:
        assert attribute in {a.strip().partition("=")[0] for a in cleared.split(";")[1:]}, (attribute, cleared)
    assert "SameSite=Lax" in cleared
    assert ("Secure" in cleared) == (scheme == "https")


def test_apply_from_the_panel_returns_inside_it(client: FlaskClient) -> None:
    response = client.post("/preferences", data={"from": "panel", "spacing": "widest", "next": "/hy/"})
    assert response.headers["Location"] == "/hy/#display-panel"
    assert html_classes(client, "/en/") == with_classes(spacing="widest")
