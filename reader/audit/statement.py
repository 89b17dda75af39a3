"""What the accessibility statement (/<lang>/accessibility) says about the last audit: read from
report.json in the instance folder, where `flask --app app audit` writes by default. Served with
the pages, so it needs neither Playwright nor jsonschema: it reads the few fields it shows and
treats anything else as a report it cannot read."""

from __future__ import annotations

import json
import os
import threading
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from . import FOLDER, REPORT_JSON
from .criteria import Criterion, by_id

REPORT_FORMAT = "reader-audit-report"
READABLE_VERSIONS = (1,)


@dataclass(frozen=True)
class AuditSummary:
    generated: datetime
    mode: str  # "full" or "quick"
    pages: int
    states: int
    failed: tuple[Criterion, ...]  # the WCAG criteria that failed, in the standard's order
    outcome: str  # "passed" or "failed"


class Unreadable(Exception):
    """report.json is there but is not a report this version can read."""


_cache: dict[str, tuple[tuple[int, int], AuditSummary | Unreadable]] = {}
_lock = threading.Lock()


def report_path(instance_path: str) -> Path:
    return Path(instance_path) / FOLDER / REPORT_JSON


def parse(data: Any) -> AuditSummary:
    """The summary of a report.json's data; Unreadable if it is not one."""
    try:
        if data["format"] != REPORT_FORMAT or data["version"] not in READABLE_VERSIONS:
            raise Unreadable(f"not a report of version {READABLE_VERSIONS}")
        criteria = by_id()
        failed = tuple(criteria[c] for c in data["summary"]["failed"]["criteria"])
        summary = AuditSummary(
            generated=datetime.fromisoformat(data["generated"]),
            mode=str(data["mode"]),
            pages=int(data["summary"]["pages"]),
            states=int(data["summary"]["states"]),
            failed=failed,
            outcome=str(data["summary"]["outcome"]),
        )
    except (KeyError, TypeError, ValueError) as e:
        raise Unreadable(str(e)) from e
    if summary.mode not in ("full", "quick") or summary.outcome not in ("passed", "failed"):
        raise Unreadable("unknown mode or outcome")
    return summary


def last_audit(instance_path: str) -> AuditSummary | None:
    """The last audit's summary; None when no report is present. Raises Unreadable. Read again
    only when the file changes (a full report runs to megabytes)."""
    path = report_path(instance_path)
    try:
        stat = os.stat(path)
    except FileNotFoundError:
        return None
    key = (stat.st_mtime_ns, stat.st_size)
    with _lock:
        cached = _cache.get(str(path))
    if cached is None or cached[0] != key:
        try:
            found: AuditSummary | Unreadable = parse(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
            found = Unreadable(str(e))
        except Unreadable as e:
            found = e
        with _lock:
            _cache[str(path)] = (key, found)
    else:
        found = cached[1]
    if isinstance(found, Unreadable):
        raise found
    return found


def context(instance_path: str) -> dict[str, object]:
    """The statement template's view of the last audit: `audit` (a summary or None) and
    `audit_status`: "none", "unreadable", "failed" (some WCAG criterion failed) or "passed" (none
    did; best practice and the project's own requirements are not WCAG's to report here)."""
    try:
        audit = last_audit(instance_path)
    except Unreadable:
        return {"audit": None, "audit_status": "unreadable"}
    if audit is None:
        return {"audit": None, "audit_status": "none"}
    return {"audit": audit, "audit_status": "failed" if audit.failed else "passed"}
