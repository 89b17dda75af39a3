"""The one place article HTML is made safe. Templates mark only this module's output as safe."""

from __future__ import annotations

import html
import re

import bleach
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


def _allowed_attribute(tag: str, name: str, value: str) -> bool:
    """lang and dir are allowed everywhere: the language of parts (WCAG 3.1.2) must survive."""
    if name in ("lang", "hreflang"):
        return bool(_LANGUAGE_TAG.match(value)) and (name == "lang" or tag == "a")
    if name == "dir":
        return value in ("ltr", "rtl", "auto")
    if tag == "img" and name == "src":
        # Pictures from this site only: one from another host would tell it who reads what.
        return value.startswith("/") and not value.startswith(("//", "/\\"))
    return name == "title" or name in _ATTRIBUTES.get(tag, ())


ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})

# Elements whose content is never text for a reader: removed whole, before bleach escapes the rest.
_DROP_WITH_CONTENT = re.compile(
    r"<(script|style|template|iframe|object|noscript|noembed|noframes|textarea|title|xmp|svg|math)"
    r"(?=[\s/>]).*?</\1\s*>",
    re.IGNORECASE | re.DOTALL,
)
_TAG = re.compile(r"<[^>]*>")

_cleaner = bleach.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=_allowed_attribute,
    protocols=ALLOWED_PROTOCOLS,
    strip=True,
    strip_comments=True,
)


def clean(html_text: str) -> Markup:
    """Sanitise untrusted HTML to the allow-list; the result is safe to insert into a page."""
    html_text = _DROP_WITH_CONTENT.sub("", html_text)
    return Markup(_cleaner.clean(html_text).strip())


def text_of(safe_html: str) -> str:
    """Plain text of sanitised HTML, for the search index and snippets."""
    text = html.unescape(_TAG.sub(" ", safe_html))
    return re.sub(r"\s+", " ", text).strip()


def trusted(safe_html: str) -> Markup:
    """Mark HTML read back from the store as safe: it was stored only after `clean`."""
    return Markup(safe_html)
