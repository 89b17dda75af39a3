"""The audit report: report.json, checked against its schema (report.schema.json) before it is
written, and report.html, for the auditors who read it, in either interface language."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from flask import Flask, render_template
from flask_babel import LazyString, format_datetime, format_decimal
from flask_babel import lazy_gettext as _l

from ..prefs import PREFERENCES, TEXT_SIZE
from . import HERE
from .checks import BY_ID as CHECKS_BY_ID
from .checks import MESSAGES, REQUIREMENTS
from .criteria import by_id as criteria_by_id
from .matrix import GROUPS
from .outcomes import LABELS, OUTCOMES, REVIEW_REASONS

SCHEMA = HERE / "report.schema.json"
PAGE_LOAD = _l("Page loads with the chosen preferences")

# The page types the discovery names (pages.py), for readers.
KINDS: dict[str, LazyString] = {
    "home": _l("Home page"),
    "section": _l("Section"),
    "article": _l("Article"),
    "article-other-language": _l("Article in the other language"),
    "search-empty": _l("Search, before searching"),
    "search-results": _l("Search with results"),
    "search-no-results": _l("Search without results"),
    "not-found": _l("Page not found (404)"),
    "statement": _l("Accessibility statement"),
}
LATER_PAGE = _l("%(kind)s, page 2")
CHOSEN = _l("%(name)s: %(value)s")  # a display preference and its value
ROUTE_REASONS: dict[str, LazyString] = {
    "methods": _l("Not a page: it accepts only %(detail)s."),
    "arguments": _l("Not audited: the audit cannot fill its arguments (%(detail)s)."),
    "redirect": _l("A redirect, not a page (%(detail)s): its targets are audited."),
    "not-html": _l("Not a web page (%(detail)s)."),
}


@contextmanager
def in_language(app: Flask, lang: str) -> Iterator[None]:
    """A request for a page in `lang`, so that gettext, dates and numbers speak it. In an app
    context of its own: requests inside an existing one (the CLI's) would share its `g`, where
    the language and Babel's locale of the first are kept."""
    with app.app_context(), app.test_request_context(f"/{lang}/"):
        yield


def schema() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(SCHEMA.read_text(encoding="utf-8"))
    return loaded


def validate(data: dict[str, Any], against: dict[str, Any]) -> None:
    """Raise jsonschema.ValidationError if `data` does not follow the schema."""
    import jsonschema

    jsonschema.Draft202012Validator(against, format_checker=jsonschema.FormatChecker()).validate(data)


def english_names(app: Flask) -> dict[str, str]:
    """The checks' names in English, for report.json."""
    with in_language(app, "en"):
        names = {check.id: str(check.name) for check in CHECKS_BY_ID.values()}
        names["page-load"] = str(PAGE_LOAD)
    return names


def english_messages(app: Flask, report: dict[str, Any]) -> None:
    """Give every finding in the report its English message (report.json is read by tools and
    people without the catalog); the HTML report translates from the codes."""
    with in_language(app, "en"):
        for state in report["states"]:
            for result in state["results"]:
                for finding in result.get("findings", []):
                    finding["message"] = message(finding)


def message(finding: dict[str, Any]) -> str:
    template = MESSAGES.get(finding["code"])
    if template is None:
        return str(finding["code"])
    text = str(template)
    return text % finding["params"] if finding.get("params") else text


def write_json(report: dict[str, Any], path: Path) -> None:
    validate(report, schema())
    path.write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


class ReportView:
    """What the HTML templates ask about the report, answered in the current interface language."""

    outcomes = OUTCOMES

    def __init__(self, report: dict[str, Any]) -> None:
        self.report = report
        self.pages = {p["id"]: p for p in report["pages"]}
        self.states = {s["id"]: s for s in report["states"]}
        self.rules = report["rules"]
        self.criteria = criteria_by_id()

    def criterion_name(self, criterion_id: str) -> str:
        return self.criteria[criterion_id].name(self.lang)

    @property
    def lang(self) -> str:
        from ..i18n import select_locale

        return select_locale()

    def anchor(self, criterion_id: str) -> str:
        return self.criteria[criterion_id].anchor

    def outcome(self, outcome: str) -> str:
        return str(LABELS[outcome])

    def review_reason(self, reason: str | None) -> str:
        return str(REVIEW_REASONS[reason]) if reason else ""

    def source_name(self, source: str) -> str:
        if source.startswith("axe:"):
            return source.removeprefix("axe:")
        if source == "page-load":
            return str(PAGE_LOAD)
        check = CHECKS_BY_ID.get(source)
        return str(check.name) if check else source

    def rule_help(self, source: str) -> str:
        rule = self.rules.get(source.removeprefix("axe:"), {})
        return str(rule.get("help", ""))

    def rule_url(self, source: str) -> str:
        rule = self.rules.get(source.removeprefix("axe:"), {})
        return str(rule.get("help_url", ""))

    def requirement(self, requirement_id: str) -> str:
        name = REQUIREMENTS.get(requirement_id)
        return str(name) if name else requirement_id

    def message(self, finding: dict[str, Any]) -> str:
        return message(finding)

    def path(self, page_id: str) -> str:
        return unquote(self.pages[page_id]["path"])

    def kind(self, kind: str) -> str:
        if kind.endswith("-page-2"):
            base = kind.removesuffix("-page-2")
            return str(LATER_PAGE) % {"kind": self.kind(base)}
        label = KINDS.get(kind)
        return str(label) if label else kind

    def route_reason(self, route: dict[str, Any]) -> str:
        template = ROUTE_REASONS.get(route["reason"])
        return str(template) % {"detail": route["detail"]} if template else route["reason"]

    def group(self, group: str) -> str:
        return str(GROUPS.get(group, group))

    def display(self, state_or_variant: dict[str, Any]) -> str:
        """The display choices of a state in words: the text size always, the other preferences
        where they differ from the default; the device's colours, the window, the disclosures."""
        chosen = state_or_variant["preferences"]
        parts = []
        for preference in PREFERENCES:
            value = chosen.get(preference.name, preference.default)
            if preference is TEXT_SIZE or value != preference.default:
                label = next(c.short or str(c.label) for c in preference.choices if c.value == value)
                parts.append(str(CHOSEN) % {"name": preference.legend, "value": label})
        dark = state_or_variant["color_scheme"] == "dark"
        parts.append(str(_l("dark device") if dark else _l("light device")))
        viewport = state_or_variant["viewport"]
        parts.append(f"{viewport['width']} × {viewport['height']} CSS px")
        if state_or_variant["disclosures_open"]:
            parts.append(str(_l("disclosures open")))
        return ", ".join(parts)

    def when(self) -> str:
        return str(format_datetime(datetime.fromisoformat(self.report["generated"]), "long"))

    def seconds(self) -> str:
        return str(format_decimal(self.report["duration_seconds"]))

    def number(self, value: int) -> str:
        return str(format_decimal(value))

    def state_failures(self, state: dict[str, Any]) -> list[dict[str, Any]]:
        """A state's failed results, axe's rule by rule, each with what it concerns."""
        failed = []
        for result in state["results"]:
            if result["check"] == "axe":
                for rule in result["rules"]["failed"]:
                    failed.append({"source": "axe:" + rule["rule"], "axe": rule,
                                   "subjects": self.rules[rule["rule"]]["criteria"]})
            elif result["outcome"] == "failed":
                subjects = list(result["criteria"]) or [result["requirement"]]
                failed.append({"source": result["check"], "result": result, "subjects": subjects})
        return failed

    def details(self, state_id: str, source: str, subject: str, outcome: str) -> dict[str, Any] | None:
        """What a source reported in one state, for one subject, as evidence."""
        state = self.states[state_id]
        for result in state["results"]:
            if source.startswith("axe:") and result["check"] == "axe":
                key = "failed" if outcome == "failed" else "needs_review"
                for rule in result["rules"][key]:
                    if rule["rule"] == source.removeprefix("axe:"):
                        return {"axe": rule}
            elif result["check"] == source and result["outcome"] == outcome and (
                    subject in result["criteria"] or subject == result.get("requirement")):
                return {"result": result}
        return None


def render(app: Flask, template: str, lang: str, **context: Any) -> str:
    """A template of templates/audit/ in the interface language `lang`."""
    with in_language(app, lang):
        return render_template(template, **context)


def write_html(app: Flask, report: dict[str, Any], path: Path, lang: str) -> None:
    path.write_text(render(app, "audit/report.html", lang, report=report, view=ReportView(report)),
                    encoding="utf-8")
