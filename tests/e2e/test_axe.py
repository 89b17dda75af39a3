"""axe-core audit (WCAG 2.0-2.2 A/AA and best practice): zero violations on every page type,
in both interface languages, at every text size and in every theme."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

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
        assert page.evaluate("document.documentElement.className") == f"size-{size} theme-{theme} js"
        found[kind] = violations(page)
    assert found == {kind: [] for kind in PAGE_TYPES}


def test_the_lg_size_dark_english_article_is_really_scanned(page: Page, base_url: str) -> None:
    """axe does find problems here: a page made worse on purpose must fail the same scan."""
    page.emulate_media(color_scheme="light")
    page.context.add_cookies([
        {"name": "text_size", "value": "lg", "url": base_url},
        {"name": "theme", "value": "dark", "url": base_url},
    ])
    page.goto(base_url + PAGE_TYPES["article-with-image-translated"].format(lang="en"))
    assert page.evaluate("document.documentElement.className") == "size-lg theme-dark js"
    assert violations(page) == []
    page.evaluate("document.querySelector('.lead-figure img').removeAttribute('alt');"
                  "document.documentElement.removeAttribute('lang')")
    ids = {v.split(":")[0] for v in violations(page)}
    assert {"image-alt", "html-has-lang"} <= ids
