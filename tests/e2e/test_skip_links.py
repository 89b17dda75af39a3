"""Accessibility links: the first Tab shows them; Enter moves keyboard focus to the target."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from .checks import FOCUS_OBSCURED

PAGES = ["/{lang}/", "/{lang}/articles/paris-statement-south-caucasus", "/{lang}/search?q=Yerevan",
         "/{lang}/articles/no-such-story"]
NAMES = {
    "hy": ("Մատչելիության հղումներ", "Անցնել հիմնական բովանդակությանը", "Անցնել բաժինների ընտրացանկին",
           "Անցնել որոնմանը"),
    "en": ("Accessibility links", "Skip to main content", "Skip to navigation", "Skip to search"),
}


def active(page: Page, expression: str) -> object:
    return page.evaluate(f"(() => {{ const el = document.activeElement; return {expression}; }})()")


@pytest.mark.parametrize("lang", ["hy", "en"])
@pytest.mark.parametrize("path", PAGES)
def test_first_tab_shows_skip_link_and_enter_moves_focus_into_main(
    page: Page, base_url: str, lang: str, path: str
) -> None:
    page.goto(base_url + path.format(lang=lang))
    region, main_name, _, _ = NAMES[lang]
    link = page.get_by_role("navigation", name=region).get_by_role("link", name=main_name)
    assert link.bounding_box()["width"] <= 1  # hidden until focused
    page.keyboard.press("Tab")
    expect(link).to_be_focused()
    box = link.bounding_box()
    assert box["width"] > 100 and box["height"] >= 24 and box["y"] >= 0
    assert page.evaluate(FOCUS_OBSCURED) is None
    page.keyboard.press("Enter")
    assert active(page, "el.id") == "main-content"
    assert active(page, "el.getAttribute('tabindex')") == "-1"
    assert page.evaluate(FOCUS_OBSCURED) is None
    page.keyboard.press("Tab")
    # The next Tab continues inside main, and main is no longer focusable.
    assert active(page, "el.closest('main') !== null")
    assert page.evaluate("document.getElementById('main-content').hasAttribute('tabindex')") is False


@pytest.mark.parametrize("lang", ["hy", "en"])
def test_skip_to_navigation_and_to_search(page: Page, base_url: str, lang: str) -> None:
    _, _, nav_name, search_name = NAMES[lang]
    page.goto(f"{base_url}/{lang}/")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name=nav_name)).to_be_focused()
    page.keyboard.press("Enter")
    assert active(page, "el.id") == "main-nav"
    page.keyboard.press("Tab")
    assert active(page, "el.closest('#main-nav') !== null && el.tagName") == "A"

    page.goto(f"{base_url}/{lang}/")
    for _ in range(3):
        page.keyboard.press("Tab")
    expect(page.get_by_role("link", name=search_name)).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("searchbox")).to_be_focused()
    page.keyboard.type("Yerevan")
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{base_url}/{lang}/search?q=Yerevan")


@pytest.mark.parametrize("lang", ["hy", "en"])
def test_skip_link_works_without_javascript(nojs_page: Page, lang: str) -> None:
    nojs_page.goto(f"/{lang}/articles/paris-statement-south-caucasus")
    nojs_page.keyboard.press("Tab")
    expect(nojs_page.get_by_role("link", name=NAMES[lang][1])).to_be_focused()
    nojs_page.keyboard.press("Enter")
    expect(nojs_page).to_have_url(re.compile("#main-content$"))
    nojs_page.keyboard.press("Tab")
    assert nojs_page.evaluate("document.activeElement.closest('main') !== null")


def test_tabbing_through_a_page_never_hides_the_focused_control(page: Page, base_url: str) -> None:
    page.set_viewport_size({"width": 800, "height": 500})
    page.goto(f"{base_url}/en/articles/paris-statement-south-caucasus")
    seen = set()
    for _ in range(60):
        page.keyboard.press("Tab")
        assert page.evaluate(FOCUS_OBSCURED) is None
        seen.add(page.evaluate("document.activeElement.outerHTML.slice(0, 60)"))
    assert len(seen) > 20
