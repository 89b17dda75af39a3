"""The one place article HTML is made safe. Templates mark only this module's output as safe.
Also `excerpt`: input made safe to quote in a message."""

from __future__ import annotations

import html
import re
from datetime import date, datetime
from typing import Any

import bleach
from ada_url import URL
from bleach import html5lib_shim
from markupsafe import Markup

ALLOWED_TAGS = frozenset({
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "dd", "del", "dfn", "div",
    "dl", "dt", "em", "figcaption", "figure", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img",
    "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "samp", "small", "span", "strong",
    "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "time", "tr", "u", "ul",
})
# Per element, the attributes kept besides the common ones below.
_ATTRIBUTES = {
    "a": {"href", "hreflang"},
    "blockquote": {"cite"},
    "img": {"src", "alt", "width", "height"},
    "ol": {"start", "reversed"},
    "q": {"cite"},
    "td": {"colspan", "rowspan", "headers"},
    "th": {"colspan", "rowspan", "headers", "scope", "abbr"},
    "time": {"datetime"},
}
# A language tag (BCP 47 shape): lang and hreflang must name a language, nothing else.
_LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*\Z")

ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})
_LINK_SCHEMES = frozenset(f"{p}:" for p in ALLOWED_PROTOCOLS)
_LINKS = frozenset({("a", "href"), ("blockquote", "cite"), ("q", "cite")})
# Relative URLs are checked where a browser would take them: resolved against a page of the site
# (any page: the host and a path below the root are what matter; .invalid never resolves).
_BASE = "https://reader.invalid/en/articles/x"
_ORIGIN = "https://reader.invalid"
# What the URL standard has browsers ignore in an attribute value: tab, newline and carriage
# return anywhere, C0 controls and spaces at either end.
_IGNORED_INSIDE = str.maketrans("", "", "\t\n\r")
_C0_AND_SPACE = "".join(map(chr, range(0x21)))


def _url(value: str) -> URL | None:
    """The URL a browser would make of this attribute value on one of our pages; None if none."""
    try:
        return URL(value.translate(_IGNORED_INSIDE).strip(_C0_AND_SPACE), _BASE)
    except ValueError:  # not a URL at all: the browser would not follow or load it either
        return None


def _safe_link(value: str) -> bool:
    url = _url(value)
    return url is not None and url.protocol in _LINK_SCHEMES


def _same_site_image(value: str) -> bool:
    """Pictures from this site only: one from another host would tell it who reads what. The
    path must be absolute (relative ones resolve differently under /hy/ and /en/) and must stay
    on this site after the browser's own rules (which read `/\\host` and `/<tab>/host` as `//host`)."""
    url = _url(value)
    path = value.translate(_IGNORED_INSIDE).strip(_C0_AND_SPACE)
    return url is not None and path.startswith("/") and url.origin == _ORIGIN


def _allowed_url(tag: str, value: str) -> bool:
    """Bleach hands over the value as written; the browser decodes character references first.
    Both readings must pass, so no spelling of a URL gets through that either reading refuses."""
    check = _same_site_image if tag == "img" else _safe_link
    decoded = html.unescape(value)
    return check(value) and (decoded == value or check(decoded))


def _allowed_attribute(tag: str, name: str, value: str) -> bool:
    """lang and dir are allowed everywhere: the language of parts (WCAG 3.1.2) must survive."""
    if name in ("lang", "hreflang"):
        return bool(_LANGUAGE_TAG.match(value)) and (name == "lang" or tag == "a")
    if name == "dir":
        return value in ("ltr", "rtl", "auto")
    if (tag, name) in _LINKS or (tag, name) == ("img", "src"):
        return _allowed_url(tag, value)
    return name == "title" or name in _ATTRIBUTES.get(tag, ())


# --- limits ------------------------------------------------------------------------------------
# bleach parses with html5lib, which is pure Python and does some work per tag over all the tags
# still open, per attribute over the tag's other attributes, per character of a long name or
# reference over the name so far, and per reference over the text of its paragraph so far. These
# limits keep that work in proportion to the input (about 2 s for the worst 2 MB file that passes
# them); articles come nowhere near them.
MAX_MARKUP = 10_000  # tags and character references (& < > " in text become references)
MAX_ELEMENTS = 10_000
MAX_DEPTH = 100
MAX_ATTRIBUTES = 30  # on one tag
MAX_ATTRIBUTES_IN_ALL = 10_000
MAX_RUN = 5_000  # characters without HTML whitespace: a tag or attribute name, a reference
# Tried only where a run starts, so a long run is read once, not once per character.
_LONG_RUN = re.compile(rf"(?<![^\t\n\f\r ])[^\t\n\f\r ]{{{MAX_RUN + 1}}}")


class TooComplex(ValueError):
    """HTML beyond the limits the sanitiser works in; the message says which and what to do."""


def check_limits(text: str) -> None:
    """Refuse, in one pass over the text, HTML whose tags and references alone would take too long
    to sanitise (`clean` runs it; the parse enforces the other limits). Markdown has no more of
    them than the HTML made from it, so the importer also runs it before rendering."""
    if text.count("<") + text.count("&") > MAX_MARKUP:
        raise TooComplex(f"the body has more than {MAX_MARKUP:,} tags and character references "
                         "(& < > \" in text count too); split it into several articles")
    if _LONG_RUN.search(text):
        raise TooComplex(f"the body has more than {MAX_RUN:,} characters in a row without a space")


class _OpenElements(list[Any]):
    """html5lib's stack of open elements, bounded: the parser walks it for nearly every tag, so an
    unbounded stack (a thousand unclosed <div>s) makes the work grow with the square of the input."""

    created = 0

    def append(self, element: Any) -> None:
        self._grow()
        super().append(element)

    def insert(self, index: Any, element: Any) -> None:
        self._grow()
        super().insert(index, element)

    def _grow(self) -> None:
        if len(self) >= MAX_DEPTH:
            raise TooComplex(f"the body's HTML is nested more than {MAX_DEPTH} elements deep; "
                             "close its tags")
        self.created += 1
        if self.created > MAX_ELEMENTS:
            raise TooComplex(f"the body has more than {MAX_ELEMENTS:,} HTML elements; "
                             "split it into several articles")


class _BoundedTokenizer(html5lib_shim.BleachHTMLTokenizer):
    """html5lib compares each attribute's name with those of every earlier attribute of its tag;
    and each attribute costs as much as a short paragraph."""

    attributes = 0

    def attributeNameState(self) -> bool:
        token = self.currentToken
        if token is not None and len(token["data"]) > MAX_ATTRIBUTES:
            raise TooComplex(f"an HTML tag in the body has more than {MAX_ATTRIBUTES} attributes")
        return super().attributeNameState()

    def emitCurrentToken(self) -> None:
        token = self.currentToken
        if token is not None and token["type"] in html5lib_shim.TAG_TOKEN_TYPES:
            self.attributes += len(token["data"])
            if self.attributes > MAX_ATTRIBUTES_IN_ALL:
                raise TooComplex(f"the body has more than {MAX_ATTRIBUTES_IN_ALL:,} HTML attributes; "
                                 "split it into several articles")
        super().emitCurrentToken()


class _BoundedParser(html5lib_shim.BleachHTMLParser):
    """bleach's parser with the bounds above. reset() runs once the tokenizer exists and the
    tree has its root, before any input is read (and again if html5lib starts over)."""

    def reset(self) -> None:
        super().reset()
        self.tree.openElements = _OpenElements(self.tree.openElements)
        if type(self.tokenizer) is html5lib_shim.BleachHTMLTokenizer:
            self.tokenizer.__class__ = _BoundedTokenizer


# --- dropping what is never text ---------------------------------------------------------------
# Elements whose content is never text for a reader: removed whole, before bleach escapes the rest.
# Browsers show nothing of the first group (raw text, or template's inert content) up to its end
# tag or, when there is none, to the end of the document, as with comments; of the others an
# unclosed opening tag alone is removed (its text stays, as bleach would keep it).
_RAW_TEXT = ("script", "style", "template", "iframe", "noscript", "noembed", "noframes", "textarea",
             "title", "xmp")
_OTHERS = ("object", "svg", "math")
_HTML_SPACE = "\t\n\f\r "
# Tag names match ASCII case-insensitively (re.ASCII: no other letter folds into one of theirs).
_OPENING = re.compile(rf"<(?:({'|'.join(_RAW_TEXT + _OTHERS)})(?=[{_HTML_SPACE}/>])|!--)",
                      re.IGNORECASE | re.ASCII)
# For the end tags: str.lower() would also change the length of some non-ASCII text, and so
# the positions.
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


class _Finder:
    """str.find for one needle over one text, for starts that only move forward: a search that
    found nothing, or found a place not yet passed, answers later searches too, so finding every
    occurrence reads the text once (a search per opening tag would read it once per tag)."""

    def __init__(self, text: str, needle: str, delimited: bool = False) -> None:
        self.text, self.needle, self.delimited = text, needle, delimited
        self.start, self.found = 0, -2  # -2: nothing searched yet

    def find(self, start: int) -> int:
        if self.found != -2 and self.start <= start and (self.found == -1 or start <= self.found):
            return self.found
        self.start, at = start, start
        while True:
            at = self.text.find(self.needle, at)
            # an end tag's name ends where the tag does: `</script>`, `</script >`, not `</scripts>`
            end = at + len(self.needle)
            if at < 0 or not self.delimited or (end < len(self.text) and self.text[end] in "\t\n\f\r />"):
                break
            at += 1
        self.found = at
        return at


def _drop_unreadable(text: str) -> str:
    if not _OPENING.search(text):  # most articles: nothing to drop, no copy made
        return text
    lower = text.translate(_ASCII_LOWER)
    gt = _Finder(lower, ">")
    comment_ends = (_Finder(lower, "-->"), _Finder(lower, "--!>"))
    closing: dict[str, _Finder] = {}
    kept: list[str] = []
    pos = 0
    while match := _OPENING.search(lower, pos):
        name = match.group(1)
        if name is None:  # a comment: to "-->" or "--!>" ("<!-->" and "<!--->" close at once)
            ends = [at + len(f.needle) for f in comment_ends if (at := f.find(match.start() + 2)) >= 0]
            end = min(ends, default=len(text))
        else:
            close = closing.setdefault(name, _Finder(lower, "</" + name, delimited=True)).find(match.end())
            if close >= 0:
                end = gt.find(close) + 1 or len(text)
            elif name in _RAW_TEXT:
                end = len(text)
            else:
                end = gt.find(match.end()) + 1 or len(text)
        kept.append(text[pos:match.start()])
        pos = end
    kept.append(text[pos:])
    return "".join(kept)


_cleaner = bleach.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=_allowed_attribute,
    protocols=ALLOWED_PROTOCOLS,
    strip=True,
    strip_comments=True,
)
_cleaner.parser = _BoundedParser(tags=ALLOWED_TAGS, strip=True, consume_entities=False,
                                 namespaceHTMLElements=False)


def clean(html_text: str) -> Markup:
    """Sanitise untrusted HTML to the allow-list; the result is safe to insert into a page.
    Raises TooComplex for HTML beyond the limits above."""
    check_limits(html_text)
    return Markup(_cleaner.clean(_drop_unreadable(html_text)).strip())


_TAG = re.compile(r"<[^>]*>")


def text_of(safe_html: str) -> str:
    """Plain text of sanitised HTML, for the search index and snippets."""
    text = html.unescape(_TAG.sub(" ", safe_html))
    return re.sub(r"\s+", " ", text).strip()


# --- quoting input in messages -----------------------------------------------------------------
_KINDS: tuple[tuple[type, str], ...] = (
    (bool, "true or false"), (int, "a number"), (float, "a number"), (datetime, "a date and time"),
    (date, "a date"), (list, "a list"), (dict, "a mapping"), (bytes, "binary data"),
)


def excerpt(value: object, limit: int = 40) -> str:
    """A value as a message quotes it: text cut short and escaped as Python writes a string (no
    control character reaches the terminal), anything else by its kind alone. No message grows
    with the input: the repr of a value from a file can be gigabytes (see importer._check_events)."""
    if isinstance(value, str):
        return repr(value if len(value) <= limit else value[: limit - 1] + "…")
    if value is None:
        return "nothing"
    return next((name for kind, name in _KINDS if isinstance(value, kind)), type(value).__name__)


def trusted(safe_html: str) -> Markup:
    """Mark HTML read back from the store as safe: it was stored only after `clean`."""
    return Markup(safe_html)
