"""Layout that survives: reflow at 320 px, large text, text spacing and target size."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from .checks import (
    CLIPPED,
    HORIZONTAL_SCROLL,
    OVERLAPS,
    SMALL_TARGETS,
    TEXT_SPACING_CSS,
    add_style,
)

PAGES = [
    "/{lang}/",
    "/{lang}/articles/paris-statement-south-caucasus",
    "/{lang}/articles/sevan-volunteer-monitoring",
    "/{lang}/articles/targmanchats-reading-day",
    "/{lang}/search?q=Yerevan",
    "/{lang}/articles/no-such-story",
]
SIZES = ["xs", "sm", "md", "lg"]


def open_at(page: Page, base_url: str, path: str, size: str, theme: str = "auto") -> None:
    page.context.add_cookies([
        {"name": "text_size", "value": size, "url": base_url},
        {"name": "theme", "value": theme, "url": base_url},
    ])
    page.goto(base_url + path)


def assert_layout_holds(page: Page, where: object) -> None:
    """No horizontal scrolling, nothing clipped, no controls or text over each other."""
    assert not page.evaluate(HORIZONTAL_SCROLL), where
    assert page.evaluate(CLIPPED) == [], where
    assert page.evaluate(OVERLAPS) == [], where


@pytest.mark.parametrize("lang", ["hy", "en"])
@pytest.mark.parametrize("size", SIZES)
def test_no_horizontal_scrolling_at_320_css_px(page: Page, base_url: str, lang: str,
                                               size: str) -> None:
    page.set_viewport_size({"width": 320, "height": 640})
    for path in PAGES:
        open_at(page, base_url, path.format(lang=lang), size)
        assert_layout_holds(page, (path, size))


@pytest.mark.parametrize("lang", ["hy", "en"])
@pytest.mark.parametrize("width", [1280, 640])
def test_lg_with_browser_text_at_200_percent_clips_and_overlaps_nothing(
    page: Page, base_url: str, lang: str, width: int
) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    for path in PAGES:
        open_at(page, base_url, path.format(lang=lang), "lg")
        # The browser's default text at 200 % (32 px): LG's 150 % of it.
        add_style(page, "html.size-lg { font-size: 300% !important; }")
        assert page.evaluate("getComputedStyle(document.documentElement).fontSize") == "48px"
        assert_layout_holds(page, path)


@pytest.mark.parametrize("lang", ["hy", "en"])
@pytest.mark.parametrize("size", SIZES)
def test_text_spacing_overrides_clip_nothing(page: Page, base_url: str, lang: str,
                                             size: str) -> None:
    page.set_viewport_size({"width": 1024, "height": 800})
    for path in PAGES:
        open_at(page, base_url, path.format(lang=lang), size)
        add_style(page, TEXT_SPACING_CSS)
        assert_layout_holds(page, (path, size))


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("width", [320, 1280])
def test_targets_are_at_least_24_css_px(page: Page, base_url: str, size: str, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 800})
    for path in PAGES:
        open_at(page, base_url, path.format(lang="en"), size)
        assert page.evaluate(SMALL_TARGETS) == [], (path, size)
