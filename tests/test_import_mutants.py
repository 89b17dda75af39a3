"""Import refusals at the edges a mutation run found untested: what an editor's file may hold just
inside a limit, and the exact reason printed just outside it (`flask articles check`)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from flask.testing import FlaskCliRunner

from reader.importer import MAX_FILE_BYTES, PARALLEL_FROM, ImportRefused, check_paths
from reader.tools.synthetic import generate


def check(runner: FlaskCliRunner, path: Path) -> tuple[int, str]:
    result = runner.invoke(args=["articles", "check", str(path)])
    return result.exit_code, result.output


def test_a_nul_byte_is_refused_with_its_line_even_as_the_first_character(runner: FlaskCliRunner,
                                                                         write_article) -> None:
    # A UTF-16 file read as UTF-8 starts with one; the line number leads the editor to it.
    for raw, line in (("\0---\n", 1), ("\n\0", 2), ("---\ntitle: a\n---\nbody\n\0", 5)):
        code, output = check(runner, write_article(raw=raw))
        assert code == 1
        assert f"NUL byte at line {line}; save the file as UTF-8 text" in output, output


def test_a_file_of_exactly_the_size_limit_is_read_and_one_byte_more_is_refused(
        runner: FlaskCliRunner, write_article) -> None:
    head = write_article().read_text(encoding="utf-8")
    exact = write_article("exact.md", raw=head + "x" * (MAX_FILE_BYTES - len(head.encode()) - 1) + "\n")
    assert exact.stat().st_size == MAX_FILE_BYTES
    code, output = check(runner, exact)
    assert "larger than" not in output
    over = write_article("over.md", raw=exact.read_text(encoding="utf-8") + "x")
    code, output = check(runner, over)
    assert code == 1 and f"file is larger than {MAX_FILE_BYTES // 1024 // 1024} MB" in output


@pytest.mark.parametrize("front", ["title: &t A test story", "summary: &s What the story says."])
def test_a_yaml_anchor_alone_is_refused(runner: FlaskCliRunner, write_article, front: str) -> None:
    # An anchor names a value for aliases to repeat: refused on its own, before any alias.
    key = front.split(":")[0]
    path = write_article(**{key: front.split(": ", 1)[1]})
    code, output = check(runner, path)
    assert code == 1 and "front matter uses a YAML anchor or alias (& or *)" in output


def test_a_blank_author_name_is_refused(runner: FlaskCliRunner, write_article) -> None:
    for authors in ('["Anna Petrosyan", " "]', '[""]'):
        code, output = check(runner, write_article(authors=authors))
        assert code == 1 and "'authors' must be a list of names" in output, authors
    code, output = check(runner, write_article(authors='["Anna  Petrosyan"]'))
    assert code == 0, output


def test_dates_from_1900_to_2999_are_accepted_and_none_outside(runner: FlaskCliRunner, write_article) -> None:
    for published in ("1900-01-01T00:00:00+00:00", "2999-12-31T23:00:00+00:00"):
        code, output = check(runner, write_article(published=published))
        assert code == 0, output
    for published in ("1899-12-31T23:00:00+00:00", "3000-01-01T00:00:00+00:00"):
        code, output = check(runner, write_article(published=published))
        assert code == 1 and "'published' is out of range" in output, published


def test_a_summary_may_be_a_thousand_characters_and_no_more(runner: FlaskCliRunner, write_article) -> None:
    code, output = check(runner, write_article(summary="s" * 1000))
    assert code == 0, output
    code, output = check(runner, write_article(summary="s" * 1001))
    assert code == 1 and "'summary' is longer than 1000 characters" in output


def reason_of(runner: FlaskCliRunner, *paths: Path) -> str:
    result = runner.invoke(args=["articles", "check", *map(str, paths)])
    assert result.exit_code == 1, result.output
    return result.output


def test_a_body_the_sanitiser_empties_is_refused_as_no_body(runner: FlaskCliRunner, write_article) -> None:
    path = write_article(body="<script>alert(1)</script>\n")
    assert f"{path}: the article has no body" in reason_of(runner, path)


def test_a_headline_is_at_most_300_characters(runner: FlaskCliRunner, write_article) -> None:
    fits = write_article("fits.md", title="H" * 300)
    assert runner.invoke(args=["articles", "check", str(fits)]).exit_code == 0
    long = write_article("long.md", title="H" * 301)
    assert f"{long}: 'title' is longer than 300 characters" in reason_of(runner, long)


def test_a_value_python_cannot_hold_is_explained_in_the_reason(runner: FlaskCliRunner, write_article) -> None:
    path = write_article(title="1" + "0" * 5000)
    # Python's own words, long enough to say what is wrong.
    assert "Exceeds the limit (4300 digits) for integer string conversion" in reason_of(runner, path)


def test_front_matter_yaml_cannot_read_is_refused_without_a_made_up_line(runner: FlaskCliRunner,
                                                                        write_article) -> None:
    """A control character stops YAML's reader before it has a line to give."""
    path = write_article(raw="---\nslug: a\x01b\n---\nBody.\n")
    lines = [line for line in reason_of(runner, path).splitlines() if line.startswith(str(path))]
    assert lines == [f"{path}: front matter is not valid YAML"]


def test_one_slug_for_two_stories_in_one_run_is_refused(runner: FlaskCliRunner, write_article) -> None:
    """An English and an Armenian file in the same run, sharing a slug but naming different
    stories: the language switch would lead from one story to the other."""
    en = write_article("en.md", slug="shared", lang="en", story="story-one")
    hy = write_article("hy.md", slug="shared", lang="hy", story="story-two", title="Վերնագիր",
                       summary="Ամփոփում։", body="Հոդվածի տեքստը։\n")
    output = reason_of(runner, en, hy)
    assert "slug 'shared' is used in " in output and "by another story" in output


def test_a_refusal_raised_to_a_program_names_each_file_and_reason_on_its_own_line(write_article) -> None:
    """What a script importing through the Python API (or a log of its traceback) shows."""
    first = write_article("a.md", slug="first-one", title="")
    second = write_article("b.md", slug="second-one", published="yesterday")
    with pytest.raises(ImportRefused) as refused:
        check_paths(None, [first, second])
    assert str(refused.value).splitlines() == [f"{path}: {why}" for path, why in refused.value.problems]
    assert [path for path, _ in refused.value.problems] == [str(first), str(second)]


def refusal(runner: FlaskCliRunner, path: Path) -> str:
    """The one reason `articles check` gives for this file, exactly as the editor reads it."""
    code, output = check(runner, path)
    assert code == 1, output
    [line] = [line for line in output.splitlines() if line.startswith(f"{path}: ")]
    return line.removeprefix(f"{path}: ")


@pytest.mark.parametrize(("fields", "reason"), [
    ({"published": "12"}, "'published' is not a date and time, got a number"),
    ({"authors": "{a: 1}"}, "'authors' must be a list of names"),
    ({"image": "pic.png"}, "'image' must be a mapping with src, alt, caption and credit"),
    ({"slug": "a" * 121}, "'slug' must be lowercase ASCII letters, digits and hyphens, got "
                          f"'{'a' * 39}…'"),
    ({"image": {"src": "pic.svg", "alt": "A map", "credit": "Photo " * 82 + "Anna Petr"}},
     "'credit' is longer than 500 characters"),
    ({"image": {"src": "pic.svg", "caption": "A map"}},
     "image has no alt text (describe what the picture shows)"),
    ({"image": {"src": "http://example.org/a.png", "alt": "A map"}},
     "image src must be a relative path or an https URL, got 'http://example.org/a.png'"),
    ({"image": {"src": "https://tracker.example/x.png", "alt": "A map"}},
     "image host 'tracker.example' is not in READER_IMAGE_HOSTS; put the picture beside the article instead"),
    ({"updated": "2024-11-05T18:39:59+04:00"}, "'updated' is earlier than 'published'"),
])
def test_a_field_of_the_wrong_kind_or_size_is_refused_with_exactly_this_reason(
        runner: FlaskCliRunner, write_article, fields: dict, reason: str) -> None:
    path = write_article(**fields)
    (path.parent / "pic.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 4 2"/>')
    assert refusal(runner, path) == reason


def test_fields_at_exactly_their_length_limits_are_accepted(runner: FlaskCliRunner, write_article) -> None:
    credit = "Photo " * 82 + "Anna Pet"  # 500 characters
    path = write_article(slug="a" * 120, image={"src": "pic.svg", "alt": "A map", "credit": credit})
    (path.parent / "pic.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 4 2"/>')
    code, output = check(runner, path)
    assert code == 0, output


def test_one_author_may_be_written_as_a_name_not_a_list(app, runner: FlaskCliRunner, write_article) -> None:
    path = write_article(authors="Anna  Petrosyan")
    result = runner.invoke(args=["articles", "import", str(path)])
    assert result.exit_code == 0, result.output
    page = app.test_client().get("/en/articles/test-story").get_data(as_text=True)
    assert "Anna Petrosyan" in page


def test_the_lead_pictures_caption_and_credit_are_shown_and_an_update_may_be_the_same_minute(
        app, runner: FlaskCliRunner, write_article) -> None:
    path = write_article(updated="2024-11-05T18:40:00+04:00", image={
        "src": "pic.svg", "alt": "A map of the region", "caption": "The new border crossing",
        "credit": "'Photo: Anna Petrosyan'"})
    (path.parent / "pic.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 4 2"/>')
    result = runner.invoke(args=["articles", "import", str(path)])
    assert result.exit_code == 0, result.output
    page = app.test_client().get("/en/articles/test-story").get_data(as_text=True)
    figure = page[page.index("<figure"):page.index("</figure>")]
    assert 'alt="A map of the region"' in figure
    assert "The new border crossing" in figure
    assert '<span class="credit">Photo: Anna Petrosyan</span>' in figure


def test_every_problem_of_a_file_is_given_in_one_reason(runner: FlaskCliRunner, write_article) -> None:
    path = write_article(lang="fr", slug=None)
    assert refusal(runner, path) == ("'lang' must be 'hy' or 'en', got 'fr'; "
                                     "'slug' must be lowercase ASCII letters, digits and hyphens, got nothing")


def test_the_body_and_the_lead_pictures_findings_are_both_given(runner: FlaskCliRunner, write_article) -> None:
    path = write_article(body="Read the [click here](https://example.org/report) report.\n",
                         image={"src": "pic.svg", "alt": "pic.svg"})
    (path.parent / "pic.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 4 2"/>')
    code, output = check(runner, path)
    assert code == 1  # a file name for alt text refuses the file; the vague link is a warning
    assert f"{path}: [alt-is-filename] lead image alt text 'pic.svg' is a file name" in output, output
    assert f"{path}: warning [vague-link] link text 'click here' says nothing out of context" in output


def test_the_database_records_the_file_each_article_came_from(app, runner: FlaskCliRunner,
                                                             write_article) -> None:
    path = write_article()
    assert runner.invoke(args=["articles", "import", str(path)]).exit_code == 0
    with sqlite3.connect(app.config["DATABASE"]) as conn:
        assert conn.execute("SELECT source FROM articles WHERE slug = 'test-story'").fetchone() == (str(path),)


def test_files_parsed_in_parallel_are_parsed_exactly_as_one_by_one(tmp_path: Path) -> None:
    """From PARALLEL_FROM files on, parsing runs in several processes: the same records, search
    texts and findings as parsing each file on its own in this process."""
    generate(tmp_path / "many", PARALLEL_FROM, seed=4)
    files = sorted((tmp_path / "many").rglob("*.md"))
    together = check_paths(None, [tmp_path / "many"])
    one_by_one = [parsed for path in files for parsed in check_paths(None, [path])]
    assert len(together) == PARALLEL_FROM
    def seen(parsed: list) -> list:
        return sorted(((p.path, p.article, p.findings, p.indexed) for p in parsed), key=lambda k: str(k[0]))

    assert seen(together) == seen(one_by_one)


def test_a_folder_without_articles_is_refused_by_its_name(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    (tmp_path / "also-empty").mkdir()
    (tmp_path / "also-empty" / "notes.txt").write_text("not an article")
    with pytest.raises(ImportRefused) as refused:
        check_paths(None, [tmp_path / "empty", tmp_path / "also-empty"])
    assert refused.value.problems == [(f"{tmp_path / 'empty'} {tmp_path / 'also-empty'}",
                                       "no article files (*.md) found")]
    with pytest.raises(ImportRefused) as refused:
        check_paths(None, [])
    assert refused.value.problems == [(".", "no article files (*.md) found")]


def test_an_undeclared_section_is_refused_with_the_command_that_declares_it(runner: FlaskCliRunner,
                                                                           write_article) -> None:
    assert refusal(runner, write_article(section="sport")) == (
        "'section' must be one of the declared sections (politics, society, economy, culture, science), "
        "got 'sport'; declare it with `flask --app app sections import FILE`")


def test_clashes_between_files_are_each_given_with_both_files(write_article) -> None:
    """Each clash is said once, on the later file, naming the earlier; a clash does not stop the
    check of the files after it."""
    a = write_article("a.md", slug="one", story="first")
    b = write_article("b.md", slug="one", story="second")  # a's slug again, in the same language
    c = write_article("c.md", slug="three", story="third")
    d = write_article("d.md", slug="four", story="third")  # c's story again, in the same language
    e = write_article("e.md", slug="one", story="fifth")  # a's slug once more
    write_article("f.md", slug="four", story="sixth", lang="hy")  # d's slug, another story
    with pytest.raises(ImportRefused) as refused:
        check_paths(None, [a.parent])
    assert refused.value.problems == [
        (str(b), f"duplicate slug 'one' in 'en', also in {a}"),
        (str(d), f"story 'third' already has a 'en' version in {c}"),
        (str(e), f"duplicate slug 'one' in 'en', also in {a}"),
        (str(d), "slug 'four' is used in 'hy' by another story; a slug shared by both languages must "
                 "name one story"),
    ]  # f is not said again: d, refused already, is not counted as holding its slug


def test_a_new_slug_for_a_stored_story_is_refused_naming_the_stored_one(app, runner: FlaskCliRunner,
                                                                       write_article) -> None:
    first = write_article("a.md", slug="one", story="shared")
    assert runner.invoke(args=["articles", "import", str(first)]).exit_code == 0
    first.unlink()
    second = write_article("b.md", slug="two", story="shared")
    assert refusal(runner, second) == "story 'shared' already has a 'en' version stored as 'one'"
