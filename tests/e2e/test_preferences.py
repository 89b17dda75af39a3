"""Text size and colours: by mouse and keyboard, with and without JavaScript, remembered."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from .checks import FOCUS_RING, LOW_CONTRAST_TEXT, body_background, root_font_px

SIZE_PX = {"xs": 14.0, "sm": 15.0, "md": 16.0, "lg": 24.0}
SIZE_NAMES = {
    "en": {"xs": "XS — extra small text", "sm": "SM — small text",
           "md": "MD — medium text (default)", "lg": "LG — large text"},
    "hy": {"xs": "XS — շատ փոքր տառեր", "sm": "SM — փոքր տառեր",
           "md": "MD — միջին տառեր (լռելյայն)", "lg": "LG — խոշոր տառեր"},
}
THEME_NAMES = {
    "en": {"auto": "Auto (as your device)", "light": "Light", "dark": "Dark",
           "contrast": "High contrast"},
    "hy": {"auto": "Ավտոմատ (ինչպես սարքում)", "light": "Բաց գույներ", "dark": "Մուգ գույներ",
           "contrast": "Բարձր կոնտրաստ"},
}
BACKGROUNDS = {"light": "rgb(255, 255, 255)", "dark": "rgb(18, 18, 18)",
               "contrast": "rgb(0, 0, 0)"}
GROUPS = {"en": ("Text size", "Colours", "Apply"), "hy": ("Տառաչափ", "Գույներ", "Կիրառել")}
# The disclosure the colours and the other display settings sit behind.
DISPLAY = {"en": "Display settings", "hy": "Տեսք"}
ARTICLE = "/{lang}/articles/paris-statement-south-caucasus"


def cookie(page: Page, name: str) -> str | None:
    return next((c["value"] for c in page.context.cookies() if c["name"] == name), None)


def test_sizes_strictly_increase_and_md_is_the_browsers_own_size(page: Page, base_url: str) -> None:
    """Measured in the browser, choosing each size as a reader does, in the order offered."""
    page.goto(base_url + ARTICLE.format(lang="en"))
    offered = page.locator("fieldset.size input[type=radio]").evaluate_all("rs => rs.map(r => r.value)")
    measured = []
    for size in offered:
        page.locator(f"fieldset.size label:has(input[value={size}])").click()
        measured.append(root_font_px(page))
    assert offered == ["xs", "sm", "md", "lg"]
    assert measured == sorted(set(measured))  # strictly increasing
    sizes = dict(zip(offered, measured, strict=True))
    assert sizes["md"] == 16.0  # the browser's own default: the reader's settings still multiply it
    assert sizes["xs"] <= 0.875 * 16 and sizes["lg"] >= 1.5 * 16


@pytest.mark.parametrize("lang", ["hy", "en"])
def test_controls_expose_role_name_and_state(page: Page, base_url: str, lang: str) -> None:
    page.goto(base_url + ARTICLE.format(lang=lang))
    size_group = page.get_by_role("group", name=GROUPS[lang][0])
    for size, name in SIZE_NAMES[lang].items():
        radio = size_group.get_by_role("radio", name=name, exact=True)
        expect(radio).to_have_count(1)
        # The visible label (what the page shows, read from the page) is where the name starts.
        label = page.locator(f"label:has(input[name=size][value={size}])")
        # What is shown: the label's text less the visually hidden words for screen readers.
        visible = label.evaluate("l => [...l.querySelectorAll('span')].filter(s => "
                                 "getComputedStyle(s).clipPath === 'none' && s.offsetWidth > 1)"
                                 ".map(s => s.textContent).join('').trim()")
        assert visible == size.upper() and name.startswith(visible)
        expect(radio).to_be_checked(checked=(size == "md"))
    page.locator("#display-settings > summary").click()
    theme_group = page.get_by_role("group", name=GROUPS[lang][1])
    for theme, name in THEME_NAMES[lang].items():
        expect(theme_group.get_by_role("radio", name=name, exact=True)).to_be_checked(
            checked=(theme == "auto"))
    assert root_font_px(page) == 16.0


@pytest.mark.parametrize("lang", ["hy", "en"])
@pytest.mark.parametrize("size", ["xs", "sm", "lg", "md"])
def test_choosing_a_size_by_mouse_applies_at_once_and_is_remembered(
    page: Page, base_url: str, lang: str, size: str
) -> None:
    page.goto(base_url + ARTICLE.format(lang=lang))
    page.evaluate("window.__samePage = true")
    if size == "md":
        page.get_by_text("LG", exact=True).click()
    page.get_by_text(size.upper(), exact=True).click()
    assert root_font_px(page) == SIZE_PX[size]
    assert page.evaluate("window.__samePage") is True  # no page load (WCAG 3.2.2)
    assert page.evaluate("document.activeElement.value") == size
    assert cookie(page, "text_size") == size
    page.reload()
    assert root_font_px(page) == SIZE_PX[size]
    expect(page.get_by_role("radio", name=SIZE_NAMES[lang][size])).to_be_checked()
    page.get_by_role("link", name=re.compile("Գլխավոր|Home")).click()
    assert root_font_px(page) == SIZE_PX[size]


@pytest.mark.parametrize("lang", ["hy", "en"])
def test_choosing_a_size_by_keyboard_keeps_focus_on_the_control(
    page: Page, base_url: str, lang: str
) -> None:
    page.goto(base_url + ARTICLE.format(lang=lang))
    page.evaluate("window.__samePage = true")
    page.get_by_role("radio", name=SIZE_NAMES[lang]["md"]).focus()
    page.keyboard.press("ArrowRight")
    assert root_font_px(page) == 24.0
    expect(page.get_by_role("radio", name=SIZE_NAMES[lang]["lg"])).to_be_focused()
    expect(page.get_by_role("radio", name=SIZE_NAMES[lang]["lg"])).to_be_checked()
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowLeft")
    assert root_font_px(page) == 15.0
    expect(page.get_by_role("radio", name=SIZE_NAMES[lang]["sm"])).to_be_focused()
    assert page.evaluate("window.__samePage") is True
    # With JavaScript on, Apply is not needed and not shown.
    expect(page.get_by_role("button", name=GROUPS[lang][2])).to_be_hidden()


@pytest.mark.parametrize("lang", ["hy", "en"])
@pytest.mark.parametrize("theme", ["light", "dark", "contrast"])
def test_choosing_a_theme_by_mouse_and_keyboard(page: Page, base_url: str, lang: str,
                                                theme: str) -> None:
    page.goto(base_url + ARTICLE.format(lang=lang))
    page.locator("#display-settings > summary").click()
    page.get_by_text(THEME_NAMES[lang][theme], exact=True).click()
    assert body_background(page) == BACKGROUNDS[theme]
    assert cookie(page, "theme") == theme
    page.reload()
    assert body_background(page) == BACKGROUNDS[theme]
    page.locator("#display-settings > summary").click()
    # Back to auto by keyboard: Space on the focused radio after arrowing to it.
    page.get_by_role("radio", name=THEME_NAMES[lang][theme]).focus()
    for _ in range(3):
        page.keyboard.press("ArrowLeft")
        if page.evaluate("document.activeElement.value") == "auto":
            break
    assert page.evaluate("document.activeElement.value") == "auto"
    assert body_background(page) == BACKGROUNDS["light"]  # the browser prefers light here


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_auto_theme_follows_the_device(page: Page, base_url: str, scheme: str) -> None:
    page.emulate_media(color_scheme=scheme)
    page.goto(f"{base_url}/en/")
    assert body_background(page) == BACKGROUNDS[scheme]


@pytest.mark.parametrize("lang", ["hy", "en"])
def test_without_javascript_apply_reloads_the_same_page_at_the_control(
    nojs_page: Page, lang: str
) -> None:
    path = f"/{lang}/search?q=Yerevan"
    nojs_page.goto(path)
    nojs_page.get_by_text("LG", exact=True).click()
    nojs_page.locator("#display-settings > summary").click()
    nojs_page.get_by_role("radio", name=THEME_NAMES[lang]["contrast"]).check()
    assert root_font_px(nojs_page) == 16.0  # nothing happens until Apply (3.2.2)
    nojs_page.get_by_role("button", name=GROUPS[lang][2]).first.click()
    nojs_page.wait_for_load_state()
    assert nojs_page.url.endswith(path + "#reader-settings")
    assert root_font_px(nojs_page) == 24.0
    assert body_background(nojs_page) == BACKGROUNDS["contrast"]
    assert nojs_page.evaluate("document.activeElement.id") == "reader-settings"
    nojs_page.keyboard.press("Tab")
    assert nojs_page.evaluate("document.activeElement.value") == "lg"
    nojs_page.goto(f"/{lang}/")
    assert root_font_px(nojs_page) == 24.0


@pytest.mark.parametrize("theme", ["light", "dark", "contrast"])
def test_text_contrast_meets_the_theme_minimum(page: Page, base_url: str, theme: str) -> None:
    minimum = 7.0 if theme == "contrast" else 4.5
    page.context.add_cookies([{"name": "theme", "value": theme, "url": base_url}])
    for path in ("/en/articles/paris-statement-south-caucasus", "/hy/search?q=Երևան", "/hy/"):
        page.goto(base_url + path)
        assert page.evaluate(LOW_CONTRAST_TEXT, minimum) == []


@pytest.mark.parametrize("theme", ["light", "dark", "contrast", "forced"])
def test_every_tab_stop_shows_a_focus_ring_of_3_to_1(page: Page, base_url: str, theme: str) -> None:
    if theme == "forced":
        page.emulate_media(forced_colors="active")
    else:
        page.context.add_cookies([{"name": "theme", "value": theme, "url": base_url}])
    page.goto(f"{base_url}/en/articles/paris-statement-south-caucasus")
    stops = 0
    while stops < 80:
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement === document.body"):
            break  # past the last stop, focus is in the browser's own UI
        stops += 1
        ring = page.evaluate(FOCUS_RING)
        assert ring["style"] != "none" and ring["width"] >= 2, ring
        if theme != "forced":  # forced colours draws the system's own ring colours
            assert ring["contrast"] >= 3, ring
    assert stops > 20


def test_print_drops_the_controls_and_navigation(page: Page, base_url: str) -> None:
    page.emulate_media(media="print")
    page.goto(f"{base_url}/en/articles/paris-statement-south-caucasus")
    for selector in (".reader-settings", ".main-nav", ".search-form", ".languages", ".share",
                     ".skip-links"):
        expect(page.locator(selector)).to_be_hidden()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.locator(".story-body")).to_be_visible()
