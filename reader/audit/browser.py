"""The browser the audit drives: Debian's Chromium through Playwright (Playwright's own browser
download does not work on these machines), found and launched as tests/e2e/conftest.py does."""

from __future__ import annotations

import os
import shutil
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Playwright

# Keep Chromium from calling home: the network may be closed and the audit must not wait on it.
QUIET = ["--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--no-first-run", "--disable-gpu", "--disable-quic"]

MISSING_EXTRA = ("The audit needs its extra packages (Playwright, axe-playwright-python, jsonschema): "
                 "pip install '.[audit]' (in a checkout: .venv/bin/pip install -e '.[audit]'). "
                 "Missing: {name}.")
MISSING_CHROMIUM = ("The audit needs Chromium: install the Debian package 'chromium' (`make browser` does "
                    "it as root) or set CHROMIUM_PATH to a Chromium executable. `playwright install` "
                    "is not needed (and its download does not work here).")


def require_extra() -> None:
    """Stop with a clear message when the `audit` extra is not installed."""
    for module in ("playwright.sync_api", "axe_playwright_python.base", "jsonschema"):
        try:
            __import__(module)
        except ModuleNotFoundError as e:
            raise click.ClickException(MISSING_EXTRA.format(name=e.name or module)) from e


def executable() -> str:
    """CHROMIUM_PATH, else the `chromium` on PATH; a clear message when neither is there."""
    path = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium")
    if not path or not os.access(path, os.X_OK):
        raise click.ClickException(MISSING_CHROMIUM + (f" (CHROMIUM_PATH={path!r} is not an executable.)"
                                                       if os.environ.get("CHROMIUM_PATH") else ""))
    return path


def launch(playwright: Playwright) -> Browser:
    return playwright.chromium.launch(executable_path=executable(), args=QUIET)
