"""Bilingual in a real browser: no English leaks into the Armenian interface, and the language
switcher and alternates lead to corresponding pages."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from .checks import HORIZONTAL_SCROLL

# Latin words allowed outside lang="en": the size labels and brand names.
ALLOWED = ["XS", "SM", "MD", "LG", "Facebook", "Telegram"]

# Every text node and every accessible text attribute that is not inside an element marked
# English (by its nearest lang attribute) must be free of Latin words.
ENGLISH_OUTSIDE_EN = """
(allowed) => {
  const bad = new Set();
  const inEnglish = (el) => {
    const marked = el && el.closest("[lang]");
    return marked !== null && marked.getAttribute("lang").startsWith("en");
  };
  const check = (text, where) => {
    for (const word of text.match(/[A-Za-z]{2,}/g) || []) {
      if (!allowed.includes(word)) bad.add(`${where}: ${word} in «${text.trim().slice(0, 60)}»`);
    }
  };
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  let count = 0;
  for (let node; (node = walker.nextNode()); ) {
    if (!node.textContent.trim()) continue;
    count++;
    if (!inEnglish(node.parentElement)) check(node.textContent, node.parentElement.tagName);
  }
  for (const el of document.querySelectorAll("[aria-label], [alt], [title], [placeholder], [data-copied]")) {
    if (inEnglish(el)) continue;
    for (const name of ["aria-label", "alt", "title", "placeholder", "data-copied"]) {
      if (el.hasAttribute(name)) { count++; check(el.getAttribute(name), name); }
    }
  }
  // The title may quote English content that the page marks English: the headline, the query.
  let title = document.title;
  for (const el of document.querySelectorAll('h1[lang^="en"], .result-count [lang^="en"]')) {
    title = title.replace(el.textContent.trim(), "");
  }
  check(title, "title");
  return { bad: [...bad], count };
}
"""

HY_PAGES = [
    "/hy/",
    "/hy/sections/politics",
    "/hy/articles/paris-statement-south-caucasus",
    "/hy/articles/audio-library-braille-room",
    "/hy/articles/sevan-volunteer-monitoring",  # English story, Armenian chrome
    "/hy/articles/targmanchats-reading-day",
    "/hy/articles/yerevan-night-buses",
    "/hy/search",
    "/hy/search?q=Երևան",
    "/hy/search?q=Yerevan",  # English results, an English query
    "/hy/search?q=ժժժժժ",
    "/hy/articles/no-such-story",
]


@pytest.mark.parametrize("path", HY_PAGES)
@pytest.mark.parametrize("size", ["md", "lg"])
def test_armenian_interface_has_no_english_outside_english_parts(
    page: Page, base_url: str, path: str, size: str
) -> None:
    page.context.add_cookies([{"name": "text_size", "value": size, "url": base_url}])
    page.goto(base_url + path)
    found = page.evaluate(ENGLISH_OUTSIDE_EN, ALLOWED)
    assert found["count"] > 30
    assert found["bad"] == []


def test_the_leak_check_catches_english(page: Page, base_url: str) -> None:
    page.goto(base_url + "/hy/")
    page.evaluate("document.querySelector('h1').textContent = 'Latest stories'")
    assert page.evaluate(ENGLISH_OUTSIDE_EN, ALLOWED)["bad"] != []


CORRESPONDING = [
    ("/en/", "/hy/"),
    ("/en/search?q=Yerevan", "/hy/search?q=Yerevan"),
    ("/en/sections/culture", "/hy/sections/culture"),
    ("/en/articles/paris-statement-south-caucasus", "/hy/articles/paris-statement-south-caucasus"),
    ("/en/articles/sevan-volunteer-monitoring", "/hy/articles/sevan-volunteer-monitoring"),
    ("/en/articles/targmanchats-reading-day", "/hy/articles/targmanchats-reading-day"),
]


@pytest.mark.parametrize(("en", "hy"), CORRESPONDING)
def test_switcher_leads_to_the_corresponding_page_both_ways(page: Page, base_url: str, en: str,
                                                            hy: str) -> None:
    page.goto(base_url + en)
    switcher = page.get_by_role("navigation", name="Language")
    expect(switcher.get_by_role("link", name="English")).to_have_attribute("aria-current", "true")
    switcher.get_by_role("link", name="Հայերեն").click()
    assert page.url == base_url + hy
    switcher = page.get_by_role("navigation", name="Լեզու")
    expect(switcher.get_by_role("link", name="Հայերեն")).to_have_attribute("aria-current", "true")
    switcher.get_by_role("link", name="English").click()
    assert page.url == base_url + en


@pytest.mark.parametrize("path", [p for pair in CORRESPONDING for p in pair])
def test_alternates_are_absolute_reciprocal_and_include_x_default(page: Page, base_url: str,
                                                                  path: str) -> None:
    def alternates(url: str) -> dict[str, str]:
        page.goto(url)
        # The page's language versions (feeds are alternates too, with a type).
        links = page.locator('link[rel="alternate"]:not([type])')
        return {links.nth(i).get_attribute("hreflang"): links.nth(i).get_attribute("href")
                for i in range(links.count())}

    mine = alternates(base_url + path)
    assert set(mine) == {"hy", "en", "x-default"}
    assert all(url.startswith(base_url + "/") for url in mine.values())
    assert base_url + path in (mine["hy"], mine["en"])  # itself included
    for lang in ("hy", "en"):
        assert alternates(mine[lang]) == mine, lang


def test_long_armenian_words_wrap_at_320_px_and_lg(page: Page, base_url: str, live_app) -> None:
    import tempfile
    from pathlib import Path

    from reader import store
    from reader.importer import import_paths

    word = "Հակահամաճարակայինհետազոտականլաբորատորիաներիհամակարգողխորհրդի"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "long.md"
        path.write_text(
            "---\nslug: long-words\nlang: hy\ntitle: " + word + "\nsummary: " + word + "։\n"
            "published: 2020-01-01T10:00:00+04:00\n---\n" + (word + " ") * 20 + "\n",
            encoding="utf-8")
        import_paths(store.connect(live_app.config["DATABASE"]), [path])
    page.set_viewport_size({"width": 320, "height": 640})
    page.context.add_cookies([{"name": "text_size", "value": "lg", "url": base_url}])
    for url in ("/hy/articles/long-words", "/en/articles/long-words", "/hy/search?q=" + word[:12]):
        page.goto(base_url + url)
        assert not page.evaluate(HORIZONTAL_SCROLL), url
        expect(page.locator("main")).to_contain_text(word[:10])
