"""Prepared pages (reader.prepared, the page cache's database tier): what a reader gets from a
prepared page is what a fresh render gives them, for every page type and a sample of preference
combinations; an import forgets exactly the pages that show what it changed; an upgrade or a
changed setting never serves a page made by the old build; only real pages are kept; replicas
serve the same bytes and validators."""

from __future__ import annotations

import gzip
import http.client
import os
import random
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any

import brotli
import pytest
from flask import Flask
from werkzeug.test import EnvironBuilder

import reader
from reader import create_app, pagecache, prefs
from reader.pagecache import PageCache
from tests.support import AppFactory

SITE = "https://news.example"
# Three stories a page, so the demo's lists have second and third pages.
SETTINGS = {"SITE_URL": SITE, "PAGE_SIZE": 3, "TESTING": True}
DEMO = Path(reader.__file__).parent / "demo"
ENCODINGS = ("br, gzip", "gzip, deflate", "br", "")


def call(app: Flask, path: str, cookie: str = "", accept: str = "br, gzip",
         **headers: str) -> tuple[str, dict[str, str], bytes, bytes]:
    """One request through the whole WSGI stack: (status, headers, decoded body, sent body)."""
    sent = {"Accept-Encoding": accept, **({"Cookie": cookie} if cookie else {}),
            **{k.replace("_", "-"): v for k, v in headers.items()}}
    path, _, query = path.partition("?")
    environ = EnvironBuilder(path=path, query_string=query, base_url=SITE,
                             headers={k: v for k, v in sent.items() if v}).get_environ()
    seen: dict[str, Any] = {}
    body = b"".join(app.wsgi_app(environ, lambda s, h, e=None: seen.update(status=s, headers=h)))
    found = dict(seen["headers"])
    coding = found.get("Content-Encoding")
    decoded = brotli.decompress(body) if coding == "br" else gzip.decompress(body) if coding == "gzip" else body
    return seen["status"], found, decoded, body


def prepare(app: Flask) -> str:
    """`flask pages prepare`, in this process."""
    result = app.test_cli_runner().invoke(args=["pages", "prepare", "--jobs", "1"])
    assert result.exit_code == 0, result.output
    return result.output


def in_memory(cache: PageCache, path: str) -> bool:
    """Does the cache's memory hold a response for this path (any reader, any encoding)?"""
    return any(key[0] == path for key in cache.entries)


def cache_of(app: Flask) -> PageCache:
    cache = app.extensions["reader.page_cache"]
    assert isinstance(cache, PageCache)
    return cache


def rows(app: Flask) -> dict[str, bytes]:
    """{address: anonymous brotli bytes} of the pages prepared in the app's database."""
    with sqlite3.connect(app.config["DATABASE"]) as conn:
        return dict(conn.execute("SELECT address, br FROM pages"))


def choices(seed: str, n: int) -> list[str]:
    """Cookie headers: none, each single choice, and `n` random combinations."""
    singles = [f"{p.cookie}={v}" for p in prefs.PREFERENCES for v in p.values]
    rng = random.Random(seed)
    mixes = ["; ".join(f"{p.cookie}={rng.choice(p.values)}" for p in prefs.PREFERENCES if rng.random() < 0.6)
             for _ in range(n)]
    return ["", *singles, *(m for m in mixes if m)]


@pytest.fixture
def served(make_app: AppFactory) -> Flask:
    return make_app(**SETTINGS)


def test_every_prepared_page_equals_a_fresh_render_for_every_reader(served: Flask) -> None:
    """Every page type (articles in and out of their language, home and section lists, their
    second pages) x every single preference and random mixes x what clients accept: the same
    body byte for byte and the same headers as the app rendering afresh with no page cache; the
    anonymous brotli response identical in every byte and header."""
    output = prepare(served)
    addresses = sorted(rows(served))
    assert f"prepared {len(addresses)} page(s)" in output
    kinds = {a.split("/")[2].split("?")[0] or "home" for a in addresses}
    assert kinds == {"articles", "sections", "home"} and any("?page=2" in a for a in addresses)
    fresh = create_app({"DATABASE": served.config["DATABASE"], **SETTINGS, "PAGE_CACHE": False})
    # A server that has never rendered these pages: everything it sends comes from the database.
    replica = create_app({"DATABASE": served.config["DATABASE"], **SETTINGS})
    cache_of(replica).app = None  # type: ignore[assignment]  # it cannot render at all
    compared = 0
    for address in addresses:
        for cookie in random.Random(address).sample(choices(address, 8), 4) + [""]:
            for accept in ENCODINGS:
                status, headers, body, sent = call(replica, address, cookie, accept)
                want_status, want_headers, want_body, want_sent = call(fresh, address, cookie, accept)
                assert (status, body) == (want_status, want_body), (address, cookie, accept)
                own = ("ETag", "Content-Length", "Content-Encoding")
                assert ({k: v for k, v in headers.items() if k not in own}
                        == {k: v for k, v in want_headers.items() if k not in own})
                assert headers["Content-Length"] == str(len(sent))
                # Compressed exactly when the client accepts a compression, and only as it accepts.
                coding = headers.get("Content-Encoding")
                assert (coding in accept) if coding else not accept, (address, cookie, accept, coding)
                if not cookie and "br" in accept:
                    assert (headers, sent) == (want_headers, want_sent)
                compared += 1
    assert compared >= len(addresses) * 5 * len(ENCODINGS)


def test_preparing_ahead_in_several_processes_keeps_the_same_pages(served: Flask, make_app: AppFactory) -> None:
    one = prepare(served)
    other = make_app(**SETTINGS)
    result = other.test_cli_runner().invoke(args=["pages", "prepare", "--jobs", "2"])
    assert result.exit_code == 0, result.output
    assert rows(other) == rows(served) and f"prepared {len(rows(served))} page(s)" in one
    status = other.test_cli_runner().invoke(args=["pages", "status"]).output
    assert status.startswith(f"{len(rows(served))} of {len(rows(served))} page(s) prepared by this build")
    again = other.test_cli_runner().invoke(args=["pages", "prepare", "--jobs", "2"]).output
    assert again.startswith("prepared 0 page(s)") and f"{len(rows(served))} were prepared already" in again


def test_a_preparing_process_makes_the_commands_pages_and_refuses_another_build(served: Flask,
                                                                              make_app: AppFactory) -> None:
    """What each process of `pages prepare --jobs N` runs (here in this process): an app of its own
    from the command's settings, making exactly the pages the command would; and none at all when
    its code would make pages of another build than the command's (an upgrade half-installed)."""
    prepare(served)
    other = make_app(**SETTINGS)
    config = {**other.config, "LOAD_DEMO": False}
    build = cache_of(other).build()
    with pytest.raises(RuntimeError, match=f"would make pages of build {build}, not 0123"):
        pagecache.start_preparing(config, "0123")
    pagecache.start_preparing(config, build)
    addresses = sorted(rows(served))
    assert pagecache.prepare_part([*addresses, "/en/articles/no-such-story"]) == [
        "/en/articles/no-such-story: 404 NOT FOUND"]
    assert rows(other) == rows(served)


def test_pages_are_prepared_at_the_sites_address_when_only_its_hosts_are_trusted(make_app: AppFactory) -> None:
    app = make_app(**SETTINGS, TRUSTED_HOSTS="news.example")
    assert call(app, "/en/", host="localhost")[0].startswith("400")  # any other host is refused
    output = prepare(app)
    assert f"prepared {len(rows(app))} page(s)" in output and "failed" not in output
    assert len(rows(app)) > 20


def test_pages_read_while_serving_are_kept_in_batches_at_most_half_a_second_late(served: Flask) -> None:
    """A server writes the pages it prepared in batches, not one by one: a page waits in memory
    until a batch is full or, at the next page read, has waited BATCH_SECONDS."""
    call(served, "/en/")
    assert "/en/" not in rows(served)  # waiting for more
    time.sleep(pagecache.BATCH_SECONDS)
    call(served, "/hy/")
    assert {"/en/", "/hy/"} <= set(rows(served))


def test_a_worker_keeps_answering_while_an_import_holds_the_database(served: Flask) -> None:
    """A batch of prepared pages that cannot be written because an import holds the lock is
    dropped after a short wait (the pages are prepared again later); the reader still gets the
    page, instead of an error after the import's whole lock timeout."""
    call(served, "/en/")
    time.sleep(pagecache.BATCH_SECONDS)
    with sqlite3.connect(served.config["DATABASE"], isolation_level=None) as importer:
        importer.execute("BEGIN IMMEDIATE")  # what an import holds while it writes
        try:
            status, _, body, _ = call(served, "/hy/")  # the batch is due: its write finds the lock
        finally:
            importer.execute("ROLLBACK")
    assert status == "200 OK" and b'<html lang="hy"' in body
    assert not {"/en/", "/hy/"} & set(rows(served))


def test_without_a_site_url_a_page_made_for_one_host_is_never_sent_to_another(make_app: AppFactory) -> None:
    """With no READER_SITE_URL the pages name the host they were asked under, so they are not kept
    in the database, which every worker and replica shares: each host gets links to itself."""
    settings = {**SETTINGS, "SITE_URL": "", "TRUSTED_HOSTS": "one.example,two.example"}
    first = make_app(**settings)
    address = "/en/articles/ararat-apricot-season"
    assert b'href="https://one.example/en/' in call(first, address, host="one.example")[2]
    cache_of(first).flush()
    time.sleep(pagecache.BATCH_SECONDS)
    call(first, "/hy/", host="one.example")
    assert rows(first) == {}
    other = create_app({"DATABASE": first.config["DATABASE"], **settings})
    body = call(other, address, host="two.example")[2]
    assert b'href="https://two.example/en/' in body and b"one.example" not in body


def test_a_reader_with_preferences_gets_gzip_put_together_and_their_own_validator(served: Flask) -> None:
    prepare(served)
    address = "/en/articles/ararat-apricot-season"
    anonymous = call(served, address)[1]["ETag"]
    large = call(served, address, "text_size=lg")
    dark = call(served, address, "text_size=lg; theme=dark")
    for status, headers, _, _ in (large, dark):
        assert status == "200 OK" and headers["Content-Encoding"] == "gzip"
        assert headers["Cache-Control"] == "private, no-cache"
    assert b'class="size-lg theme-auto' in large[2] and b'class="size-lg theme-dark' in dark[2]
    assert b'value="lg" checked>' in large[2] and b'value="md" checked>' not in large[2]
    tags = {anonymous, large[1]["ETag"], dark[1]["ETag"]}
    assert len(tags) == 3 and all(t.startswith(anonymous[:25]) for t in tags)
    # The validator answers a revalidation with 304, for this reader's page only.
    again = call(served, address, "text_size=lg", If_None_Match=large[1]["ETag"])
    assert again[0] == "304 Not Modified" and again[3] == b""
    other = call(served, address, "text_size=lg; theme=dark", If_None_Match=large[1]["ETag"])
    assert other[0] == "200 OK"


def test_the_database_tier_answers_without_rendering_and_shows_what_it_keeps(served: Flask) -> None:
    """A page kept in the database is sent as kept: a planted body shows it is not rendered again."""
    prepare(served)
    address = "/hy/articles/ararat-apricot-season"
    planted = brotli.compress(b"<!doctype html><title>kept</title>" + b" " * 600)
    with sqlite3.connect(served.config["DATABASE"]) as conn:
        conn.execute("UPDATE pages SET br = ? WHERE address = ?", (planted, address))
    fresh = create_app({"DATABASE": served.config["DATABASE"], **SETTINGS})
    assert call(fresh, address)[3] == planted


def test_a_page_that_says_how_long_ago_is_kept_no_longer_than_a_shared_cache_may(served: Flask) -> None:
    prepare(served)
    with sqlite3.connect(served.config["DATABASE"]) as conn:
        expiring = dict(conn.execute("SELECT address, expires FROM pages WHERE expires IS NOT NULL"))
    # The pages of articles with an update, which say how long ago it was.
    updated = {a for a in rows(served) if b'<span class="ago">' in call(served, a)[2]}
    assert set(expiring) == updated and updated
    assert all(time.time() < e <= time.time() + 60 for e in expiring.values())
    address = sorted(updated)[0]
    planted = brotli.compress(b"<!doctype html><title>old</title>" + b" " * 600)
    with sqlite3.connect(served.config["DATABASE"]) as conn:
        conn.execute("UPDATE pages SET br = ?, expires = ? WHERE address = ?",
                     (planted, time.time() - 1, address))
    fresh = create_app({"DATABASE": served.config["DATABASE"], **SETTINGS})
    status, _, body, sent = call(fresh, address)
    assert status == "200 OK" and sent != planted and b'<span class="ago">' in body


def test_a_kept_page_leaves_memory_when_its_database_copy_expires(served: Flask) -> None:
    """A worker that read a prepared "… ago" page keeps it in memory only as long as the page was
    still good, not for the whole READER_CACHE_MAX_AGE from the moment it read it."""
    prepare(served)
    with sqlite3.connect(served.config["DATABASE"]) as conn:
        address = min(a for (a,) in conn.execute("SELECT address FROM pages WHERE expires IS NOT NULL"))
        planted = brotli.compress(b"<!doctype html><title>old</title>" + b" " * 600)
        conn.execute("UPDATE pages SET br = ?, expires = ? WHERE address = ?",
                     (planted, time.time() + 0.5, address))
    fresh = create_app({"DATABASE": served.config["DATABASE"], **SETTINGS})
    assert call(fresh, address)[3] == planted  # still good: sent as kept, and kept in memory
    time.sleep(0.7)
    status, _, body, sent = call(fresh, address)
    assert status == "200 OK" and sent != planted and b'<span class="ago">' in body


def demo_copy(tmp_path: Path, name: str, **changes: str) -> Path:
    """A demo article's file with some front-matter lines replaced, in a folder of its own."""
    folder = tmp_path / "changed"
    folder.mkdir(exist_ok=True)
    lines = (DEMO / name).read_text(encoding="utf-8").splitlines()
    for key, value in changes.items():
        lines = [f"{key}: {value}" if line.startswith(f"{key}:") else line for line in lines]
    path = folder / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_an_import_forgets_exactly_the_pages_that_show_the_changed_article(served: Flask,
                                                                          tmp_path: Path) -> None:
    """A new title: the story's pages in both interfaces and the list pages that show one of its
    versions; every other page (other list pages included) stays, byte for byte."""
    prepare(served)
    before = rows(served)
    bodies = {a: call(served, a)[2] for a in before}
    with sqlite3.connect(served.config["DATABASE"]) as conn:
        story, section = conn.execute("SELECT story, section FROM articles"
                                      " WHERE lang = 'en' AND slug = 'ararat-apricot-season'").fetchone()
        slugs = {s for (s,) in conn.execute("SELECT slug FROM articles WHERE story = ?", (story,))}
    links = tuple(f'/articles/{slug}"'.encode() for slug in slugs)
    shows_it = {a for a in before if a.split("/")[-1] in slugs
                or "/articles/" not in a and any(link in bodies[a] for link in links)}
    lists = {a for a in before if "/articles/" not in a}
    assert lists & shows_it and lists - shows_it  # some list pages show it, others do not
    title = "Apricot growers count a record season"
    changed = demo_copy(tmp_path, "en-ararat-apricot-season.md", title=f'"{title}"')
    result = served.test_cli_runner().invoke(args=["articles", "import", str(changed)])
    assert result.exit_code == 0, result.output
    after = rows(served)
    assert set(before) - set(after) == shows_it
    assert all(after[a] == before[a] for a in after)
    # Read again: the new title where the article shows, the very same bytes everywhere else.
    assert title in call(served, "/en/articles/ararat-apricot-season")[2].decode()
    for listed in ("/en/", f"/en/sections/{section}"):
        assert any(title in call(served, a)[2].decode() for a in shows_it if a.split("?")[0] == listed)
    for address in set(before) - shows_it:
        assert call(served, address)[2] == bodies[address], address


def test_the_first_request_for_a_page_may_be_a_head_or_a_readers_with_choices(served: Flask) -> None:
    """Whoever asks first, what is kept is the page for everyone: whole (a HEAD has no body) and
    anonymous (no trace of the first reader's cookies), the same as a fresh render's."""
    fresh = create_app({"DATABASE": served.config["DATABASE"], **SETTINGS, "PAGE_CACHE": False})
    first = {"/en/articles/ararat-apricot-season": "HEAD", "/hy/": "GET"}
    for address, method in first.items():
        environ = EnvironBuilder(path=address, base_url=SITE, method=method,
                                 headers={"Cookie": "theme=dark; text_size=lg; lang=hy"}).get_environ()
        b"".join(served.wsgi_app(environ, lambda s, h, e=None: None))
    cache_of(served).flush()
    kept = rows(served)
    assert set(first) <= set(kept)
    replica = create_app({"DATABASE": served.config["DATABASE"], **SETTINGS})
    cache_of(replica).app = None  # type: ignore[assignment]  # it can only send what was kept
    for address in first:
        assert brotli.decompress(kept[address]) == call(fresh, address)[2], address
        assert call(replica, address)[:2] == call(fresh, address)[:2], address  # status, headers


def test_text_that_looks_like_a_mark_is_shown_as_written(served: Flask, tmp_path: Path) -> None:
    """An article may quote anything, even what looks like the marks a prepared page is cut at:
    without the render's secret it is text, shown as written to every reader."""
    forged = "@@0123456789abcdef:size=lg@@"
    path = demo_copy(tmp_path, "en-ararat-apricot-season.md", title=f'"Quoted {forged}"')
    assert served.test_cli_runner().invoke(args=["articles", "import", str(path)]).exit_code == 0
    result = served.test_cli_runner().invoke(args=["pages", "prepare"])
    # The article and the two lists that show its title are not kept: each is rendered when read.
    assert result.exit_code == 1 and "3 page(s) could not be prepared" in result.output
    for cookie in ("", "text_size=lg", "theme=dark; text_size=xs"):
        for _ in range(2):  # rendered, then as kept
            assert f"Quoted {forged}" in call(served, "/en/articles/ararat-apricot-season", cookie)[2].decode()


def test_a_long_page_is_put_together_exactly_and_nearly_as_small_as_plain_gzip(served: Flask,
                                                                             tmp_path: Path) -> None:
    """A page longer than deflate's 32 KB window and than 64 KB: every reader's gzip decodes to
    the fresh render (the CRC made from the changes only), and the runs compressed with the text
    before them as dictionary make it at most a quarter larger than gzip of the whole page."""
    path = demo_copy(tmp_path, "en-ararat-apricot-season.md")
    with path.open("a", encoding="utf-8") as f:
        f.write("".join(f"\nParagraph {n}: growers in the valley counted the crates again.\n"
                        for n in range(1500)))
    assert served.test_cli_runner().invoke(args=["articles", "import", str(path)]).exit_code == 0
    prepare(served)
    fresh = create_app({"DATABASE": served.config["DATABASE"], **SETTINGS, "PAGE_CACHE": False})
    replica = create_app({"DATABASE": served.config["DATABASE"], **SETTINGS})
    cache_of(replica).app = None  # type: ignore[assignment]  # it can only send what was kept
    article = "/en/articles/ararat-apricot-season"
    for address in (article, "/en/"):
        for cookie in ("", "theme=dark; text_size=lg", "line_spacing=widest"):
            status, headers, body, sent = call(replica, address, cookie, "gzip")
            assert (status, body) == call(fresh, address, cookie, "gzip")[::2], (address, cookie)
            assert headers["Content-Encoding"] == "gzip"
            assert len(sent) <= 1.25 * len(gzip.compress(body, 6)), (address, cookie, len(sent))
    assert len(call(fresh, article)[2]) > 70_000


def publish_new_edition(app: Flask, folder: Path) -> None:
    """A new edition (one title changed) copied beside the app's file and renamed over it, as
    replicas publish (README), by another process than the server's."""
    database = Path(app.config["DATABASE"])
    edition = folder / "edition.sqlite3"
    shutil.copyfile(database, edition)
    with sqlite3.connect(edition) as conn:
        conn.execute("UPDATE articles SET title = 'Apricots: the new edition' WHERE lang = 'en'"
                     " AND slug = 'ararat-apricot-season'")
    os.replace(edition, database)


def test_a_new_edition_copied_over_the_file_is_served_within_a_twentieth_of_a_second(served: Flask,
                                                                                    tmp_path: Path) -> None:
    """The server's open connections still see the old, unlinked file: they are reopened on the
    new one when a worker next looks at the file (the README: within a twentieth of a second), so
    readers get the new edition's pages (prepared there or rendered), not the old."""
    prepare(served)
    address = "/en/articles/ararat-apricot-season"
    before = call(served, address)[2]
    publish_new_edition(served, tmp_path)
    time.sleep(0.05)
    after = call(served, address)[2]
    assert after != before and b"Apricots: the new edition" in after
    assert call(served, address)[2] == after  # and kept so


def test_with_no_time_to_keep_pages_a_new_edition_is_served_at_the_next_request(make_app: AppFactory,
                                                                                tmp_path: Path) -> None:
    """READER_CACHE_MAX_AGE=0: no page may lag the data at all, so a worker looks at the file at
    every request."""
    app = make_app(**{**SETTINGS, "CACHE_MAX_AGE": 0})
    prepare(app)
    address = "/en/articles/ararat-apricot-season"
    before = call(app, address)[2]
    publish_new_edition(app, tmp_path)
    after = call(app, address)[2]
    assert after != before and b"Apricots: the new edition" in after


def test_a_new_date_forgets_every_page_of_the_lists_it_is_in(served: Flask, tmp_path: Path) -> None:
    """Moved in time, a story moves every later story along the lists: all their pages go (and
    no article page but its story's)."""
    prepare(served)
    before = rows(served)
    with sqlite3.connect(served.config["DATABASE"]) as conn:
        story, section = conn.execute("SELECT story, section FROM articles"
                                      " WHERE lang = 'en' AND slug = 'ararat-apricot-season'").fetchone()
        slugs = {s for (s,) in conn.execute("SELECT slug FROM articles WHERE story = ?", (story,))}
    changed = demo_copy(tmp_path, "en-ararat-apricot-season.md", published="2025-01-01T09:00:00+04:00")
    assert served.test_cli_runner().invoke(args=["articles", "import", str(changed)]).exit_code == 0
    gone = set(before) - set(rows(served))
    in_lists = {a for a in before if "/articles/" not in a and (
        a.split("?")[0] in ("/hy/", "/en/") or a.split("?")[0].endswith(f"/sections/{section}"))}
    assert gone == in_lists | {a for a in before if a.split("/")[-1] in slugs}


def test_a_new_version_of_a_story_forgets_the_other_versions_pages_and_the_lists(served: Flask,
                                                                                 tmp_path: Path) -> None:
    """An English version of a story that had only an Armenian one: the Armenian article's pages
    now link to it, and the lists show it; no other article's page is touched."""
    prepare(served)
    with sqlite3.connect(served.config["DATABASE"]) as conn:
        story, slug, section = conn.execute(
            "SELECT story, slug, section FROM articles a WHERE lang = 'hy' AND NOT EXISTS"
            " (SELECT 1 FROM articles b WHERE b.story = a.story AND b.lang = 'en')").fetchone()
    before = rows(served)
    new = tmp_path / "new" / "en-new.md"
    new.parent.mkdir()
    new.write_text(f"---\nslug: {slug}-en\nlang: en\nstory: {story}\ntitle: The English version\n"
                   "summary: Now in English too.\npublished: 2024-11-05T18:40:00+04:00\n"
                   f"section: {section}\n---\n\nThe story, in English.\n", encoding="utf-8")
    assert served.test_cli_runner().invoke(args=["articles", "import", str(new)]).exit_code == 0
    gone = set(before) - set(rows(served))
    lists = {a for a in before if "/articles/" not in a and (a.split("?")[0] in ("/hy/", "/en/")
                                                              or a.split("?")[0].endswith(f"/{section}"))}
    assert gone == lists | {f"/hy/articles/{slug}", f"/en/articles/{slug}"}
    page = call(served, f"/hy/articles/{slug}")[2].decode()
    assert f'hreflang="en" href="{SITE}/en/articles/{slug}-en"' in page


def test_a_page_rendered_before_an_import_is_not_kept_after_it(served: Flask, tmp_path: Path) -> None:
    address = "/en/articles/ararat-apricot-season"
    cache = cache_of(served)
    assert call(served, address)[0] == "200 OK"
    assert cache.pending and address not in rows(served)  # rendered, waiting to be written
    changed = demo_copy(tmp_path, "en-ararat-apricot-season.md", title='"A changed title"')
    assert served.test_cli_runner().invoke(args=["articles", "import", str(changed)]).exit_code == 0
    cache.flush()
    assert address not in rows(served)
    assert "A changed title" in call(served, address)[2].decode()


def test_an_upgraded_template_never_serves_pages_of_the_old_build(make_app: AppFactory, tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    templates = tmp_path / "templates"
    shutil.copytree(reader.resource("templates"), templates)
    real = reader.resource
    monkeypatch.setattr(reader, "resource", lambda name: templates if name == "templates" else real(name))
    old = make_app(**SETTINGS)
    prepare(old)
    kept = rows(old)
    base = templates / "base.html"
    base.write_text(base.read_text(encoding="utf-8").replace("<head>", "<head>\n<!-- upgraded -->", 1),
                    encoding="utf-8")
    new = create_app({"DATABASE": old.config["DATABASE"], **SETTINGS})
    status = new.test_cli_runner().invoke(args=["pages", "status"]).output
    assert status.startswith(f"0 of {len(kept)} page(s) prepared by this build")
    assert f"{len(kept)} by other builds" in status
    for address in kept:
        assert "<!-- upgraded -->" in call(new, address)[2].decode(), address
    prepare(new)
    assert new.test_cli_runner().invoke(args=["pages", "clear", "--stale"]).output.startswith("forgot ")
    assert set(rows(new)) == set(kept)


def test_a_changed_setting_is_a_new_build(served: Flask) -> None:
    """British dates by default; an operator who asks for American ones never gets a kept British page."""
    prepare(served)
    address = "/en/articles/ararat-apricot-season"
    assert "12 September 2024" in call(served, address)[2].decode()
    us = create_app({"DATABASE": served.config["DATABASE"], **SETTINGS,
                     "FORMAT_LOCALES": "en_US"})
    assert "September 12, 2024" in call(us, address)[2].decode()


def test_only_real_pages_are_kept(served: Flask) -> None:
    """Addresses of no page, other spellings of a page, searches and the statement: served, never
    kept in the database (a flood of made-up addresses cannot grow the file)."""
    for n in range(50):
        call(served, f"/hy/articles/no-such-story-{n}")
        call(served, f"/en/?page={n + 100}")
    for address in ("/hy/?page=02", "/hy/?page=1", "/hy/sections/no-such-section", "/en/search?q=apricot",
                    "/en/accessibility", "/en/articles/ararat-apricot-season?page=2", "/hy/?page=2&q=x"):
        call(served, address)
    cache_of(served).flush()
    assert rows(served) == {}
    call(served, "/hy/")
    cache_of(served).flush()
    assert set(rows(served)) == {"/hy/"}


def test_a_read_only_replica_serves_the_publishers_pages_and_writes_nothing(served: Flask) -> None:
    prepare(served)
    path = served.config["DATABASE"]
    with sqlite3.connect(path) as conn:
        conn.execute("DELETE FROM pages WHERE address = '/en/'")
    kept = rows(served)
    modified = os.stat(path).st_mtime_ns
    replica = create_app({"DATABASE": path, **SETTINGS, "READ_ONLY": True})
    for address in [*kept, "/en/"]:
        assert call(replica, address)[3] == call(served, address)[3]
    cache_of(replica).flush()
    assert rows(served) == kept and os.stat(path).st_mtime_ns == modified


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def server(database: Path) -> Iterator[int]:
    """The production server (granian, as `make serve` starts it), read-only on this file."""
    port = free_port()
    clean = {k: v for k, v in os.environ.items() if not k.startswith("READER_")}
    env = {**clean, "READER_DATABASE": str(database), "READER_SITE_URL": SITE, "READER_READ_ONLY": "true",
           "READER_LOAD_DEMO": "false", "READER_PAGE_SIZE": "3"}
    proc = subprocess.Popen([sys.executable, "-m", "reader.serve", "--port", str(port), "--workers", "1"],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert proc.poll() is None and time.monotonic() < deadline, "the server did not start"
                time.sleep(0.1)
        yield port
    finally:
        os.killpg(proc.pid, 15)
        proc.wait(30)


def fetch(port: int, path: str, cookie: str, accept: str) -> tuple[int, str, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", path, headers={"Host": "news.example", "Accept-Encoding": accept,
                                       **({"Cookie": cookie} if cookie else {})})
    try:
        response = conn.getresponse()
        return response.status, response.getheader("ETag") or "", response.read()
    finally:
        conn.close()


def test_two_server_processes_on_one_file_send_the_same_bytes_and_validators(served: Flask) -> None:
    """The edition copied to replicas: two production servers reading one database file."""
    prepare(served)
    database = Path(served.config["DATABASE"])
    addresses = sorted(rows(served))[::3]
    with server(database) as one, server(database) as two:
        for address in addresses:
            for cookie in ("", "text_size=lg", "theme=contrast; line_spacing=widest"):
                for accept in ENCODINGS:
                    first, second = fetch(one, address, cookie, accept), fetch(two, address, cookie, accept)
                    assert first == second and first[0] == 200 and first[1], (address, cookie, accept)
                    if not cookie and "br" in accept:
                        assert first[2] == rows(served)[address]


def test_the_build_key_changes_with_the_code_catalogs_static_files_and_settings(
        served: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Whatever makes a page's bytes is in the key (so an upgrade prepares again); what does not
    (the database's path, a file of another kind) is not (so replicas share the pages)."""
    import dataclasses

    from reader import prepared
    from reader.settings import get

    code, static, catalogs = tmp_path / "reader", tmp_path / "static", tmp_path / "translations"
    shutil.copytree(prepared.PACKAGE, code)
    shutil.copytree(reader.resource("static"), static)
    shutil.copytree(served.config["BABEL_TRANSLATION_DIRECTORIES"], catalogs)
    real = prepared.resource
    monkeypatch.setattr(prepared, "PACKAGE", code)
    monkeypatch.setattr(prepared, "resource", lambda name: static if name == "static" else real(name))
    served.config["BABEL_TRANSLATION_DIRECTORIES"] = str(catalogs)
    settings = get(served)
    keys = [prepared.build_key(served, settings)]
    assert prepared.build_key(served, settings) == keys[0]
    (code / "notes.txt").write_text("not code")
    assert prepared.build_key(served, dataclasses.replace(settings, database="/elsewhere.sqlite3")) == keys[0]
    assert prepared.build_key(served, settings) == keys[0]
    for changed in (code / "views.py", static / "reader.css", catalogs / "hy" / "LC_MESSAGES" / "messages.mo"):
        changed.write_bytes(changed.read_bytes() + b"\n")
        keys.append(prepared.build_key(served, settings))
    keys.append(prepared.build_key(served, dataclasses.replace(settings, page_size=4)))
    assert len(set(keys)) == len(keys) == 5


def test_pages_read_once_from_the_database_do_not_push_out_the_pages_read_again(served: Flask) -> None:
    """Memory keeps a page from the database at its second read: a spread over the archive (each
    page read once) leaves the pages readers come back to where they are, and a page read again
    is kept then."""
    prepare(served)
    app = create_app({"DATABASE": served.config["DATABASE"], **SETTINGS, "PAGE_CACHE_MB": 0.0625})
    cache = cache_of(app)
    kept = partial(in_memory, cache)
    hot = "/hy/articles/ararat-apricot-season"
    assert call(app, hot)[0] == "200 OK"
    assert not kept(hot)  # read once: sent, not kept
    assert call(app, hot)[0] == "200 OK"
    assert kept(hot)  # read again: kept
    bodies = rows(app)
    others = [a for a in bodies if a != hot and "?" not in a]
    assert sum(len(bodies[a]) for a in others) > cache.max_bytes  # more than memory holds
    for address in others:
        status, _, body, _ = call(app, address)
        assert status == "200 OK" and body.startswith(b"<!doctype html>"), address
    assert kept(hot)
    assert not any(kept(a) for a in others)
    again = others[-1]
    call(app, again)
    assert kept(again) and kept(hot)


def test_what_memory_remembers_of_pages_read_once_is_bounded(served: Flask) -> None:
    prepare(served)
    app = create_app({"DATABASE": served.config["DATABASE"], **SETTINGS})
    cache = cache_of(app)
    cache.read_once_limit = 4
    addresses = [a for a in rows(app) if "?" not in a][:12]
    for address in addresses:
        assert call(app, address)[0] == "200 OK"
        assert len(cache.read_once) <= 4
    assert not cache.entries  # each read once


def test_a_file_with_pages_kept_by_address_is_upgraded_and_its_pages_made_again(served: Flask) -> None:
    """Schema 5 kept prepared pages under their address; opened writable, such a file drops them
    (they are made again) and serves every page as a fresh render does."""
    path = served.config["DATABASE"]
    with sqlite3.connect(path) as conn:
        conn.execute("DROP TABLE pages")
        conn.execute("CREATE TABLE pages (address TEXT PRIMARY KEY, build TEXT NOT NULL, expires REAL,"
                     " headers TEXT NOT NULL, etag TEXT NOT NULL, br BLOB NOT NULL, parts BLOB NOT NULL)")
        conn.execute("INSERT INTO pages VALUES ('/en/', 'old', NULL, '[]', 'x', x'00', x'00')")
        conn.execute("PRAGMA user_version = 5")
    app = create_app({"DATABASE": path, **SETTINGS})
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 6
        assert conn.execute("SELECT count(*) FROM pages").fetchone()[0] == 0
    prepare(app)
    fresh = create_app({"DATABASE": path, **SETTINGS, "PAGE_CACHE": False})
    for address in ("/en/", "/hy/articles/ararat-apricot-season"):
        assert call(create_app({"DATABASE": path, **SETTINGS}), address)[:3] == call(fresh, address)[:3]


def test_two_addresses_with_one_number_are_each_sent_their_own_page(served: Flask,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """A page is found by a number made from its address; should two addresses share one, each
    reader still gets the page they asked for (one is kept, the other rendered)."""
    from reader import store

    monkeypatch.setattr(store, "page_number", lambda address: 7)
    fresh = create_app({"DATABASE": served.config["DATABASE"], **SETTINGS, "PAGE_CACHE": False})
    first, second = "/en/", "/hy/articles/ararat-apricot-season"
    for _ in range(3):
        for address in (first, second, second, first):
            app = create_app({"DATABASE": served.config["DATABASE"], **SETTINGS})
            assert call(app, address)[:3] == call(fresh, address)[:3], address
            cache_of(app).flush()
    assert len(rows(served)) == 1


def test_a_page_pushed_out_of_memory_is_kept_again_at_its_next_read(served: Flask) -> None:
    """A page readers came back to, pushed out by others, is kept again the next time it is read
    (the first read is remembered until the memory of reads is emptied)."""
    prepare(served)
    app = create_app({"DATABASE": served.config["DATABASE"], **SETTINGS, "PAGE_CACHE_MB": 0.0625})
    cache = cache_of(app)
    bodies = rows(app)
    hot = "/hy/articles/ararat-apricot-season"
    others = [a for a in bodies if a != hot and "?" not in a]
    for address in (hot, hot, *others, *others):  # the others, read twice, fill memory
        assert call(app, address)[0] == "200 OK"
    assert not in_memory(cache, hot)  # pushed out
    call(app, hot)
    assert in_memory(cache, hot)


def test_a_page_rendered_at_its_first_read_is_kept_in_memory_at_once(served: Flask) -> None:
    """Rendering costs far more than a query: a page not yet prepared is kept in memory at the
    read that renders it (only pages read from the database wait for a second read)."""
    app = create_app({"DATABASE": served.config["DATABASE"], **SETTINGS})
    cache = cache_of(app)
    address = "/en/articles/paris-statement-south-caucasus"
    assert address not in rows(app)
    assert call(app, address)[0] == "200 OK"
    assert in_memory(cache, address)
