"""Command-line tools: `flask --app app articles ...` and `flask --app app translate ...`."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup

from . import PACKAGE, store
from .importer import ImportRefused, check_paths, import_paths
from .languages import CATALOGS
from .settings import get

# The catalogs are edited in a checkout of the project (the folder above the package).
CHECKOUT = PACKAGE.parent
CATALOG_DIR = CHECKOUT / "translations"
POT = CATALOG_DIR / "messages.pot"


articles_cli = AppGroup("articles", help="Import and check article files.")


def _refuse(e: ImportRefused, verb: str) -> None:
    for path, reason in e.problems:
        click.echo(f"{path}: {reason}", err=True)
    click.echo(f"{verb} refused: {len(e.problems)} problem(s); the database was not changed.",
               err=True)
    sys.exit(1)


@articles_cli.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
def import_command(paths: tuple[Path, ...]) -> None:
    """Import article files or folders of them, all or nothing."""
    settings = get()
    try:
        conn = store.open_or_create(settings.database)
    except store.StoreError as e:
        raise click.ClickException(str(e)) from e
    started = time.perf_counter()
    try:
        done = import_paths(conn, paths, settings.image_hosts)
    except ImportRefused as e:
        _refuse(e, "import")
    finally:
        conn.close()
    seconds = time.perf_counter() - started
    click.echo(f"imported {len(done)} article(s) in {seconds:.2f} s")


@articles_cli.command("check")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
def check_command(paths: tuple[Path, ...]) -> None:
    """Check article files as import would, without writing anything."""
    settings = get()
    # Checking needs no database; with one, the files are also checked against what it holds.
    conn = store.connect(settings.database, readonly=True) if os.path.exists(settings.database) else None
    try:
        done = check_paths(conn, paths, settings.image_hosts)
    except ImportRefused as e:
        _refuse(e, "check")
    finally:
        if conn is not None:
            conn.close()
    click.echo(f"{len(done)} article(s) OK")


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


def init_app(app: Flask) -> None:
    app.cli.add_command(articles_cli)
    app.cli.add_command(translate_cli)
