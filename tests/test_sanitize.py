"""The sanitiser: what readers need survives; nothing that runs, loads or restyles does."""

from __future__ import annotations

import re

import pytest

from reader.sanitize import clean, text_of
from tests.xss_vectors import VECTORS

DANGEROUS = re.compile(
    r"<\s*(script|style|iframe|object|embed|base|meta|link|form|input|button|svg|math|body|"
    r"template|video|audio|source|details|marquee|isindex)\b"
    r"|\son\w+\s*=|javascript:|vbscript:|data:|style\s*=|srcdoc|background\s*=|\bid\s*=|class\s*=",
    re.IGNORECASE,
)


@pytest.mark.parametrize("vector", VECTORS)
def test_known_xss_vectors_are_neutralised(vector: str) -> None:
    out = str(clean(vector))
    assert not DANGEROUS.search(out), out


def test_hostile_document_keeps_only_the_readable_text() -> None:
    out = str(clean("".join(VECTORS)))
    assert not DANGEROUS.search(out)
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
