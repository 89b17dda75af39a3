"""The store: schema, listing per interface language, lookups, search and start-up checks."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from flask import Flask

from reader import create_app, store
from reader.importer import import_paths
from reader.store import StoreError


def test_demo_database_is_created_and_filled_on_first_start(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "new.sqlite3"
    create_app({"DATABASE": str(path)})
    conn = store.connect(str(path))
    assert store.count(conn) >= 8
    langs = {r[0] for r in conn.execute("SELECT lang FROM articles")}
    assert langs == {"hy", "en"}


def test_home_list_has_one_article_per_story_in_interface_language_first(app: Flask) -> None:
    conn = store.connect(app.config["DATABASE"])
    stories = {r[0] for r in conn.execute("SELECT story FROM articles")}
    for lang in ("hy", "en"):
        listed, total = store.latest(conn, lang, 100)
        assert total == len(listed) == len(stories)
        assert len({a.story for a in listed}) == total
        for a in listed:
            versions = store.versions(conn, a.story)
            assert a.lang == (lang if lang in versions else next(iter(versions)))
        times = [a.published for a in listed]
        assert times == sorted(times, reverse=True)


def test_listing_is_paginated_by_limit_and_offset(app: Flask) -> None:
    conn = store.connect(app.config["DATABASE"])
    everything, total = store.latest(conn, "en", 100)
    first, _ = store.latest(conn, "en", 3)
    second, _ = store.latest(conn, "en", 3, 3)
    assert [a.id for a in first + second] == [a.id for a in everything[:6]]


def test_article_under_an_interface_prefers_its_language_then_the_other(app: Flask) -> None:
    conn = store.connect(app.config["DATABASE"])
    assert store.find_article(conn, "hy", "paris-statement-south-caucasus").lang == "hy"
    assert store.find_article(conn, "en", "paris-statement-south-caucasus").lang == "en"
    # English-only story under the Armenian interface: the English article.
    assert store.find_article(conn, "hy", "sevan-volunteer-monitoring").lang == "en"
    assert store.find_article(conn, "en", "no-such-story") is None


def test_search_finds_both_languages_case_insensitively(app: Flask) -> None:
    conn = store.connect(app.config["DATABASE"])
    from reader.searchtext import query_terms

    en, n_en, _ = store.search(conn, query_terms("KAZAKHSTAN"), 10)
    hy, n_hy, _ = store.search(conn, query_terms("ՂԱԶԱԽՍՏԱՆ"), 10)
    assert n_en >= 1 and all(a.lang == "en" for a in en)
    assert n_hy >= 1 and all(a.lang == "hy" for a in hy)
    assert store.search(conn, query_terms("zzzzqqq"), 10) == ([], 0, False)


def test_search_ignores_armenian_in_word_marks_and_spelling_of_ev(app: Flask) -> None:
    from reader.searchtext import query_terms

    conn = store.connect(app.config["DATABASE"])
    found, _, _ = store.search(conn, query_terms("Ինչ"), 50)
    assert any("Ի՞նչ" in a.body_text for a in found)
    with_ligature, n1, _ = store.search(conn, query_terms("Երևան"), 50)
    spelled_out, n2, _ = store.search(conn, query_terms("Երեվան"), 50)
    assert n1 == n2 > 0


def test_missing_database_without_demo_is_not_created_and_pages_say_so(tmp_path: Path) -> None:
    path = tmp_path / "absent.sqlite3"
    app = create_app({"DATABASE": str(path), "LOAD_DEMO": False})
    response = app.test_client().get("/hy/")
    assert response.status_code == 503
    assert "Հոդվածները հասանելի չեն" in response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "no-store"
    assert not path.exists()


def test_corrupt_database_is_a_clear_start_up_error(tmp_path: Path) -> None:
    path = tmp_path / "corrupt.sqlite3"
    path.write_bytes(b"this is not a database" * 200)
    with pytest.raises(StoreError, match="corrupt.sqlite3: not a readable SQLite database"):
        create_app({"DATABASE": str(path)})


def test_a_foreign_sqlite_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite3"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="other.sqlite3: not a reader database"):
        create_app({"DATABASE": str(path)})
    conn = sqlite3.connect(path)
    assert [r[0] for r in conn.execute("SELECT name FROM sqlite_master")] == ["t"]


def test_reimport_keeps_one_row_and_updates_in_place(app: Flask, write_article) -> None:
    conn = store.connect(app.config["DATABASE"])
    before = store.count(conn)
    path = write_article(title="Quixotic headline")
    import_paths(conn, [path])
    first = store.find_article(conn, "en", "test-story")
    write_article(title="Second title")
    import_paths(conn, [path])
    second = store.find_article(conn, "en", "test-story")
    assert store.count(conn) == before + 1
    assert (first.id, second.title) == (second.id, "Second title")
    from reader.searchtext import query_terms

    assert store.search(conn, query_terms("Second"), 10)[1] == 1
    assert store.search(conn, query_terms("Quixotic"), 10)[1] == 0
