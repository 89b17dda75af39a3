"""The project's own scripted checks, run in each page-state besides axe-core: what a keyboard
user, a reader at 400 % zoom or with their own text spacing, and a screen reader meet. Each check
measures in the page (scripts.py) and says, for the WCAG criteria (or the project's own
requirements) it informs: passed, failed, needs a person's review, or does not apply here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from ..languages import LANGUAGES
from ..prefs import THEME
from . import scripts
from .matrix import CONTENT, FOCUS, LAYOUT, PHONE, THEME_CONTRAST, State
from .outcomes import FAILED, NOT_APPLICABLE, PASSED, REVIEW

if TYPE_CHECKING:
    from playwright.sync_api import Page

# Latin words the Armenian interface shows as names (the text-size labels, brands in the share
# links, the WCAG levels in the statement): names need no language of their own (WCAG 3.1.2
# exempts proper names and technical terms).
NAMES = frozenset({"XS", "SM", "MD", "LG", "Facebook", "Telegram", "AA", "AAA"})
# A run of this many words in another language is text, not a name, and must be marked.
PHRASE_WORDS = 3
# Below this width the page is a phone's (400 % zoom): text-size and spacing checks are for
# the desktop, as WCAG 1.4.4 and 1.4.12 are.
DESKTOP_MIN_WIDTH = 1024
MAX_TAB_STOPS = 150
# The project's high-contrast theme (reader/prefs.py THEME) and the contrast it promises.
HIGH_CONTRAST_THEME = "contrast"
HIGH_CONTRAST_RATIO = 7.0
ITEMS_KEPT = 10  # evidence items kept per finding


@dataclass(frozen=True)
class Finding:
    """What a check saw: a message (by code, see MESSAGES) and the elements it concerns."""

    code: str
    params: dict[str, Any] = field(default_factory=dict)
    items: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "params": self.params, "items": list(self.items[:ITEMS_KEPT])}


@dataclass(frozen=True)
class Result:
    check: str
    outcome: str
    criteria: tuple[str, ...] = ()
    requirement: str | None = None  # a requirement of the project's own, beyond WCAG
    findings: tuple[Finding, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {"check": self.check, "outcome": self.outcome, "criteria": list(self.criteria),
                "requirement": self.requirement, "findings": [f.as_dict() for f in self.findings]}


@dataclass(frozen=True)
class Site:
    """What checks need to know about the site: its address, and per interface language the
    path of the accessibility statement (the help every page links to), if there is one."""

    base_url: str
    help_paths: dict[str, str]


CheckFunction = Callable[["Page", State, Site], list[Result]]


@dataclass(frozen=True)
class Check:
    id: str
    name: LazyString
    family: str
    criteria: tuple[str, ...]
    requirement: str | None
    run: CheckFunction


def _result(check: str, bad: list[Finding], criteria: tuple[str, ...] = (),
            requirement: str | None = None) -> Result:
    return Result(check, FAILED if bad else PASSED, criteria, requirement, tuple(bad))


def _items(found: object) -> tuple[str, ...]:
    return tuple(str(x) for x in found) if isinstance(found, list) else ()


def _layout_findings(page: Page) -> list[Finding]:
    bad = []
    if page.evaluate(scripts.HORIZONTAL_SCROLL):
        width = page.evaluate("document.documentElement.clientWidth")
        bad.append(Finding("horizontal-scroll", {"width": width}))
    clipped = _items(page.evaluate(scripts.CLIPPED))
    if clipped:
        bad.append(Finding("clipped", items=clipped))
    overlaps = _items(page.evaluate(scripts.OVERLAPS))
    if overlaps:
        bad.append(Finding("overlap", items=overlaps))
    return bad


class _Viewport:
    """Resize the window for a measurement and put it back afterwards."""

    def __init__(self, page: Page, size: tuple[int, int]) -> None:
        self.page = page
        self.size = size
        self.before = page.viewport_size

    def __enter__(self) -> None:
        self.page.set_viewport_size({"width": self.size[0], "height": self.size[1]})

    def __exit__(self, *exc: object) -> None:
        if self.before is not None:
            self.page.set_viewport_size(self.before)


# --- layout ---------------------------------------------------------------------------------


def reflow(page: Page, state: State, site: Site) -> list[Result]:
    """WCAG 1.4.10: at 320 CSS px wide, no sideways scrolling, nothing cut off or overlapping."""
    with _Viewport(page, PHONE):
        return [_result("reflow", _layout_findings(page), ("1.4.10",))]


def headline(page: Page, state: State, site: Site) -> list[Result]:
    """The story first (the project's requirement): at 320 × 700 CSS px, 400 % zoom on a laptop,
    the headline starts on the first screen. Not with the disclosures opened on purpose."""
    if state.variant.open:
        return []
    with _Viewport(page, PHONE):
        top = page.evaluate(scripts.HEADLINE_TOP)
    if top is None:
        return [_result("headline", [Finding("no-headline")], requirement="story-first")]
    late = not 0 <= top < PHONE[1]
    bad = [Finding("headline-late", {"top": round(top), "height": PHONE[1]})] if late else []
    return [_result("headline", bad, requirement="story-first")]


def target_size(page: Page, state: State, site: Site) -> list[Result]:
    """WCAG 2.5.8: controls (not links inside sentences) at least 24 × 24 CSS px, at this width
    and at a phone's."""
    small = list(_items(page.evaluate(scripts.SMALL_TARGETS)))
    if state.variant.viewport != PHONE:
        with _Viewport(page, PHONE):
            small += [f"{item} @320" for item in _items(page.evaluate(scripts.SMALL_TARGETS))]
    return [_result("target-size", [Finding("small-target", items=tuple(small))] if small else [], ("2.5.8",))]


def _layout_with_style(page: Page, state: State, css: str, check_id: str, criterion: str) -> list[Result]:
    """The layout checks with `css` added to the page (then removed), on wide windows only."""
    if state.variant.viewport[0] < DESKTOP_MIN_WIDTH:
        return []
    scripts.add_style(page, css)
    try:
        bad = _layout_findings(page)
    finally:
        scripts.remove_styles(page)
    return [_result(check_id, bad, (criterion,))]


def text_resize(page: Page, state: State, site: Site) -> list[Result]:
    """WCAG 1.4.4: with the browser's text at 200 % (on top of the chosen size), nothing is cut
    off or overlaps."""
    if state.variant.viewport[0] < DESKTOP_MIN_WIDTH:
        return []  # before measuring the root font size
    doubled = 2 * scripts.root_font_px(page)
    return _layout_with_style(page, state, f"html {{ font-size: {doubled}px !important; }}", "text-resize",
                              "1.4.4")


def text_spacing(page: Page, state: State, site: Site) -> list[Result]:
    """WCAG 1.4.12: with the reader's own line, paragraph, letter and word spacing, nothing is
    cut off or overlaps."""
    return _layout_with_style(page, state, scripts.TEXT_SPACING_CSS, "text-spacing", "1.4.12")


# --- keyboard -------------------------------------------------------------------------------


def focus(page: Page, state: State, site: Site) -> list[Result]:
    """WCAG 2.4.7, 1.4.11 and 2.4.11: Tab through the whole page; every stop shows a focus ring
    with at least 3:1 contrast against what is around it, and nothing covers it."""
    page.evaluate("window.scrollTo(0, 0); document.activeElement && document.activeElement.blur()")
    no_ring, faint, covered, native = [], [], [], []
    seen: list[str] = []
    for _ in range(MAX_TAB_STOPS):
        page.keyboard.press("Tab")
        step = page.evaluate(scripts.FOCUS_STEP)
        if step is None or (seen and step["key"] == seen[0]):
            break  # past the last stop (focus left the page) or round to the first again
        seen.append(step["key"])
        if step["native"] and (step["style"] == "none" or step["width"] < 1):
            native.append(step["element"])
        elif step["style"] == "none" or step["width"] < 1:
            no_ring.append(step["element"])
        elif step["contrast"] < 3:
            faint.append(f"{step['element']} {step['contrast']:.2f}")
        if step["obscured"]:
            covered.append(f"{step['element']} ← {step['obscured']}")
    stops = {"stops": len(seen)}
    in_native = (Finding("focus-in-native-control", stops, tuple(native)),)
    # A native player's inner buttons: not a failure the check can prove, nor a pass.
    unmeasured = [Result("focus", REVIEW, (criterion,), None, in_native) for criterion in ("2.4.7", "1.4.11")]
    return [
        _result("focus", [Finding("no-focus-ring", stops, tuple(no_ring))], ("2.4.7",)) if no_ring
        else unmeasured[0] if native else _result("focus", [], ("2.4.7",)),
        _result("focus", [Finding("faint-focus-ring", stops, tuple(faint))], ("1.4.11",)) if faint
        else unmeasured[1] if native else _result("focus", [], ("1.4.11",)),
        _result("focus", [Finding("focus-obscured", stops, tuple(covered))] if covered else [], ("2.4.11",)),
    ]


def skip_links(page: Page, state: State, site: Site) -> list[Result]:
    """WCAG 2.4.1: on a freshly loaded page the first Tab reaches a link to the main content,
    shown while it has focus; Enter moves keyboard focus into <main>; every such link's target
    exists. (Run last: it reloads the page and moves focus.)"""
    page.goto(site.base_url + state.page.path)
    page.keyboard.press("Tab")
    first = page.evaluate(scripts.FIRST_TAB_STOP)
    bad = []
    if first["tag"] != "a" or not first["targetHasMain"]:
        bad.append(Finding("no-skip-link", {"first": f"{first['tag']} «{first['text']}»"}))
    else:
        if first["width"] < 2 or first["height"] < 2 or first["top"] < 0:
            bad.append(Finding("skip-link-hidden", items=(first["text"],)))
        page.keyboard.press("Enter")
        if not page.evaluate(scripts.FOCUS_IN_MAIN):
            bad.append(Finding("skip-link-no-focus", items=(first["text"],)))
    if first["missing"]:
        bad.append(Finding("skip-target-missing", items=_items(first["missing"])))
    return [_result("skip-links", bad, ("2.4.1",))]


# --- content --------------------------------------------------------------------------------


def page_language(page: Page, state: State, site: Site) -> list[Result]:
    """WCAG 3.1.1: <html lang> is the interface language of the page."""
    found = page.evaluate("document.documentElement.getAttribute('lang')")
    expected = state.page.lang
    if not expected:
        return []
    bad = [] if found == expected else [Finding("page-language", {"found": found or "", "expected": expected})]
    return [_result("page-language", bad, ("3.1.1",))]


def language_of_parts(page: Page, state: State, site: Site) -> list[Result]:
    """WCAG 3.1.2: text written in another interface language's letters carries that language.
    A run of several words unmarked fails; a single unmarked word may be a name (exempt), so a
    person reviews it."""
    runs = page.evaluate(scripts.LANGUAGE_OF_PARTS, [[lang.code, lang.letters] for lang in LANGUAGES])
    phrases, words = [], []
    for run in runs:
        where = f"{run['where']} (lang={run['marked'] or '∅'}): «{run['text']}»"
        if run["words"] >= PHRASE_WORDS:
            phrases.append(where)
        elif not all(word in NAMES for word in run["text"].split()):
            words.append(where)
    if phrases:
        return [Result("language-of-parts", FAILED, ("3.1.2",), None,
                       (Finding("unmarked-phrase", items=tuple(phrases)),)
                       + ((Finding("unmarked-word", items=tuple(words)),) if words else ()))]
    if words:
        return [Result("language-of-parts", REVIEW, ("3.1.2",), None,
                       (Finding("unmarked-word", items=tuple(words)),))]
    return [_result("language-of-parts", [], ("3.1.2",))]


def consistent_help(page: Page, state: State, site: Site) -> list[Result]:
    """WCAG 3.2.6: the way to reach help (the accessibility statement, with the publisher's
    contact) is in the same place on every page: the page's footer."""
    path = site.help_paths.get(state.page.lang)
    if path is None:
        return []
    links = page.evaluate(scripts.FOOTER_LINKS_TO, path)
    bad = [] if links else [Finding("no-help-link", {"path": path})]
    return [_result("consistent-help", bad, ("3.2.6",))]


MEDIA_CRITERIA = ("1.2.1", "1.2.2", "1.2.3", "1.2.4", "1.2.5")


def media(page: Page, state: State, site: Site) -> list[Result]:
    """WCAG 1.2.1-1.2.5: audio and video need captions and descriptions, which only a person can
    judge; a page without any has none of these to meet."""
    found = _items(page.evaluate(scripts.EMBEDDED_MEDIA))
    if found:
        return [Result("media", REVIEW, MEDIA_CRITERIA, None, (Finding("media-present", items=found),))]
    return [Result("media", NOT_APPLICABLE, MEDIA_CRITERIA)]


def credentials(page: Page, state: State, site: Site) -> list[Result]:
    """WCAG 3.3.8: logging in must not rest on a cognitive test; a page that asks for no
    password or code asks none."""
    found = _items(page.evaluate(scripts.CREDENTIAL_FIELDS))
    if found:
        return [Result("credentials", REVIEW, ("3.3.8",), None, (Finding("credentials", items=found),))]
    return [Result("credentials", NOT_APPLICABLE, ("3.3.8",))]


def theme_contrast(page: Page, state: State, site: Site) -> list[Result]:
    """The project's promise: in the high-contrast theme all text reaches 7:1 (WCAG 1.4.6's
    level, AAA)."""
    if state.variant.value(THEME) != HIGH_CONTRAST_THEME:
        return []
    low = _items(page.evaluate(scripts.LOW_CONTRAST_TEXT, HIGH_CONTRAST_RATIO))
    bad = [Finding("low-theme-contrast", {"minimum": HIGH_CONTRAST_RATIO}, low)] if low else []
    return [_result("theme-contrast", bad, requirement="high-contrast")]


# In the order they run in a state: those that only read first, then those that restyle the
# page (and take their styles away), then focus, and last the skip links, which reload.
CHECKS: tuple[Check, ...] = (
    Check("page-language", _l("Language of the page"), CONTENT, ("3.1.1",), None, page_language),
    Check("language-of-parts", _l("Language of parts"), CONTENT, ("3.1.2",), None, language_of_parts),
    Check("consistent-help", _l("Help in the same place"), CONTENT, ("3.2.6",), None, consistent_help),
    Check("media", _l("Audio and video"), CONTENT, MEDIA_CRITERIA, None, media),
    Check("credentials", _l("Login fields"), CONTENT, ("3.3.8",), None, credentials),
    Check("theme-contrast", _l("High-contrast colours at 7:1"), THEME_CONTRAST, (), "high-contrast",
          theme_contrast),
    Check("reflow", _l("Reflow at 320 CSS px"), LAYOUT, ("1.4.10",), None, reflow),
    Check("headline", _l("Headline on the first screen at 320 × 700 CSS px"), LAYOUT, (), "story-first",
          headline),
    Check("target-size", _l("Target size"), LAYOUT, ("2.5.8",), None, target_size),
    Check("text-resize", _l("Text at 200 %"), LAYOUT, ("1.4.4",), None, text_resize),
    Check("text-spacing", _l("Text spacing"), LAYOUT, ("1.4.12",), None, text_spacing),
    Check("focus", _l("Focus visible and not obscured"), FOCUS, ("2.4.7", "1.4.11", "2.4.11"), None, focus),
    Check("skip-links", _l("Skip links move focus"), CONTENT, ("2.4.1",), None, skip_links),
)
BY_ID: dict[str, Check] = {c.id: c for c in CHECKS}

# Project requirements beyond WCAG, named for the report.
REQUIREMENTS: dict[str, LazyString] = {
    "page-load": _l("Each page loads with the chosen display preferences"),
    "story-first": _l("The story first: the headline on the first screen at 400 % zoom"),
    "high-contrast": _l("The high-contrast colours reach 7:1"),
}

# What each finding says, translated when the report is written.
MESSAGES: dict[str, LazyString] = {
    "status": _l("The page answered with HTTP status %(found)s instead of %(expected)s."),
    "preferences-not-applied": _l("The page does not show the chosen display preferences."),
    "horizontal-scroll": _l("The page scrolls sideways at %(width)s CSS px wide."),
    "clipped": _l("Content is cut off or runs out of its box."),
    "overlap": _l("Text or controls lie on top of each other."),
    "no-headline": _l("The page has no main headline (h1)."),
    "headline-late": _l("The headline starts %(top)s CSS px down, below the first screen of %(height)s "
                        "CSS px."),
    "small-target": _l("Controls smaller than 24 × 24 CSS px."),
    "no-focus-ring": _l("Tab stops without a visible focus indicator (of %(stops)s stops)."),
    "faint-focus-ring": _l("Focus indicators with less than 3:1 contrast (of %(stops)s stops)."),
    "focus-obscured": _l("Focused controls hidden under other content (of %(stops)s stops)."),
    "focus-in-native-control": _l("Focus moves into the browser's own controls of an audio or video player "
                                  "(of %(stops)s stops): their focus ring is the browser's, which the page "
                                  "cannot style and the check cannot measure; a person must look at it."),
    "no-skip-link": _l("The first Tab stop is not a link to the main content: %(first)s."),
    "skip-link-hidden": _l("The skip link stays hidden while it has focus."),
    "skip-link-no-focus": _l("Enter on the skip link does not move keyboard focus into the main content."),
    "skip-target-missing": _l("Skip links lead to targets that do not exist."),
    "page-language": _l("The page's language is “%(found)s”, not the interface language “%(expected)s”."),
    "unmarked-phrase": _l("Text in another language is not marked with its language."),
    "unmarked-word": _l("Single words in another language are not marked; names need no marking, other "
                        "words do."),
    "no-help-link": _l("The footer has no link to the accessibility statement."),
    "media-present": _l("The page has audio, video or embedded content: its captions and descriptions "
                        "need a person's review."),
    "credentials": _l("The page asks for a password or a code: how readers log in needs a person's review."),
    "low-theme-contrast": _l("Text below %(minimum)s:1 contrast in the high-contrast colours."),
    "axe-error": _l("axe-core could not run on this page: %(error)s"),
}
