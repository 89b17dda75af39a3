"""Real-browser tests: the app on a free loopback port, driven in Chromium by Playwright."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Browser, BrowserContext, Page

from reader import audio, store
from reader.audit.site import serving
from tests.support import AppFactory

# Debian's Chromium (Playwright's own browser downloads are not reachable on these machines).
CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium")
# Keep Chromium from calling home: the network here is closed and tests must not wait on it.
QUIET = ["--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--no-first-run", "--disable-gpu", "--disable-quic"]


E2E = Path(__file__).parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # By the test file's folder, not by a substring of its absolute path: a checkout under any
    # folder named "e2e" must still tell the two apart.
    for item in items:
        if item.path.parent == E2E:
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    if CHROMIUM is None:
        pytest.fail("The browser tests need Chromium: install the Debian package 'chromium' "
                    "(`make browser` does it as root) or set CHROMIUM_PATH.", pytrace=False)
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": QUIET}


@pytest.fixture(scope="session")
def live_app(make_app: AppFactory) -> Flask:
    """The demo site, with the Paris story's audio edition in both languages (so every browser test,
    the axe matrix included, meets the player)."""
    app = make_app(TESTING=False)
    conn = store.connect(app.config["DATABASE"])
    stories = [store.find_article(conn, lang, "paris-statement-south-caucasus") for lang in ("hy", "en")]
    with app.app_context():
        run = audio.make_editions(conn, [a for a in stories if a is not None])
    conn.close()
    assert len(run.made) == 2, run
    return app


@pytest.fixture(scope="session")
def base_url(live_app) -> Iterator[str]:
    with serving(live_app) as url:
        yield url


@pytest.fixture
def nojs_page(browser: Browser, base_url: str) -> Iterator[Page]:
    """A page with JavaScript disabled: everything must still work."""
    context: BrowserContext = browser.new_context(java_script_enabled=False, base_url=base_url)
    page = context.new_page()
    yield page
    context.close()
