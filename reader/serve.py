"""`make serve`: check the settings and the database once, saying plainly what is wrong, then hand
over to the production server (granian). Without this, each worker would print its own traceback."""

from __future__ import annotations

import argparse
import os
import shutil
import sys

from . import create_app, store
from .settings import SettingsError, get


def problems_and_warnings() -> tuple[list[str], list[str]]:
    """What stops the start (one line per cause), and what the operator should know."""
    try:
        app = create_app()
    except (SettingsError, store.StoreError) as e:
        return str(e).splitlines(), []
    settings = get(app)
    problems: list[str] = []
    if not os.path.exists(settings.database):
        problems.append(str(store.missing(settings.database)))
    warnings: list[str] = []
    if not settings.site_url and not settings.trusted_hosts:
        warnings.append("neither READER_SITE_URL nor READER_TRUSTED_HOSTS is set: canonical and share "
                        "links take the host a request names; set READER_SITE_URL=https://your.host")
    return problems, warnings


def cannot_start(problems: list[str]) -> None:
    """Say what stops the start, one line per cause, as every entry point does."""
    for line in problems:
        print(f"reader: cannot start: {line}", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m reader.serve", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", default="5000")
    parser.add_argument("--workers", default=str(os.cpu_count() or 1))
    parser.add_argument("--check", action="store_true",
                        help="only check the settings and the database (make run, before serving)")
    args = parser.parse_args(argv)
    problems, warnings = problems_and_warnings()
    for line in [] if args.check else warnings:  # production advice, not for `make run`
        print(f"reader: warning: {line}", file=sys.stderr)
    if problems:
        cannot_start(problems)
        return 1
    if args.check:
        return 0
    granian = shutil.which("granian", path=os.path.dirname(sys.executable)) or shutil.which("granian")
    if granian is None:
        print("reader: cannot start: granian is not installed; pip install '.[serve]'", file=sys.stderr)
        return 1
    sys.stdout.flush()
    # One thread per worker: pages come from memory or the database in tens of microseconds, so
    # more threads in a worker only take turns at Python's lock (measured: 20 % fewer pages a
    # second with four). The workers, one per core, serve at once.
    os.execv(granian, [granian, "--interface", "wsgi", "--workers", args.workers, "--host", args.host,
                       "--port", args.port, "--no-ws", "--blocking-threads", "1", "--backpressure", "64",
                       "reader.wsgi:app"])


if __name__ == "__main__":
    sys.exit(main())
