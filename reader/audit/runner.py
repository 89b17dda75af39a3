"""The audit run: find the pages, build the matrix of states, drive Chromium through every
page-state (one browser context per set of display choices), run axe-core and the scripted
checks in each, and gather everything into the report's data (see report.schema.json)."""

from __future__ import annotations

import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as package_version
from itertools import groupby
from typing import TYPE_CHECKING, Any

import click
from flask import Flask, url_for

from . import axe, browser, matrix
from .checks import CHECKS, Finding, Result, Site
from .matrix import AXE, State
from .outcomes import FAILED, PASSED, criteria_outcomes, other_outcomes, tally
from .pages import Discovery, Route, SitePage, discover
from .pages import quick as quick_pages
from .scripts import OPEN_DISCLOSURES
from .site import local_site

if TYPE_CHECKING:
    from playwright.sync_api import Page

REPORT_FORMAT = "reader-audit-report"
REPORT_VERSION = 1
STATEMENT_ENDPOINT = "views.statement"
# How long a page may take to load before it counts as failed.
NAVIGATION_TIMEOUT_MS = 30_000


@dataclass
class Run:
    """What the audit gathers while it runs."""

    rules: dict[str, dict[str, Any]]
    errors: list[dict[str, str]]
    axe_version: str = ""
    # Set when the reader presses Ctrl-C: the browser's thread stops after the state it is in.
    stop: threading.Event = field(default_factory=threading.Event)


def _version(name: str) -> str:
    try:
        return package_version(name)
    except PackageNotFoundError:
        return ""


def help_paths(app: Flask) -> dict[str, str]:
    """The accessibility statement's path in each interface language (if the app has one)."""
    if STATEMENT_ENDPOINT not in app.view_functions:
        return {}
    from ..languages import CODES

    with app.test_request_context():
        return {code: url_for(STATEMENT_ENDPOINT, lang=code) for code in CODES}


def audit_state(page: Page, state: State, site: Site, run: Run, axe_source: str) -> dict[str, Any]:
    """Load one page-state and run every check it calls for; its results for report.json."""
    from playwright.sync_api import Error as PlaywrightError

    results: list[dict[str, Any]] = []
    recorded = {"id": state.id, "page": state.page.id, "variant": state.variant.id,
                "preferences": dict(state.variant.choices), "color_scheme": state.variant.scheme,
                "viewport": {"width": state.variant.viewport[0], "height": state.variant.viewport[1]},
                "disclosures_open": state.variant.open, "first": state.first, "results": results}
    try:
        response = page.goto(site.base_url + state.page.path, wait_until="load")
    except PlaywrightError as e:
        run.errors.append({"state": state.id, "check": "page-load", "error": str(e).splitlines()[0][:300]})
        results.append(Result("page-load", FAILED, (), "page-load",
                              (Finding("status", {"found": 0, "expected": state.page.status}),)).as_dict())
        return recorded
    bad = []
    status = response.status if response is not None else 0
    if status != state.page.status:
        bad.append(Finding("status", {"found": status, "expected": state.page.status}))
    shown = set(page.evaluate("[...document.documentElement.classList]"))
    missing = sorted(state.variant.classes() - shown)
    if missing:
        bad.append(Finding("preferences-not-applied", items=tuple(missing)))
    results.append(Result("page-load", FAILED if bad else PASSED, (), "page-load", tuple(bad)).as_dict())
    if state.variant.open:
        page.evaluate(OPEN_DISCLOSURES)
    if AXE in state.families:
        try:
            raw = axe.run(page, axe_source)
            run.axe_version = run.axe_version or axe.version(raw)
            results.append(axe.record(raw, run.rules))
        except PlaywrightError as e:
            run.errors.append({"state": state.id, "check": "axe", "error": str(e).splitlines()[0][:300]})
    for check in CHECKS:
        if check.family not in state.families:
            continue
        try:
            results.extend(r.as_dict() for r in check.run(page, state, site))
        except PlaywrightError as e:
            # The check could not measure: the audit is incomplete, which the report and the exit
            # status say (it is not a finding about the site).
            run.errors.append({"state": state.id, "check": check.id, "error": str(e).splitlines()[0][:300]})
    return recorded


def _run_states(states: list[State], site: Site, run: Run, progress: bool) -> tuple[list[dict[str, Any]], str]:
    from playwright.sync_api import sync_playwright

    recorded: list[dict[str, Any]] = []
    axe_source = axe.script()
    with sync_playwright() as playwright:
        chromium = browser.launch(playwright)
        version = chromium.version
        with click.progressbar(length=len(states), label="Auditing page-states", file=sys.stderr,
                               show_pos=True, show_eta=True, hidden=not progress) as bar:
            for variant, members in groupby(states, key=lambda s: s.variant):
                width, height = variant.viewport
                context = chromium.new_context(viewport={"width": width, "height": height})
                context.set_default_navigation_timeout(NAVIGATION_TIMEOUT_MS)
                context.add_cookies([{"name": name, "value": value, "url": site.base_url}
                                     for name, value in variant.cookies().items()])
                page = context.new_page()
                page.emulate_media(color_scheme="dark" if variant.scheme == "dark" else "light")
                for state in members:
                    if run.stop.is_set():
                        break
                    recorded.append(audit_state(page, state, site, run, axe_source))
                    bar.update(1)
                context.close()
        chromium.close()
    return recorded, version


def run(app: Flask, base_url: str | None = None, quick: bool = False, progress: bool = True) -> dict[str, Any]:
    """Audit the site (a temporary local one, or the one at `base_url`) and return the report's
    data, not yet written."""
    started = datetime.now(UTC)
    clock = time.perf_counter()
    with ExitStack() as stack:
        if base_url is None:
            local = stack.enter_context(local_site(app))
            url, site_app, database = local.base_url, local.app, local.source
        else:
            url, site_app, database = base_url.rstrip("/"), app, "remote"
        found: Discovery = discover(site_app)
        pages = quick_pages(found.pages) if quick else found.pages
        states = matrix.states(pages, quick)
        audit = Run(rules={}, errors=[])
        # The browser in a thread of its own: Playwright's sync API refuses to run where an asyncio
        # loop is running already (a notebook, or pytest-playwright's browser in the same thread).
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="reader-audit-browser") as pool:
            running = pool.submit(_run_states, states, Site(url, help_paths(site_app)), audit, progress)
            try:
                recorded, browser_version = running.result()
            except KeyboardInterrupt:
                audit.stop.set()
                raise
    return assemble(app, Gathered(
        site={"base_url": url, "local": base_url is None, "database": database},
        pages=pages, routes=found.routes, states=recorded, rules=audit.rules, errors=audit.errors,
        tools={"reader": _version("reader"), "axe_core": audit.axe_version, "browser": browser_version,
               "playwright": _version("playwright")},
        quick=quick, started=started, seconds=time.perf_counter() - clock,
    ))


@dataclass(frozen=True)
class Gathered:
    """What a run gathered, before it becomes the report."""

    site: dict[str, Any]
    pages: tuple[SitePage, ...]
    routes: tuple[Route, ...]
    states: list[dict[str, Any]]
    rules: dict[str, dict[str, Any]]
    errors: list[dict[str, str]]
    tools: dict[str, str]
    quick: bool
    started: datetime
    seconds: float


def assemble(app: Flask, gathered: Gathered) -> dict[str, Any]:
    """The report's data (report.schema.json): what was gathered, each criterion's outcome and
    evidence, the summary, and every finding's message in English."""
    from .report import english_messages, english_names

    counted = tally(gathered.states, gathered.rules)
    criteria = criteria_outcomes(counted)
    requirements = other_outcomes(counted, "req:")
    best_practice = other_outcomes(counted, "bp:")
    failed = {
        "criteria": [c["id"] for c in criteria if c["outcome"] == FAILED],
        "requirements": [r["id"] for r in requirements if r["outcome"] == FAILED],
        "best_practice": [r["id"] for r in best_practice if r["outcome"] == FAILED],
    }
    counts = {outcome: sum(1 for c in criteria if c["outcome"] == outcome and not c["obsolete"])
              for outcome in ("failed", "needs-review", "passed", "not-applicable")}
    failing_states = {s["id"] for s in gathered.states for r in s["results"] if r["outcome"] == FAILED}
    names = english_names(app)
    report = {
        "format": REPORT_FORMAT,
        "version": REPORT_VERSION,
        "generated": gathered.started.isoformat(timespec="seconds"),
        "duration_seconds": round(gathered.seconds, 1),
        "mode": "quick" if gathered.quick else "full",
        "site": gathered.site,
        "tools": gathered.tools,
        "matrix": matrix.describe(gathered.quick),
        "pages": [{"id": p.id, "path": p.path, "lang": p.lang, "kind": p.kind, "endpoint": p.endpoint,
                   "status": p.status} for p in gathered.pages],
        "routes": [{"rule": r.rule, "endpoint": r.endpoint, "reason": r.reason, "detail": r.detail}
                   for r in gathered.routes],
        "checks": [{"id": "axe", "name": "axe-core", "family": AXE, "criteria": [], "requirement": None},
                   {"id": "page-load", "name": names["page-load"], "family": "load", "criteria": [],
                    "requirement": "page-load"}]
        + [{"id": c.id, "name": names[c.id], "family": c.family, "criteria": list(c.criteria),
            "requirement": c.requirement} for c in CHECKS],
        "rules": dict(sorted(gathered.rules.items())),
        "states": gathered.states,
        "criteria": criteria,
        "requirements": requirements,
        "best_practice": best_practice,
        "errors": gathered.errors,
        "summary": {
            "outcome": FAILED if any(failed.values()) or gathered.errors else PASSED,
            "pages": len(gathered.pages),
            "states": len(gathered.states),
            "failing_states": len(failing_states),
            "criteria": counts,
            "failed": failed,
            "errors": len(gathered.errors),
        },
    }
    english_messages(app, report)
    return report
