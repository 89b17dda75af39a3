"""Progress of long work for the people who run it: a bar with counts and rate on a terminal,
plain lines every few seconds otherwise (a log, CI), and a summary at the end."""

from __future__ import annotations

import sys
import time
from typing import TextIO

WIDTH = 30


def speed(per_second: float) -> str:
    """A rate as people read it: per second for fast work, per minute for slow (recording audio
    runs at a few articles a minute, which per second would read "0/s")."""
    if per_second >= 10:
        return f"{per_second:,.0f}/s"
    return f"{per_second * 60:,.0f}/min"


class Progress:
    def __init__(self, label: str, every: float = 5.0, stream: TextIO | None = None) -> None:
        self.label = label
        self.every = every
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty()
        self.started = time.perf_counter()
        self.last = self.started
        self.shown = False

    def __call__(self, done: int, total: int) -> None:
        now = time.perf_counter()
        rate = done / max(now - self.started, 1e-9)
        if self.tty:
            filled = WIDTH * done // max(total, 1)
            bar = "#" * filled + "-" * (WIDTH - filled)
            self.stream.write(f"\r{self.label} [{bar}] {done:,}/{total:,} ({speed(rate)})")
            self.stream.flush()
            self.shown = True
        elif now - self.last >= self.every or (done == total and self.shown):
            self.stream.write(f"{self.label}: {done:,} of {total:,} ({speed(rate)})\n")
            self.stream.flush()
            self.last = now
            self.shown = True

    def close(self) -> None:
        if self.tty and self.shown:
            self.stream.write("\n")
            self.stream.flush()

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()
