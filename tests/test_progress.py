"""Long work shows its progress: a bar with counts and rate on a terminal, plain lines every few
seconds in a log, and the commands end with a summary."""

from __future__ import annotations

import io
import re
from pathlib import Path

from flask import Flask
from flask.testing import FlaskCliRunner

from reader import store
from reader.progress import Progress, speed
from reader.tools.synthetic import generate


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_on_a_terminal_a_bar_with_counts_and_rate() -> None:
    screen = Terminal()
    with Progress("reading", stream=screen) as progress:
        for n in range(1, 5):
            progress(n, 4)
    frames = screen.getvalue().split("\r")
    assert re.fullmatch(r"reading \[#{30}\] 4/4 \([\d,]+/(s|min)\)\n", frames[-1])
    assert re.match(r"reading \[#{7}-{23}\] 1/4 ", frames[1])


def test_slow_work_is_counted_per_minute_fast_work_per_second() -> None:
    # Recording audio runs at a few articles a minute: "0/s" would say nothing.
    assert speed(0.2) == "12/min"
    assert speed(9.9) == "594/min"
    assert speed(10) == "10/s"
    assert speed(1234.4) == "1,234/s"


def test_in_a_log_plain_lines_every_few_seconds_and_at_the_end() -> None:
    log = io.StringIO()
    with Progress("reading", every=0.0, stream=log) as progress:
        for n in range(1, 4):
            progress(n, 3)
    lines = log.getvalue().splitlines()
    assert lines[0].startswith("reading: 1 of 3 (") and lines[-1].startswith("reading: 3 of 3 (")
    assert "\r" not in log.getvalue()
    quiet = io.StringIO()
    with Progress("reading", every=3600, stream=quiet) as progress:
        for n in range(1, 1000):
            progress(n, 999)
    assert quiet.getvalue() == ""  # a quick job in a log says only its summary


def test_a_large_import_reports_as_it_goes_and_sums_up(app: Flask, runner: FlaskCliRunner,
                                                      tmp_path: Path, monkeypatch) -> None:
    generate(tmp_path / "many", 250, seed=3)  # past the parallel threshold
    monkeypatch.setattr(Progress, "__init__", _every_time(Progress.__init__))
    result = runner.invoke(args=["articles", "import", str(tmp_path / "many")])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert any(re.fullmatch(r"reading: 250 of 250 \([\d,]+/s\)", line) for line in lines), lines
    assert re.search(r"imported 250 article\(s\) in [\d.]+ s", lines[-1])
    assert store.count(store.connect(app.config["DATABASE"])) >= 250


def _every_time(init):  # noqa: ANN001, ANN202 - wraps Progress.__init__
    def wrapped(self, label, every=5.0, stream=None) -> None:  # noqa: ANN001
        init(self, label, 0.0, stream)
    return wrapped
