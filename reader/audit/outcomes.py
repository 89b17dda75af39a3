"""From each page-state's results to one outcome per WCAG success criterion (and per project
requirement and axe best-practice rule), with the evidence behind it.

A criterion has failed when any check failed it in any page-state; it needs a person's review
when a check could not decide (axe's "incomplete") or when the automated checks cannot decide it
at all (criteria.yaml: automated partial or none); it has passed, or does not apply, only when
the checks decide it (automated: full) and said so."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from .criteria import all_criteria

PASSED = "passed"
FAILED = "failed"
REVIEW = "needs-review"
NOT_APPLICABLE = "not-applicable"
OUTCOMES = (FAILED, REVIEW, PASSED, NOT_APPLICABLE)  # the order of the report

LABELS: dict[str, LazyString] = {
    PASSED: _l("Passed"),
    FAILED: _l("Failed"),
    REVIEW: _l("Needs human review"),
    NOT_APPLICABLE: _l("Not applicable"),
}
# Why a criterion needs review although nothing failed (the report says which).
REVIEW_REASONS: dict[str, LazyString] = {
    "incomplete": _l("A check could not decide on some page-states; a person must look at them."),
    "partial": _l("The automated checks found no failure, but they cover only part of this criterion; "
                  "a person must review the rest."),
    "none": _l("No automated check can decide this criterion; a person must review it."),
    "no-evidence": _l("No check produced evidence for this criterion in this audit."),
}


@dataclass
class Evidence:
    """What one source (an axe rule, or one of the project's checks) said about one subject, over
    all page-states: how many passed or did not apply, and which failed or need review."""

    source: str  # "axe:color-contrast", or a check's id
    passed: int = 0
    not_applicable: int = 0
    failed: list[str] = field(default_factory=list)
    needs_review: list[str] = field(default_factory=list)

    def add(self, outcome: str, state: str) -> None:
        if outcome == PASSED:
            self.passed += 1
        elif outcome == NOT_APPLICABLE:
            self.not_applicable += 1
        elif outcome == FAILED:
            self.failed.append(state)
        else:
            self.needs_review.append(state)

    def as_dict(self) -> dict[str, Any]:
        return {"source": self.source, "passed": self.passed, "not_applicable": self.not_applicable,
                "failed": self.failed, "needs_review": self.needs_review}


class Tally:
    """Evidence per subject: criterion ("1.4.3"), requirement ("req:story-first") or best-practice
    rule ("bp:region")."""

    def __init__(self) -> None:
        self.subjects: dict[str, dict[str, Evidence]] = {}

    def add(self, subject: str, source: str, outcome: str, state: str) -> None:
        sources = self.subjects.setdefault(subject, {})
        sources.setdefault(source, Evidence(source)).add(outcome, state)

    def evidence(self, subject: str) -> list[Evidence]:
        return list(self.subjects.get(subject, {}).values())


def tally(states: Iterable[dict[str, Any]], rules: dict[str, dict[str, Any]]) -> Tally:
    """Count every result of every state (report.json's "states") under its subjects."""
    found = Tally()
    for state in states:
        for result in state["results"]:
            if result["check"] == "axe":
                for outcome, key in ((PASSED, "passed"), (NOT_APPLICABLE, "not_applicable"),
                                     (FAILED, "failed"), (REVIEW, "needs_review")):
                    for item in result["rules"][key]:
                        rule = item if isinstance(item, str) else item["rule"]
                        criteria = rules[rule]["criteria"]
                        for subject in criteria or [f"bp:{rule}"]:
                            found.add(subject, f"axe:{rule}", outcome, state["id"])
                continue
            subjects = list(result["criteria"])
            if result.get("requirement"):
                subjects.append(f"req:{result['requirement']}")
            for subject in subjects:
                found.add(subject, result["check"], result["outcome"], state["id"])
    return found


def decide(evidence: list[Evidence], automated: str) -> tuple[str, str | None]:
    """A subject's outcome, and why it needs review when it does (see REVIEW_REASONS)."""
    if any(e.failed for e in evidence):
        return FAILED, None
    if any(e.needs_review for e in evidence):
        return REVIEW, "incomplete"
    if automated != "full":
        # Checks that touch the criterion found nothing wrong, but cannot vouch for it.
        return REVIEW, "partial" if evidence else "none"
    if any(e.passed for e in evidence):
        return PASSED, None
    if any(e.not_applicable for e in evidence):
        return NOT_APPLICABLE, None
    return REVIEW, "no-evidence"


def criteria_outcomes(found: Tally) -> list[dict[str, Any]]:
    outcomes = []
    for criterion in all_criteria():
        evidence = found.evidence(criterion.id)
        if criterion.obsolete:
            outcome, reason = NOT_APPLICABLE, None
        else:
            outcome, reason = decide(evidence, criterion.automated)
        outcomes.append({
            "id": criterion.id, "level": criterion.level, "name": criterion.name("en"),
            "automated": criterion.automated, "obsolete": criterion.obsolete, "outcome": outcome,
            "review_reason": reason, "evidence": [e.as_dict() for e in evidence],
        })
    return outcomes


def other_outcomes(found: Tally, prefix: str) -> list[dict[str, Any]]:
    """Requirements ("req:") or best-practice rules ("bp:"): decided by their checks alone."""
    found_ids = sorted(s for s in found.subjects if s.startswith(prefix))
    outcomes = []
    for subject in found_ids:
        evidence = found.evidence(subject)
        outcome, reason = decide(evidence, "full")
        outcomes.append({"id": subject.removeprefix(prefix), "outcome": outcome, "review_reason": reason,
                         "evidence": [e.as_dict() for e in evidence]})
    return outcomes
