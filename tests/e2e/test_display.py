"""The story first at 400 % zoom (320×700 CSS px): the headline on the first screen of every page,
a compact toolbar, headings whose words are never split, and the display preferences behind one
disclosure — with and without JavaScript, in both languages."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from reader.prefs import PREFERENCES, TEXT_SIZE

from .checks import accessible_node, root_font_px

PAGE_TYPES = {
    "article": "/{lang}/articles/paris-statement-south-caucasus",
    "article-other-language": "/{lang}/articles/{foreign}",
    "home": "/{lang}/",
    "section": "/{lang}/sections/politics",
    "search": "/{lang}/search?q=Yerevan+Երևան",
    "not-found": "/{lang}/articles/no-such-story",
}
FOREIGN = {"hy": "sevan-volunteer-monitoring", "en": "targmanchats-reading-day"}
DEMO_ARTICLES = ["paris-statement-south-caucasus", "audio-library-braille-room", "ararat-apricot-season",
                 "yerevan-night-buses", "sevan-volunteer-monitoring", "targmanchats-reading-day"]
PHONE = {"width": 320, "height": 700}
DISPLAY = {"hy": "Տեսք", "en": "Display settings"}
SECTIONS = {"hy": "Բաժիններ", "en": "Sections"}


def url(base_url: str, kind: str, lang: str) -> str:
    return base_url + PAGE_TYPES[kind].format(lang=lang, foreign=FOREIGN[lang])


def context(browser: Browser, base_url: str, js: bool = True, viewport: dict[str, int] = PHONE,
            **cookies: str) -> Page:
    ctx = browser.new_context(viewport=viewport, java_script_enabled=js, base_url=base_url)
    ctx.add_cookies([{"name": k, "value": v, "url": base_url} for k, v in cookies.items()])
    page = ctx.new_page()
    page.bring_to_front()  # several contexts are open at once: keyboard focus goes to this one
    return page


def headline_top(page: Page) -> float:
    return page.locator("h1").first.bounding_box()["y"]


# Words of headings broken across lines: for each word of each h1/h2, its line boxes (from a
# Range over the word) must all sit on one line.
SPLIT_WORDS = """
() => {
  const split = [];
  for (const h of document.querySelectorAll("main h1, main h2")) {
    const walker = document.createTreeWalker(h, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      // A word runs between spaces and dashes (a line may break after "Armenia–").
      const re = /[^\\s\u2010-\u2015\u058a-]+/g;
      let m;
      while ((m = re.exec(node.textContent))) {
        const range = document.createRange();
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        const tops = new Set([...range.getClientRects()].filter(r => r.width > 0)
                               .map(r => Math.round(r.top)));
        if (tops.size > 1) split.push(m[0]);
      }
    }
  }
  return split;
}
"""

# The page's text as a screen reader gets it: aria-hidden parts left out.
ACCESSIBLE_TEXT = """
(selector) => {
  const el = document.querySelector(selector).cloneNode(true);
  el.querySelectorAll("[aria-hidden=true]").forEach(e => e.remove());
  return el.textContent.replace(/\\s+/g, " ").trim();
}
"""


@pytest.mark.parametrize("js", [True, False], ids=["js", "no-js"])
@pytest.mark.parametrize("lang", ["hy", "en"])
def test_the_headline_starts_on_the_first_screen_at_320_by_700_at_every_size(
        browser: Browser, base_url: str, lang: str, js: bool) -> None:
    tops = {}
    for size in TEXT_SIZE.values:
        page = context(browser, base_url, js, text_size=size)
        for kind in PAGE_TYPES:
            page.goto(url(base_url, kind, lang))
            tops[(kind, size)] = headline_top(page)
        page.context.close()
    late = {k: v for k, v in tops.items() if not 0 <= v < 700}
    assert late == {}, tops


def test_at_1280_px_the_header_takes_no_more_room_than_before(browser: Browser, base_url: str) -> None:
    # Measured on the previous header (the settings form always open): its bottom edge, per language
    # and size. The new header must not be taller.
    before = {("hy", "md"): 371, ("en", "md"): 233, ("hy", "lg"): 555, ("en", "lg"): 555}
    for (lang, size), bottom in before.items():
        page = context(browser, base_url, viewport={"width": 1280, "height": 800}, text_size=size)
        page.goto(url(base_url, "article", lang))
        box = page.locator(".site-header").bounding_box()
        assert box["y"] + box["height"] <= bottom, (lang, size, box)
        page.context.close()


@pytest.mark.parametrize("lang", ["hy", "en"])
def test_no_heading_word_is_split_across_lines_at_320_with_lg(browser: Browser, base_url: str,
                                                               lang: str) -> None:
    page = context(browser, base_url, text_size="lg")
    paths = [f"/{lang}/articles/{slug}" for slug in DEMO_ARTICLES] + [
        PAGE_TYPES[k].format(lang=lang, foreign=FOREIGN[lang]) for k in ("home", "section", "search")]
    split = {}
    for path in paths:
        page.goto(base_url + path)
        assert not page.evaluate("document.documentElement.scrollWidth > innerWidth"), path
        words = page.evaluate(SPLIT_WORDS)
        if words:
            split[path] = words
    assert split == {}
    # The check does see a split word: a headline too wide for its column is reported.
    page.evaluate("document.querySelector('main h1').style.setProperty('font-size', '5rem')")
    assert page.evaluate(SPLIT_WORDS)


@pytest.mark.parametrize("js", [True, False], ids=["js", "no-js"])
@pytest.mark.parametrize("lang", ["hy", "en"])
def test_text_size_stays_in_one_row_on_every_page(browser: Browser, base_url: str, lang: str,
                                                  js: bool) -> None:
    for size in TEXT_SIZE.values:
        page = context(browser, base_url, js, text_size=size)
        for kind in PAGE_TYPES:
            page.goto(url(base_url, kind, lang))
            options = page.locator(".toolbar .option")
            expect(options).to_have_count(4)
            tops = {round(options.nth(i).bounding_box()["y"]) for i in range(4)}
            assert len(tops) == 1, (kind, size, tops)
            assert all(options.nth(i).is_visible() for i in range(4))
        page.context.close()


@pytest.mark.parametrize("js", [True, False], ids=["js", "no-js"])
@pytest.mark.parametrize("lang", ["hy", "en"])
def test_display_settings_are_one_closed_disclosure_that_says_its_state(
        browser: Browser, base_url: str, lang: str, js: bool) -> None:
    page = context(browser, base_url, js)
    page.goto(url(base_url, "article", lang))
    summary = page.locator("#display-settings > summary")
    expect(summary).to_have_text(DISPLAY[lang])
    theme_group = page.get_by_role("group", name="Colours" if lang == "en" else "Գույներ")
    expect(theme_group).to_be_hidden()
    # By keyboard, in its visual place: the next stop after the size options.
    page.locator("fieldset.size input:checked").focus()
    page.keyboard.press("Tab")
    if not js:  # without JavaScript, Apply comes first: it is what makes a size choice take effect
        assert page.evaluate("document.activeElement.classList.contains('apply')")
        page.keyboard.press("Tab")
    expect(summary).to_be_focused()
    # What a screen reader gets: a disclosure button, collapsed.
    node = accessible_node(page, DISPLAY[lang])
    assert node is not None and node["role"] == "DisclosureTriangle" and node["expanded"] is False, node
    page.keyboard.press("Enter")
    expect(theme_group).to_be_visible()
    assert accessible_node(page, DISPLAY[lang])["expanded"] is True
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.name") == "theme"  # into the panel
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Space")
    expect(theme_group).to_be_hidden()
    page.context.close()


@pytest.mark.parametrize("js", [True, False], ids=["js", "no-js"])
@pytest.mark.parametrize("lang", ["hy", "en"])
def test_sections_fold_on_narrow_screens_and_skip_to_navigation_opens_them(
        browser: Browser, base_url: str, lang: str, js: bool) -> None:
    page = context(browser, base_url, js)
    page.goto(url(base_url, "home", lang))
    menu = page.locator("#menu > summary")
    expect(menu).to_be_visible()
    expect(menu).to_have_text(SECTIONS[lang])
    assert accessible_node(page, SECTIONS[lang])["expanded"] is False
    nav = page.locator("#main-nav")
    expect(nav).to_be_hidden()
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # "Skip to navigation"
    expect(nav).to_be_visible()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('#main-nav') !== null")
    page.context.close()
    # Wide screens: no disclosure, the sections are simply there.
    wide = context(browser, base_url, js, viewport={"width": 1280, "height": 800})
    wide.goto(url(base_url, "home", lang))
    expect(wide.locator("#main-nav")).to_be_visible()
    expect(wide.locator("#menu > summary")).to_be_hidden()
    wide.context.close()


# The new preferences: what each value does to the page, measured in the browser.
STYLE_OF = {
    "spacing": ("(() => parseFloat(getComputedStyle(document.querySelector('.story-body p')).lineHeight) / "
                "parseFloat(getComputedStyle(document.querySelector('.story-body p')).fontSize))()"),
    "measure": ("(() => { const p = document.querySelector('.story-body p'); return "
                "parseFloat(getComputedStyle(p).maxWidth) / parseFloat(getComputedStyle(p).fontSize); })()"),
    "letters": ("(() => { const cs = getComputedStyle(document.querySelector('.story-body p')); return "
                "[parseFloat(cs.letterSpacing) / parseFloat(cs.fontSize) || 0, "
                "parseFloat(cs.wordSpacing) / parseFloat(cs.fontSize) || 0]; })()"),
}
NEW = [p for p in PREFERENCES if p.name in STYLE_OF]


def check_effect(name: str, value: str, measured: object) -> None:
    if name == "spacing":
        assert isinstance(measured, float)
        low, high = {"normal": (1.5, 1.7), "wider": (1.8, 2.0), "widest": (2.0, 2.4)}[value]
        assert low <= measured <= high, (value, measured)
    elif name == "measure":
        assert isinstance(measured, float)
        # max-width in ch: roughly half an em per ch in Noto Sans.
        low, high = {"narrow": (20, 28), "medium": (33, 42), "wide": (44, 55)}[value]
        assert low <= measured <= high, (value, measured)
    else:
        assert measured == ([0, 0] if value == "normal" else [pytest.approx(0.12, abs=0.01),
                                                            pytest.approx(0.16, abs=0.01)])


@pytest.mark.parametrize("lang", ["hy", "en"])
@pytest.mark.parametrize("pref", NEW, ids=[p.name for p in NEW])
def test_each_new_preference_by_mouse_and_keyboard_applies_and_is_remembered(
        browser: Browser, base_url: str, lang: str, pref) -> None:
    page = context(browser, base_url)
    page.goto(url(base_url, "article", lang))
    page.evaluate("window.__samePage = true")
    page.locator("#display-settings > summary").click()
    group = page.locator(f"fieldset.{pref.css_prefix}")
    expect(group.locator("input:checked")).to_have_value(pref.default)
    check_effect(pref.name, pref.default, page.evaluate(STYLE_OF[pref.name]))
    others = [c for c in pref.choices if c.value != pref.default]
    default = next(c for c in pref.choices if c.value == pref.default)
    for choice in (*others, default):  # by mouse: the visible label
        group.locator(f"label:has(input[value={choice.value}])").click()
        check_effect(pref.name, choice.value, page.evaluate(STYLE_OF[pref.name]))
        assert any(c["name"] == pref.cookie and c["value"] == choice.value for c in page.context.cookies())
    # By keyboard: arrows move through the options and apply each at once.
    group.locator(f"input[value={pref.choices[0].value}]").check()
    page.keyboard.press("ArrowRight")
    second = pref.choices[1].value
    expect(group.locator("input:checked")).to_have_value(second)
    expect(group.locator(f"input[value={second}]")).to_be_focused()
    check_effect(pref.name, second, page.evaluate(STYLE_OF[pref.name]))
    page.keyboard.press("Enter")  # must not submit or reload (3.2.2)
    assert page.evaluate("window.__samePage") is True
    # Server-rendered: a new page load, without JavaScript, already has the choice.
    last = pref.choices[-1].value
    group.locator(f"label:has(input[value={last}])").click()
    cookies = {c["name"]: c["value"] for c in page.context.cookies()}
    page.context.close()
    nojs = context(browser, base_url, js=False, **cookies)
    nojs.goto(url(base_url, "article", lang))
    assert f"{pref.css_prefix}-{last}" in nojs.evaluate("[...document.documentElement.classList]")
    check_effect(pref.name, last, nojs.evaluate(STYLE_OF[pref.name]))
    nojs.context.close()


@pytest.mark.parametrize("lang", ["hy", "en"])
def test_without_javascript_the_panel_applies_and_comes_back_open(browser: Browser, base_url: str,
                                                                  lang: str) -> None:
    page = context(browser, base_url, js=False)
    page.goto(url(base_url, "article", lang))
    page.locator("#display-settings > summary").click()
    page.locator("fieldset.spacing label:has(input[value=widest])").click()
    page.locator("fieldset.measure label:has(input[value=narrow])").click()
    page.locator("#display-panel .apply").click()
    page.wait_for_load_state()
    assert page.url.endswith("/articles/paris-statement-south-caucasus#display-panel")
    classes = page.evaluate("[...document.documentElement.classList]")
    assert {"spacing-widest", "measure-narrow"} <= set(classes)
    expect(page.locator("fieldset.spacing input:checked")).to_have_value("widest")
    # The reader returns to the open panel, where they were.
    assert page.evaluate("document.getElementById('display-settings').open") is True
    # Reset: every display setting back to its default, text size kept.
    page.context.add_cookies([{"name": "text_size", "value": "lg", "url": base_url}])
    page.reload()
    page.locator("#display-settings > summary").click()
    page.locator("#display-panel .reset").click()
    page.wait_for_load_state()
    classes = set(page.evaluate("[...document.documentElement.classList]"))
    assert {"spacing-normal", "measure-medium", "letters-normal", "theme-auto", "size-lg"} <= classes
    names = {c["name"] for c in page.context.cookies()}
    assert "line_spacing" not in names and "line_length" not in names and "text_size" in names
    page.context.close()


@pytest.mark.parametrize("lang", ["hy", "en"])
def test_reset_with_javascript_applies_at_once_and_says_so(browser: Browser, base_url: str,
                                                           lang: str) -> None:
    page = context(browser, base_url, theme="dark", line_spacing="widest", letter_spacing="wider",
                   text_size="lg")
    page.goto(url(base_url, "article", lang))
    page.evaluate("window.__samePage = true")
    page.locator("#display-settings > summary").click()
    page.locator("#display-panel .reset").click()
    classes = set(page.evaluate("[...document.documentElement.classList]"))
    assert {"theme-auto", "spacing-normal", "letters-normal", "size-lg"} <= classes
    assert page.evaluate("window.__samePage") is True
    expect(page.locator("fieldset.theme input:checked")).to_have_value("auto")
    names = {c["name"] for c in page.context.cookies()}
    assert names == {"text_size"}
    expect(page.locator("#announcer")).not_to_be_empty()
    page.context.close()


def test_auto_colours_follow_a_request_for_more_contrast(browser: Browser, base_url: str) -> None:
    page = context(browser, base_url)
    page.emulate_media(color_scheme="light", contrast="more")
    page.goto(url(base_url, "article", "en"))
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(0, 0, 0)"
    page.emulate_media(color_scheme="light", contrast="no-preference")
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(255, 255, 255)"
    page.context.close()


# --- what a screen-reader and keyboard audit found ------------------------------------------


@pytest.mark.parametrize("lang", ["hy", "en"])
def test_hidden_separators_never_glue_words_together(page: Page, base_url: str, lang: str) -> None:
    page.goto(base_url + f"/{lang}/")
    metas = page.locator(".story-item .meta")
    assert metas.count() >= 6
    for i in range(metas.count()):
        spoken = metas.nth(i).evaluate("(el) => { const c = el.cloneNode(true); "
                                       "c.querySelectorAll('[aria-hidden=true]').forEach(e => e.remove()); "
                                       "return c.textContent.replace(/\\s+/g, ' ').trim(); }")
        shown = metas.nth(i).inner_text()
        # Every word the reader sees is a word the screen reader says, none glued to the next.
        assert spoken.split() == [w for w in shown.split() if w != "·"], (spoken, shown)
    page.goto(base_url + f"/{lang}/articles/paris-statement-south-caucasus".replace(f"/{lang}/", "/en/"))
    dateline = page.evaluate(ACCESSIBLE_TEXT, ".dateline")
    assert re.search(r"(AM|PM|\d) Updated ", dateline), dateline


@pytest.mark.parametrize("lang", ["hy", "en"])
def test_story_lists_name_each_headline_once_with_its_language(page: Page, base_url: str,
                                                               lang: str) -> None:
    page.goto(base_url + f"/{lang}/")
    assert page.locator(".story-item article[aria-labelledby], .story-item article[aria-label]").count() == 0
    tree = page.locator(".story-list").aria_snapshot()
    # Each story is an unnamed article: its headline is said once, as the heading (and its link).
    assert "- article:" in tree and '- article "' not in tree, tree
    page.goto(base_url + f"/{lang}/search?q=Yerevan")
    assert page.locator(".results article[aria-labelledby]").count() == 0


@pytest.mark.parametrize("lang", ["hy", "en"])
def test_copy_link_confirms_visibly_and_to_screen_readers(browser: Browser, base_url: str,
                                                          lang: str) -> None:
    ctx = browser.new_context(base_url=base_url)
    ctx.grant_permissions(["clipboard-read", "clipboard-write"])
    page = ctx.new_page()
    page.goto(f"/{lang}/articles/paris-statement-south-caucasus")
    button = page.locator("button.copy-link")
    button.click()
    note = page.locator(".copy-note")
    expect(note).to_be_visible()
    copied = {"en": "Link copied to the clipboard.", "hy": None}[lang] or note.inner_text()
    expect(note).to_have_text(copied)
    expect(page.locator("#announcer")).to_have_text(copied)
    assert page.evaluate("navigator.clipboard.readText()").endswith(
        f"/{lang}/articles/paris-statement-south-caucasus")
    ctx.close()


def test_copy_link_says_so_when_the_browser_refuses(browser: Browser, base_url: str) -> None:
    ctx = browser.new_context(base_url=base_url)
    # A browser that refuses clipboard access, as some do without a permission prompt.
    ctx.add_init_script("navigator.clipboard.writeText = () => Promise.reject(new Error('denied'))")
    page = ctx.new_page()
    page.goto("/en/articles/paris-statement-south-caucasus")
    page.locator("button.copy-link").click()
    expect(page.locator(".copy-note")).to_have_text(
        "The browser did not allow copying. Select the address bar and copy the link from there.")
    ctx.close()


@pytest.mark.parametrize("lang", ["hy", "en"])
def test_enter_on_an_option_does_not_reload_with_javascript(page: Page, base_url: str, lang: str) -> None:
    page.goto(base_url + f"/{lang}/")
    page.evaluate("window.__samePage = true")
    page.locator("fieldset.size input[value=lg]").focus()
    page.keyboard.press("Enter")
    page.locator("#display-settings > summary").click()
    page.locator("fieldset.theme input[value=dark]").focus()
    page.keyboard.press("Enter")
    page.wait_for_timeout(300)  # a reload, if any, would have started
    assert page.evaluate("window.__samePage") is True


def test_arrowing_through_sizes_keeps_the_whole_option_in_view(browser: Browser, base_url: str) -> None:
    page = context(browser, base_url, text_size="lg")
    page.goto(url(base_url, "home", "en"))
    page.locator("fieldset.size input:checked").focus()
    # Scroll so that the options sit partly above the top of the screen.
    top = page.locator(".toolbar .option").first.bounding_box()["y"]
    page.evaluate(f"window.scrollBy(0, {top + 20})")
    for key in ("ArrowLeft", "ArrowLeft", "ArrowRight"):
        page.keyboard.press(key)
        box = page.evaluate("document.activeElement.closest('.option').getBoundingClientRect().toJSON()")
        assert box["top"] >= 0 and box["bottom"] <= 700, (key, box)
    page.context.close()


@pytest.mark.parametrize("lang", ["hy", "en"])
def test_a_story_in_the_other_language_marks_its_title_and_description(page: Page, base_url: str,
                                                                      lang: str) -> None:
    page.goto(url(base_url, "article-other-language", lang))
    other = "en" if lang == "hy" else "hy"
    assert page.locator("title").get_attribute("lang") == other
    assert page.locator("meta[name=description]").get_attribute("lang") == other
    page.goto(url(base_url, "article", lang))
    assert page.locator("title").get_attribute("lang") is None
    for kind in ("home", "search"):
        page.goto(url(base_url, kind, lang))
        description = page.locator("meta[name=description]").get_attribute("content")
        assert description and len(description) > 20


def test_lg_is_half_again_as_large_as_md(page: Page, base_url: str) -> None:
    page.goto(url(base_url, "home", "en"))
    page.locator("fieldset.size label:has(input[value=lg])").click()
    assert root_font_px(page) == 24.0
