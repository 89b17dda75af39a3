"""A reader's journey in a real browser: home → article → other language → search, both ways."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

ARTICLE_HY = "Ֆրանսիան և Ղազախստանը"
ARTICLE_EN = "France and Kazakhstan"


@pytest.mark.parametrize(
    ("start", "other", "headline", "switch_to", "other_headline", "query", "hit"),
    [
        ("hy", "en", ARTICLE_HY, "English", ARTICLE_EN, "Ղազախստան", "Ղազախստան"),
        ("en", "hy", ARTICLE_EN, "Հայերեն", ARTICLE_HY, "Kazakhstan", "Kazakhstan"),
    ],
)
def test_home_article_switch_language_and_search(
    page: Page, base_url: str, start: str, other: str, headline: str, switch_to: str,
    other_headline: str, query: str, hit: str,
) -> None:
    page.goto(f"{base_url}/{start}/")
    expect(page.locator("html")).to_have_attribute("lang", start)
    page.get_by_role("link", name=re.compile(headline)).first.click()
    expect(page).to_have_url(re.compile(f"/{start}/articles/paris-statement-south-caucasus$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(headline)
    expect(page.get_by_role("figure")).to_be_visible()

    page.get_by_role("navigation", name=re.compile("Լեզու|Language")).get_by_role(
        "link", name=switch_to).click()
    expect(page).to_have_url(re.compile(f"/{other}/articles/paris-statement-south-caucasus$"))
    expect(page.locator("html")).to_have_attribute("lang", other)
    expect(page.get_by_role("heading", level=1)).to_contain_text(other_headline)

    search = page.get_by_role("searchbox")
    search.fill(query)
    search.press("Enter")
    expect(page).to_have_url(re.compile(f"/{other}/search\\?q="))
    expect(page.locator(".result-count")).to_be_visible()
    expect(page.locator("mark").first).to_contain_text(hit)
    page.locator(".results h2 a").first.click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def test_root_remembers_the_language_chosen_in_the_switcher(page: Page, base_url: str) -> None:
    page.goto(f"{base_url}/")
    expect(page).to_have_url(f"{base_url}/en/")  # the browser asks for en-US
    page.get_by_role("link", name="Հայերեն", exact=True).click()
    expect(page).to_have_url(f"{base_url}/hy/")
    page.goto(f"{base_url}/")
    expect(page).to_have_url(f"{base_url}/hy/")


def test_journey_works_without_javascript(nojs_page: Page) -> None:
    nojs_page.goto("/en/")
    nojs_page.get_by_role("link", name=re.compile(ARTICLE_EN)).first.click()
    expect(nojs_page.get_by_role("heading", level=1)).to_contain_text(ARTICLE_EN)
    nojs_page.get_by_role("link", name="Կարդալ հայերեն").click()
    expect(nojs_page.locator("html")).to_have_attribute("lang", "hy")
    expect(nojs_page.get_by_role("heading", level=1)).to_contain_text(ARTICLE_HY)
    nojs_page.get_by_role("searchbox").fill("Ինչ")
    nojs_page.get_by_role("button", name="Որոնել").click()
    expect(nojs_page.locator(".result-count")).to_contain_text("Ինչ")
    expect(nojs_page.locator(".results mark", has_text="Ի՞նչ").first).to_be_visible()


def test_404_page_in_a_real_browser(page: Page, base_url: str) -> None:
    response = page.goto(f"{base_url}/hy/articles/no-such-story")
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Էջը չի գտնվել")
    page.get_by_role("link", name="Անցնել վերջին հոդվածներին").click()
    expect(page).to_have_url(f"{base_url}/hy/")


def test_copy_link_is_a_button_that_copies_and_says_so(page: Page, base_url: str) -> None:
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto(f"{base_url}/hy/articles/paris-statement-south-caucasus")
    button = page.get_by_role("button", name="Պատճենել հղումը")
    button.click()
    expect(page.locator("#announcer")).to_have_text("Հղումը պատճենվեց։")
    assert page.evaluate("navigator.clipboard.readText()").endswith(
        "/hy/articles/paris-statement-south-caucasus")


def test_copy_link_without_javascript_is_a_link_to_the_page(nojs_page: Page) -> None:
    nojs_page.goto("/en/articles/paris-statement-south-caucasus")
    link = nojs_page.get_by_role("link", name="Copy link")
    assert link.get_attribute("href").endswith("/en/articles/paris-statement-south-caucasus")
