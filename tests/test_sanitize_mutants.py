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


def test_a_link_with_an_escaped_ampersand_in_its_query_is_kept() -> None:
    """The browser reads `&amp;` as `&`: both readings are safe, so the link stays whole."""
    kept = clean('<p><a href="https://example.org/search?q=sevan&amp;lang=hy">Search</a></p>')
    assert 'href="https://example.org/search?q=sevan&amp;lang=hy"' in kept


def test_a_body_ending_inside_an_end_tag_is_cleaned_not_crashed() -> None:
    """An article cut off in the middle of `</script` (no character after the name): the script
    hides the rest, as in a browser, and the import does not fail."""
    assert clean("<p>Kept.</p><script>x</script") == "<p>Kept.</p>"
    assert clean("<p>Kept.</p><style>p{}</style") == "<p>Kept.</p>"


def test_a_quoted_value_of_exactly_the_limit_is_shown_whole() -> None:
    from reader.sanitize import excerpt

    assert excerpt("x" * 40) == repr("x" * 40)
    assert excerpt("x" * 41) == repr("x" * 39 + "…")


class CountingText(str):
    """A text that counts the searches made in it."""

    searches = 0

    def find(self, *args, **kwargs) -> int:  # type: ignore[no-untyped-def, override]
        CountingText.searches += 1
        return super().find(*args, **kwargs)


def reference_find(text: str, needle: str, start: int, delimited: bool) -> int:
    at = text.find(needle, start)
    while delimited and at >= 0:
        end = at + len(needle)
        if end < len(text) and text[end] in "\t\n\f\r />":
            break
        at = text.find(needle, at + 1)
    return at


def test_the_end_tag_finder_answers_as_a_plain_search_and_reads_the_text_once() -> None:
    """The sanitiser's drop pass is linear because each finder remembers where it found (or did
    not find) its needle: every answer must equal a fresh search, and a thousand searches from
    starts before the same match must read the text once."""
    import random

    from reader.sanitize import _Finder

    rng = random.Random(5)
    for _ in range(400):
        text = "".join(rng.choice(["</a", "</a>", "</ab", "</a ", "x", ">", "-->", "</a/"])
                       for _ in range(rng.randint(0, 14)))
        for needle, delimited in (("</a", True), (">", False), ("-->", False)):
            finder = _Finder(text, needle, delimited)
            starts = sorted(rng.randint(0, len(text)) for _ in range(6))
            for start in starts:
                assert finder.find(start) == reference_find(text, needle, start, delimited), (
                    text, needle, starts, start)

    text = CountingText("x" * 1000 + "</script>")
    finder = _Finder(text, "</script", delimited=True)
    # Starts only move forward, and may repeat; the last ones are the match itself.
    starts = [0, 0, *range(1001), 1000, 1000]
    CountingText.searches = 0
    assert [finder.find(start) for start in starts] == [1000] * len(starts)
    assert CountingText.searches == 1
    nothing = _Finder(CountingText("x" * 1000), "</script", delimited=True)
    CountingText.searches = 0
    assert {nothing.find(start) for start in starts} == {-1}
    assert CountingText.searches == 1


def test_each_element_hidden_with_its_content_ends_at_its_own_end_tag() -> None:
    """A script, then a style: each hides only up to its own end tag, so the text after both
    stays."""
    html = "<script>a</script><p>One</p><style>p{}</style><p>Two</p><template>t</template><p>Three</p>"
    assert clean(html) == "<p>One</p><p>Two</p><p>Three</p>"


def test_a_value_of_an_unusual_kind_is_named_by_its_kind() -> None:
    """YAML can give a set or binary data where text belongs: the message names the kind."""
    from reader.sanitize import excerpt

    assert excerpt({"a", "b"}) == "set"
    assert excerpt(b"\x00\x01") == "binary data"
    assert excerpt(None) == "nothing"


def test_a_picture_address_with_controls_around_it_is_judged_as_the_browser_reads_it() -> None:
    """Browsers drop C0 controls and spaces at either end of a URL: `\\x01/media/a.png` is a
    picture on this site and stays; a no-break space is not dropped, so that address is not an
    absolute path on this site, and the picture loses its source."""
    kept = clean('<p><img src="\x01 /media/a.png\x1f" alt="A map"></p>')
    assert 'src="\x01 /media/a.png\x1f"' in kept
    assert "src=" not in clean('<p><img src="\u00a0/media/a.png" alt="A map"></p>')


def test_each_limit_refuses_one_past_it_and_cleans_what_is_at_it() -> None:
    """The bounds that keep import linear, at their edges, with the message a publisher reads."""
    from reader.sanitize import MAX_ATTRIBUTES_IN_ALL, MAX_DEPTH, MAX_ELEMENTS, TooComplex

    assert "x" in clean("<div>" * (MAX_DEPTH - 1) + "x")
    with pytest.raises(TooComplex, match=f"^the body's HTML is nested more than {MAX_DEPTH} elements deep; "
                                         "close its tags$"):
        clean("<div>" * MAX_DEPTH + "x")

    assert clean("<br> " * MAX_ELEMENTS).count("<br>") == MAX_ELEMENTS
    # A table cell outside a row makes the parser add the body and row it implies: 4 elements
    # from 2 opening tags, so the element bound is reached before the markup bound.
    with pytest.raises(TooComplex, match=f"^the body has more than {MAX_ELEMENTS:,} HTML elements; "
                                         "split it into several articles$"):
        clean("<table><td>x</table> " * (MAX_ELEMENTS // 4 + 1))

    def tag(attributes: int) -> str:
        return "<b " + " ".join(f"a{i}" for i in range(attributes)) + ">x</b>\n"

    assert clean(tag(20) * (MAX_ATTRIBUTES_IN_ALL // 20)).count("<b>") == MAX_ATTRIBUTES_IN_ALL // 20
    with pytest.raises(TooComplex, match=f"more than {MAX_ATTRIBUTES_IN_ALL:,} HTML attributes"):
        clean(tag(20) * (MAX_ATTRIBUTES_IN_ALL // 20) + tag(1))
