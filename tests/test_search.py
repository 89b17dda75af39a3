"""Search that understands words: inflected Armenian and English forms find each other (Snowball
stemmers, by the script a word is written in), folding kept, matched words highlighted, and an index
built by an earlier version rebuilt in place."""

from __future__ import annotations

import re
import sqlite3

import pytest
from flask import Flask
from flask.testing import FlaskClient

from reader import store
from reader.importer import import_paths
from reader.searchtext import highlight, query_terms, stem


def found(client: FlaskClient, query: str, lang: str = "en") -> list[str]:
    """The articles a reader's search lists, by address."""
    page = client.get(f"/{lang}/search", query_string={"q": query}).get_data(as_text=True)
    return re.findall(r'<h2[^>]*><a href="([^"]+)">', page)


@pytest.mark.parametrize("forms", [
    ("Փարիզ", "Փարիզում", "Փարիզի", "Փարիզից"),  # Paris: bare, locative, genitive, ablative
    ("Երևան", "Երևանում", "Երեվանի"),  # Yerevan, with և spelled out in one form
    ("statement", "statements", "Statement's"),
    ("volunteer", "volunteers", "volunteering"),
])
def test_inflected_forms_find_the_same_stories(client: FlaskClient, forms: tuple[str, ...]) -> None:
    results = {form: found(client, form) for form in forms}
    first = results[forms[0]]
    assert first, forms[0]
    assert all(r == first for r in results.values()), results


def test_the_index_reads_armenian_words_in_english_stories_and_the_reverse(
        app: Flask, write_article) -> None:
    import_paths(store.connect(app.config["DATABASE"]), [
        write_article("en.md", slug="en-story", lang="en", title="A concert in Gyumri",
                      body="The choir sang «Կռունկ» at the concerts of Գյումրիում.\n"),
        write_article("hy.md", slug="hy-story", lang="hy", title="Համերգ", summary="Համերգ։",
                      body="Երգչախումբը կատարեց Cranes songs.\n"),
    ])
    client = app.test_client()
    assert found(client, "Գյումրի") == ["/en/articles/en-story"]  # Armenian stemming inside English
    assert found(client, "song") == ["/en/articles/hy-story"]  # English stemming inside Armenian
    assert found(client, "concert") == ["/en/articles/en-story"]


def test_highlighting_marks_the_words_that_matched_in_any_form() -> None:
    terms = query_terms("Փարիզում statements")
    marked = str(highlight("Փարիզի հայտարարությունը, the statement of Paris.", terms))
    assert marked == "<mark>Փարիզի</mark> հայտարարությունը, the <mark>statement</mark> of Paris."


def test_a_search_page_marks_inflected_matches(client: FlaskClient) -> None:
    page = client.get("/hy/search", query_string={"q": "Փարիզում"}).get_data(as_text=True)
    marks = re.findall(r"<mark>([^<]+)</mark>", page)
    assert marks and all(m.lower().startswith("փարիզ") for m in marks), marks
    assert any(m != "Փարիզում" for m in marks)  # another form than the one typed


def test_a_database_indexed_by_an_earlier_version_is_rebuilt_when_opened(app: Flask) -> None:
    path = app.config["DATABASE"]
    conn = sqlite3.connect(path)
    # As version 1 left it: the words folded but not stemmed.
    conn.execute("INSERT INTO search (search) VALUES ('delete-all')")
    for row in conn.execute("SELECT id, title, summary, body_text FROM articles").fetchall():
        conn.execute("INSERT INTO search (rowid, title, summary, body) VALUES (?, ?, ?, ?)",
                     (row[0], *(t.lower() for t in row[1:])))
    conn.execute("PRAGMA user_version = 1")
    conn.commit()
    conn.close()
    # A word of the demo whose stem is short (so not matched as a prefix) and never written alone:
    # only the stemmed index finds it.
    texts = " ".join(" ".join(r) for r in sqlite3.connect(path).execute(
        "SELECT title, summary, body_text FROM articles"))
    words = set(re.findall(r"\w+", texts.lower()))
    word = next(w for w in sorted(words) if len(stem(w)) < 4 and stem(w) not in words)
    before = store.connect(path)
    assert not store.search(before, query_terms(word), 10)[0]
    before.close()
    reopened = store.open_or_create(path)
    assert reopened.execute("PRAGMA user_version").fetchone()[0] == store.SCHEMA_VERSION
    assert store.search(reopened, query_terms(word), 10)[0]
    reopened.close()
    # Read-only, an old file cannot be rebuilt: said plainly.
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 1")
    conn.commit()
    conn.close()
    with pytest.raises(store.StoreError, match="schema version 1.*rebuild its search index"):
        store.open_or_create(path, readonly=True)
