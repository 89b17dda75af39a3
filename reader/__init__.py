"""reader: an accessible, bilingual (Armenian / English) article reader."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask

ROOT = Path(__file__).resolve().parent.parent
DEMO_DIR = Path(__file__).resolve().parent / "demo"


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the application: defaults, then READER_* variables, then the test config."""
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
        # Static files are served by reader.assets under fingerprinted URLs.
        static_folder=None,
    )
    app.config.from_mapping(
        DATABASE=os.path.join(app.instance_path, "reader.sqlite3"),
        # Fill an empty database with the demo articles on first start.
        LOAD_DEMO=True,
        # Open the database read-only (a published file shared by many servers). A file this
        # process cannot write is opened read-only anyway.
        READ_ONLY=False,
        TIMEZONE="Asia/Yerevan",
        PAGE_SIZE=10,
        SEARCH_PAGE_SIZE=10,
        # Seconds a shared cache (CDN, proxy) may keep an anonymous page.
        CACHE_MAX_AGE=60,
        # Keep rendered pages in memory (per worker) for CACHE_MAX_AGE seconds or until an import.
        PAGE_CACHE=True,
        PAGE_CACHE_MB=16,
        # How many proxies in front set X-Forwarded-Proto/-Host (0: none, trust nothing).
        PROXY_COUNT=0,
        # Extra hosts lead images may come from (CSP img-src); empty: only this site.
        IMAGE_HOSTS="",
        # Host names this site answers to (comma-separated); others get 400. Set in production:
        # absolute URLs in pages (canonical, alternates, share links) come from the Host header.
        TRUSTED_HOSTS="",
        BABEL_DEFAULT_LOCALE="hy",
        BABEL_TRANSLATION_DIRECTORIES=str(ROOT / "translations"),
    )
    app.config.from_prefixed_env("READER")
    if test_config is not None:
        app.config.from_mapping(test_config)
    app.config["BABEL_DEFAULT_TIMEZONE"] = app.config["TIMEZONE"]
    hosts = app.config["TRUSTED_HOSTS"]
    if isinstance(hosts, str):
        app.config["TRUSTED_HOSTS"] = [h.strip() for h in hosts.split(",") if h.strip()] or None

    from . import assets, caching, cli, errors, i18n, media, prefs, security, store, views

    if app.config["PROXY_COUNT"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        n = int(app.config["PROXY_COUNT"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)  # type: ignore[method-assign]

    if app.config["PAGE_CACHE"]:
        from .pagecache import PageCache

        app.wsgi_app = PageCache(  # type: ignore[method-assign]
            app.wsgi_app, app.config["DATABASE"], float(app.config["CACHE_MAX_AGE"]),
            int(float(app.config["PAGE_CACHE_MB"]) * 1024 * 1024),
        )
    store.init_app(app)
    i18n.init_app(app)
    assets.init_app(app)
    prefs.init_app(app)
    security.init_app(app)
    caching.init_app(app)
    errors.init_app(app)
    cli.init_app(app)
    app.register_blueprint(media.bp)
    app.register_blueprint(views.bp)
    return app
