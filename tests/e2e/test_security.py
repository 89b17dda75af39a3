"""In a real browser: no Content-Security-Policy violations, no requests to other hosts, and
hostile article HTML that runs nothing."""

from __future__ import annotations

import tempfile
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page

from reader import store
from reader.importer import parse_file
from tests.xss_vectors import VECTORS

PAGES = [
    "/{lang}/", "/{lang}/sections/politics", "/{lang}/articles/paris-statement-south-caucasus",
    "/{lang}/articles/sevan-volunteer-monitoring", "/{lang}/articles/targmanchats-reading-day",
    "/{lang}/search?q=Yerevan", "/{lang}/search", "/{lang}/search?q=zzqq",
    "/{lang}/articles/no-such-story",
]
# Recorded before any page script runs; the page's CSP does not apply to this init script.
WATCH = """
window.__violations = [];
document.addEventListener("securitypolicyviolation",
  (e) => window.__violations.push(e.violatedDirective + " " + e.blockedURI));
"""


def watch(page: Page, base_url: str) -> tuple[list[str], list[str]]:
    foreign: list[str] = []
    dialogs: list[str] = []
    host = urlsplit(base_url).netloc
    page.on("request", lambda r: urlsplit(r.url).netloc != host and foreign.append(r.url))
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.add_init_script(WATCH)
    return foreign, dialogs


@pytest.mark.parametrize("lang", ["hy", "en"])
def test_pages_cause_no_csp_violations_and_no_foreign_requests(page: Page, base_url: str,
                                                               lang: str) -> None:
    foreign, _ = watch(page, base_url)
    for path in PAGES:
        page.goto(base_url + path.format(lang=lang))
        page.wait_for_load_state("networkidle")
        assert page.evaluate("window.__violations") == [], path
        # The page's own script ran (so the CSP allows what the page needs).
        assert "js" in page.evaluate("document.documentElement.className"), path
    assert foreign == []


def test_hostile_article_runs_nothing_and_loads_nothing(page: Page, base_url: str, live_app) -> None:
    body = "Before the vectors.\n\n" + "\n\n".join(VECTORS) + "\n\nAfter the vectors.\n"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "xss.md"
        path.write_text("---\nslug: hostile-html\nlang: en\ntitle: Hostile HTML\nsummary: Vectors.\n"
                        "published: 2019-01-01T10:00:00+04:00\n---\n" + body, encoding="utf-8")
        # Sanitised exactly as the import does; stored even though its content checks would refuse
        # it (images without alt, tables without headers...): what reaches the browser must be safe
        # whatever the checks let through.
        parsed = parse_file(path)
        assert parsed.findings  # the checks do see the faults
        conn = store.connect(live_app.config["DATABASE"])
        with store.transaction(conn):
            store.upsert(conn, parsed.article)
            store.refresh_listing(conn, {parsed.article.story})
        conn.close()
    foreign, dialogs = watch(page, base_url)
    page.goto(base_url + "/en/articles/hostile-html")
    page.wait_for_load_state("networkidle")
    for element in page.locator(".story-body a").all():
        element.click(modifiers=["Control"], no_wait_after=True)  # opening links runs nothing either
    page.mouse.move(10, 10)
    page.keyboard.press("Tab")
    assert dialogs == []
    assert foreign == []
    injected = page.evaluate("""() => {
      const body = document.querySelector(".story-body");
      const handlers = [...body.querySelectorAll("*")].filter(
        (el) => [...el.attributes].some((a) => a.name.startsWith("on") || a.name === "style"
                                            || /^\\s*(javascript|data|vbscript):/i.test(a.value)));
      return {
        handlers: handlers.map((el) => el.outerHTML.slice(0, 80)),
        // Scripts that run: the JSON-LD block is data (never run).
        scripts: [...document.scripts].filter((s) => s.type !== "application/ld+json").length,
        frames: body.querySelectorAll("iframe, object, embed, form, base, meta, style, svg, math").length,
        text: body.textContent,
      };
    }""")
    assert injected["handlers"] == [] and injected["frames"] == 0
    assert injected["scripts"] == 1  # the page's own
    assert "Before the vectors." in injected["text"] and "After the vectors." in injected["text"]
    assert page.evaluate("window.__violations") == []
