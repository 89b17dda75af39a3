"""The display states each page is audited in, built from the preference declarations
(reader/prefs.py): every text size in every colour theme, every value of every other display
preference, and the most demanding combination of all, at a phone's and a laptop's width.

A state is a page seen with one set of preference cookies, one colour scheme of the device and
one window size. Each state runs some families of checks: axe everywhere, the rest where they can
find something new (the layout does not change with the colours; focus rings do not change with
line length), so that a full audit stays within minutes."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from ..prefs import PREFERENCES, TEXT_SIZE, THEME, Preference
from .pages import SitePage

DESKTOP = (1280, 800)
# 400 % zoom on a 1280 × 800 laptop (WCAG 1.4.10), or a small phone.
PHONE = (320, 700)

# The families of checks (see checks.FAMILIES).
AXE = "axe"
LAYOUT = "layout"  # reflow, headline, target size, text at 200 %, text spacing
FOCUS = "focus"  # every Tab stop: ring and not obscured
THEME_CONTRAST = "theme-contrast"  # the high-contrast colours at 7:1
CONTENT = "content"  # what does not change with the display: languages, help, media, skip links

# How the matrix is put together, group by group, for the report.
GROUPS: dict[str, LazyString] = {
    "sizes-and-colours": _l("Every text size in every colour theme (the default theme, which follows "
                            "the device, on a light and on a dark device), at 1280 × 800 CSS px: axe in "
                            "every one; the layout checks with the default colours; focus at the default "
                            "text size in every theme and at the largest size."),
    "other-preferences": _l("Every other value of each other display preference, one at a time, with "
                            "the default text size and colours and every disclosure open, at 1280 × 800 "
                            "CSS px: axe and the layout checks."),
    "most-demanding": _l("The last (most demanding) value of every preference at once, with every "
                         "disclosure open, at 320 × 700 and 1280 × 800 CSS px: every check."),
    "content": _l("The page's content (language of the page and of its parts, help, media, login fields, "
                  "skip links) once per page, in its first state."),
    "quick": _l("Quick audit: one state per page type and interface language, with the largest text size "
                "and the default colours at 1280 × 800 CSS px: every check."),
}


@dataclass(frozen=True)
class Variant:
    """One set of display choices: the value of every preference, the device's colour scheme,
    the window size, and whether the disclosures are opened before checking."""

    group: str
    choices: tuple[tuple[str, str], ...]  # (preference name, value) for every preference
    scheme: str
    viewport: tuple[int, int]
    open: bool
    families: frozenset[str]

    @property
    def id(self) -> str:
        changed = [f"{name}-{value}" for name, value in self.choices if value != _default(name)]
        return "+".join([*(changed or ["defaults"]), self.scheme, "x".join(map(str, self.viewport))]
                        + (["open"] if self.open else []))

    def value(self, preference: Preference) -> str:
        return dict(self.choices)[preference.name]

    def cookies(self) -> dict[str, str]:
        """The preference cookies a reader with these choices has: only those not at their
        default, so the default state is a first visit."""
        return {p.cookie: self.value(p) for p in PREFERENCES if self.value(p) != p.default}

    def classes(self) -> set[str]:
        """The classes the page must carry on <html> for these choices."""
        return {f"{p.css_prefix}-{self.value(p)}" for p in PREFERENCES}


@dataclass(frozen=True)
class State:
    id: str
    page: SitePage
    variant: Variant
    # The page's first state: the checks of what does not change with the display run here.
    first: bool

    @property
    def families(self) -> frozenset[str]:
        return self.variant.families | ({CONTENT} if self.first else frozenset())


def _default(name: str) -> str:
    return next(p.default for p in PREFERENCES if p.name == name)


def _choices(**values: str) -> tuple[tuple[str, str], ...]:
    return tuple((p.name, values.get(p.name, p.default)) for p in PREFERENCES)


def _theme_schemes() -> list[tuple[str, str]]:
    """Each theme with the device's colour scheme: the default theme follows the device, so it
    is seen on a light and on a dark one; the others on a light one."""
    pairs = []
    for value in THEME.values:
        pairs += [(value, "light"), (value, "dark")] if value == THEME.default else [(value, "light")]
    return pairs


def variants(quick: bool) -> list[Variant]:
    if quick:
        everything = frozenset({AXE, LAYOUT, FOCUS, THEME_CONTRAST})
        return [Variant("quick", _choices(**{TEXT_SIZE.name: TEXT_SIZE.values[-1]}), "light", DESKTOP,
                        False, everything)]
    found = []
    largest = TEXT_SIZE.values[-1]
    for size in TEXT_SIZE.values:
        for theme, scheme in _theme_schemes():
            plain = theme == THEME.default and scheme == "light"
            families = {AXE}
            if plain:
                families.add(LAYOUT)
            if size == TEXT_SIZE.default or (plain and size == largest):
                families.add(FOCUS)
            families.add(THEME_CONTRAST)  # the check itself says where it applies
            found.append(Variant("sizes-and-colours", _choices(size=size, theme=theme), scheme, DESKTOP,
                                 False, frozenset(families)))
    for preference in PREFERENCES:
        if preference in (TEXT_SIZE, THEME):
            continue
        for value in preference.values:
            if value != preference.default:
                found.append(Variant("other-preferences", _choices(**{preference.name: value}), "light",
                                     DESKTOP, True, frozenset({AXE, LAYOUT})))
    # The declarations list each preference's choices from the least to the most demanding.
    hardest = _choices(**{p.name: p.values[-1] for p in PREFERENCES})
    for viewport in (PHONE, DESKTOP):
        found.append(Variant("most-demanding", hardest, "light", viewport, True,
                             frozenset({AXE, LAYOUT, FOCUS, THEME_CONTRAST})))
    return found


def states(pages: tuple[SitePage, ...], quick: bool) -> list[State]:
    """Every page in every variant, variant by variant (one browser context each). A page's first
    state is its state with the default choices (in a quick audit, its only one)."""
    found: list[State] = []
    all_variants = variants(quick)
    first = all_variants[0] if quick else next(
        v for v in all_variants if v.choices == _choices() and v.scheme == "light" and not v.open)
    for variant in all_variants:
        for page in pages:
            found.append(State(f"s{len(found) + 1}", page, variant, variant is first))
    return found


def describe(quick: bool) -> list[dict[str, object]]:
    """The matrix as the report states it: each group, its variants and their checks."""
    groups: dict[str, list[Variant]] = {}
    for variant in variants(quick):
        groups.setdefault(variant.group, []).append(variant)
    described: list[dict[str, object]] = [
        {"group": group, "variants": [
            {"id": v.id, "preferences": dict(v.choices), "color_scheme": v.scheme,
             "viewport": {"width": v.viewport[0], "height": v.viewport[1]}, "disclosures_open": v.open,
             "families": sorted(v.families)} for v in members]}
        for group, members in groups.items()
    ]
    if not quick:
        described.append({"group": "content", "variants": []})
    return described
