"""The sanitiser: what readers need survives; nothing that runs, loads or restyles does."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from reader.sanitize import clean, text_of
from tests.xss_vectors import VECTORS

SAFE_TAGS = {"a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "dd", "del", "dfn",
             "div", "dl", "dt", "em", "figcaption", "figure", "h2", "h3", "h4", "h5", "h6", "hr",
             "i", "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "samp", "small",
             "span", "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead",
             "time", "tr", "u", "ul"}
URL_ATTRIBUTES = {"href", "src", "cite", "action", "formaction", "background", "data", "xlink:href"}


class _Markup(HTMLParser):
    """What a browser would build from the HTML: each element and its attributes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in SAFE_TAGS:
            self.problems.append(f"<{tag}>")
        for name, value in attrs:
            value = re.sub(r"[\x00-\x20]", "", value or "").lower()
            if name.startswith("on") or name in ("style", "id", "class", "srcdoc"):
                self.problems.append(f"{tag}[{name}]")
            if name in URL_ATTRIBUTES and value.startswith(("javascript:", "vbscript:", "data:")):
                self.problems.append(f"{tag}[{name}={value[:20]}]")
            if tag == "img" and name == "src" and not value.startswith("/"):
                self.problems.append(f"img from another host: {value[:30]}")


def dangerous(html: str) -> list[str]:
    """Elements and attributes in sanitised output that could run, load or restyle anything."""
    parser = _Markup()
    parser.feed(html)
    parser.close()
    return parser.problems


@pytest.mark.parametrize("vector", VECTORS)
def test_known_xss_vectors_are_neutralised(vector: str) -> None:
    out = str(clean(vector))
    assert dangerous(out) == [], out


def test_hostile_document_keeps_only_the_readable_text() -> None:
    out = str(clean("".join(VECTORS)))
    assert dangerous(out) == []
    # Script bodies are dropped whole rather than shown to readers as text.
    assert "alert(1)" not in text_of(out)


def test_script_content_is_dropped_not_shown_as_text() -> None:
    assert str(clean("<p>Before</p><script>alert(1)</script><p>After</p>")) == \
        "<p>Before</p><p>After</p>"


def test_reader_markup_and_language_of_parts_survive() -> None:
    html = (
        '<h2 lang="hy">Վերնագիր</h2><p>Text with <em>em</em>, <strong>strong</strong>, '
        '<a href="https://example.org/x" hreflang="en">a link</a>, <abbr title="World Health '
        'Organization">WHO</abbr> and <span lang="en">English words</span>.</p>'
        '<blockquote><p>Quote</p></blockquote><ul><li>One</li></ul>'
        '<table><tr><th scope="col">H</th></tr><tr><td>D</td></tr></table>'
    )
    out = str(clean(html))
    for kept in ('<h2 lang="hy">', '<a href="https://example.org/x" hreflang="en">',
                 '<abbr title="World Health Organization">', '<span lang="en">',
                 "<blockquote>", '<th scope="col">', "<em>", "<strong>"):
        assert kept in out


def test_links_lose_dangerous_schemes_but_keep_safe_ones() -> None:
    assert 'href="mailto:desk@example.org"' in str(clean('<a href="mailto:desk@example.org">m</a>'))
    assert "href" not in str(clean('<a href="javascript:alert(1)">x</a>'))
    assert "<a>x</a>" == str(clean('<a href="data:text/html,hi">x</a>'))


def test_text_of_gives_plain_words() -> None:
    assert text_of(str(clean("<p>One &amp; <b>two</b></p><p>three</p>"))) == "One & two three"


def test_body_images_from_other_hosts_lose_their_source() -> None:
    assert "src" not in str(clean('<img src="https://tracker.example/p.gif" alt="">'))
    assert "src" not in str(clean('<img src="//tracker.example/p.gif" alt="">'))
    assert 'src="/media/abc.png"' in str(clean('<img src="/media/abc.png" alt="A chart">'))


def test_language_attributes_must_name_a_language() -> None:
    assert str(clean('<p lang="hy-AM" dir="ltr">x</p>')) == '<p lang="hy-AM" dir="ltr">x</p>'
    assert str(clean('<p lang="javascript:alert(1)" dir="sideways">x</p>')) == "<p>x</p>"


def test_the_danger_check_sees_markup_not_escaped_text() -> None:
    assert dangerous('<p>&lt;a href="javascript:x"&gt;</p>') == []
    assert dangerous('<a href=" JavaScript:x">x</a><p onclick="x">y</p><svg></svg>') == [
        "a[href=javascript:x]", "p[onclick]", "<svg>"]


def test_a_tag_name_in_running_text_does_not_swallow_the_rest() -> None:
    out = str(clean("<p>Use the <svg> element for icons.</p><p>Second paragraph.</p>"))
    assert "element for icons." in out and "Second paragraph." in out
    out = str(clean("<title-card>x</title-card><p>keep me</p>"))
    assert "keep me" in out
