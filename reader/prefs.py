"""Reader preferences (text size, colours, ...), each declared once: its cookie, its choices and
their translated labels, its default and the class it puts on <html>. The settings form, cookie
parsing, the page cache's key, the script (through data-* attributes) and the tests all follow the
declarations, so a new preference is one declaration here plus its CSS."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from urllib.parse import urlsplit

from flask import Blueprint, Flask, abort, redirect, request
from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from werkzeug.wrappers import Response

from .origin import base

ONE_YEAR = 365 * 24 * 3600


@dataclass(frozen=True)
class Choice:
    value: str
    # What a reader hears and sees. With `short`, the visible label is `short` and the name starts
    # with it ("LG — large text"), so speech and voice control find the option by what is shown.
    label: LazyString
    short: str | None = None


@dataclass(frozen=True)
class Preference:
    name: str  # the form field and the key in Prefs
    cookie: str
    legend: LazyString
    choices: tuple[Choice, ...]
    default: str
    css_prefix: str  # the class on <html> is f"{css_prefix}-{value}"
    # "toolbar": always in view, one compact row (text size); "panel": behind the one
    # "Display settings" disclosure.
    placement: str = "panel"
    values: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "values", tuple(c.value for c in self.choices))
        if self.default not in self.values:
            raise ValueError(f"{self.name}: default {self.default!r} is not a choice")

    def valid(self, value: str | None) -> str | None:
        """The value if it is one of the choices, else None (malformed cookies are ignored)."""
        return value if value in self.values else None


TEXT_SIZE = Preference(
    name="size",
    cookie="text_size",
    legend=_l("Text size"),
    choices=(
        Choice("xs", _l("XS — extra small text"), "XS"),
        Choice("sm", _l("SM — small text"), "SM"),
        Choice("md", _l("MD — medium text (default)"), "MD"),
        Choice("lg", _l("LG — large text"), "LG"),
    ),
    default="md",
    css_prefix="size",
    placement="toolbar",
)
THEME = Preference(
    name="theme",
    cookie="theme",
    legend=_l("Colours"),
    choices=(
        Choice("auto", _l("Auto (as your device)")),
        Choice("light", _l("Light")),
        Choice("dark", _l("Dark")),
        Choice("contrast", _l("High contrast")),
    ),
    default="auto",
    css_prefix="theme",
)
LINE_SPACING = Preference(
    name="spacing",
    cookie="line_spacing",
    legend=_l("Line spacing"),
    choices=(
        Choice("normal", _l("Normal")),
        Choice("wider", _l("Wider")),
        Choice("widest", _l("Widest")),
    ),
    default="normal",
    css_prefix="spacing",
)
LINE_LENGTH = Preference(
    name="measure",
    cookie="line_length",
    legend=_l("Line length"),
    choices=(
        Choice("narrow", _l("Narrow")),
        Choice("medium", _l("Medium")),
        Choice("wide", _l("Wide")),
    ),
    default="medium",
    css_prefix="measure",
)
LETTER_SPACING = Preference(
    name="letters",
    cookie="letter_spacing",
    legend=_l("Space between letters and words"),
    choices=(
        Choice("normal", _l("Normal")),
        Choice("wider", _l("Wider")),
    ),
    default="normal",
    css_prefix="letters",
)
PREFERENCES: tuple[Preference, ...] = (TEXT_SIZE, THEME, LINE_SPACING, LINE_LENGTH, LETTER_SPACING)
BY_NAME: dict[str, Preference] = {p.name: p for p in PREFERENCES}
# The longest the classes on <html> can be.
CLASSES_WIDTH = sum(len(p.css_prefix) + 2 + max(len(v) for v in p.values) for p in PREFERENCES) - 1


@dataclass(frozen=True)
class Prefs:
    """One reader's valid choices; `chosen` holds only those set by a valid cookie."""

    chosen: Mapping[str, str]

    def __getitem__(self, name: str) -> str:
        return self.chosen.get(name) or BY_NAME[name].default

    @property
    def personal(self) -> bool:
        """True when the page depends on a preference cookie (so it must not be shared-cached)."""
        return bool(self.chosen)

    @property
    def classes(self) -> str:
        """The classes on <html> that apply these choices, padded with spaces to one width for
        every reader (so prepared pages are put together without compressing: reader.prepared)."""
        return " ".join(f"{p.css_prefix}-{self[p.name]}" for p in PREFERENCES).ljust(CLASSES_WIDTH)

    def checked(self, name: str, value: str) -> Markup:
        """The attribute that checks this option of a choice when it is the reader's (spaces of
        the same width when not)."""
        return Markup(" checked") if self[name] == value else Markup(" " * len(" checked"))

    @cached_property
    def key(self) -> tuple[str, ...]:
        """What the page's bytes depend on: the valid cookie values, "" where none is set (made
        once: the page cache keeps one Prefs per cookie header it sees)."""
        return tuple(self.chosen.get(p.name, "") for p in PREFERENCES)

    @cached_property
    def variant(self) -> str:
        """The part of a validator that names the choices ("size=lg,theme=dark")."""
        return ",".join(f"{name}={value}" for name, value in self.chosen.items())


def from_cookies(cookies: Mapping[str, str]) -> Prefs:
    """The reader's valid preferences; malformed or unknown cookie values are ignored."""
    chosen = {}
    for p in PREFERENCES:
        value = p.valid(cookies.get(p.cookie))
        if value is not None:
            chosen[p.name] = value
    return Prefs(chosen)


def current() -> Prefs:
    return from_cookies(request.cookies)


def safe_next(target: str | None) -> str:
    """A same-site path to return to; anything else (other hosts, schemes, //x) gives '/'."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or any(c in target for c in "\r\n\t\\"):
        return "/"
    return target


def remember(response: Response, name: str, value: str) -> None:
    """Keep a reader's choice for a year (caching.decide: a response that sets one is never stored)."""
    response.set_cookie(name, value, max_age=ONE_YEAR, samesite="Lax", secure=request.is_secure)


def same_site() -> bool:
    """Did this request come from one of this site's own pages? Browsers say so in
    Sec-Fetch-Site (all current ones) or Origin; a request with neither (an old browser, a
    tool) is not a cross-site form post from a browser, and is let through."""
    site = request.headers.get("Sec-Fetch-Site")
    if site is not None:
        return site in ("same-origin", "none")
    origin = request.headers.get("Origin")
    if origin is not None:
        return origin == base()
    return True


bp = Blueprint("prefs", __name__)


def forget(response: Response, name: str) -> None:
    """Clear a reader's choice, with the attributes it was set with."""
    response.delete_cookie(name, samesite="Lax", secure=request.is_secure)


@bp.post("/preferences")
def save() -> Response:
    """The no-JavaScript path: store the choices (or forget the display settings, for "Reset")
    and return to the same place on the same page."""
    if not same_site():
        # Another site may not change how this one looks to its reader.
        abort(403)
    reset = request.form.get("reset") is not None
    # Back to where the reader pressed the button: inside the display settings (the browser opens
    # the disclosure around the target of an address's #fragment), or the settings form.
    anchor = "#display-panel" if reset or request.form.get("from") == "panel" else "#reader-settings"
    response = redirect(safe_next(request.form.get("next")) + anchor, code=303)
    for p in PREFERENCES:
        if reset and p.placement == "panel":
            forget(response, p.cookie)
            continue
        value = p.valid(request.form.get(p.name))
        if value is not None:
            remember(response, p.cookie, value)
    return response


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)

    from .prepared import Holes, preparing

    @app.context_processor
    def prefs_context() -> dict[str, object]:
        nonce = preparing()
        return {
            # A page being prepared has marks where each reader's choices go (reader.prepared).
            "prefs": Holes(nonce) if nonce else current(),
            "toolbar_preferences": [p for p in PREFERENCES if p.placement == "toolbar"],
            "panel_preferences": [p for p in PREFERENCES if p.placement == "panel"],
        }
