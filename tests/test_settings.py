"""Every documented READER_* variable, set the way an operator sets it (in the environment of a
fresh app), does what the README says; a bad value stops the start with a clear line."""

from __future__ import annotations

import re
import shutil
import sqlite3
from pathlib import Path

import pytest
from flask import Flask

from reader import create_app, store
from reader.settings import SettingsError

ARTICLE = "/en/articles/paris-statement-south-caucasus"


@pytest.fixture
def env_app(demo_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """create_app() with no test config: only READER_* variables, READER_DATABASE a demo copy."""
    path = tmp_path / "demo.sqlite3"
    shutil.copy(demo_db, path)

    def make(**variables: str) -> Flask:
        monkeypatch.setenv("READER_DATABASE", str(path))
        for name, value in variables.items():
            monkeypatch.setenv(f"READER_{name}", value)
        return create_app()

    return make


def html(app: Flask, url: str, **headers: str) -> str:
    response = app.test_client().get(url, headers=headers)
    assert response.status_code == 200, (url, response.status_code)
    return response.get_data(as_text=True)


def story_count(page: str) -> int:
    return page.count('<li class="story-item">')


def test_database_names_the_file_served(env_app, tmp_path: Path, write_article) -> None:
    from reader.importer import import_paths

    other = tmp_path / "other.sqlite3"
    import_paths(store.open_or_create(str(other)), [write_article(title="Only in the other file")])
    assert "Only in the other file" in html(env_app(DATABASE=str(other)), "/en/")
    assert "Only in the other file" not in html(env_app(), "/en/")


@pytest.mark.parametrize("value", ["false", "0"])
def test_load_demo_off_leaves_a_missing_database_missing(env_app, tmp_path: Path, value: str) -> None:
    missing = tmp_path / "none.sqlite3"
    app = env_app(DATABASE=str(missing), LOAD_DEMO=value)
    assert app.test_client().get("/en/").status_code == 503 and not missing.exists()
    filled = env_app(DATABASE=str(tmp_path / "new.sqlite3"), LOAD_DEMO="true")
    assert story_count(html(filled, "/en/")) == 6


def test_read_only_opens_the_database_read_only(env_app) -> None:
    app = env_app(READ_ONLY="true")
    assert story_count(html(app, "/en/")) == 6
    with app.app_context(), pytest.raises(sqlite3.OperationalError, match="readonly"):
        store.get_db().execute("DELETE FROM articles")
    with env_app(READ_ONLY="false").app_context():
        store.get_db().execute("SELECT 1")  # writable otherwise


def test_page_cache_and_its_size(env_app) -> None:
    on = env_app(PAGE_CACHE_MB="0.5")
    assert on.extensions["reader.page_cache"].max_bytes == 512 * 1024
    html(on, "/en/")
    assert len(on.extensions["reader.page_cache"].entries) == 1
    off = env_app(PAGE_CACHE="false")
    assert "reader.page_cache" not in off.extensions


def test_timezone_sets_the_time_shown(env_app) -> None:
    assert "November 6, 2024, 10:15" in html(env_app(), ARTICLE)  # Asia/Yerevan by default
    assert "November 6, 2024, 6:15" in html(env_app(TIMEZONE="UTC"), ARTICLE)


def test_page_sizes(env_app) -> None:
    app = env_app(PAGE_SIZE="2", SEARCH_PAGE_SIZE="1")
    assert story_count(html(app, "/en/")) == 2
    results = html(app, "/en/search?q=Yerevan")
    assert results.count('<li class="story-item">') == 1 and 'rel="next"' in results


def test_cache_max_age(env_app) -> None:
    response = env_app(CACHE_MAX_AGE="123").test_client().get("/en/")
    assert response.headers["Cache-Control"] == "public, max-age=123"


def test_proxy_count_and_trusted_hosts(env_app) -> None:
    app = env_app(PROXY_COUNT="1", TRUSTED_HOSTS="news.example")
    page = html(app, ARTICLE, Host="news.example", **{"X-Forwarded-Proto": "https"})
    assert f'<link rel="canonical" href="https://news.example{ARTICLE}">' in page
    client = app.test_client()
    assert client.get("/en/", headers={"Host": "evil.example"}).status_code == 400
    direct = env_app(PROXY_COUNT="0", TRUSTED_HOSTS="news.example")
    page = html(direct, ARTICLE, Host="news.example", **{"X-Forwarded-Proto": "https"})
    assert f'<link rel="canonical" href="http://news.example{ARTICLE}">' in page


def test_image_hosts_reach_the_content_security_policy(env_app) -> None:
    response = env_app(IMAGE_HOSTS="images.example.org").test_client().get("/en/")
    assert "img-src 'self' https://images.example.org;" in response.headers["Content-Security-Policy"]


def test_site_url(env_app) -> None:
    page = html(env_app(SITE_URL="https://news.example"), ARTICLE, Host="localhost")
    assert f'<link rel="canonical" href="https://news.example{ARTICLE}">' in page


@pytest.mark.parametrize(("name", "value", "says"), [
    ("PAGE_SIZE", "ten", "READER_PAGE_SIZE: must be a whole number from 1 to 100, got 'ten'"),
    ("PAGE_SIZE", "0", "READER_PAGE_SIZE: must be a whole number from 1 to 100, got 0"),
    ("SEARCH_PAGE_SIZE", "1000", "READER_SEARCH_PAGE_SIZE: must be a whole number from 1 to 100"),
    ("CACHE_MAX_AGE", "-5", "READER_CACHE_MAX_AGE: must be a whole number from 0 to 31536000"),
    ("PAGE_CACHE", "maybe", "READER_PAGE_CACHE: must be true or false, got 'maybe'"),
    ("PAGE_CACHE_MB", "lots", "READER_PAGE_CACHE_MB: must be a number from 0.0625 to 4096"),
    ("LOAD_DEMO", "2", "READER_LOAD_DEMO: must be true or false, got 2"),
    ("READ_ONLY", "yes please", "READER_READ_ONLY: must be true or false"),
    ("TIMEZONE", "Mars/Olympus", "READER_TIMEZONE: must be an IANA time zone"),
    ("PROXY_COUNT", "many", "READER_PROXY_COUNT: must be a whole number from 0 to 10"),
    ("IMAGE_HOSTS", "https://x.example/path", "READER_IMAGE_HOSTS: must be comma-separated host names"),
    ("TRUSTED_HOSTS", "news.example:8080", "READER_TRUSTED_HOSTS: must be comma-separated host names"),
    ("SITE_URL", "news.example", "READER_SITE_URL: must be a scheme and host"),
    ("SITE_URL", "https://news.example/edition", "READER_SITE_URL: must be a scheme and host"),
    ("DATABASE", '""', "READER_DATABASE: must be the path of the SQLite file"),
])
def test_a_bad_value_is_a_clear_start_up_error(env_app, name: str, value: str, says: str) -> None:
    with pytest.raises(SettingsError) as refused:
        env_app(**{name: value})
    assert str(refused.value).startswith(says)
    assert "\n" not in str(refused.value)


def test_a_proxy_needs_trusted_hosts(env_app) -> None:
    with pytest.raises(SettingsError, match="READER_PROXY_COUNT is set but READER_TRUSTED_HOSTS is empty"):
        env_app(PROXY_COUNT="1")


def test_the_readme_documents_every_setting() -> None:
    from reader.settings import defaults

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    documented = set(re.findall(r"^\| `READER_([A-Z_]+)` \|", readme, re.MULTILINE))
    assert documented == set(defaults("instance"))
