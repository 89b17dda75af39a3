"""Command-line tools: `flask --app app articles ...` and `flask --app app translate ...`."""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import subprocess
import sys
import time
from collections.abc import Iterable
from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup, with_appcontext

from . import PACKAGE, store
from .importer import ImportRefused, check_paths, content_warnings, import_paths
from .languages import CATALOGS, CODES
from .pagecache import PageCache
from .progress import Progress
from .settings import defaults, get

# The catalogs are edited in a checkout of the project (the folder above the package).
CHECKOUT = PACKAGE.parent
CATALOG_DIR = CHECKOUT / "translations"
POT = CATALOG_DIR / "messages.pot"


articles_cli = AppGroup("articles", help="Import and check article files.")


_STRICT_HELP = "Refuse the files for the content checks' warnings too, not only their errors."


def _warn(warnings: list[tuple[str, str]]) -> str:
    """Print the content checks' warnings; the count, for the closing line."""
    for path, reason in warnings:
        click.echo(f"{path}: warning {reason}", err=True)
    return f", {len(warnings)} warning(s)" if warnings else ""


def _refuse(e: ImportRefused, verb: str) -> None:
    for path, reason in e.problems:
        click.echo(f"{path}: {reason}", err=True)
    _warn(e.warnings)
    click.echo(f"{verb} refused: {len(e.problems)} problem(s); the database was not changed.",
               err=True)
    sys.exit(1)


@articles_cli.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--strict", is_flag=True, help=_STRICT_HELP)
@click.option("--with-audio", is_flag=True, help="Then make the audio edition of the imported articles.")
def import_command(paths: tuple[Path, ...], strict: bool, with_audio: bool) -> None:
    """Import article files or folders of them, all or nothing."""
    settings = get()
    try:
        conn = store.open_or_create(settings.database)
    except store.StoreError as e:
        raise click.ClickException(str(e)) from e
    started = time.perf_counter()
    try:
        with Progress("reading") as progress:
            done = import_paths(conn, paths, settings.image_hosts, strict, progress)
    except ImportRefused as e:
        _refuse(e, "import")
    finally:
        conn.close()
    seconds = time.perf_counter() - started
    warned = _warn(content_warnings(done))
    click.echo(f"imported {len(done)} article(s) in {seconds:.2f} s{warned}")
    if with_audio:
        _record([(p.article.lang, p.article.slug) for p in done])


@articles_cli.command("check")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--strict", is_flag=True, help=_STRICT_HELP)
def check_command(paths: tuple[Path, ...], strict: bool) -> None:
    """Check article files as import would, without writing anything."""
    settings = get()
    # Checking needs no database; with one, the files are also checked against what it holds.
    try:
        exists = os.path.exists(settings.database)
        conn = store.open_or_create(settings.database, readonly=True) if exists else None
    except store.StoreError as e:
        raise click.ClickException(str(e)) from e
    try:
        done = check_paths(conn, paths, settings.image_hosts, strict)
    except ImportRefused as e:
        _refuse(e, "check")
    finally:
        if conn is not None:
            conn.close()
    click.echo(f"{len(done)} article(s) OK{_warn(content_warnings(done))}")


@articles_cli.command("import-feed")
@click.argument("sources", nargs=-1, required=True)
@click.option("--lang", type=click.Choice(CODES), help="The feed's language, when it does not say.")
@click.option("--section", help="The section of entries whose categories name no declared section.")
@click.option("--strict", is_flag=True, help=_STRICT_HELP)
def import_feed_command(sources: tuple[str, ...], lang: str | None, section: str | None, strict: bool) -> None:
    """Import the entries of RSS or Atom feeds (files or http(s) URLs), all or nothing; importing
    a feed again updates its articles."""
    from .feedimport import import_feeds

    settings = get()
    try:
        conn = store.open_or_create(settings.database)
    except store.StoreError as e:
        raise click.ClickException(str(e)) from e
    started = time.perf_counter()
    try:
        with Progress("reading feeds") as progress:
            done, feed_warnings = import_feeds(conn, sources, lang, section, settings.image_hosts, strict,
                                               progress)
    except ImportRefused as e:
        _refuse(e, "feed import")
    finally:
        conn.close()
    seconds = time.perf_counter() - started
    warned = _warn(feed_warnings + content_warnings(done))
    click.echo(f"imported {len(done)} article(s) from {len(sources)} feed(s) in {seconds:.2f} s{warned}")


@articles_cli.command("audio")
@click.argument("slugs", nargs=-1)
@click.option("--all", "every", is_flag=True, help="Every article.")
def audio_command(slugs: tuple[str, ...], every: bool) -> None:
    """Make the audio edition of these articles (by slug, both languages) or of --all; articles
    whose spoken text has not changed are not made again."""
    if not slugs and not every:
        raise click.UsageError("name the articles' slugs, or --all")
    _record(None if every else [("*", slug) for slug in slugs])


def _record(which: list[tuple[str, str]] | None) -> None:
    """Record the audio edition of these (lang, slug) articles ("*": any language), or of all."""
    from .audio import make_editions

    try:
        conn = store.open_or_create(get().database)
    except store.StoreError as e:
        raise click.ClickException(str(e)) from e
    try:
        wanted = set(which or ())
        articles = [a for a in store.all_articles(conn)
                    if which is None or (a.lang, a.slug) in wanted or ("*", a.slug) in wanted]
        unknown = sorted({slug for _, slug in wanted} - {a.slug for a in articles})
        if unknown:
            raise click.ClickException(f"no article with the slug {', '.join(map(repr, unknown))}")
        started = time.perf_counter()
        with Progress("recording", every=10) as progress:
            run = make_editions(conn, articles, lambda n: progress(n, len(articles)))
    finally:
        conn.close()
    for article, reason in run.failed:
        click.echo(f"{article}: {reason}", err=True)
    seconds = time.perf_counter() - started
    minutes = run.seconds_of_speech / 60
    click.echo(f"recorded {len(run.made)} article(s) ({minutes:.1f} min of speech, "
               f"{run.bytes / 1e6:.1f} MB) in {seconds:.1f} s; {len(run.unchanged)} unchanged, "
               f"{len(run.failed)} failed")
    if run.failed:
        sys.exit(1)


sections_cli = AppGroup("sections", help="Declare the sections stories belong to.")


@sections_cli.command("import")
@click.argument("file", type=click.Path(path_type=Path))
def sections_import_command(file: Path) -> None:
    """Declare the sections in FILE (a YAML list of slug and a name per language, in menu order)
    instead of the current ones: all or nothing."""
    from .sections import SectionsRefused, read

    try:
        declared = read(file)
        conn = store.open_or_create(get().database)
    except (SectionsRefused, store.StoreError) as e:
        problems = e.problems if isinstance(e, SectionsRefused) else [str(e)]
        for problem in problems:
            click.echo(f"{file}: {problem}", err=True)
        click.echo("sections import refused; the database was not changed.", err=True)
        sys.exit(1)
    try:
        store.put_sections(conn, declared)
    except SectionsRefused as e:
        for problem in e.problems:
            click.echo(f"{file}: {problem}", err=True)
        click.echo("sections import refused; the database was not changed.", err=True)
        sys.exit(1)
    finally:
        conn.close()
    click.echo(f"declared {len(declared)} section(s): {', '.join(s.slug for s in declared)}")


@sections_cli.command("list")
def sections_list_command() -> None:
    """The declared sections in menu order, their names and how many stories each has."""
    try:
        conn = store.open_or_create(get().database, readonly=True)
    except store.StoreError as e:
        raise click.ClickException(str(e)) from e
    try:
        usage = store.section_usage(conn)
        for s in store.declared_sections(conn):
            names = " / ".join(s.names.values())
            count = usage.get(s.slug, 0)
            click.echo(f"{s.slug}\t{names}\t{count} {'story' if count == 1 else 'stories'}")
    finally:
        conn.close()


translate_cli = AppGroup("translate", help="Keep the interface translations up to date.")


def pybabel(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    """Run the virtualenv's pybabel in the project folder."""
    command = [str(Path(sys.executable).with_name("pybabel")), *args]
    return subprocess.run(command, check=check, cwd=CHECKOUT, capture_output=not check, text=True)


def extract_args(pot: Path) -> list[str]:
    """pybabel arguments that extract every message of reader/ and templates/ into `pot`."""
    return ["extract", "-F", "babel.cfg", "-k", "_l", "-k", "lazy_gettext", "--no-location",
            "--sort-output", "-o", str(pot), "."]


def update_args(pot: Path, locale: str) -> list[str]:
    """pybabel arguments that merge `pot` into a catalog (no guessed, fuzzy matches)."""
    return ["update", "-i", str(pot), "-d", str(CATALOG_DIR), "-l", locale,
            "--no-fuzzy-matching", "--ignore-obsolete", "--ignore-pot-creation-date"]


@translate_cli.command("update")
def translate_update() -> None:
    """Extract the messages from the code and templates and merge them into every catalog."""
    pybabel(*extract_args(POT))
    for locale in CATALOGS:
        if (CATALOG_DIR / locale / "LC_MESSAGES" / "messages.po").exists():
            pybabel(*update_args(POT, locale))
        else:
            pybabel("init", "-i", str(POT), "-d", str(CATALOG_DIR), "-l", locale)


@translate_cli.command("compile")
def translate_compile() -> None:
    """Compile the catalogs the app reads (restart the app afterwards)."""
    pybabel("compile", "-d", str(CATALOG_DIR), "--statistics")


pages_cli = AppGroup("pages", help="The prepared pages kept in the database (see README).")


def _page_cache(app: Flask) -> PageCache:
    cache = app.extensions.get("reader.page_cache")
    if cache is None or cache.build_of is None:
        raise click.ClickException("pages are prepared only with the page cache on and READER_SITE_URL set "
                                   "(their addresses must not depend on the request's host)")
    return cache  # type: ignore[no-any-return]


@pages_cli.command("prepare")
@click.option("--jobs", type=click.IntRange(1, 64), default=os.cpu_count() or 1, show_default="one per core",
              help="Processes preparing pages at once.")
@with_appcontext
def pages_prepare_command(jobs: int) -> None:
    """Prepare every article, home and section page that is not prepared by this build yet."""
    from concurrent.futures import ProcessPoolExecutor

    from flask import current_app

    from .pagecache import prepare_pages, prepare_part, start_preparing

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    cache = _page_cache(app)
    settings = get()
    try:
        conn = store.open_or_create(settings.database)
    except store.StoreError as e:
        raise click.ClickException(str(e)) from e
    if not cache.writable:
        raise click.ClickException(f"{settings.database}: read-only; prepare pages where the file is written")
    try:
        done = store.prepared_addresses(conn, cache.build())
        wanted = [a for a in store.page_addresses(conn, settings.page_size) if a not in done]
    finally:
        conn.close()
    started = time.perf_counter()
    failed: list[str] = []
    # Parts of up to 200 pages, at least four per process so the processes finish together.
    size = max(1, min(200, len(wanted) // (4 * jobs)))
    parts = [wanted[i: i + size] for i in range(0, len(wanted), size)]
    with Progress("preparing") as progress, contextlib.ExitStack() as stack:
        if jobs > 1 and len(parts) > 1:
            # Each process its own app, from this one's settings, writing its pages as it goes.
            config = {key: app.config[key] for key in defaults(app.instance_path)}
            pool = stack.enter_context(ProcessPoolExecutor(
                jobs, mp_context=multiprocessing.get_context("spawn"), initializer=start_preparing,
                initargs=({**config, "LOAD_DEMO": False}, cache.build())))
            results: Iterable[list[str]] = pool.map(prepare_part, parts)
        else:
            results = (prepare_pages(app, part) for part in parts)
        for n, result in enumerate(results, 1):
            failed += result
            progress(min(n * size, len(wanted)), len(wanted))
    seconds = time.perf_counter() - started
    for line in failed:
        click.echo(line, err=True)
    conn = store.connect(settings.database, readonly=True)
    try:
        made = len(store.prepared_addresses(conn, cache.build())) - len(done)
    finally:
        conn.close()
    rate = f" ({made / seconds:.0f} per second)" if seconds > 1 else ""
    click.echo(f"prepared {made} page(s) in {seconds:.1f} s{rate}; {len(done)} were prepared already")
    if failed or made < len(wanted):
        click.echo(f"{len(wanted) - made} page(s) could not be prepared", err=True)
        sys.exit(1)


@pages_cli.command("status")
@with_appcontext
def pages_status_command() -> None:
    """How many pages are prepared by this build, how many by others, and their size."""
    from flask import current_app

    cache = _page_cache(current_app._get_current_object())  # type: ignore[attr-defined]
    settings = get()
    try:
        conn = store.open_or_create(settings.database, readonly=True)
    except store.StoreError as e:
        raise click.ClickException(str(e)) from e
    try:
        current, other, size = store.prepared_counts(conn, cache.build())
        total = len(store.page_addresses(conn, settings.page_size))
    finally:
        conn.close()
    click.echo(f"{current} of {total} page(s) prepared by this build ({cache.build()}); {other} by other "
               f"builds; {size / 1e6:.1f} MB")


@pages_cli.command("clear")
@click.option("--stale", is_flag=True, help="Only the pages of other builds (after an upgrade).")
@with_appcontext
def pages_clear_command(stale: bool) -> None:
    """Forget the prepared pages (they are prepared again when read)."""
    from flask import current_app

    build = _page_cache(current_app._get_current_object()).build() if stale else None  # type: ignore[attr-defined]
    try:
        conn = store.open_or_create(get().database)
    except store.StoreError as e:
        raise click.ClickException(str(e)) from e
    try:
        gone = store.forget_prepared(conn, other_than=build)
    finally:
        conn.close()
    click.echo(f"forgot {gone} prepared page(s)")


def init_app(app: Flask) -> None:
    app.cli.add_command(pages_cli)
    app.cli.add_command(articles_cli)
    app.cli.add_command(translate_cli)
    app.cli.add_command(sections_cli)
    app.cli.add_command(audit_command)


@click.command("audit")
@click.option("--base-url", metavar="URL",
              help="Audit the site running at URL (its pages found from this app's routes and database) "
                   "instead of a temporary local copy.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              help="Folder for the reports [default: audit/ in the instance folder, where the accessibility "
                   "statement reads the last report].")
@click.option("--lang", type=click.Choice(CODES), default="en", show_default=True,
              help="Language of report.html and acr.html.")
@click.option("--quick", is_flag=True, help="One state per page type and interface language.")
@click.option("--acr", is_flag=True,
              help="Also write the Accessibility Conformance Report (acr.json, acr.html).")
@with_appcontext
def audit_command(base_url: str | None, out: Path | None, lang: str, quick: bool, acr: bool) -> None:
    """Audit every page in every display state in Chromium (axe-core and the project's scripted
    checks) and write report.json and report.html. Exit status 1 when anything fails."""
    from flask import current_app

    # Here, not at the top: serving the site must never import Playwright.
    from .audit.command import audit

    sys.exit(audit(current_app, base_url=base_url, out=out, lang=lang, quick=quick, acr=acr))
