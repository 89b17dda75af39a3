"""Shared helpers for the tests (not a test module): types and small functions several test
modules use."""

from __future__ import annotations

import contextlib
import os
import threading
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from flask import Flask

T = TypeVar("T")

# make_app(**settings) -> a fresh app on its own copy of the demo database (see conftest.py).
AppFactory = Callable[..., Flask]

# The longest host name DNS allows: 253 characters, in labels of at most 63.
LONGEST_HOST = ".".join(["a" * 63] * 3) + "." + "b" * 61


@contextmanager
def a_pipe(path: Path) -> Iterator[Path]:
    """A named pipe at `path`, for code that must never open one for reading: were it opened,
    the wait is ended after 5 s (the test then fails on what it read, rather than hanging)."""
    os.mkfifo(path)

    def unblock() -> None:
        with contextlib.suppress(OSError):
            os.close(os.open(path, os.O_WRONLY | os.O_NONBLOCK))

    timer = threading.Timer(5, unblock)
    timer.daemon = True
    timer.start()
    try:
        yield path
    finally:
        timer.cancel()


def peak_memory(work: Callable[[], T]) -> tuple[T, int]:
    """What `work` returns, and the most memory Python held for it at once (bytes, tracemalloc)."""
    tracemalloc.start()
    try:
        result = work()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return result, peak
