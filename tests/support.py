"""Shared helpers for the tests (not a test module): types and small functions several test
modules use."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask

# make_app(**settings) -> a fresh app on its own copy of the demo database (see conftest.py).
AppFactory = Callable[..., Flask]
