"""axe-core in the page: the copy that ships inside the PyPI package axe-playwright-python (nothing
is downloaded), run on WCAG 2.0-2.2 A and AA and best practice, as the project's browser tests run it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .criteria import from_axe_tags

if TYPE_CHECKING:
    from playwright.sync_api import Page

TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
# Every node of a violation or an undecided rule; one node only of passes (enough to count them).
OPTIONS = {"runOnly": {"type": "tag", "values": TAGS}, "resultTypes": ["violations", "incomplete"]}
NODES_KEPT = 10
HTML_KEPT = 200


def script() -> str:
    from axe_playwright_python.base import AXE_SCRIPT

    return str(AXE_SCRIPT)


def run(page: Page, source: str) -> dict[str, Any]:
    """axe's raw results for the page as it is now (injected once per document)."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(source)
    results: dict[str, Any] = page.evaluate("(options) => axe.run(document, options)", OPTIONS)
    return results


def _nodes(rule: dict[str, Any]) -> list[dict[str, str]]:
    return [{
        # A node inside frames or shadow roots has one selector per level.
        "target": " ".join(t if isinstance(t, str) else " ".join(t) for t in node.get("target", [])),
        "html": node.get("html", "")[:HTML_KEPT],
        "summary": node.get("failureSummary") or "",
    } for node in rule.get("nodes", [])[:NODES_KEPT]]


def record(results: dict[str, Any], rules: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """A state's axe result for report.json; every rule seen is added to the catalogue `rules`
    (its criteria from its tags, its help text and page)."""
    for key in ("passes", "violations", "incomplete", "inapplicable"):
        for rule in results.get(key, []):
            rules.setdefault(rule["id"], {
                "criteria": from_axe_tags(rule.get("tags", [])),
                "help": rule.get("help", ""),
                "help_url": rule.get("helpUrl", ""),
                "tags": list(rule.get("tags", [])),
            })

    def described(key: str) -> list[dict[str, Any]]:
        return [{"rule": r["id"], "impact": r.get("impact") or "", "count": len(r.get("nodes", [])),
                 "nodes": _nodes(r)} for r in results.get(key, [])]

    failed = described("violations")
    review = described("incomplete")
    return {
        "check": "axe",
        "outcome": "failed" if failed else "needs-review" if review else "passed",
        "rules": {
            "passed": sorted(r["id"] for r in results.get("passes", [])),
            "failed": failed,
            "needs_review": review,
            "not_applicable": sorted(r["id"] for r in results.get("inapplicable", [])),
        },
    }


def version(results: dict[str, Any]) -> str:
    return str(results.get("testEngine", {}).get("version", ""))
