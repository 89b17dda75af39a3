"""The accessibility audit: `flask --app app audit` drives Chromium over every page of the site in
every display state, runs axe-core and the project's own scripted checks, and writes a report
(report.json, report.html) and, with --acr, a conformance report (acr.json, acr.html).

Nothing here is imported while the site serves pages, except `statement` (which reads the last
report for the accessibility statement) and the data modules it needs; Playwright, axe-core and
jsonschema are imported only by the modules that run the audit (`runner`, `axe`, `browser`,
`report`), and only when the command runs."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

HERE = Path(__file__).resolve().parent
# The folder `audit` writes to by default, inside Flask's instance folder; the accessibility
# statement reads the last report from there.
FOLDER = "audit"
REPORT_JSON = "report.json"
REPORT_HTML = "report.html"
ACR_JSON = "acr.json"
ACR_HTML = "acr.html"


def default_folder(app: Flask) -> Path:
    return Path(app.instance_path) / FOLDER
