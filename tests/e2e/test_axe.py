"""axe-core audit (WCAG 2.0-2.2 A/AA and best practice): zero violations on every page type."""

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
    "article-with-image": "/{lang}/articles/paris-statement-south-caucasus",
    "article-without-image": "/{lang}/articles/ararat-apricot-season",
    "article-english-only": "/{lang}/articles/sevan-volunteer-monitoring",
    "article-armenian-only": "/{lang}/articles/targmanchats-reading-day",
    "search-results": "/{lang}/search?q=Yerevan+OR+Երևան",
    "search-results-hy": "/{lang}/search?q=Երևան",
    "search-no-results": "/{lang}/search?q=zzxxqq",
    "search-empty": "/{lang}/search",
    "section": "/{lang}/sections/politics",
    "not-found": "/{lang}/articles/no-such-story",
}


def audit(page: Page) -> list[str]:
    results = axe.run(page, options=AXE_OPTIONS)
    return [
        f"{v['id']}: {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
    ]


@pytest.mark.parametrize("lang", ["hy", "en"])
@pytest.mark.parametrize("kind", list(PAGE_TYPES))
def test_page_has_no_axe_violations(page: Page, base_url: str, kind: str, lang: str) -> None:
    page.goto(base_url + PAGE_TYPES[kind].format(lang=lang))
    assert audit(page) == []
