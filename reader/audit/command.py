"""`flask --app app audit`: check what the audit needs, run it, write the reports, say what it
found, and give the exit status (1 when anything failed or could not be checked)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import click
from flask import Flask

from .. import store
from . import ACR_HTML, ACR_JSON, REPORT_HTML, REPORT_JSON, browser, default_folder


def _check_base_url(base_url: str | None) -> None:
    if base_url is None:
        return
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise click.BadParameter("must be the site's address, such as https://news.example.org",
                                 param_hint="--base-url")


def audit(app: Flask, base_url: str | None, out: Path | None, lang: str, quick: bool, acr: bool,
          progress: bool = True) -> int:
    _check_base_url(base_url)
    browser.require_extra()
    browser.executable()  # before minutes of work, not after
    from . import conformance, report, runner

    findings = conformance.load_findings() if acr else None
    folder = out or default_folder(app)
    folder.mkdir(parents=True, exist_ok=True)
    try:
        data = runner.run(app, base_url=base_url, quick=quick, progress=progress)
    except store.StoreError as e:
        raise click.ClickException(str(e)) from e
    report.write_json(data, folder / REPORT_JSON)
    report.write_html(app, data, folder / REPORT_HTML, lang)
    written = [folder / REPORT_JSON, folder / REPORT_HTML]
    if findings is not None:
        version, items = findings
        document = conformance.build(data, version, items)
        conformance.write_json(app, document, data, folder / ACR_JSON)
        conformance.write_html(app, document, data, folder / ACR_HTML, lang)
        written += [folder / ACR_JSON, folder / ACR_HTML]

    summary = data["summary"]
    counts = summary["criteria"]
    click.echo(f"Audited {summary['states']} page-states of {summary['pages']} pages in "
               f"{data['duration_seconds']} s ({data['mode']}): {summary['outcome'].upper()}.")
    click.echo(f"WCAG 2.2 A/AA criteria: {counts['failed']} failed, "
               f"{counts['needs-review']} need human review, "
               f"{counts['passed']} passed, {counts['not-applicable']} not applicable.")
    failed = summary["failed"]
    for label, key in (("Failed criteria", "criteria"), ("Failed project requirements", "requirements"),
                       ("Failed best-practice rules", "best_practice")):
        if failed[key]:
            click.echo(f"{label}: {', '.join(failed[key])}")
    if summary["errors"]:
        click.echo(f"Checks that could not run: {summary['errors']} (see the report)")
    for path in written:
        click.echo(f"Wrote {path}")
    return 0 if summary["outcome"] == "passed" else 1
