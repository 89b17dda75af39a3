"""Measurements run inside the page: contrast, clipping, overlap, target size, focus rings."""

from __future__ import annotations

from playwright.sync_api import Page

# The measurements the accessibility audit makes too live in reader/audit/scripts.py: one copy,
# so the tests and `flask --app app audit` measure the same things the same way.
from reader.audit.scripts import (  # noqa: F401 (names other test modules import from here)
    _COLOUR_JS,
    CLIPPED,
    FOCUS_OBSCURED,
    FOCUS_RING,
    HORIZONTAL_SCROLL,
    LOW_CONTRAST_TEXT,
    OVERLAPS,
    SMALL_TARGETS,
    TEXT_SPACING_CSS,
    add_style,
    root_font_px,
)


def body_background(page: Page) -> str:
    return page.evaluate("getComputedStyle(document.body).backgroundColor")


def accessible_node(page: Page, name: str) -> dict[str, object] | None:
    """The browser's own accessibility-tree node with this name (what a screen reader gets):
    its role and states, e.g. {"role": "DisclosureTriangle", "expanded": False, "focusable": True}."""
    cdp = page.context.new_cdp_session(page)
    try:
        for node in cdp.send("Accessibility.getFullAXTree")["nodes"]:
            role = node.get("role", {}).get("value")
            if node.get("name", {}).get("value") == name and role not in ("StaticText", "InlineTextBox"):
                states = {p["name"]: p["value"].get("value") for p in node.get("properties", [])}
                return {"role": role, **states}
    finally:
        cdp.detach()
        page.bring_to_front()  # the session may leave the page without focus
    return None
