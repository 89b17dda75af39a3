"""Faults: a read-only published database, and imports while readers are reading."""

from __future__ import annotations

import os
import re
import sqlite3
import threading
from pathlib import Path

import pytest
from flask import Flask

from reader import create_app, store
from reader.importer import import_paths
from reader.store import StoreError
from reader.tools.synthetic import generate
from tests.support import AppFactory


def serves_without_writing(app: Flask) -> None:
    client = app.test_client()
    for url in ("/hy/", "/en/articles/paris-statement-south-caucasus", "/hy/search?q=Երևան"):
        assert client.get(url).status_code == 200
    with app.app_context():
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            store.get_db().execute("DELETE FROM articles")
    folder = Path(app.config["DATABASE"]).parent
    assert not list(folder.glob("*-journal")) and not list(folder.glob("*-wal"))


def test_read_only_opens_even_a_writable_file_read_only(make_app: AppFactory) -> None:
    # The flag itself, whoever runs the server (root can write any file).
    app = make_app(READ_ONLY=True)
    assert os.access(app.config["DATABASE"], os.W_OK)
    serves_without_writing(app)


def test_read_only_without_a_database_is_a_start_up_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="database file not found"):
        create_app({"DATABASE": str(tmp_path / "none.sqlite3"), "READ_ONLY": True})


@pytest.mark.parametrize("page_cache", [True, False])
def test_without_a_database_every_page_says_so_and_no_empty_file_is_made(tmp_path: Path,
                                                                         page_cache: bool) -> None:
    """The operator forgot to import (and turned the demo off): each request is a 503 in the
    reader's language, the log names the file, and no request creates an empty database in its
    place (which would turn the next ones into 500s)."""
    path = tmp_path / "none.sqlite3"
    app = create_app({"DATABASE": str(path), "LOAD_DEMO": False, "PAGE_CACHE": page_cache,
                      "SITE_URL": "https://news.example"})
    client = app.test_client()
    for url in ("/en/", "/hy/", "/en/articles/anything", "/en/"):
        response = client.get(url, base_url="https://news.example")
        assert response.status_code == 503, (url, response.status_code)
        assert not path.exists()
    assert "Հ" in client.get("/hy/", base_url="https://news.example").get_data(as_text=True)


def test_readers_never_see_a_half_imported_state(make_app: AppFactory, tmp_path: Path) -> None:
    app = make_app(PAGE_CACHE=False)
    path = app.config["DATABASE"]
    articles = tmp_path / "new"
    # Enough files to take the parallel parsing path and a noticeable time to write.
    written = generate(articles, 300, seed=9, bilingual=0.0)
    seen: set[str] = set()
    failures: list[int] = []
    stop = threading.Event()

    def read() -> None:
        client = app.test_client()
        while not stop.is_set():
            response = client.get("/en/")
            if response.status_code != 200:
                failures.append(response.status_code)
                continue
            seen.add(re.search(r'<p class="count">([\d,]+) stor', response.get_data(as_text=True))[1])

    readers = [threading.Thread(target=read) for _ in range(3)]
    for t in readers:
        t.start()
    try:
        import_paths(store.connect(str(path)), [articles])
    finally:
        stop.set()
        for t in readers:
            t.join()
    final = app.test_client().get("/en/").get_data(as_text=True)
    after = re.search(r'<p class="count">([\d,]+) stor', final)[1]
    assert failures == []
    assert after == str(6 + written)
    # Every page read during the import showed the database before it or after it.
    assert "6" in seen and seen <= {"6", after}
