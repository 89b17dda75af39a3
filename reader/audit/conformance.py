"""The Accessibility Conformance Report (ACR) in the VPAT 2.5 WCAG layout: every WCAG 2.2 A and AA
criterion with a conformance level and remarks, from the audit's evidence (report.json) and the
manual findings kept in the repository (manual-findings.yaml).

The rule: a claim needs evidence. An automated failure makes "Does Not Support" (on most of the
page-states where the criterion was checked) or "Partially Supports"; a manual finding gives its
level; an automated pass gives "Supports" (and "does not apply" gives "Not Applicable") only for
criteria the checks decide (criteria.yaml: automated full). Everything else is "Not Evaluated"."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from flask import Flask, render_template
from flask_babel import LazyString, format_date
from flask_babel import lazy_gettext as _l

from . import HERE
from .criteria import all_criteria
from .outcomes import FAILED, NOT_APPLICABLE, PASSED
from .report import ReportView, in_language, validate

FINDINGS = HERE / "manual-findings.yaml"
SCHEMA = HERE / "acr.schema.json"
ACR_FORMAT = "reader-acr"
ACR_VERSION = 1

SUPPORTS = "supports"
PARTIALLY = "partially-supports"
DOES_NOT = "does-not-support"
NOT_APPLICABLE_LEVEL = "not-applicable"
NOT_EVALUATED = "not-evaluated"
LEVELS = (SUPPORTS, PARTIALLY, DOES_NOT, NOT_APPLICABLE_LEVEL, NOT_EVALUATED)

# The VPAT's terms, and what each means (VPAT 2.5, "Terms").
TERMS: dict[str, tuple[LazyString, LazyString]] = {
    SUPPORTS: (_l("Supports"), _l("The functionality of the product has at least one method that meets the "
                                  "criterion without known defects or meets with equivalent facilitation.")),
    PARTIALLY: (_l("Partially Supports"), _l("Some functionality of the product does not meet the criterion.")),
    DOES_NOT: (_l("Does Not Support"),
               _l("The majority of product functionality does not meet the criterion.")),
    NOT_APPLICABLE_LEVEL: (_l("Not Applicable"), _l("The criterion is not relevant to the product.")),
    NOT_EVALUATED: (_l("Not Evaluated"), _l("The product has not been evaluated against the criterion. This "
                                            "report uses it for every criterion that neither a check nor a "
                                            "person has evaluated, at any level.")),
}
METHODS: dict[str, LazyString] = {
    "code-review": _l("code review"),
    "automated-test": _l("automated test"),
    "manual-test": _l("manual test"),
}
REMARKS: dict[str, LazyString] = {
    "automated-failed": _l("Automated checks failed on %(failed)s of the %(checked)s page-states where they "
                           "ran: %(sources)s."),
    "automated-passed": _l("Automated checks passed on all %(checked)s page-states where they ran: "
                           "%(sources)s."),
    "automated-not-applicable": _l("Automated checks found nothing this criterion applies to on %(checked)s "
                                   "page-states: %(sources)s."),
    "automated-partial": _l("Automated checks found no failure (%(sources)s), but they cover only part of "
                            "this criterion, and no person has reviewed the rest."),
    "automated-incomplete": _l("Automated checks could not decide on %(states)s page-states (%(sources)s), "
                               "and no person has reviewed them."),
    "no-evidence": _l("No automated check covers this criterion, and no person has evaluated it."),
    "obsolete": _l("Obsolete: removed from WCAG 2.2, which this report evaluates against."),
    "manual": _l("%(remarks)s Checked by %(by)s on %(date)s (%(method)s: %(evidence)s)."),
    "provisional": _l("Not counted until a person confirms it: %(remarks)s Checked by %(by)s on %(date)s "
                      "(%(method)s: %(evidence)s)."),
}


@dataclass(frozen=True)
class ManualFinding:
    criteria: tuple[str, ...]
    conformance: str
    remarks: dict[str, str]
    method: str
    evidence: str
    by: dict[str, str]
    date: str
    # Not yet confirmed by a person: shown in the remarks, never the ground of a conformance level.
    provisional: bool = False


def load_findings(path: Path = FINDINGS) -> tuple[int, list[ManualFinding]]:
    """The findings file's version and its findings; a malformed file stops with the reason."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    findings = []
    for i, item in enumerate(data["findings"], 1):
        finding = ManualFinding(
            criteria=tuple(str(c) for c in item["criteria"]),
            conformance=item["conformance"],
            remarks=dict(item["remarks"]),
            method=item["method"],
            evidence=" ".join(str(item["evidence"]).split()),
            by=dict(item["by"]),
            date=str(item["date"]),
            provisional=item.get("provisional", False),
        )
        known = {c.id for c in all_criteria()}
        if (finding.conformance not in LEVELS[:4] or finding.method not in METHODS
                or not set(finding.criteria) <= known or not {"en", "hy"} <= finding.remarks.keys()
                or not {"en", "hy"} <= finding.by.keys() or not isinstance(finding.provisional, bool)):
            raise ValueError(f"{path.name}: finding {i} is malformed (criteria, conformance, method, "
                             "remarks and by in en and hy)")
        date.fromisoformat(finding.date)  # ValueError if not a date
        findings.append(finding)
    return int(data["version"]), findings


def _remark(code: str, **params: Any) -> dict[str, Any]:
    return {"code": code, "params": params}


def _checked_states(report: dict[str, Any]) -> dict[str, set[str]]:
    """For each criterion, the page-states where any check said anything about it."""
    found: dict[str, set[str]] = {}
    for state in report["states"]:
        for result in state["results"]:
            if result["check"] == "axe":
                rules = result["rules"]
                ids = rules["passed"] + rules["not_applicable"] + [r["rule"] for r in rules["failed"]
                                                                   + rules["needs_review"]]
                criteria = {c for rule in ids for c in report["rules"][rule]["criteria"]}
            else:
                criteria = set(result["criteria"])
            for criterion in criteria:
                found.setdefault(criterion, set()).add(state["id"])
    return found


def _sources(evidence: list[dict[str, Any]], *keys: str) -> list[str]:
    return [e["source"] for e in evidence if any(e[k] for k in keys)]


def decide(automated: dict[str, Any], manual: ManualFinding | None, checked: int,
           obsolete: bool) -> tuple[str, list[dict[str, Any]]]:
    """One criterion's conformance level and the remarks that explain it."""
    evidence = automated["evidence"]
    outcome = automated["outcome"]
    remarks: list[dict[str, Any]] = []
    if obsolete:
        return NOT_APPLICABLE_LEVEL, [_remark("obsolete")]
    if manual is not None and manual.provisional:
        # Said, but decided as if it were not there.
        level, remarks = decide(automated, None, checked, obsolete)
        return level, [*remarks, _remark("provisional", finding=manual)]
    if manual is not None:
        remarks.append(_remark("manual", finding=manual))
    if outcome == FAILED:
        failed = len({s for e in evidence for s in e["failed"]})
        remarks.insert(0, _remark("automated-failed", failed=failed, checked=checked,
                                  sources=_sources(evidence, "failed")))
        return (DOES_NOT if failed * 2 > checked else PARTIALLY), remarks
    if outcome == PASSED:
        remarks.append(_remark("automated-passed", checked=checked, sources=_sources(evidence, "passed")))
    elif outcome == NOT_APPLICABLE:
        remarks.append(_remark("automated-not-applicable", checked=checked,
                               sources=_sources(evidence, "not_applicable")))
    elif manual is None and automated["review_reason"] == "incomplete":
        states = len({s for e in evidence for s in e["needs_review"]})
        remarks.append(_remark("automated-incomplete", states=states,
                               sources=_sources(evidence, "needs_review")))
    elif manual is None and automated["review_reason"] == "partial":
        remarks.append(_remark("automated-partial", sources=_sources(evidence, "passed", "not_applicable")))
    if manual is not None:
        return manual.conformance, remarks
    if outcome == PASSED:
        return SUPPORTS, remarks
    if outcome == NOT_APPLICABLE:
        return NOT_APPLICABLE_LEVEL, remarks
    return NOT_EVALUATED, remarks or [_remark("no-evidence")]


def build(report: dict[str, Any], findings_version: int, findings: list[ManualFinding]) -> dict[str, Any]:
    """The ACR's data (see acr.schema.json), remarks still as codes: see `with_text`."""
    by_criterion: dict[str, ManualFinding] = {}
    for finding in findings:
        for criterion_id in finding.criteria:
            by_criterion[criterion_id] = finding
    automated = {c["id"]: c for c in report["criteria"]}
    checked = _checked_states(report)
    rows = []
    for criterion in all_criteria():
        manual = by_criterion.get(criterion.id)
        level, remarks = decide(automated[criterion.id], manual, len(checked.get(criterion.id, ())),
                                criterion.obsolete)
        rows.append({
            "id": criterion.id, "level": criterion.level, "name": criterion.name("en"),
            "conformance": level, "remarks": remarks,
            "automated_outcome": automated[criterion.id]["outcome"],
            "manual": None if manual is None else {
                "conformance": manual.conformance, "method": manual.method, "evidence": manual.evidence,
                "by": manual.by, "date": manual.date, "remarks": manual.remarks,
                "provisional": manual.provisional},
        })
    return {
        "format": ACR_FORMAT,
        "version": ACR_VERSION,
        "product": {"name": "Reader", "version": report["tools"]["reader"]},
        "report_date": report["generated"][:10],
        "standard": "WCAG 2.2",
        "levels": ["A", "AA"],
        "based_on": {"generated": report["generated"], "mode": report["mode"],
                     "pages": report["summary"]["pages"],
                     "states": report["summary"]["states"], "axe_core": report["tools"]["axe_core"],
                     "browser": report["tools"]["browser"]},
        "manual_findings": {"version": findings_version, "count": len(findings)},
        "criteria": rows,
        "summary": {level: sum(1 for r in rows if r["conformance"] == level) for level in LEVELS},
    }


def remark_text(remark: dict[str, Any], lang: str, view: ReportView) -> str:
    """A remark in the current interface language (call inside a request for `lang`)."""
    params = dict(remark["params"])
    if remark["code"] in ("manual", "provisional"):
        finding: ManualFinding = params["finding"]
        params = {"remarks": finding.remarks.get(lang, finding.remarks["en"]),
                  "by": finding.by.get(lang, finding.by["en"]),
                  "date": format_date(date.fromisoformat(finding.date), "long"),
                  "method": str(METHODS[finding.method]), "evidence": finding.evidence}
    if "sources" in params:
        params["sources"] = ", ".join(view.source_name(s) for s in params["sources"]) or "–"
    for key in ("failed", "checked", "states"):
        if key in params:
            params[key] = view.number(params[key])
    return str(REMARKS[remark["code"]]) % params if params else str(REMARKS[remark["code"]])


def with_text(app: Flask, acr: dict[str, Any], report: dict[str, Any]) -> dict[str, Any]:
    """acr.json: each remark with its English text, and manual findings as plain data."""
    view = ReportView(report)
    rows = []
    with in_language(app, "en"):
        for row in acr["criteria"]:
            rows.append({**row, "remarks": [
                {"code": r["code"], "text": remark_text(r, "en", view)} for r in row["remarks"]]})
    return {**acr, "criteria": rows}


def write_json(app: Flask, acr: dict[str, Any], report: dict[str, Any], path: Path) -> None:
    data = with_text(app, acr, report)
    validate(data, json.loads(SCHEMA.read_text(encoding="utf-8")))
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def write_html(app: Flask, acr: dict[str, Any], report: dict[str, Any], path: Path, lang: str) -> None:
    view = ReportView(report)
    with in_language(app, lang):
        html = render_template("audit/acr.html", acr=acr, report=report, view=view, terms=TERMS,
                               remark=lambda r: remark_text(r, lang, view),
                               report_date=format_date(date.fromisoformat(acr["report_date"]), "long"))
    path.write_text(html, encoding="utf-8")
