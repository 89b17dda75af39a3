"""axe-core audit (WCAG 2.0-2.2 A/AA and best practice): zero violations on every page type,
in both interface languages, at every text size, in every theme, with every value of every other
display preference, with the disclosures open, and at 320 CSS px with the hardest combination."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page

from reader.prefs import PREFERENCES, TEXT_SIZE, THEME

AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa",
                                         "best-practice"]},
    "resultTypes": ["violations"],
}
axe = Axe()

PAGE_TYPES = {
    "home": "/{lang}/",
    "article-with-image-translated": "/{lang}/articles/paris-statement-south-caucasus",
    "article-with-image-2": "/{lang}/articles/audio-library-braille-room",
    "article-without-image": "/{lang}/articles/ararat-apricot-season",
    "article-english-only": "/{lang}/articles/sevan-volunteer-monitoring",
    "article-armenian-only": "/{lang}/articles/targmanchats-reading-day",
    "search-results-both-languages": "/{lang}/search?q=Yerevan+Երևան",
    "search-results": "/{lang}/search?q=Երևան",
    "search-no-results": "/{lang}/search?q=zzxxqq",
    "search-empty": "/{lang}/search",
    "section": "/{lang}/sections/politics",
    "not-found": "/{lang}/articles/no-such-story",
    "statement": "/{lang}/accessibility",
}
# "auto" is scanned twice: on a light device and on a dark one.
THEMES = [("auto", "light"), ("auto", "dark"), ("light", "light"), ("dark", "light"),
          ("contrast", "light")]


def violations(page: Page) -> list[str]:
    results = axe.run(page, options=AXE_OPTIONS)
    return [
        f"{v['id']}: {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
    ]


@pytest.mark.parametrize("lang", ["hy", "en"])
@pytest.mark.parametrize("size", ["xs", "sm", "md", "lg"])
@pytest.mark.parametrize(("theme", "scheme"), THEMES, ids=[f"{t}-{d}" for t, d in THEMES])
def test_every_page_type_has_no_axe_violations(page: Page, base_url: str, lang: str, size: str,
                                               theme: str, scheme: str) -> None:
    page.emulate_media(color_scheme=scheme)
    page.context.add_cookies([
        {"name": "text_size", "value": size, "url": base_url},
        {"name": "theme", "value": theme, "url": base_url},
    ])
    found = {}
    for kind, path in PAGE_TYPES.items():
        page.goto(base_url + path.format(lang=lang))
        classes = set(page.evaluate("[...document.documentElement.classList]"))
        assert {f"size-{size}", f"theme-{theme}"} <= classes
        found[kind] = violations(page)
    assert found == {kind: [] for kind in PAGE_TYPES}


# Every value of every other display preference (size and theme are covered above), each on every
# page type in both languages.
OTHERS = [(p, c.value) for p in PREFERENCES if p not in (TEXT_SIZE, THEME) for c in p.choices]


def scan_every_page_type(page: Page, base_url: str, lang: str, expected: set[str],
                         open_disclosures: bool = False) -> dict[str, list[str]]:
    found = {}
    for kind, path in PAGE_TYPES.items():
        page.goto(base_url + path.format(lang=lang))
        assert expected <= set(page.evaluate("[...document.documentElement.classList]"))
        if open_disclosures:  # what is folded away must pass too, once shown
            page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
        found[kind] = violations(page)
    return found


@pytest.mark.parametrize("lang", ["hy", "en"])
@pytest.mark.parametrize(("pref", "value"), OTHERS, ids=[f"{p.name}-{v}" for p, v in OTHERS])
def test_every_value_of_the_other_display_preferences_has_no_axe_violations(
        page: Page, base_url: str, lang: str, pref, value: str) -> None:
    page.context.add_cookies([{"name": pref.cookie, "value": value, "url": base_url}])
    found = scan_every_page_type(page, base_url, lang, {f"{pref.css_prefix}-{value}"},
                                 open_disclosures=True)
    assert found == {kind: [] for kind in PAGE_TYPES}


@pytest.mark.parametrize("width", [320, 1280])
@pytest.mark.parametrize("lang", ["hy", "en"])
def test_lg_widest_spacing_and_high_contrast_with_everything_open(
        browser: Browser, base_url: str, lang: str, width: int) -> None:
    """The hardest combination a low-vision reader may choose, at 400 % zoom and on a laptop."""
    ctx = browser.new_context(viewport={"width": width, "height": 700})
    ctx.add_cookies([{"name": k, "value": v, "url": base_url} for k, v in (
        ("text_size", "lg"), ("line_spacing", "widest"), ("theme", "contrast"),
        ("letter_spacing", "wider"), ("line_length", "wide"))])
    page = ctx.new_page()
    found = scan_every_page_type(page, base_url, lang, {"size-lg", "spacing-widest", "theme-contrast"},
                                 open_disclosures=True)
    ctx.close()
    assert found == {kind: [] for kind in PAGE_TYPES}


def test_the_lg_size_dark_english_article_is_really_scanned(page: Page, base_url: str) -> None:
    """axe does find problems here: a page made worse on purpose must fail the same scan."""
    page.emulate_media(color_scheme="light")
    page.context.add_cookies([
        {"name": "text_size", "value": "lg", "url": base_url},
        {"name": "theme", "value": "dark", "url": base_url},
    ])
    page.goto(base_url + PAGE_TYPES["article-with-image-translated"].format(lang="en"))
    assert {"size-lg", "theme-dark"} <= set(page.evaluate("[...document.documentElement.classList]"))
    assert violations(page) == []
    page.evaluate("document.querySelector('.lead-figure img').removeAttribute('alt');"
                  "document.documentElement.removeAttribute('lang')")
    ids = {v.split(":")[0] for v in violations(page)}
    assert {"image-alt", "html-has-lang"} <= ids
