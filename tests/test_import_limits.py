"""Import cannot be turned against the machine: monsters are refused early with a short reason,
and no message grows with its input (issue 8, rows 3 and 4)."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.importer import (
    MAX_FILE_BYTES,
    MAX_FRONT_MATTER_DEPTH,
    MAX_FRONT_MATTER_VALUES,
    MAX_MARKDOWN_MARKS,
    ImportRefused,
    check_paths,
)
from reader.sanitize import MAX_DEPTH, MAX_MARKUP, excerpt
from tests.support import a_pipe, peak_memory

FRONT = ("slug: monster\nlang: en\ntitle: T\nsummary: S\n"
         "published: 2024-11-05T10:00:00+04:00\n")


def alias_bomb(field: str, levels: int = 8) -> str:
    """Nine aliases per level: a few hundred bytes that stand for 9**levels values."""
    leaf = "lolololololololol"
    parts = [f"&a [{','.join([leaf] * 9)}]"] + [
        f"&{chr(98 + i)} [" + ",".join([f"*{chr(97 + i)}"] * 9) + "]" for i in range(levels - 1)]
    return f"{field}: [" + ", ".join(parts) + "]\n"


def reason(path: Path) -> str:
    """The one reason `check` gives for this file."""
    with pytest.raises(ImportRefused) as refused:
        check_paths(None, [path])
    [(where, why)] = refused.value.problems
    assert where == str(path)
    return why


def article(write_article, front: str = FRONT, body: str = "Body.\n") -> Path:
    path: Path = write_article("monster.md", raw=f"---\n{front}---\n{body}")
    return path


@pytest.mark.parametrize("field", ["lang", "slug", "section"])
def test_yaml_alias_bomb_is_refused_at_once_with_a_short_reason(write_article, field: str) -> None:
    # Issue 8, row 3: 480 bytes; the old message printed the value: 1 GB of text after 12 s.
    front = alias_bomb(field) + "".join(line + "\n" for line in FRONT.splitlines()
                                        if not line.startswith(f"{field}:"))
    assert len(front) < 600
    why = reason(article(write_article, front))
    assert why.startswith("front matter uses a YAML anchor or alias (& or *) at line 2;")
    assert len(why) < 120


def test_a_small_alias_bomb_is_refused_too(write_article) -> None:
    why = reason(article(write_article, alias_bomb("lang", levels=3) + FRONT.replace("lang: en\n", "")))
    assert "anchor or alias" in why and "lolol" not in why


def test_any_anchor_is_refused_even_a_harmless_one(write_article) -> None:
    front = FRONT + "authors: [&who Anna Petrosyan, *who]\n"
    assert reason(article(write_article, front)) == (
        "front matter uses a YAML anchor or alias (& or *) at line 7; write each value out in full")


def test_ampersands_and_stars_in_values_are_not_anchors(write_article) -> None:
    front = FRONT.replace("title: T", "title: 'Tom & Jerry * 2'")
    check_paths(None, [article(write_article, front)])


def test_front_matter_nesting_and_size_are_bounded(write_article) -> None:
    deep = FRONT + "authors: " + "[" * (MAX_FRONT_MATTER_DEPTH + 1) + "]" * (MAX_FRONT_MATTER_DEPTH + 1) + "\n"
    assert reason(article(write_article, deep)) == (
        f"front matter is nested more than {MAX_FRONT_MATTER_DEPTH} levels deep at line 7")
    many = FRONT + "authors: [" + ", ".join(["Anna"] * MAX_FRONT_MATTER_VALUES) + "]\n"
    assert reason(article(write_article, many)) == (
        f"front matter has more than {MAX_FRONT_MATTER_VALUES:,} values")


@pytest.mark.parametrize(("field", "value", "expected"), [
    ("lang", "x" * 100_000, "'lang' must be 'hy' or 'en', got 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…'"),
    ("lang", "[1, 2, 3]", "'lang' must be 'hy' or 'en', got a list"),
    ("slug", "{a: 1}", "'slug' must be lowercase ASCII letters, digits and hyphens, got a mapping"),
    ("slug", "2024-01-01", "'slug' must be lowercase ASCII letters, digits and hyphens, got a date"),
    ("section", '"\\e[31mred\\0"', "'section' must be a section's slug (lowercase letters, digits, "
                                   "hyphens), got '\\x1b[31mred\\x00'"),
    ("published", "<script>" * 1000, "'published' is not an ISO 8601 date and time: "
                                     "'<script><script><script><script><script…'"),
    ("title", "[a, b]", "'title' must be text, got a list"),
])
def test_messages_quote_only_a_short_escaped_excerpt(write_article, field: str, value: str,
                                                     expected: str) -> None:
    front = "".join(f"{line}\n" for line in FRONT.splitlines() if not line.startswith(f"{field}:"))
    assert reason(article(write_article, front + f"{field}: {value}\n")) == expected


def test_an_unknown_field_with_a_huge_name_is_named_short(write_article) -> None:
    why = reason(article(write_article, FRONT + "? " + "x" * 50_000 + "\n: 1\n"))
    assert why == "unknown field 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…'"


def test_excerpt_names_non_text_by_kind() -> None:
    assert excerpt("short") == "'short'"
    assert excerpt("a" * 41) == "'" + "a" * 39 + "…'"
    assert excerpt([[1] * 10] * 10) == "a list" and excerpt({}) == "a mapping"
    assert excerpt(None) == "nothing" and excerpt(True) == "true or false" and excerpt(3) == "a number"


@pytest.mark.parametrize(("front", "body", "line"), [
    (FRONT + "authors: [An\0na]\n", "Body.\n", 7),
    (FRONT, "First line.\n\nSecond \0 line.\n", 10),
])
def test_a_nul_byte_is_refused_with_its_line(write_article, front: str, body: str, line: int) -> None:
    assert reason(article(write_article, front, body)) == (
        f"NUL byte at line {line}; save the file as UTF-8 text")


def test_a_file_over_the_size_limit_is_refused_without_reading_it_all(tmp_path: Path) -> None:
    path = tmp_path / "big.md"
    with path.open("wb") as f:
        f.truncate(MAX_FILE_BYTES * 50)  # sparse: 100 MB that take no room
    why, peak = peak_memory(lambda: reason(path))
    assert why == "file is larger than 2 MB"
    assert peak < 2 * MAX_FILE_BYTES  # the limit and one byte were read, not the 100 MB


def test_a_pipe_named_like_an_article_is_refused_not_waited_on(tmp_path: Path) -> None:
    with a_pipe(tmp_path / "news.md") as pipe:
        assert reason(pipe) == "not a regular file"


def test_the_first_nul_byte_is_the_one_named(write_article) -> None:
    assert reason(article(write_article, body="One.\nTwo \0.\nThree.\nFour \0.\n")) == (
        "NUL byte at line 9; save the file as UTF-8 text")  # lines 1-6 are the front matter


def test_a_value_yaml_reads_but_python_cannot_hold_is_a_reason(write_article) -> None:
    front = FRONT.replace("title: T", "title: 1" + "0" * 5000)
    assert reason(article(write_article, front)).startswith("front matter has a value that cannot be read")
    front = FRONT.replace("published: 2024-11-05T10:00:00+04:00", "published: 2024-13-45 10:00:00")
    assert reason(article(write_article, front)).startswith("front matter has a value that cannot be read")


@pytest.mark.parametrize(("body", "expected"), [
    # Issue 8, row 4: 34 s in the old drop-with-content pattern.
    ("<svg> " * 40_000, f"the body has more than {MAX_MARKUP:,} tags and character references"),
    # 8,000 unclosed <div>s took 2 s in the HTML parser, 100,000 more than 120 s.
    ("<div>\n" * 8_000, f"the body's HTML is nested more than {MAX_DEPTH} elements deep; close its tags"),
    ("<div>\n" * 100_000, f"the body has more than {MAX_MARKUP:,} tags and character references"),
    ("<p><div></p>\n" * 3_000, f"the body's HTML is nested more than {MAX_DEPTH} elements deep"),
    ("<p" + " a" * 40_000 + ">x</p>\n", "an HTML tag in the body has more than 30 attributes"),
    ("x" * 100_000, "the body has more than 5,000 characters in a row without a space"),
    ("Tom & Jerry " * 20_000, f"the body has more than {MAX_MARKUP:,} tags and character references"),
    ("[a " * 20_000, f"the body has more than {MAX_MARKDOWN_MARKS:,} Markdown marks"),
    ("*a* " * 20_000, f"the body has more than {MAX_MARKDOWN_MARKS:,} Markdown marks"),
])
def test_monster_bodies_are_refused_with_the_limit_they_break(write_article, body: str,
                                                             expected: str) -> None:
    assert reason(article(write_article, body=body)).startswith(expected)


def test_a_long_article_inside_the_limits_is_accepted(write_article) -> None:
    paragraph = "Words of an article, with a [link](https://example.org/) and *emphasis*. " * 10
    [parsed] = check_paths(None, [article(write_article, body=(paragraph + "\n\n") * 200)])
    assert parsed.article.words == 20_000


def test_front_matter_at_exactly_its_depth_and_size_limits_is_read(write_article) -> None:
    """The limits count what YAML builds: the mapping of fields is one level and one value, each key
    and each value one more. A file exactly at a limit is read (its fields are then checked as
    usual); one more level or value is refused."""
    def nested(levels: int) -> str:  # the mapping, then `levels` lists inside each other
        return FRONT + "authors: " + "[" * levels + "Anna" + "]" * levels + "\n"

    def listed(names: int) -> str:  # 1 mapping + 5 fields x 2 + the key `authors` and its list + names
        return FRONT + "authors: [" + ", ".join(["Anna"] * names) + "]\n"

    def outcome(front: str) -> str:  # the reason, or "" when the file is accepted
        try:
            check_paths(None, [article(write_article, front)])
        except ImportRefused as refused:
            return refused.problems[0][1]
        return ""

    limit = f"front matter is nested more than {MAX_FRONT_MATTER_DEPTH} levels deep at line 7"
    # Depth counts the collections open at once, not all of them: a closed list no longer counts.
    siblings = FRONT + "authors: [" + ", ".join(["[Anna]"] * 2 * MAX_FRONT_MATTER_DEPTH) + "]\n"
    assert outcome(siblings) not in ("", limit)  # read, then: not names
    after_one = (FRONT + "authors: [[Anna], " + "[" * (MAX_FRONT_MATTER_DEPTH - 1) + "Anna"
                 + "]" * (MAX_FRONT_MATTER_DEPTH - 1) + "]\n")
    assert outcome(after_one) == limit
    assert reason(article(write_article, nested(MAX_FRONT_MATTER_DEPTH))) == limit
    assert outcome(nested(MAX_FRONT_MATTER_DEPTH - 1)) not in ("", limit)  # read, then: not names
    size = f"front matter has more than {MAX_FRONT_MATTER_VALUES:,} values"
    assert reason(article(write_article, listed(MAX_FRONT_MATTER_VALUES - 12))) == size
    assert outcome(listed(MAX_FRONT_MATTER_VALUES - 13)) == ""


def test_a_body_of_exactly_the_markdown_mark_limit_is_read_and_one_more_is_refused(write_article) -> None:
    # An underscore inside a word marks nothing in CommonMark, so these bodies make no tags at all.
    [parsed] = check_paths(None, [article(write_article, body="snake_case " * MAX_MARKDOWN_MARKS)])
    assert parsed.article.words == MAX_MARKDOWN_MARKS
    assert reason(article(write_article, body="snake_case " * MAX_MARKDOWN_MARKS + "one_more")) == (
        f"the body has more than {MAX_MARKDOWN_MARKS:,} Markdown marks ([ * _ `); "
        "split it into several articles")


def test_invalid_yaml_is_refused_with_the_files_line(write_article) -> None:
    # The file's line 1 is the opening '---'; the mistake is on line 4.
    front = FRONT.replace("title: T\n", "title: T: colon\n")
    assert reason(article(write_article, front)) == "front matter is not valid YAML at line 4"
    front = FRONT + "summary2: ok\nsection: politics: culture\n"
    assert reason(article(write_article, front)) == "front matter is not valid YAML at line 8"


def test_a_value_python_cannot_hold_is_quoted_in_at_most_80_characters(write_article) -> None:
    why = reason(article(write_article, FRONT.replace("title: T", "title: 1" + "0" * 5000)))
    quoted = why.removeprefix("front matter has a value that cannot be read (").removesuffix(")")
    assert quoted.startswith("'Exceeds the limit") and len(quoted) == 80 + 2  # and its quotes
