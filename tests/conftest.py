from __future__ import annotations

import shutil
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from reader import create_app, store
from tests.support import AppFactory

DEMO_ARTICLE = "paris-statement-south-caucasus"


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database filled with the demo articles once; tests that write get their own copy."""
    path = tmp_path_factory.mktemp("demo") / "reader.sqlite3"
    create_app({"DATABASE": str(path), "LOAD_DEMO": True})
    return path


@pytest.fixture(scope="session")
def make_app(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> AppFactory:
    """The one way tests build an app: a fresh copy of the demo database, then `create_app` with
    these settings (as READER_* names without the prefix)."""

    def make(**config: object) -> Flask:
        path = tmp_path_factory.mktemp("app") / "reader.sqlite3"
        shutil.copy(demo_db, path)
        return create_app({"DATABASE": str(path), "TESTING": True, **config})

    return make


@pytest.fixture
def app(make_app: AppFactory) -> Flask:
    return make_app()


@pytest.fixture
def empty_app(tmp_path: Path) -> Flask:
    path = tmp_path / "empty.sqlite3"
    store.create_schema(store.connect(str(path)))
    return create_app({"DATABASE": str(path), "LOAD_DEMO": False, "TESTING": True})


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


ArticleWriter = Callable[..., Path]


@pytest.fixture
def write_article(tmp_path: Path) -> Iterator[ArticleWriter]:
    """Write an article file from front-matter fields and a body; None drops a field."""
    folder = tmp_path / "articles"
    folder.mkdir()

    def write(name: str = "a.md", body: str = "Some body text.\n", raw: str | None = None,
              **fields: object) -> Path:
        path = folder / name
        if raw is not None:
            path.write_text(raw, encoding="utf-8")
            return path
        meta = {
            "slug": "test-story",
            "lang": "en",
            "title": "A test story",
            "summary": "What the test story says.",
            "published": "2024-11-05T18:40:00+04:00",
            **fields,
        }
        lines = ["---"]
        for key, value in meta.items():
            if value is None:
                continue
            if isinstance(value, dict):
                lines.append(f"{key}:")
                lines += [f"  {k}: {v}" for k, v in value.items()]
            else:
                lines.append(f"{key}: {value}")
        lines.append("---")
        path.write_text("\n".join(lines) + "\n" + textwrap.dedent(body), encoding="utf-8")
        return path

    yield write
