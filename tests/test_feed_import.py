"""Feeds in: RSS 2.0, RSS 1.0 and Atom, from files and URLs, in both languages, through the same
checks and sanitiser as article files; all or nothing, idempotent, and hostile feeds refused."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner

from reader import store
from reader.feedimport import import_feeds

FEEDS = Path(__file__).parent / "feeds"


def snapshot(app: Flask) -> str:
    conn = store.connect(app.config["DATABASE"])
    rows = conn.execute("SELECT lang, slug, title, body_html FROM articles ORDER BY id").fetchall()
    return hashlib.sha256(repr([tuple(r) for r in rows]).encode()).hexdigest()


def feed_articles(app: Flask) -> list[store.Article]:
    conn = store.connect(app.config["DATABASE"])
    return [a for a in store.all_articles(conn) if a.story.startswith("feed-")]


def test_feeds_in_both_languages_become_articles(app: Flask, runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["articles", "import-feed", *(str(FEEDS / name) for name in
                                                              ("hy-rss.xml", "en-atom.xml", "rdf.xml"))])
    assert result.exit_code == 0, result.output
    assert "imported 4 article(s) from 3 feed(s)" in result.output
    by_slug = {a.slug: a for a in feed_articles(app)}
    sevan = by_slug["sevan-level-rises"]
    assert sevan.lang == "hy" and sevan.section == "society" and sevan.authors == ("Աննա Պետրոսյան",)
    assert sevan.published.isoformat() == "2024-11-05T14:40:00+00:00"  # +04:00 kept as the instant
    assert "<script" not in sevan.body_html and "alert" not in sevan.body_html
    assert "<h2>Մանրամասներ</h2>" in sevan.body_html
    assert sevan.summary == "Սևանա լճի մակարդակը աշնանը բարձրացել է 12 սանտիմետրով։"
    welcomed = by_slug["statements-welcomed"]
    assert welcomed.lang == "en" and welcomed.section == "politics"
    assert welcomed.authors == ("Jane Doe", "John Roe") and welcomed.updated is not None
    # Relative links in a feed point at the publisher's site.
    assert 'href="https://news.example.org/world/paris"' in welcomed.body_html
    assert by_slug["night-trains"].lang == "en"  # RSS 1.0, its language from dc:language
    client = app.test_client()
    assert client.get("/hy/articles/sevan-level-rises").status_code == 200
    # Found by search, in any form of the word.
    assert "sevan-level-rises" in client.get("/hy/search?q=Սևանի").get_data(as_text=True)


def test_a_feed_picture_needs_a_description_and_an_allowed_host(make_app, runner: FlaskCliRunner) -> None:
    app = make_app(IMAGE_HOSTS="images.example.org")
    result = app.test_cli_runner().invoke(args=["articles", "import-feed", str(FEEDS / "hy-rss.xml")])
    assert result.exit_code == 0, result.output
    by_slug = {a.slug: a for a in feed_articles(app)}
    sevan = by_slug["sevan-level-rises"]
    assert sevan.image_src == "https://images.example.org/sevan.jpg"
    assert sevan.image_alt == "Սևանա լիճը աշնանը, ափին քարեր"
    library = next(a for a in by_slug.values() if a.slug.startswith("item-"))
    assert library.image_src is None  # the enclosure had no description
    assert "warning [feed] the feed gives its picture no description (alt text)" in result.output
    # Without the host allowed, the story comes without its picture, and the command says so.
    plain = runner.invoke(args=["articles", "import-feed", str(FEEDS / "hy-rss.xml")])
    assert plain.exit_code == 0 and "'images.example.org' is not in READER_IMAGE_HOSTS" in plain.output


def test_importing_a_feed_again_updates_and_never_duplicates(app: Flask, tmp_path: Path) -> None:
    conn = store.connect(app.config["DATABASE"])
    import_feeds(conn, [str(FEEDS / "en-atom.xml")])
    first = feed_articles(app)
    changed = (FEEDS / "en-atom.xml").read_text().replace("More talks follow.", "More talks follow in Vienna.")
    (tmp_path / "feed.xml").write_text(changed)
    import_feeds(conn, [str(tmp_path / "feed.xml")])
    again = feed_articles(app)
    assert [a.id for a in again] == [a.id for a in first]
    assert "Vienna" in again[0].body_html


def test_a_feed_without_a_language_needs_the_option(app: Flask, runner: FlaskCliRunner) -> None:
    before = snapshot(app)
    refused = runner.invoke(args=["articles", "import-feed", str(FEEDS / "no-language.xml")])
    assert refused.exit_code == 1 and "does not say its language (hy or en): pass --lang" in refused.output
    assert snapshot(app) == before
    done = runner.invoke(args=["articles", "import-feed", "--lang", "en", "--section", "science",
                               str(FEEDS / "no-language.xml")])
    assert done.exit_code == 0, done.output
    (story,) = feed_articles(app)
    assert story.lang == "en" and story.section == "science" and story.slug == "a-story"


@pytest.mark.parametrize(("content", "says"), [
    (b"<html><body><p>Not a feed</p></body></html>", "not a feed, or a feed without entries"),
    (b"", "not a feed"),
    (b"<?xml version='1.0'?><!DOCTYPE lolz [<!ENTITY lol 'lol'><!ENTITY lol2 '&lol;&lol;&lol;&lol;&lol;'>"
     b"<!ENTITY lol3 '&lol2;&lol2;&lol2;&lol2;&lol2;'>]><rss version='2.0'><channel><language>en</language>"
     b"<title>&lol3;</title>"
     b"<item><title>&lol3;</title><guid>a</guid><description>x</description></item></channel></rss>",
     "has no date"),
    (b"<rss version='2.0'><channel><language>en</language><item><title>T</title>"
     b"<pubDate>Tue, 05 Nov 2024 18:40:00 +0000</pubDate><description>x</description></item></channel></rss>",
     "neither a GUID nor a link"),
    (b"<rss version='2.0'><channel><language>en</language><item><title>T</title><guid>g</guid>"
     b"<pubDate>Tue, 05 Nov 2024 18:40:00 +0000</pubDate><description>" + b"&lt;div&gt;" * 12_000
     + b"</description></item></channel></rss>", "more than 10,000 tags and character references"),
])
def test_broken_and_hostile_feeds_are_refused_with_a_reason(app: Flask, runner: FlaskCliRunner,
                                                            tmp_path: Path, content: bytes, says: str) -> None:
    path = tmp_path / "feed.xml"
    path.write_bytes(content)
    before = snapshot(app)
    result = runner.invoke(args=["articles", "import-feed", str(path), str(FEEDS / "en-atom.xml")])
    assert result.exit_code == 1 and says in result.output, result.output
    assert "the database was not changed" in result.output and snapshot(app) == before


def test_a_feed_larger_than_the_limit_is_refused_without_reading_it_all(runner: FlaskCliRunner,
                                                                        tmp_path: Path) -> None:
    path = tmp_path / "big.xml"
    with path.open("wb") as f:
        f.truncate(11 * 1024 * 1024)
    result = runner.invoke(args=["articles", "import-feed", str(path)])
    assert result.exit_code == 1 and "larger than 10 MB" in result.output


@pytest.fixture
def feed_server() -> Iterator[str]:
    handler = partial(SimpleHTTPRequestHandler, directory=str(FEEDS))
    handler.log_message = lambda *a: None  # type: ignore[attr-defined]
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def test_a_feed_is_read_from_its_url(app: Flask, runner: FlaskCliRunner, feed_server: str) -> None:
    result = runner.invoke(args=["articles", "import-feed", f"{feed_server}/en-atom.xml"])
    assert result.exit_code == 0, result.output
    assert [a.slug for a in feed_articles(app)] == ["statements-welcomed"]
    missing = runner.invoke(args=["articles", "import-feed", f"{feed_server}/none.xml"])
    assert missing.exit_code == 1 and "cannot fetch the feed" in missing.output
    other = runner.invoke(args=["articles", "import-feed", "ftp://x.example/feed.xml"])
    assert other.exit_code == 1 and "a file or an http(s) URL" in other.output
