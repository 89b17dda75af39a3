"""The accessibility audit for real: `flask --app app audit --quick --acr` on the demo site in
Chromium (through the app's own CLI runner), its reports checked against their schemas and by
axe in both languages; and an audit of a site with a fault put in on purpose, which must fail."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import Result
from flask import Flask, render_template_string
from playwright.sync_api import Browser

from reader.audit import ACR_HTML, ACR_JSON, REPORT_HTML, REPORT_JSON, conformance, criteria, report
from reader.audit.axe import OPTIONS, run, script
from reader.audit.site import serving
from tests.support import AppFactory


@pytest.fixture(scope="module")
def quick_audit(make_app: AppFactory,
                tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Result, Path, Flask]]:
    """The real command on the demo (a temporary local copy of the configured database), once."""
    app = make_app(TESTING=False)
    out = tmp_path_factory.mktemp("audit")
    started = time.perf_counter()
    outcome = app.test_cli_runner().invoke(args=["audit", "--quick", "--acr", "--lang", "hy",
                                                 "--out", str(out)])
    print(f"quick audit of the demo: {time.perf_counter() - started:.1f} s")
    yield outcome, out, app


def load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def axe_violations(browser: Browser, path: Path) -> dict[str, list[str]]:
    """axe on a report file, on a light and on a dark device, at a laptop's and a phone's width."""
    found = {}
    for scheme, width in (("light", 1280), ("dark", 1280), ("light", 320)):
        page = browser.new_page(viewport={"width": width, "height": 800}, color_scheme=scheme)
        page.goto(path.as_uri())
        results = run(page, script())
        found[f"{scheme}-{width}"] = [f"{v['id']}: {[n['target'] for n in v['nodes']][:3]}"
                                      for v in results["violations"]]
        page.close()
    assert set(OPTIONS["runOnly"]["values"]) >= {"wcag22aa", "best-practice"}
    return found


def test_the_quick_audit_of_the_demo_passes_and_writes_every_file(quick_audit) -> None:
    outcome, out, _ = quick_audit
    assert outcome.exit_code == 0, outcome.output
    assert "PASSED" in outcome.output
    for name in (REPORT_JSON, REPORT_HTML, ACR_JSON, ACR_HTML):
        assert (out / name).stat().st_size > 1000, name
    data = load(out / REPORT_JSON)
    # One state per page type and interface language, every type found in both languages.
    kinds = {(p["lang"], p["kind"]) for p in data["pages"]}
    assert len(kinds) == len(data["pages"]) == data["summary"]["states"]
    assert {"statement", "not-found", "search-results", "search-no-results", "article-other-language"} <= {
        kind for _, kind in kinds}
    assert data["summary"]["outcome"] == "passed" and data["errors"] == []
    # Every check ran somewhere, and said something about its criteria.
    ran = {r["check"] for s in data["states"] for r in s["results"]}
    assert ran >= {c["id"] for c in data["checks"]} - {"theme-contrast"}  # its theme is not in a quick audit


def test_the_reports_follow_their_schemas(quick_audit) -> None:
    _, out, _ = quick_audit
    jsonschema.Draft202012Validator(report.schema(), format_checker=jsonschema.FormatChecker()).validate(
        load(out / REPORT_JSON))
    jsonschema.Draft202012Validator(load(conformance.SCHEMA)).validate(load(out / ACR_JSON))


def test_the_conformance_report_claims_nothing_without_evidence(quick_audit) -> None:
    _, out, _ = quick_audit
    data, acr = load(out / REPORT_JSON), load(out / ACR_JSON)
    automated = {c["id"]: c["outcome"] for c in data["criteria"]}
    decided = {c.id for c in criteria.all_criteria() if c.automated == "full"}
    rows = acr["criteria"]
    assert len(rows) == len(criteria.all_criteria())
    for row in rows:
        if row["conformance"] == "supports":
            assert (automated[row["id"]] == "passed" and row["id"] in decided) or (
                row["manual"] and row["manual"]["conformance"] == "supports"), row
        if row["manual"] is None and automated[row["id"]] == "needs-review":
            assert row["conformance"] == "not-evaluated", row
    assert acr["summary"]["not-evaluated"] > 0


def test_the_reports_pass_axe_in_both_languages(quick_audit, browser: Browser, tmp_path: Path) -> None:
    _, out, app = quick_audit
    data = load(out / REPORT_JSON)
    version, findings = conformance.load_findings()
    document = conformance.build(data, version, findings)
    report.write_html(app, data, tmp_path / "report.en.html", "en")
    conformance.write_html(app, document, data, tmp_path / "acr.en.html", "en")
    files = {"report-hy": out / REPORT_HTML, "acr-hy": out / ACR_HTML,
             "report-en": tmp_path / "report.en.html", "acr-en": tmp_path / "acr.en.html"}
    found = {name: axe_violations(browser, path) for name, path in files.items()}
    assert found == {name: {"light-1280": [], "dark-1280": [], "light-320": []} for name in files}
    assert '<html lang="hy">' in (out / REPORT_HTML).read_text(encoding="utf-8")


BROKEN = """{% extends "base.html" %}
{% block title %}Broken{% endblock %}
{% block main %}<h1 lang="en">Broken on purpose</h1>
<p><img src="{{ asset_url('favicon.svg') }}" width="48" height="48"></p>{% endblock %}"""


@pytest.fixture(scope="module")
def broken_site(make_app: AppFactory) -> Iterator[tuple[Flask, str]]:
    """The demo with one more page: a picture without a text alternative (WCAG 1.1.1)."""
    app = make_app(TESTING=False)

    def broken(lang: str) -> str:
        return render_template_string(BROKEN)

    app.add_url_rule("/<lang:lang>/broken", "broken", broken)
    with serving(app) as url:
        yield app, url


def test_a_fault_in_the_site_fails_the_audit(broken_site, tmp_path: Path) -> None:
    app, base_url = broken_site
    started = time.perf_counter()
    outcome = app.test_cli_runner().invoke(args=["audit", "--base-url", base_url, "--quick",
                                                 "--out", str(tmp_path)])
    print(f"quick audit of the broken site: {time.perf_counter() - started:.1f} s")
    assert outcome.exit_code == 1, outcome.output
    assert "FAILED" in outcome.output and "1.1.1" in outcome.output
    data = load(tmp_path / REPORT_JSON)
    assert data["site"] == {"base_url": base_url, "local": False, "database": "remote"}
    assert data["summary"]["failed"]["criteria"] == ["1.1.1"]
    broken = {p["id"] for p in data["pages"] if p["kind"] == "broken"}
    assert len(broken) == 2  # found from the url_map, in both languages
    failing = {s["page"] for s in data["states"] for r in s["results"]
               if r["check"] == "axe" and any(v["rule"] == "image-alt" for v in r["rules"]["failed"])}
    assert failing == broken
    html = (tmp_path / REPORT_HTML).read_text(encoding="utf-8")
    assert 'href="#sc-1-1-1"' in html and "image-alt" in html
