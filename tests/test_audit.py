"""The accessibility audit without a browser: its data (criteria, matrix, pages), how evidence
becomes outcomes and conformance levels (never "Supports" without evidence), its schemas, the
command's messages, and the accessibility statement it feeds."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from flask import Flask, url_for

from reader import store
from reader.audit import REPORT_JSON, browser, conformance, criteria, matrix, pages, report
from reader.audit.checks import CHECKS
from reader.audit.runner import Gathered, assemble
from reader.languages import CODES
from reader.prefs import PREFERENCES, TEXT_SIZE, THEME
from tests.support import AppFactory

LEVEL_A = ["1.1.1", "1.2.1", "1.2.2", "1.2.3", "1.3.1", "1.3.2", "1.3.3", "1.4.1", "1.4.2", "2.1.1", "2.1.2",
           "2.1.4", "2.2.1", "2.2.2", "2.3.1", "2.4.1", "2.4.2", "2.4.3", "2.4.4", "2.5.1", "2.5.2", "2.5.3",
           "2.5.4", "3.1.1", "3.2.1", "3.2.2", "3.2.6", "3.3.1", "3.3.2", "3.3.7", "4.1.2"]
LEVEL_AA = ["1.2.4", "1.2.5", "1.3.4", "1.3.5", "1.4.3", "1.4.4", "1.4.5", "1.4.10", "1.4.11", "1.4.12",
            "1.4.13", "2.4.5", "2.4.6", "2.4.7", "2.4.11", "2.5.7", "2.5.8", "3.1.2", "3.2.3", "3.2.4",
            "3.3.3", "3.3.4", "3.3.8", "4.1.3"]


# --- the data --------------------------------------------------------------------------------


def test_the_criteria_are_every_wcag_22_a_and_aa_criterion() -> None:
    listed = criteria.all_criteria()
    current = [c for c in listed if not c.obsolete]
    assert sorted(c.id for c in current if c.level == "A") == sorted(LEVEL_A)
    assert sorted(c.id for c in current if c.level == "AA") == sorted(LEVEL_AA)
    assert [c.id for c in listed if c.obsolete] == ["4.1.1"]  # in the VPAT layout, removed from 2.2
    assert [c.id for c in listed] == sorted((c.id for c in listed), key=criteria.sort_key)
    for c in listed:
        assert c.names["en"] and re.search("[\u0531-\u0587]", c.names["hy"]), c
        assert c.automated in criteria.AUTOMATED


def test_axe_tags_map_to_a_and_aa_criteria_only() -> None:
    assert criteria.from_axe_tags(["wcag2aa", "wcag1410", "wcag143", "wcag213", "best-practice"]) == [
        "1.4.3", "1.4.10"]  # 2.1.3 is AAA: not reported as a criterion here
    assert criteria.from_axe_tags(["cat.keyboard", "best-practice"]) == []


def test_every_criterion_a_check_informs_is_listed() -> None:
    known = criteria.by_id()
    for check in CHECKS:
        assert set(check.criteria) <= known.keys(), check.id
        assert check.criteria or check.requirement, check.id


def test_the_matrix_follows_the_preference_declarations() -> None:
    full = matrix.variants(quick=False)
    # Every size in every theme, the default theme on a light and a dark device.
    pairs = {(v.value(TEXT_SIZE), v.value(THEME), v.scheme) for v in full if v.group == "sizes-and-colours"}
    themes = [(t, "light") for t in THEME.values] + [(THEME.default, "dark")]
    assert pairs == {(size, theme, scheme) for size in TEXT_SIZE.values for theme, scheme in themes}
    # Every value of every preference appears somewhere.
    for preference in PREFERENCES:
        assert {v.value(preference) for v in full} == set(preference.values), preference.name
    # The most demanding: the last value of every preference, at a phone's and a laptop's width.
    hardest = [v for v in full if v.group == "most-demanding"]
    assert {v.viewport for v in hardest} == {matrix.PHONE, matrix.DESKTOP}
    assert all(v.value(p) == p.values[-1] for v in hardest for p in PREFERENCES)
    # Cookies only for choices that differ from the default: the default state is a first visit.
    plain = next(v for v in full if all(v.value(p) == p.default for p in PREFERENCES))
    assert plain.cookies() == {}
    assert matrix.variants(quick=True)[0].families >= {matrix.AXE, matrix.LAYOUT, matrix.FOCUS}


def test_each_page_has_one_first_state_for_the_content_checks(make_app: AppFactory) -> None:
    found = pages.discover(make_app())
    for quick in (False, True):
        chosen = pages.quick(found.pages) if quick else found.pages
        states = matrix.states(chosen, quick)
        assert sorted(s.page.id for s in states if s.first) == sorted(p.id for p in chosen)
        assert len(states) == len(chosen) * len(matrix.variants(quick))


def test_discovery_finds_every_page_type_in_both_languages(make_app: AppFactory) -> None:
    app = make_app()
    found = pages.discover(app)
    kinds = {"home", "section", "article", "article-other-language", "search-empty", "search-results",
             "search-no-results", "not-found", "statement"}
    for lang in CODES:
        assert kinds <= {p.kind for p in found.pages if p.lang == lang}, lang
    # Every article of the store under both interfaces; every section.
    paths = {p.path for p in found.pages}
    with app.test_request_context():
        slugs = pages.argument_values(store.get_db())["slug"]
    assert len(slugs) >= 6
    for slug in slugs:
        assert {f"/{lang}/articles/{slug}" for lang in CODES} <= paths
    assert all(p.status == (404 if p.kind == "not-found" else 200) for p in found.pages)
    # Every GET route is audited or listed with the reason it is not.
    audited = {p.endpoint for p in found.pages}
    listed = {r.endpoint: r.reason for r in found.routes}
    for rule in app.url_map.iter_rules():
        assert rule.endpoint in audited or rule.endpoint in listed, rule.rule
    assert listed["prefs.save"] == "methods" and listed["views.root"] == "redirect"
    # Quick: one page of each type in each language; for articles, one with a picture if any has
    # one (the demo's Paris story has a lead picture in both languages), else the first.
    quick = pages.quick(found.pages)
    assert sorted((p.lang, p.kind) for p in quick) == sorted({(p.lang, p.kind) for p in found.pages})
    for p in quick:
        same = [q for q in found.pages if (q.lang, q.kind) == (p.lang, p.kind)]
        assert p == next((q for q in same if q.pictured), same[0])
    pictured = {p.path for p in quick if p.pictured}
    assert {"/hy/articles/paris-statement-south-caucasus", "/en/articles/paris-statement-south-caucasus"} <= {
        p.path for p in found.pages if p.pictured}
    assert {p.lang for p in quick if p.kind == "article" and p.path in pictured} == set(CODES)


def test_the_manual_findings_are_well_formed_and_dated() -> None:
    version, findings = conformance.load_findings()
    assert version >= 1 and findings
    for finding in findings:
        assert date.fromisoformat(finding.date) <= date.today()
        assert finding.by["en"] and finding.by["hy"] and finding.evidence
        assert finding.remarks["hy"].endswith("։") and finding.remarks["en"].endswith(".")


def test_the_schemas_are_valid_json_schemas() -> None:
    for path in (report.SCHEMA, conformance.SCHEMA):
        jsonschema.Draft202012Validator.check_schema(json.loads(path.read_text(encoding="utf-8")))


def test_the_browser_flags_are_the_browser_tests_own() -> None:
    from tests.e2e.conftest import QUIET

    assert browser.QUIET == QUIET


# --- from evidence to outcomes and conformance --------------------------------------------------


def state(state_id: str, *results: dict[str, Any]) -> dict[str, Any]:
    return {"id": state_id, "page": "p1", "variant": "defaults",
            "preferences": {p.name: p.default for p in PREFERENCES},
            "color_scheme": "light", "viewport": {"width": 1280, "height": 800}, "disclosures_open": False,
            "first": True, "results": list(results)}


def result(check: str, outcome: str, *criteria_ids: str,
           findings: tuple[dict[str, Any], ...] = ()) -> dict[str, Any]:
    return {"check": check, "outcome": outcome, "criteria": list(criteria_ids), "requirement": None,
            "findings": list(findings)}


def axe_result(passed: list[str], failed: tuple[str, ...] = ()) -> dict[str, Any]:
    return {"check": "axe", "outcome": "failed" if failed else "passed", "rules": {
        "passed": passed, "not_applicable": [], "needs_review": [],
        "failed": [{"rule": r, "impact": "critical", "count": 1,
                    "nodes": [{"target": "img", "html": "<img>", "summary": "Fix this"}]} for r in failed]}}


RULES = {
    "image-alt": {"criteria": ["1.1.1"], "help": "Images must have alternative text", "help_url": "",
                  "tags": []},
    "color-contrast": {"criteria": ["1.4.3"], "help": "Contrast", "help_url": "", "tags": []},
    "region": {"criteria": [], "help": "Landmarks", "help_url": "", "tags": ["best-practice"]},
}


def built(app: Flask, states: list[dict[str, Any]],
          errors: list[dict[str, str]] | None = None) -> dict[str, Any]:
    page = pages.SitePage("p1", "/en/", "en", "home", "views.home", 200)
    data = assemble(app, Gathered(
        site={"base_url": "http://127.0.0.1:1", "local": True, "database": "demo"}, pages=(page,), routes=(),
        states=states, rules=RULES, errors=errors or [],
        tools={"reader": "0.1.0", "axe_core": "4.12.1", "browser": "156", "playwright": "1.65"},
        quick=True, started=datetime(2026, 11, 30, 8, 0, tzinfo=UTC), seconds=1.0))
    report.validate(data, report.schema())
    return data


def acr_levels(data: dict[str, Any], findings: list[conformance.ManualFinding] | None = None) -> dict[str, str]:
    document = conformance.build(data, 1, findings or [])
    return {row["id"]: row["conformance"] for row in document["criteria"]}


def test_an_automated_pass_supports_only_a_criterion_the_checks_decide(app: Flask) -> None:
    data = built(app, [state("s1", result("reflow", "passed", "1.4.10"),
                             axe_result(["image-alt", "color-contrast", "region"]))])
    outcomes = {c["id"]: c["outcome"] for c in data["criteria"]}
    assert outcomes["1.4.10"] == "passed" and outcomes["1.4.3"] == "passed"
    # axe's image-alt finds missing alternatives, but cannot tell whether they serve: review.
    assert outcomes["1.1.1"] == "needs-review"
    levels = acr_levels(data)
    assert levels["1.4.10"] == "supports" and levels["1.4.3"] == "supports"
    assert levels["1.1.1"] == "not-evaluated"
    assert data["summary"]["outcome"] == "passed"


def test_without_its_evidence_a_criterion_is_not_evaluated_never_supported(app: Flask) -> None:
    reflow = result("reflow", "passed", "1.4.10")
    with_evidence = built(app, [state("s1", reflow, axe_result(["color-contrast"]))])
    assert acr_levels(with_evidence)["1.4.10"] == "supports"
    # The same audit with the reflow evidence removed.
    without = built(app, [state("s1", axe_result(["color-contrast"]))])
    levels = acr_levels(without)
    assert levels["1.4.10"] == "not-evaluated"
    assert levels["1.4.3"] == "supports"
    # No evidence at all: nothing is claimed, except what the standard itself removed.
    nothing = acr_levels(built(app, [state("s1")]))
    assert set(nothing.values()) == {"not-evaluated", "not-applicable"}
    assert [c for c, level in nothing.items() if level == "not-applicable"] == ["4.1.1"]


def test_every_supports_rests_on_an_automated_pass_or_a_manual_finding(app: Flask) -> None:
    data = built(app, [state("s1", *(result(c.id, "passed", *c.criteria) for c in CHECKS if c.criteria),
                             axe_result(list(RULES)))])
    version, findings = conformance.load_findings()
    document = conformance.build(data, version, findings)
    decided = {c.id for c in criteria.all_criteria() if c.automated == "full"}
    automated = {c["id"]: c["outcome"] for c in data["criteria"]}
    for row in document["criteria"]:
        if row["conformance"] == "supports":
            assert (automated[row["id"]] == "passed" and row["id"] in decided) or (
                row["manual"] is not None and row["manual"]["conformance"] == "supports"
                and not row["manual"]["provisional"]), row["id"]
    acr = conformance.with_text(app, document, data)
    jsonschema.Draft202012Validator(json.loads(conformance.SCHEMA.read_text())).validate(acr)


def test_a_failure_outweighs_a_manual_finding_and_fails_the_audit(app: Flask) -> None:
    failing = result("consistent-help", "failed", "3.2.6",
                     findings=({"code": "no-help-link", "params": {"path": "/en/accessibility"}, "items": []},))
    data = built(app, [state("s1", failing), state("s2", result("consistent-help", "passed", "3.2.6"))])
    assert data["summary"]["outcome"] == "failed"
    assert data["summary"]["failed"]["criteria"] == ["3.2.6"]
    assert data["states"][0]["results"][0]["findings"][0]["message"] == (
        "The footer has no link to the accessibility statement.")
    version, findings = conformance.load_findings()
    assert any("3.2.6" in f.criteria and f.conformance == "supports" for f in findings)
    # One of two page-states failed: partially; both: does not support.
    assert acr_levels(data, findings)["3.2.6"] == "partially-supports"
    both = built(app, [state("s1", failing), state("s2", failing)])
    assert acr_levels(both, findings)["3.2.6"] == "does-not-support"


def test_best_practice_failures_and_errors_fail_the_audit_too(app: Flask) -> None:
    data = built(app, [state("s1", axe_result(["color-contrast"], failed=["region"]))])
    assert data["summary"]["failed"] == {"criteria": [], "requirements": [], "best_practice": ["region"]}
    assert data["summary"]["outcome"] == "failed"
    broken = built(app, [state("s1")], errors=[{"state": "s1", "check": "focus", "error": "Timeout"}])
    assert broken["summary"]["outcome"] == "failed"


def test_the_reports_render_in_both_languages_with_their_structure(app: Flask, tmp_path: Path) -> None:
    failing = axe_result(["color-contrast"], failed=["image-alt"])
    data = built(app, [state("s1", failing, result("reflow", "passed", "1.4.10"))])
    version, findings = conformance.load_findings()
    document = conformance.build(data, version, findings)
    for lang in CODES:
        report.write_html(app, data, tmp_path / f"report.{lang}.html", lang)
        conformance.write_html(app, document, data, tmp_path / f"acr.{lang}.html", lang)
        for name in ("report", "acr"):
            html = (tmp_path / f"{name}.{lang}.html").read_text(encoding="utf-8")
            assert f'<html lang="{lang}">' in html
            levels = [int(n) for n in re.findall(r"<h([1-6])\b", html)]
            assert levels[0] == 1 and levels.count(1) == 1
            assert all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False)), (name, lang)
            assert html.count("<table") == html.count("<caption")
            assert '<th scope="col">' in html and '<th scope="row">' in html
            # Self-contained: nothing loaded from anywhere, no script.
            assert not re.search(r"<script|<link|<img|\bsrc=", html)
        page = (tmp_path / f"report.{lang}.html").read_text(encoding="utf-8")
        # The failed criterion links to its evidence, which names the page-state and the rule.
        assert 'href="#sc-1-1-1"' in page and 'id="sc-1-1-1"' in page and 'id="state-s1"' in page
        assert "image-alt" in page
        if lang != "en":  # axe's English text is marked as English
            assert '<span lang="en">Images must have alternative text</span>' in page
            assert 'class="summary-text" lang="en"' in page
    armenian = (tmp_path / "acr.hy.html").read_text(encoding="utf-8")
    assert "Չի գնահատվել" in armenian and "Ոչ տեքստային բովանդակություն" in armenian


# --- the command -------------------------------------------------------------------------------


def test_the_command_says_what_to_install_when_chromium_is_missing(app: Flask, tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHROMIUM_PATH", str(tmp_path / "no-chromium-here"))
    outcome = app.test_cli_runner().invoke(args=["audit", "--quick", "--out", str(tmp_path / "out")])
    assert outcome.exit_code == 1
    assert "chromium" in outcome.output and "CHROMIUM_PATH" in outcome.output
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("module", ["playwright.sync_api", "axe_playwright_python.base", "jsonschema"])
def test_the_command_says_to_install_the_audit_extra_when_a_part_is_missing(
        app: Flask, monkeypatch: pytest.MonkeyPatch, module: str) -> None:
    monkeypatch.setitem(sys.modules, module, None)  # as if it were not installed
    outcome = app.test_cli_runner().invoke(args=["audit", "--quick"])
    assert outcome.exit_code == 1
    assert "pip install '.[audit]'" in outcome.output and module in outcome.output


def test_the_command_refuses_a_base_url_that_is_not_a_site(app: Flask, tmp_path: Path) -> None:
    outcome = app.test_cli_runner().invoke(args=["audit", "--base-url", "ftp://example.org/x?y"])
    assert outcome.exit_code == 2 and "--base-url" in outcome.output


def test_serving_never_imports_the_audit_s_browser_tools(tmp_path: Path) -> None:
    code = f"""
import sys
from reader import create_app
app = create_app({{"DATABASE": {str(tmp_path / "db.sqlite3")!r}}})
client = app.test_client()
for path in ("/hy/", "/en/accessibility", "/hy/accessibility"):
    assert client.get(path).status_code == 200, path
browser_tools = ("playwright", "axe_playwright_python", "jsonschema")
audit_runner = ("reader.audit.runner", "reader.audit.checks", "reader.audit.report")
loaded = sorted(m for m in sys.modules if m.split(".")[0] in browser_tools or m in audit_runner)
assert loaded == [], loaded
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr


# --- the accessibility statement ---------------------------------------------------------------


def test_every_page_links_the_statement_from_its_footer(make_app: AppFactory) -> None:
    """WCAG 3.2.6 (manual-findings.yaml cites this test): help in the same place on every page of
    every type, in both languages."""
    app = make_app()
    client = app.test_client()
    found = pages.discover(app)
    assert {p.lang for p in found.pages} == set(CODES)
    for page in found.pages:
        response = client.get(page.path)
        html = response.get_data(as_text=True)
        with app.test_request_context():
            link = url_for("views.statement", lang=page.lang)
        footer = html.split('<footer class="site-footer">', 1)[1].split("</footer>", 1)[0]
        assert f'<a href="{link}"' in footer, page.path
        assert html.count(f'href="{link}"') == 1, page.path


def statement(app: Flask, lang: str) -> str:
    response = app.test_client().get(f"/{lang}/accessibility")
    assert response.status_code == 200
    return response.get_data(as_text=True)


@pytest.mark.parametrize("lang", CODES)
def test_the_statement_without_a_report_says_no_audit_was_recorded(make_app: AppFactory, tmp_path: Path,
                                                                   lang: str) -> None:
    app = make_app()
    app.instance_path = str(tmp_path)  # an instance folder with no audit in it
    html = statement(app, lang)
    assert f'<html lang="{lang}"' in html and html.count("<h1") == 1
    assert re.findall(r"<h2>([^<]+)</h2>", html)[:5] == _section_names(app, lang)
    wanted = {"en": "No audit of this site has been recorded", "hy": "Այս կայքի աուդիտ դեռ չի գրանցվել"}
    assert wanted[lang] in html
    assert '<span lang="en">WCAG 2.2</span>' in html
    assert 'aria-current="page">' in html.split('<footer class="site-footer">', 1)[1]


def _section_names(app: Flask, lang: str) -> list[str]:
    from flask_babel import gettext

    with app.test_request_context(f"/{lang}/"):
        return [str(gettext(s)) for s in ("Compliance status", "Non-accessible content",
                                     "Preparation of this accessibility statement",
                                     "Feedback and contact information", "Enforcement procedure")]


def write_report(folder: Path, data: dict[str, Any] | str) -> None:
    (folder / "audit").mkdir(parents=True, exist_ok=True)
    text = data if isinstance(data, str) else json.dumps(data)
    (folder / "audit" / REPORT_JSON).write_text(text, encoding="utf-8")


def test_the_statement_lists_what_the_last_audit_found(make_app: AppFactory, tmp_path: Path) -> None:
    app = make_app()
    app.instance_path = str(tmp_path)
    failing = result("reflow", "failed", "1.4.10",
                     findings=({"code": "horizontal-scroll", "params": {"width": 320}, "items": []},))
    write_report(tmp_path, built(app, [state("s1", failing)]))
    english, armenian = statement(app, "en"), statement(app, "hy")
    assert "partially compliant" in english and "1.4.10 Reflow (level AA)" in english
    assert "1.4.10 Վերադասավորում (մակարդակ AA)" in armenian
    assert "30 November 2026" in english or "November 30, 2026" in english
    assert "It was a quick audit" in english


def test_the_statement_after_a_clean_audit_claims_no_full_compliance(make_app: AppFactory,
                                                                     tmp_path: Path) -> None:
    app = make_app()
    app.instance_path = str(tmp_path)
    write_report(tmp_path, built(app, [state("s1", result("reflow", "passed", "1.4.10"))]))
    html = statement(app, "en")
    assert "found no failures" in html and "does not yet claim to be fully compliant" in html
    assert "partially compliant" not in html


@pytest.mark.parametrize("content", ["{not json", json.dumps({"format": "other", "version": 1}),
                                     json.dumps({"format": "reader-audit-report", "version": 99}), "\udcff"])
def test_a_report_the_statement_cannot_read_is_said_so_never_a_500(make_app: AppFactory, tmp_path: Path,
                                                                   content: str) -> None:
    app = make_app()
    app.instance_path = str(tmp_path)
    (tmp_path / "audit").mkdir()
    (tmp_path / "audit" / REPORT_JSON).write_bytes(content.encode("utf-8", "surrogateescape"))
    assert "could not be read" in statement(app, "en")


@pytest.mark.parametrize("lang", CODES)
def test_the_statement_says_where_to_report_a_problem_when_the_operator_set_it(make_app: AppFactory,
                                                                             lang: str) -> None:
    by_mail = statement(make_app(ACCESSIBILITY_CONTACT="access@news.example"), lang)
    assert '<a href="mailto:access@news.example">access@news.example</a>' in by_mail
    assert "has not yet given contact details" not in by_mail
    by_page = statement(make_app(ACCESSIBILITY_CONTACT="https://news.example/contact?topic=a11y"), lang)
    link = re.search(r'<a href="https://news.example/contact\?topic=a11y">([^<]+)</a>', by_page)
    assert link is not None and len(link.group(1).split()) >= 3  # a link that says what it is for
    unset = statement(make_app(), lang)
    assert "mailto:" not in unset
    with make_app().test_request_context(f"/{lang}/"):
        from flask_babel import gettext
        assert str(gettext("The publisher has not yet given contact details for accessibility feedback "
                           "on this page.")) in unset


def test_a_finding_no_person_has_confirmed_is_shown_but_decides_nothing(app: Flask) -> None:
    """The findings file's provisional entries (a code review not yet confirmed by a person):
    their criteria stay "Not evaluated", with the finding in the remarks."""
    version, findings = conformance.load_findings()
    provisional = [f for f in findings if f.provisional]
    assert provisional, "the findings file has provisional entries to check this on"
    data = built(app, [state("s1")])
    document = conformance.build(data, version, findings)
    rows = {row["id"]: row for row in document["criteria"]}
    for finding in provisional:
        for criterion_id in finding.criteria:
            row = rows[criterion_id]
            assert row["conformance"] == "not-evaluated", criterion_id
            assert [r["code"] for r in row["remarks"]][-1] == "provisional"
            assert row["manual"]["provisional"] is True
    confirmed = replace(provisional[0], provisional=False)
    levels = acr_levels(data, [confirmed])
    assert all(levels[c] == confirmed.conformance for c in confirmed.criteria)
    with app.test_request_context("/en/"):
        text = conformance.remark_text(rows[provisional[0].criteria[0]]["remarks"][-1], "en",
                                       report.ReportView(data))
    assert text.startswith("Not counted until a person confirms it: ")
