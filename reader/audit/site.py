"""The site the audit visits: by default a temporary local one, this app's code served by werkzeug
on a free loopback port in a thread, on a copy of the configured database (the demo articles when
that is missing or empty), so the audit never writes to the real file; or, with --base-url, a
running site elsewhere."""

from __future__ import annotations

import os
import sqlite3
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from flask import Flask
from werkzeug.serving import WSGIRequestHandler, make_server

from .. import create_app, settings, store


class _QuietHandler(WSGIRequestHandler):
    """No request log: the audit's own progress is what the terminal shows."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass


@dataclass(frozen=True)
class LocalSite:
    base_url: str
    app: Flask
    source: str  # what the database holds: "copy" of the configured file, or "demo"


def copy_database(source: str, target: Path) -> bool:
    """Copy the configured database to `target` with SQLite's backup (consistent even while an
    import writes); False when there is nothing to copy (missing or no articles)."""
    if source == ":memory:" or not os.path.exists(source):
        return False
    conn = store.open_or_create(source, readonly=True)  # StoreError: not a reader database
    try:
        if store.is_empty(conn):
            return False
        copy = sqlite3.connect(target)
        try:
            conn.backup(copy)
        finally:
            copy.close()
    finally:
        conn.close()
    return True


def site_config(app: Flask, database: Path) -> dict[str, object]:
    """The app's own settings, on the copy, answering on the loopback address (no trusted-host
    list, no proxies, no public site URL: those name the real site)."""
    keys = settings.defaults(app.instance_path).keys()
    config: dict[str, object] = {key: app.config[key] for key in keys if key in app.config}
    config.update(DATABASE=str(database), LOAD_DEMO=True, READ_ONLY=False, TRUSTED_HOSTS="", PROXY_COUNT=0,
                  SITE_URL="", TESTING=False)
    return config


@contextmanager
def serving(app: Flask) -> Iterator[str]:
    """`app` served by werkzeug on a free loopback port in a thread; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, name="reader-local-site", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join()
        server.server_close()


@contextmanager
def local_site(app: Flask) -> Iterator[LocalSite]:
    with tempfile.TemporaryDirectory(prefix="reader-audit-") as folder:
        database = Path(folder) / "reader.sqlite3"
        copied = copy_database(settings.get().database, database)
        site_app = create_app(site_config(app, database))
        with serving(site_app) as base_url:
            yield LocalSite(base_url, site_app, "copy" if copied else "demo")
