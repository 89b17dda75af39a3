"""reader: an accessible, bilingual (Armenian / English) article reader."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask

PACKAGE = Path(__file__).resolve().parent
DEMO_DIR = PACKAGE / "demo"


def resource(name: str) -> Path:
    """A top-level folder of the project (templates, static, translations): inside the package
    when installed from a wheel, beside it in a checkout (and an editable install)."""
    packaged = PACKAGE / name
    return packaged if packaged.is_dir() else PACKAGE.parent / name


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the application: defaults, then READER_* variables, then the test config."""
    from . import (
        assets,
        caching,
        cli,
        errors,
        feeds,
        i18n,
        media,
        origin,
        prefs,
        prepared,
        security,
        settings,
        store,
        views,
    )
    from .importer import import_paths
    from .pagecache import PageCache
    from .sanitize import trusted

    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=str(resource("templates")),
        # Static files are served by reader.assets under fingerprinted URLs.
        static_folder=None,
    )
    app.config.from_mapping(
        settings.defaults(app.instance_path),
        BABEL_DEFAULT_LOCALE="hy",
        BABEL_TRANSLATION_DIRECTORIES=str(resource("translations")),
    )
    app.config.from_prefixed_env("READER")
    if test_config is not None:
        app.config.from_mapping(test_config)
    config = settings.init_app(app)

    # Outermost first: the trusted origin, then the page cache, then Flask.
    if config.page_cache:
        cache = PageCache(app.wsgi_app, config.database, float(config.cache_max_age),
                          config.page_cache_bytes, views.QUERY_PARAMS, host_matters=config.site_url is None,
                          build=lambda: prepared.build_key(app, config))
        app.extensions["reader.page_cache"] = cache
        app.wsgi_app = cache  # type: ignore[method-assign]
    app.wsgi_app = origin.TrustedOrigin(app.wsgi_app, config)  # type: ignore[method-assign]

    conn = store.init_app(app, config.database, config.read_only, create=config.load_demo)
    if config.page_cache:
        # Pages are prepared into the database only when the server may write it.
        cache.writable = not app.extensions["reader.database"][1]
    if conn is not None:
        try:
            if config.load_demo and store.is_empty(conn):
                # First start: the demo articles, so a new reader has something to read.
                import_paths(conn, [DEMO_DIR])
        finally:
            conn.close()
    i18n.init_app(app)
    assets.init_app(app)
    prefs.init_app(app)
    security.init_app(app, config.image_hosts)
    caching.init_app(app)
    errors.init_app(app)
    cli.init_app(app)
    app.jinja_env.filters["article_html"] = trusted
    app.jinja_env.globals["absolute"] = origin.absolute
    app.register_blueprint(media.bp)
    app.register_blueprint(views.bp)
    app.register_blueprint(feeds.bp)
    return app
