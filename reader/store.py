"""The article store: SQLite through the standard library, FTS5 for search. The only module with SQL."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, NamedTuple

from flask import Flask, current_app, g

from .languages import CODES
from .searchtext import fts_query, index_text
from .sections import Section, SectionsRefused, defaults

# 2: the search index holds stemmed words (searchtext.index_text). 3: the audio edition. 4: sections
# are data. 5: prepared pages. 6: a prepared page is found by a number made from its address.
# An older file is upgraded in place when opened writable.
SCHEMA_VERSION = 6


def _per_language(template: str, sep: str = "\n") -> str:
    """A piece of the schema repeated for each interface language."""
    return sep.join(template.format(lang=code) for code in CODES)


SCHEMA = """
CREATE TABLE IF NOT EXISTS articles (
    id INTEGER PRIMARY KEY,
    lang TEXT NOT NULL CHECK (lang IN (""" + ", ".join(f"'{code}'" for code in CODES) + """)),
    slug TEXT NOT NULL,
    story TEXT NOT NULL,
    title TEXT NOT NULL,
    summary TEXT NOT NULL,
    body_html TEXT NOT NULL,
    body_text TEXT NOT NULL,
    words INTEGER NOT NULL,
    published TEXT NOT NULL,          -- ISO 8601 in UTC, so text order is time order
    updated TEXT,
    authors TEXT NOT NULL DEFAULT '[]',
    section TEXT,
    image_src TEXT,
    image_alt TEXT,
    image_caption TEXT,
    image_credit TEXT,
    image_width INTEGER,
    image_height INTEGER,
    -- Which article stands for its story in each interface's lists: the version in that
    -- language, else the other one. Kept by the store on every write so lists need no join.
""" + _per_language("    show_{lang} INTEGER NOT NULL DEFAULT 0,") + """
    source TEXT,
    UNIQUE (lang, slug),
    UNIQUE (story, lang)
);
CREATE INDEX IF NOT EXISTS articles_slug ON articles (slug);
""" + _per_language(
    "CREATE INDEX IF NOT EXISTS articles_home_{lang} ON articles (show_{lang}, published DESC, id DESC);\n"
    # In the lists' order, so a section's page is read in order, not sorted from all its stories.
    "DROP INDEX IF EXISTS articles_section_{lang};\n"
    "CREATE INDEX IF NOT EXISTS articles_sections_{lang}"
    " ON articles (section, show_{lang}, published DESC, id DESC);"
) + """
-- Contentless: the index only. Texts are indexed folded and stemmed (see searchtext.index_text);
-- results are shown from the articles table.
CREATE VIRTUAL TABLE IF NOT EXISTS search USING fts5(
    title, summary, body, content = '', tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TABLE IF NOT EXISTS media (
    name TEXT PRIMARY KEY,            -- content hash + extension: a new picture gets a new URL
    type TEXT NOT NULL,
    data BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
-- The sections a publisher declared (reader/sections.py), in menu order; names by language.
CREATE TABLE IF NOT EXISTS sections (
    slug TEXT PRIMARY KEY,
    position INTEGER NOT NULL,
    names TEXT NOT NULL               -- JSON: {"hy": "...", "en": "..."}
);
-- The audio edition of an article (its MP3 in media), and the hash of the words it reads: an
-- article whose spoken text is unchanged is not recorded again.
CREATE TABLE IF NOT EXISTS audio (
    article INTEGER PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
    media TEXT NOT NULL,
    seconds REAL NOT NULL,
    bytes INTEGER NOT NULL,
    source_hash TEXT NOT NULL
);
-- Prepared pages (reader/prepared.py): a page's anonymous bytes, compressed, and where the
-- readers' preferences change them, made once per change by the code, templates, catalogs and
-- settings named by `build`. A page is found by `id`, a number made from its address (one look-up
-- where a text key takes two); `page_topics` says what it shows.
CREATE TABLE IF NOT EXISTS pages (
    id INTEGER PRIMARY KEY,           -- page_number(address)
    address TEXT NOT NULL UNIQUE,
    build TEXT NOT NULL,
    expires REAL,                     -- Unix time; NULL: until what it shows changes
    headers TEXT NOT NULL,            -- JSON: the anonymous response's headers but the body's own
    etag TEXT NOT NULL,               -- of the anonymous body
    br BLOB NOT NULL,                 -- the anonymous body, brotli
    parts BLOB NOT NULL               -- the body in runs between the preferences' holes, deflate
);
CREATE TABLE IF NOT EXISTS page_topics (
    topic TEXT NOT NULL,
    address TEXT NOT NULL,
    PRIMARY KEY (topic, address)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS page_topics_address ON page_topics (address);
CREATE TRIGGER IF NOT EXISTS pages_forget_topics AFTER DELETE ON pages BEGIN
    DELETE FROM page_topics WHERE address = OLD.address;
END;
""" + "".join(f"""
-- Whatever changes what readers see forgets the prepared pages that show it, in the same
-- transaction (and costs nothing while no page is prepared: a first import of an archive).
CREATE TRIGGER IF NOT EXISTS {name} AFTER {event} WHEN {when}EXISTS (SELECT 1 FROM pages) BEGIN
    DELETE FROM pages WHERE {where};
END;""" for name, event, when, where in [
    # A changed article: the pages of its story (its versions' pages, and the list pages that
    # show it). (A new article: `upsert` forgets the pages that show it; an INSERT trigger on this
    # table would make every insert of an archive cost twice as much.)
    ("articles_update_pages", "UPDATE ON articles", "",
     "address IN (SELECT address FROM page_topics"
     " WHERE topic IN ('story:' || OLD.story, 'story:' || NEW.story))"),
    # ... and when what the lists hold or their order changes, every page of the lists it is in.
    ("articles_update_lists", "UPDATE ON articles",
     "(OLD.published IS NOT NEW.published OR OLD.section IS NOT NEW.section OR "
     + " OR ".join(f"OLD.show_{code} IS NOT NEW.show_{code}" for code in CODES) + ") AND ",
     "address IN (SELECT address FROM page_topics WHERE topic IN ("
     "'list:home', 'list:section:' || OLD.section, 'list:section:' || NEW.section))"),
    ("articles_delete_pages", "DELETE ON articles", "",
     "address IN (SELECT address FROM page_topics WHERE topic IN ("
     "'story:' || OLD.story, 'list:home', 'list:section:' || OLD.section))"),
] + [
    (f"audio_{event.lower()}_pages", f"{event} ON audio", "",
     "address IN (SELECT address FROM page_topics WHERE topic IN ("
     + ", ".join(f"(SELECT 'story:' || story FROM articles WHERE id = {row}.article)" for row in rows) + "))")
    for event, rows in (("INSERT", ("NEW",)), ("UPDATE", ("OLD", "NEW")), ("DELETE", ("OLD",)))
] + [
    # Every page shows the sections' menu.
    (f"sections_{event.lower()}_pages", f"{event} ON sections", "", "1")
    for event in ("INSERT", "UPDATE", "DELETE")
] + [
    ("meta_sections_pages", "UPDATE ON meta", "NEW.key = 'sections' AND OLD.value IS NOT NEW.value AND ", "1"),
    ("meta_sections_insert_pages", "INSERT ON meta", "NEW.key = 'sections' AND ", "1"),
]) + """
-- The edition: one more for every transaction that changes the content (store.transaction).
INSERT OR IGNORE INTO meta (key, value) VALUES ('edition', '0');
"""


class StoreError(Exception):
    """The database file is missing, unreadable or not a reader database."""


@dataclass(frozen=True)
class ArticleFields:
    """What an article is: the fields the store keeps for it."""

    lang: str
    slug: str
    story: str
    title: str
    summary: str
    body_html: str
    body_text: str
    words: int
    published: datetime
    updated: datetime | None
    authors: tuple[str, ...]
    section: str | None
    image_src: str | None
    image_alt: str | None
    image_caption: str | None
    image_credit: str | None
    image_width: int | None
    image_height: int | None


@dataclass(frozen=True)
class Article(ArticleFields):
    """An article read from the store."""

    id: int


@dataclass(frozen=True)
class ArticleRecord(ArticleFields):
    """An article as the import writes it: the fields, plus the file it came from."""

    source: str


_COLUMNS = (
    "id, lang, slug, story, title, summary, body_html, body_text, words, published, updated,"
    " authors, section, image_src, image_alt, image_caption, image_credit, image_width,"
    " image_height"
)
# Lists need neither body: leave them out of the row.
_LIST_COLUMNS = _COLUMNS.replace("body_html, body_text", "'' AS body_html, '' AS body_text")


def _show_column(lang: str) -> str:
    """The column that says whether an article stands for its story in `lang`'s lists."""
    if lang not in CODES:
        raise ValueError(f"not an interface language: {lang!r}")
    return f"show_{lang}"


def _article(row: sqlite3.Row) -> Article:
    d = dict(row)
    d["published"] = datetime.fromisoformat(d["published"])
    d["updated"] = datetime.fromisoformat(d["updated"]) if d["updated"] else None
    d["authors"] = tuple(json.loads(d["authors"]))
    return Article(**{k: d[k] for k in Article.__dataclass_fields__})


def _utc(dt: datetime | None) -> str | None:
    return dt.astimezone(UTC).isoformat() if dt else None


def connect(path: str, readonly: bool = False, existing: bool = False) -> sqlite3.Connection:
    """Open the database; read-only (a published file, many servers) when asked or not writable.
    `existing`: never create the file (sqlite3.OperationalError when it is missing)."""
    if readonly or existing:
        mode = "ro" if readonly else "rw"
        uri = "file:" + os.path.abspath(path).replace("?", "%3f").replace("#", "%23") + f"?mode={mode}"
        conn = sqlite3.connect(uri, uri=True, check_same_thread=False)
    else:
        conn = sqlite3.connect(path, check_same_thread=False)
    # Autocommit: writers open their transactions explicitly (see `transaction`).
    conn.isolation_level = None
    conn.row_factory = sqlite3.Row
    # An import holds the write lock briefly at commit; readers wait rather than fail.
    conn.execute("PRAGMA busy_timeout = 5000")
    return conn


# The database's page size (bytes), set when the file is made: a prepared page (12 KB on average:
# its brotli body and its parts) fits in one page, read in one piece (with 4 KB pages it is a chain
# of four, read one after the other).
PAGE_SIZE = 16384


def create_schema(conn: sqlite3.Connection) -> None:
    conn.execute(f"PRAGMA page_size = {PAGE_SIZE}")  # before the first table, or it has no effect
    conn.executescript(SCHEMA)
    _declare_default_sections(conn)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


def _declare_default_sections(conn: sqlite3.Connection) -> None:
    """A database without declared sections starts with the demo's (its publisher replaces them)."""
    if not conn.execute("SELECT 1 FROM sections").fetchone():
        _write_sections(conn, defaults())


def verify(conn: sqlite3.Connection, path: str) -> None:
    """Fail now, with the file and the reason, if this is not a reader database."""
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    except sqlite3.DatabaseError as e:
        raise StoreError(f"{path}: not a readable SQLite database ({e}); restore it from a copy or "
                         "import the articles into a new file") from e
    if not {"articles", "search", "media", "meta"} <= tables or version != SCHEMA_VERSION:
        raise StoreError(f"{path}: not a reader database (schema version {version}); point "
                         "READER_DATABASE at the reader's file")


def upgrade(conn: sqlite3.Connection, path: str, readonly: bool) -> None:
    """Bring a database made by an earlier version of the reader up to this one."""
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if not 1 <= version < SCHEMA_VERSION:
        return
    if readonly:
        raise StoreError(f"{path}: made by an earlier reader (schema version {version}); open it writable "
                         "once (e.g. import into it) to rebuild its search index and add new tables")
    with transaction(conn):
        if version < 2:
            reindex(conn)
        if version < 6:  # prepared pages are made again: by readers' first reads, or `pages prepare`
            conn.execute("DROP TABLE IF EXISTS pages")
            conn.execute("DROP TABLE IF EXISTS page_topics")
        for statement in _statements(SCHEMA):  # the tables added since (all IF NOT EXISTS)
            conn.execute(statement)
        _declare_default_sections(conn)
        refresh_sections(conn)
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


def _statements(script: str) -> Iterator[str]:
    """The SQL statements of a script, one at a time (executescript would end the transaction)."""
    pending = ""
    for line in script.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            yield pending
            pending = ""


def reindex(conn: sqlite3.Connection) -> None:
    """Rebuild the search index from the articles (inside a transaction)."""
    conn.execute("INSERT INTO search (search) VALUES ('delete-all')")
    for row in conn.execute("SELECT id, title, summary, body_text FROM articles").fetchall():
        conn.execute("INSERT INTO search (rowid, title, summary, body) VALUES (?, ?, ?, ?)",
                     (row[0], *(index_text(t) for t in row[1:])))


def open_or_create(path: str, readonly: bool = False) -> sqlite3.Connection:
    """Open a reader database, creating its schema in a new or empty file; raise StoreError if
    the file is not a reader database."""
    if readonly and not os.path.exists(path):
        raise StoreError(f"{path}: database file not found; it cannot be created read-only")
    if not readonly and path != ":memory:":
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    conn = connect(path, readonly=readonly)
    try:
        try:
            fresh = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0
        except sqlite3.DatabaseError as e:
            raise StoreError(f"{path}: not a readable SQLite database ({e}); restore it from a copy "
                             "or import the articles into a new file") from e
        if fresh and not readonly:
            create_schema(conn)
        upgrade(conn, path, readonly)
        verify(conn, path)
    except BaseException:
        conn.close()
        raise
    return conn


def missing(path: str) -> StoreError:
    return StoreError(f"{path}: database file not found; create it with "
                      "`flask --app app articles import PATH` or set READER_LOAD_DEMO=true")


def is_empty(conn: sqlite3.Connection) -> bool:
    return bool(conn.execute("SELECT NOT EXISTS (SELECT 1 FROM articles)").fetchone()[0])


def init_app(app: Flask, path: str, read_only: bool, create: bool) -> sqlite3.Connection | None:
    """Check the configured database before serving anything. A missing file is created when
    `create` (the demo is about to fill it), else reported by every request (and refused by
    `make serve` before it starts). Returns an open connection when the file is writable."""
    exists = path == ":memory:" or os.path.exists(path)
    if not exists and read_only:
        raise StoreError(f"{path}: database file not found; a read-only database must exist "
                         "(import articles into it first, or unset READER_READ_ONLY)")
    readonly = exists and (read_only or not os.access(path, os.W_OK))
    app.extensions["reader.database"] = (path, readonly, exists or create)
    app.teardown_appcontext(close_db)
    if not exists and not create:
        return None
    conn = open_or_create(path, readonly)
    if readonly:
        conn.close()
        return None
    return conn


def get_db() -> sqlite3.Connection:
    if "db" not in g:
        path, readonly, present = current_app.extensions["reader.database"]
        if not present and not os.path.exists(path):
            raise missing(path)
        g.db = connect(path, readonly)
    db: sqlite3.Connection = g.db
    return db


def close_db(_exc: BaseException | None = None) -> None:
    db = g.pop("db", None)
    if db is not None:
        db.close()


# --- reading -------------------------------------------------------------------------------


def latest(
    conn: sqlite3.Connection, lang: str, limit: int, offset: int = 0, section: str | None = None,
    with_body: bool = False,
) -> tuple[list[Article], int]:
    """One article per story, newest first, as the `lang` interface lists them; and their count.
    Lists leave the bodies out unless asked (a feed carries them)."""
    flag = _show_column(lang)
    where = f"{flag} = 1" + (" AND section = ?" if section else "")
    args: tuple[Any, ...] = (section,) if section else ()
    columns = _COLUMNS if with_body else _LIST_COLUMNS
    with snapshot(conn):
        counted = conn.execute("SELECT value FROM meta WHERE key = 'counts'").fetchone()
        if counted is not None:
            total = json.loads(counted[0]).get(lang, {}).get(section or "", 0)
        else:
            total = conn.execute(f"SELECT count(*) FROM articles WHERE {where}", args).fetchone()[0]
        rows = conn.execute(
            f"SELECT {columns} FROM articles WHERE {where}"
            " ORDER BY published DESC, id DESC LIMIT ? OFFSET ?",
            (*args, limit, offset),
        ).fetchall()
    return [_article(r) for r in rows], total


def find_article(conn: sqlite3.Connection, lang: str, slug: str) -> Article | None:
    """The article at /<lang>/articles/<slug>: the one in `lang` if it exists, else the other."""
    row = conn.execute(
        f"SELECT {_COLUMNS} FROM articles WHERE slug = ? ORDER BY lang = ? DESC LIMIT 1",
        (slug, lang),
    ).fetchone()
    return _article(row) if row else None


def versions(conn: sqlite3.Connection, story: str) -> dict[str, Article]:
    rows = conn.execute(f"SELECT {_LIST_COLUMNS} FROM articles WHERE story = ?", (story,))
    return {r["lang"]: _article(r) for r in rows}


@dataclass(frozen=True)
class Page:
    """An article's address and date, and the slugs of its story's versions, for the sitemap."""

    lang: str
    slug: str
    modified: datetime
    versions: dict[str, str]  # lang -> slug


def article_pages(conn: sqlite3.Connection, limit: int, offset: int = 0) -> tuple[list[Page], int]:
    """Every article in a stable order (a sitemap's pages), with its story's versions."""
    with snapshot(conn):
        total = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        rows = conn.execute(
            "SELECT a.lang, a.slug, coalesce(a.updated, a.published), o.lang, o.slug FROM articles a"
            " LEFT JOIN articles o ON o.story = a.story AND o.id != a.id"
            " ORDER BY a.id LIMIT ? OFFSET ?", (limit, offset)).fetchall()
    pages: dict[tuple[str, str], Page] = {}
    for lang, slug, modified, other_lang, other_slug in rows:
        page = pages.setdefault((lang, slug), Page(lang, slug, datetime.fromisoformat(modified), {lang: slug}))
        if other_lang:
            page.versions[other_lang] = other_slug
    return list(pages.values()), int(total)


def slug_taken(conn: sqlite3.Connection, lang: str, slug: str) -> bool:
    return bool(conn.execute(
        "SELECT EXISTS (SELECT 1 FROM articles WHERE lang = ? AND slug = ?)", (lang, slug)
    ).fetchone()[0])


def _sections_in_use(conn: sqlite3.Connection) -> list[str]:
    return [r[0] for r in conn.execute(
        "SELECT slug FROM sections s WHERE EXISTS (SELECT 1 FROM articles a WHERE a.section = s.slug)"
        " ORDER BY position"
    )]


def sections(conn: sqlite3.Connection) -> list[str]:
    """The declared sections that have stories, in menu order. Every page shows them, so they are
    kept in meta by each write rather than found again among all the articles."""
    row = conn.execute("SELECT value FROM meta WHERE key = 'sections'").fetchone()
    return json.loads(row[0]) if row else _sections_in_use(conn)


def declared_sections(conn: sqlite3.Connection) -> list[Section]:
    """Every declared section, in menu order, with its names."""
    return [Section(slug, json.loads(names)) for slug, names in
            conn.execute("SELECT slug, names FROM sections ORDER BY position")]


def section_usage(conn: sqlite3.Connection) -> dict[str, int]:
    """How many stored articles each section has."""
    return dict(conn.execute(
        "SELECT section, count(*) FROM articles WHERE section IS NOT NULL GROUP BY section").fetchall())


def _write_sections(conn: sqlite3.Connection, declared: Iterable[Section]) -> None:
    conn.execute("DELETE FROM sections")
    conn.executemany("INSERT INTO sections (slug, position, names) VALUES (?, ?, ?)",
                     [(s.slug, n, json.dumps(s.names, ensure_ascii=False)) for n, s in enumerate(declared)])


def put_sections(conn: sqlite3.Connection, declared: list[Section]) -> None:
    """Declare these sections, in this order, instead of the current ones: all or nothing; refused
    (SectionsRefused) if a section that stored articles use would disappear."""
    with transaction(conn):
        used = section_usage(conn)
        kept = {s.slug for s in declared}
        gone = [f"the section {slug!r} is used by {n} stored article(s): keep it in the file"
                for slug, n in sorted(used.items()) if slug not in kept]
        if gone:
            raise SectionsRefused(gone)
        _write_sections(conn, declared)
        refresh_sections(conn)


# How much of a result's body search reads to find a snippet around the reader's words.
SNIPPET_SOURCE_CHARS = 20_000
# Above this many matches, results are not ranked (ranking reads every match) but listed newest
# first, and the count is given as "more than".
RANK_LIMIT = 1000


def search(
    conn: sqlite3.Connection, terms: list[str], limit: int, offset: int = 0
) -> tuple[list[Article], int, bool]:
    """Articles in either language matching every term (as a prefix); the count of matches; and
    whether that count was capped at RANK_LIMIT. Best first, or newest first when capped."""
    if not terms:
        return [], 0, False
    match = fts_query(terms)
    # Results show a snippet from the start of the body: read only that much of it, so a search's
    # cost does not grow with the size of the articles it finds.
    columns = ", ".join(
        f"substr(a.body_text, 1, {SNIPPET_SOURCE_CHARS}) AS body_text" if c.strip() == "body_text"
        else "'' AS body_html" if c.strip() == "body_html" else "a." + c.strip()
        for c in _COLUMNS.split(",")
    )
    with snapshot(conn):
        total = conn.execute(
            "SELECT count(*) FROM (SELECT rowid FROM search WHERE search MATCH ? LIMIT ?)",
            (match, RANK_LIMIT + 1),
        ).fetchone()[0]
        capped = total > RANK_LIMIT
        # Articles are imported as they are published, so a higher rowid is a newer article.
        order = "search.rowid DESC" if capped else "bm25(search, 8.0, 4.0, 1.0), a.published DESC"
        rows = conn.execute(
            f"SELECT {columns} FROM search JOIN articles a ON a.id = search.rowid"
            f" WHERE search MATCH ? ORDER BY {order} LIMIT ? OFFSET ?",
            (match, limit, offset),
        ).fetchall()
    return [_article(r) for r in rows], min(total, RANK_LIMIT), capped


def media(conn: sqlite3.Connection, name: str) -> tuple[str, bytes] | None:
    row = conn.execute("SELECT type, data FROM media WHERE name = ?", (name,)).fetchone()
    return (row[0], row[1]) if row else None


@dataclass(frozen=True)
class Audio:
    media: str  # the name under /media/
    seconds: float
    bytes: int
    source_hash: str


def audio(conn: sqlite3.Connection, article_id: int) -> Audio | None:
    row = conn.execute("SELECT media, seconds, bytes, source_hash FROM audio WHERE article = ?",
                       (article_id,)).fetchone()
    return Audio(*row) if row else None


def put_audio(conn: sqlite3.Connection, article_id: int, name: str, data: bytes, seconds: float,
              source_hash: str) -> None:
    """Store an article's recording, replacing its earlier one (whose file goes too)."""
    with transaction(conn):
        old = audio(conn, article_id)
        put_media(conn, name, "audio/mpeg", data)
        conn.execute(
            "INSERT INTO audio (article, media, seconds, bytes, source_hash) VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT (article) DO UPDATE SET media = excluded.media, seconds = excluded.seconds,"
            " bytes = excluded.bytes, source_hash = excluded.source_hash",
            (article_id, name, seconds, len(data), source_hash))
        if old is not None and old.media != name and not conn.execute(
                "SELECT 1 FROM audio WHERE media = ?", (old.media,)).fetchone():
            conn.execute("DELETE FROM media WHERE name = ?", (old.media,))



def forget_audio(conn: sqlite3.Connection, article_id: int) -> None:
    found = audio(conn, article_id)
    if found is None:
        return
    conn.execute("DELETE FROM audio WHERE article = ?", (article_id,))
    if not conn.execute("SELECT 1 FROM audio WHERE media = ?", (found.media,)).fetchone():
        conn.execute("DELETE FROM media WHERE name = ?", (found.media,))


def all_articles(conn: sqlite3.Connection) -> list[Article]:
    """Every article with its body, oldest first (for tools that go through all of them)."""
    return [_article(r) for r in conn.execute(f"SELECT {_COLUMNS} FROM articles ORDER BY id")]


def count(conn: sqlite3.Connection) -> int:
    return int(conn.execute("SELECT count(*) FROM articles").fetchone()[0])


# --- writing -------------------------------------------------------------------------------


@contextmanager
def snapshot(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """Several reads that see one state of the database, even while an import commits."""
    if conn.in_transaction:
        yield conn
        return
    conn.execute("BEGIN")
    try:
        yield conn
    finally:
        conn.execute("COMMIT")


@contextmanager
def transaction(conn: sqlite3.Connection, content: bool = True) -> Iterator[sqlite3.Connection]:
    """All or nothing: readers see the database before or after, never in between. A change to
    the content (not only to prepared pages) counts one more edition, which tells every worker's
    page cache to let go of the pages it holds in memory."""
    # Keep the whole change in memory until COMMIT, so readers are not locked out while it is
    # written (a spill to the file would need the exclusive lock early).
    conn.execute("PRAGMA cache_size = -1048576")
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
        if content:
            conn.execute("UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'edition'")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
    global _writes
    _writes += 1


_writes = 0


def writes() -> int:
    """How many transactions this process has committed (its page caches look at the file again
    after one, at once, rather than at their next look)."""
    return _writes


def lookup_story_lang(conn: sqlite3.Connection, story: str, lang: str) -> str | None:
    row = conn.execute(
        "SELECT slug FROM articles WHERE story = ? AND lang = ?", (story, lang)
    ).fetchone()
    return row[0] if row else None


def stories_of_slug(conn: sqlite3.Connection, slug: str) -> dict[str, str]:
    """{lang: story} of the stored articles with this slug."""
    return {r[0]: r[1] for r in conn.execute(
        "SELECT lang, story FROM articles WHERE slug = ?", (slug,)
    )}


def release_stories(conn: sqlite3.Connection, keys: list[tuple[str, str]]) -> set[str]:
    """Before re-importing these (lang, slug) articles, detach them from their stories, so that
    a story's version can move from one file to another in one run whatever the file order.
    Returns the stories they belonged to (their lists need refreshing too)."""
    found: set[str] = set()
    for lang, slug in keys:
        row = conn.execute(
            "SELECT id, story FROM articles WHERE lang = ? AND slug = ?", (lang, slug)
        ).fetchone()
        if row:
            found.add(row["story"])
            conn.execute("UPDATE articles SET story = '~' || id WHERE id = ?", (row["id"],))
    return found


def put_media(conn: sqlite3.Connection, name: str, type_: str, data: bytes) -> None:
    conn.execute("INSERT OR IGNORE INTO media (name, type, data) VALUES (?, ?, ?)",
                 (name, type_, data))


def search_texts(a: ArticleFields) -> tuple[str, str, str]:
    """What the search index holds for an article: title, summary and body, folded and stemmed."""
    return index_text(a.title), index_text(a.summary), index_text(a.body_text)


def upsert(conn: sqlite3.Connection, a: ArticleRecord, indexed: tuple[str, str, str] | None = None) -> None:
    """Insert an article or update the one with the same (lang, slug) in place, and its index
    (`indexed`: its search_texts, when already made)."""
    values: dict[str, object] = {name: getattr(a, name) for name in ArticleRecord.__dataclass_fields__}
    values.update(
        published=_utc(a.published),
        updated=_utc(a.updated),
        authors=json.dumps(list(a.authors), ensure_ascii=False),
    )
    cols = [c.strip() for c in _COLUMNS.split(",") if c.strip() != "id"] + ["source"]
    row = conn.execute(
        "SELECT id, title, summary, body_text, body_html, authors, image_caption FROM articles"
        " WHERE lang = ? AND slug = ?",
        (a.lang, a.slug),
    ).fetchone()
    params = [values[c] for c in cols]
    if row:
        article_id = row[0]
        if tuple(row[1:]) != (a.title, a.summary, a.body_text, a.body_html, values["authors"], a.image_caption):
            # What the audio edition reads has changed: it is no longer this article's.
            forget_audio(conn, article_id)
        # A contentless index forgets a document when given the exact texts it indexed.
        conn.execute(
            "INSERT INTO search (search, rowid, title, summary, body) VALUES ('delete', ?, ?, ?, ?)",
            (article_id, *(index_text(t) for t in row[1:4])),
        )
        conn.execute(
            f"UPDATE articles SET {', '.join(c + ' = ?' for c in cols)} WHERE id = ?",
            (*params, article_id),
        )
    else:
        cur = conn.execute(
            f"INSERT INTO articles ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
            params,
        )
        article_id = cur.lastrowid
        # What the articles table's triggers do for a change (see SCHEMA).
        lists = ["list:home", *([f"list:section:{a.section}"] if a.section else [])]
        forget_pages(conn, [f"story:{a.story}", *lists])
    conn.execute(
        "INSERT INTO search (rowid, title, summary, body) VALUES (?, ?, ?, ?)",
        (article_id, *(indexed or search_texts(a))),
    )


def refresh_listing(conn: sqlite3.Connection, stories: Iterable[str]) -> None:
    """Recompute which version stands for each of these stories in each interface's lists."""
    for story in set(stories):
        langs = {r[0] for r in conn.execute("SELECT lang FROM articles WHERE story = ?", (story,))}
        for lang in CODES:
            flag = _show_column(lang)
            if lang in langs:
                conn.execute(f"UPDATE articles SET {flag} = (lang = ?) WHERE story = ?",
                             (lang, story))
            else:
                conn.execute(f"UPDATE articles SET {flag} = 1 WHERE story = ?", (story,))


def refresh_sections(conn: sqlite3.Connection) -> None:
    """After a write: record the sections in use (see `sections`), and how many stories each
    interface lists in all and per section (every list page shows the count; counting a list of
    100,000 stories on every page would cost more than the page)."""
    conn.execute(
        "INSERT INTO meta (key, value) VALUES ('sections', ?)"
        " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (json.dumps(_sections_in_use(conn)),),
    )
    counts: dict[str, dict[str, int]] = {}
    used = [r[0] for r in conn.execute("SELECT DISTINCT section FROM articles WHERE section IS NOT NULL")]
    for code in CODES:
        flag = _show_column(code)
        # Each count read from an index in the lists' order (a GROUP BY would read every row).
        counts[code] = {"": conn.execute(f"SELECT count(*) FROM articles WHERE {flag} = 1").fetchone()[0]}
        for section in used:
            counts[code][section] = conn.execute(
                f"SELECT count(*) FROM articles WHERE section = ? AND {flag} = 1", (section,)).fetchone()[0]
    conn.execute(
        "INSERT INTO meta (key, value) VALUES ('counts', ?)"
        " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (json.dumps(counts, sort_keys=True),),
    )


# --- prepared pages (reader.prepared) ------------------------------------------------------


def edition(conn: sqlite3.Connection) -> int:
    """How many changes to what readers see the database has had (its triggers count them)."""
    row = conn.execute("SELECT value FROM meta WHERE key = 'edition'").fetchone()
    return int(row[0]) if row else 0


class PreparedRow(NamedTuple):
    """A prepared page as the database keeps it (a tuple: made on every read of one)."""

    address: str
    expires: float | None
    headers: str
    etag: str
    br: bytes
    parts: bytes
    topics: tuple[str, ...]


def page_number(address: str) -> int:
    """Where the prepared page of this address is kept: 63 bits of its hash. Two addresses with
    one number (about one chance in 18 million among a million pages) cannot both be kept: the page
    kept is the one written last, and the other is rendered (never sent in its place)."""
    return int.from_bytes(hashlib.blake2b(address.encode(), digest_size=8).digest()) >> 1


_READ_BR, _READ_PARTS = (f"SELECT address, expires, headers, etag, {body} FROM pages WHERE id = ? AND build = ?"
                         for body in ("br", "parts"))


def prepared_page(conn: sqlite3.Connection, address: str, build: str, brotli: bool) -> PreparedRow | None:
    """The page prepared for this address by this build, if there is one: with its brotli body
    (`brotli`) or its parts, whichever the response is made of (a page is read whole for each)."""
    row = conn.execute(_READ_BR if brotli else _READ_PARTS, (page_number(address), build)).fetchone()
    if row is None or row[0] != address:
        return None
    body: bytes = row[4]
    return PreparedRow(address, row[1], row[2], row[3], body if brotli else b"", b"" if brotli else body, ())


def put_prepared(conn: sqlite3.Connection, build: str, pages: Iterable[PreparedRow],
                 seen_edition: int | None = None) -> int:
    """Keep these pages (one transaction); with `seen_edition`, only if nothing changed since the
    pages were rendered at that edition. Returns how many were kept."""
    with transaction(conn, content=False):
        if seen_edition is not None and edition(conn) != seen_edition:
            return 0
        kept = 0
        for page in pages:
            number = page_number(page.address)
            conn.execute("DELETE FROM pages WHERE id = ? OR address = ?", (number, page.address))
            conn.execute("INSERT INTO pages (id, address, build, expires, headers, etag, br, parts)"
                         " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                         (number, page.address, build, page.expires, page.headers, page.etag, page.br,
                          page.parts))
            conn.executemany("INSERT OR IGNORE INTO page_topics (topic, address) VALUES (?, ?)",
                             [(topic, page.address) for topic in page.topics])
            kept += 1
        return kept


def forget_pages(conn: sqlite3.Connection, topics: list[str]) -> None:
    """Forget the prepared pages that show any of these topics."""
    conn.execute("DELETE FROM pages WHERE address IN (SELECT address FROM page_topics WHERE topic IN"
                 f" ({', '.join('?' * len(topics))}))", topics)


def prepared_addresses(conn: sqlite3.Connection, build: str) -> set[str]:
    """The addresses with a page prepared by this build."""
    return {r[0] for r in conn.execute("SELECT address FROM pages WHERE build = ?", (build,))}


def prepared_counts(conn: sqlite3.Connection, build: str) -> tuple[int, int, int]:
    """(pages of this build, pages of other builds, bytes they hold)."""
    row = conn.execute("SELECT count(*) FILTER (WHERE build = ?), count(*) FILTER (WHERE build != ?),"
                       " coalesce(sum(length(br) + length(parts) + length(headers)), 0) FROM pages",
                       (build, build)).fetchone()
    return int(row[0]), int(row[1]), int(row[2])


def forget_prepared(conn: sqlite3.Connection, other_than: str | None = None) -> int:
    """Delete every prepared page, or those of builds other than `other_than`; how many."""
    with transaction(conn, content=False):
        if other_than is None:
            return conn.execute("DELETE FROM pages").rowcount
        return conn.execute("DELETE FROM pages WHERE build != ?", (other_than,)).rowcount


def page_addresses(conn: sqlite3.Connection, page_size: int) -> list[str]:
    """Every address the prepared pages cover: each article in each interface, each page of each
    interface's home list and of its sections' lists."""
    out: list[str] = []
    with snapshot(conn):
        slugs = [r[0] for r in conn.execute("SELECT slug FROM articles ORDER BY published DESC, id DESC")]
        for code in CODES:
            flag = _show_column(code)
            home = conn.execute(f"SELECT count(*) FROM articles WHERE {flag} = 1").fetchone()[0]
            lists = [(f"/{code}/", home)]
            lists += [(f"/{code}/sections/{section}", n) for section, n in conn.execute(
                f"SELECT section, count(*) FROM articles WHERE {flag} = 1 AND section IS NOT NULL"
                " GROUP BY section ORDER BY section")]
            for path, n in lists:
                out += [path] + [f"{path}?page={p}" for p in range(2, -(-n // page_size) + 1)]
        out += [f"/{code}/articles/{slug}" for slug in dict.fromkeys(slugs) for code in CODES]
    return out
