"""What the sanitiser keeps of an article's language and direction marks (found by `make mutate`):
a quotation in another script must keep its language and writing direction (WCAG 3.1.2, 1.3.2),
and a link's hreflang must name a language and nothing else."""

from __future__ import annotations

import pytest

from reader.sanitize import clean


@pytest.mark.parametrize("direction", ["ltr", "rtl", "auto"])
def test_a_passage_keeps_its_writing_direction(direction: str) -> None:
    html = f'<p>Ըստ նրա, <q lang="ar" dir="{direction}">سلام</q>։</p>'
    assert f'dir="{direction}"' in clean(html)


@pytest.mark.parametrize("direction", ["RTL", "rtl;", "sideways", "", "javascript:x"])
def test_a_direction_that_is_not_ltr_rtl_or_auto_is_dropped(direction: str) -> None:
    assert "dir=" not in clean(f'<p dir="{direction}">text</p>')


def test_a_links_hreflang_is_kept_only_when_it_names_a_language() -> None:
    kept = clean('<a href="https://example.org/" hreflang="hy-AM">Հայերեն</a>')
    assert 'hreflang="hy-AM"' in kept
    for value in ("javascript:alert(1)", "en us", "x", "hy-AM-toolongsubtag", '" onclick="x'):
        dropped = clean(f'<a href="https://example.org/" hreflang="{value}">link</a>')
        assert "hreflang" not in dropped, value
        assert 'href="https://example.org/"' in dropped  # the link itself stays
    assert "hreflang" not in clean('<p hreflang="en">only links name the language of a target</p>')


def test_text_after_a_comment_closed_the_way_browsers_accept_is_kept() -> None:
    # Browsers end a comment at "--!>" as at "-->": what follows is text a reader sees.
    assert "after" in clean("<p>before<!-- a note --!>after</p>")
    assert "after" in clean("<p>before<!-- a note -->after</p>")
    assert "hidden" not in clean("<p>before<!-- hidden </p>")


def test_an_over_complex_body_is_refused_with_what_to_do() -> None:
    from reader.sanitize import MAX_ATTRIBUTES, MAX_ATTRIBUTES_IN_ALL, MAX_MARKUP, TooComplex

    with pytest.raises(TooComplex) as refused:
        clean("&amp;" * (MAX_MARKUP + 1))
    assert str(refused.value) == (f"the body has more than {MAX_MARKUP:,} tags and character references "
                                  "(& < > \" in text count too); split it into several articles")
    tag = "<b " + " ".join(f"a{n}" for n in range(MAX_ATTRIBUTES)) + "></b>"
    with pytest.raises(TooComplex) as refused:
        clean(tag * (MAX_ATTRIBUTES_IN_ALL // MAX_ATTRIBUTES + 1))
    assert str(refused.value) == (f"the body has more than {MAX_ATTRIBUTES_IN_ALL:,} HTML attributes; "
                                  "split it into several articles")
