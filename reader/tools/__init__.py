"""Tools for the people who build and measure the reader, kept apart from the serving code: the
benchmark, the synthetic-article generator and the hostile-traffic flood. The app's modules never
import them."""

from __future__ import annotations

from .. import PACKAGE

# The project checkout the tools run in (make targets, app.py).
CHECKOUT = PACKAGE.parent
