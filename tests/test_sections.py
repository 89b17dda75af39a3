"""Sections are data: a publisher declares their own (names in both languages, menu order) with
`flask --app app sections import FILE`, all or nothing; articles may use any declared section and
an unknown one is refused naming the declared ones; renaming needs no code change."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner

from reader import store
from reader.importer import ImportRefused, import_paths

BROADCASTER = """\
- slug: armenia
  hy: Հայաստան
  en: Armenia
- slug: world
  hy: Աշխարհ
  en: World
- slug: environment
  hy: Շրջակա միջավայր
  en: Environment
- slug: politics
  hy: Քաղաքական կյանք
  en: Political life
- slug: society
  hy: Հասարակություն
  en: Society
- slug: economy
  hy: Տնտեսություն
  en: Economy
- slug: culture
  hy: Մշակույթ
  en: Culture
- slug: science
  hy: Գիտություն
  en: Science
"""


def nav(app: Flask, lang: str) -> list[str]:
    page = app.test_client().get(f"/{lang}/").get_data(as_text=True)
    menu = re.search(r'(?s)<nav id="main-nav".*?</nav>', page).group(0)
    return re.findall(r"<a [^>]*>([^<]+)</a>", menu)[1:]  # after "Home"


def declare(runner: FlaskCliRunner, tmp_path: Path, text: str):
    path = tmp_path / "sections.yaml"
    path.write_text(text, encoding="utf-8")
    return runner.invoke(args=["sections", "import", str(path)])


def test_a_publishers_sections_rename_and_reorder_the_menu(app: Flask, runner: FlaskCliRunner,
                                                          tmp_path: Path, write_article) -> None:
    assert nav(app, "en") == ["Politics", "Society", "Economy", "Culture", "Science"]
    result = declare(runner, tmp_path, BROADCASTER)
    assert result.exit_code == 0, result.output
    assert "declared 8 section(s): armenia, world, environment, politics" in result.output
    # Renamed, and only sections with stories are listed, in the declared order.
    assert nav(app, "en") == ["Political life", "Society", "Economy", "Culture", "Science"]
    assert nav(app, "hy")[0] == "Քաղաքական կյանք"
    # A story in a new section: accepted, and the section joins the menu in its place.
    import_paths(store.connect(app.config["DATABASE"]), [write_article(section="environment")])
    assert nav(app, "en") == ["Environment", "Political life", "Society", "Economy", "Culture", "Science"]
    page = app.test_client().get("/hy/sections/environment").get_data(as_text=True)
    assert "<h1>Շրջակա միջավայր</h1>" in page


def test_an_undeclared_section_is_refused_naming_the_declared_ones(app: Flask, write_article) -> None:
    with pytest.raises(ImportRefused) as refused:
        import_paths(store.connect(app.config["DATABASE"]), [write_article(section="environment")])
    (_, reason), = refused.value.problems
    assert reason.startswith("'section' must be one of the declared sections (politics, society, economy, "
                             "culture, science), got 'environment'")


@pytest.mark.parametrize(("text", "says"), [
    ("- slug: world\n  hy: Աշխարհ\n", "section 1 (world): its name in 'en' is missing or empty"),
    ("- slug: World\n  hy: Աշխարհ\n  en: World\n", "'slug' must be lowercase ASCII letters"),
    ("- slug: a\n  hy: Ա\n  en: A\n- slug: a\n  hy: Բ\n  en: B\n", "the slug 'a' is declared twice"),
    ("- &x {slug: a, hy: Ա, en: A}\n- *x\n", "YAML anchors and aliases"),
    ("slug: a\n", "the file must be a list of sections"),
    ("- slug: a\n  hy: Ա\n  en: A\n  fr: A\n", "unknown field 'fr'"),
    ("- [unclosed\n", "not valid YAML"),
    # Dropping a section that stored stories use would orphan them.
    ("- slug: society\n  hy: Հասարակություն\n  en: Society\n",
     "the section 'politics' is used by 2 stored article(s): keep it in the file"),
])
def test_a_bad_sections_file_is_refused_and_nothing_changes(app: Flask, runner: FlaskCliRunner,
                                                            tmp_path: Path, text: str, says: str) -> None:
    before = store.declared_sections(store.connect(app.config["DATABASE"]))
    result = declare(runner, tmp_path, text)
    assert result.exit_code == 1 and says in result.output, result.output
    assert "the database was not changed" in result.output
    assert store.declared_sections(store.connect(app.config["DATABASE"])) == before


def test_sections_list_shows_names_and_story_counts(runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["sections", "list"])
    assert result.exit_code == 0
    assert result.output.splitlines()[0] == "politics\tՔաղաքականություն / Politics\t2 stories"


def test_a_database_from_before_sections_were_data_gets_the_default_ones(app: Flask) -> None:
    path = app.config["DATABASE"]
    conn = sqlite3.connect(path)
    conn.execute("DROP TABLE sections")
    conn.execute("PRAGMA user_version = 3")
    conn.commit()
    conn.close()
    upgraded = store.open_or_create(path)
    assert [s.slug for s in store.declared_sections(upgraded)] == [
        "politics", "society", "economy", "culture", "science"]
    assert store.sections(upgraded)[:2] == ["politics", "society"]


def test_an_article_in_a_section_no_longer_declared_names_it_by_its_slug(app: Flask) -> None:
    """A database edited by hand (or copied from another site) can hold an article whose section
    is not declared: its page, lists and menu name the section by its slug instead of failing."""
    with sqlite3.connect(app.config["DATABASE"]) as conn:
        slug, section = conn.execute(
            "SELECT slug, section FROM articles WHERE lang = 'en' AND section IS NOT NULL LIMIT 1").fetchone()
        conn.execute("DELETE FROM sections WHERE slug = ?", (section,))
    client = app.test_client()
    page = client.get(f"/en/articles/{slug}")
    assert page.status_code == 200
    assert f'/en/sections/{section}">{section}</a>' in page.get_data(as_text=True)
    assert client.get("/en/").status_code == 200 and section in nav(app, "en")
