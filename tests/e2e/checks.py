"""Measurements run inside the page: contrast, clipping, overlap, target size, focus rings."""

from __future__ import annotations

from playwright.sync_api import Page

# WCAG relative luminance and contrast of two CSS colours; the background is the first opaque
# one found walking up from the element.
_COLOUR_JS = """
const rgb = (c) => c.match(/[\\d.]+/g).map(Number);
const lum = ([r, g, b]) => {
  const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
  return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
};
const ratio = (a, b) => {
  const [x, y] = [lum(rgb(a)), lum(rgb(b))].sort((p, q) => q - p);
  return (x + 0.05) / (y + 0.05);
};
const bgOf = (el) => {
  for (let e = el; e; e = e.parentElement) {
    const c = getComputedStyle(e).backgroundColor;
    const parts = rgb(c);
    if (parts.length < 4 || parts[3] > 0) return c;
  }
  return getComputedStyle(document.documentElement).backgroundColor || "rgb(255,255,255)";
};
// Not seen by anyone: inside a closed disclosure, visually hidden (for screen readers only), or
// the hidden skip links.
const unseen = (el) => el.closest(".visually-hidden, .skip-links") || !el.checkVisibility() ||
  getComputedStyle(el).clipPath === "inset(50%)";
const describe = (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
  (el.className && typeof el.className === "string" ? "." + el.className.split(" ").join(".") : "") +
  " «" + (el.textContent || el.value || "").trim().slice(0, 30) + "»";
"""

LOW_CONTRAST_TEXT = _COLOUR_JS + """
(minimum) => {
  const bad = [];
  for (const el of document.querySelectorAll("body *")) {
    const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
    if (!own || el.closest(".visually-hidden") || !el.getClientRects().length) continue;
    const cs = getComputedStyle(el);
    if (cs.visibility === "hidden") continue;
    const r = ratio(cs.color, bgOf(el));
    if (r < minimum) bad.push(describe(el) + " " + r.toFixed(2));
  }
  return bad;
}
"""

FOCUS_RING = _COLOUR_JS + """
() => {
  const el = document.activeElement;
  // The ring may be drawn on the element or on the label that wraps a radio.
  const ringed = el.closest(".option") || el;
  const cs = getComputedStyle(ringed);
  const width = parseFloat(cs.outlineWidth) || 0;
  return {
    element: describe(el),
    style: cs.outlineStyle,
    width: width,
    contrast: cs.outlineStyle === "none" ? 0 : ratio(cs.outlineColor, bgOf(ringed.parentElement || ringed)),
  };
}
"""

# Is the focused element visible at its centre, not hidden under something else (2.4.11)?
FOCUS_OBSCURED = """
() => {
  const el = document.activeElement;
  const target = el.closest(".option") || el;
  const r = target.getBoundingClientRect();
  if (!r.width || !r.height) return "zero-size " + el.outerHTML.slice(0, 80);
  const x = Math.min(Math.max(r.left + r.width / 2, 0), innerWidth - 1);
  const y = Math.min(Math.max(r.top + r.height / 2, 0), innerHeight - 1);
  const top = document.elementFromPoint(x, y);
  return top && (target.contains(top) || top.contains(target)) ? null : el.outerHTML.slice(0, 80);
}
"""

HORIZONTAL_SCROLL = "() => document.documentElement.scrollWidth > document.documentElement.clientWidth"

CLIPPED = _COLOUR_JS + """
() => {
  const bad = [];
  for (const el of document.querySelectorAll("body *")) {
    if (unseen(el) || !el.getClientRects().length) continue;
    const cs = getComputedStyle(el);
    const hidesX = ["hidden", "clip"].includes(cs.overflowX);
    const hidesY = ["hidden", "clip"].includes(cs.overflowY);
    if ((hidesX && el.scrollWidth > el.clientWidth + 1) ||
        (hidesY && el.scrollHeight > el.clientHeight + 1)) bad.push(describe(el));
    // Text running out of a box that is narrower than its content, even if not hidden.
    if (el.matches("a, button, label, legend, input, h1, h2, p, li") &&
        el.scrollWidth > el.clientWidth + 1 && cs.display !== "inline") bad.push("overflow " + describe(el));
  }
  return bad;
}
"""

OVERLAPS = _COLOUR_JS + """
() => {
  const sel = "a, button, input, label.option, legend, h1, h2, p, figcaption, .site-name";
  const els = [...document.querySelectorAll(sel)].filter(
    (e) => !unseen(e) && e.getClientRects().length);
  const boxes = els.map((e) => [...e.getClientRects()].filter((r) => r.width > 1 && r.height > 1));
  const bad = [];
  for (let i = 0; i < els.length; i++) {
    for (let j = i + 1; j < els.length; j++) {
      if (els[i].contains(els[j]) || els[j].contains(els[i])) continue;
      for (const a of boxes[i]) for (const b of boxes[j]) {
        const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
        const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
        if (w > 1 && h > 1) { bad.push(describe(els[i]) + " × " + describe(els[j])); break; }
      }
    }
  }
  return bad.slice(0, 10);
}
"""

# Controls that are not links inside running text must be at least 24 × 24 CSS px (2.5.8).
SMALL_TARGETS = _COLOUR_JS + """
() => {
  const bad = [];
  for (const el of document.querySelectorAll("a[href], button, input:not([type=hidden]), label.option")) {
    if (unseen(el) || el.closest(".story-body, .summary, .story-item h2, footer p")) continue;
    if (el.matches("input[type=radio]")) continue; // its label is the target
    const r = el.getBoundingClientRect();
    if (!r.width) continue;
    if (r.width < 24 || r.height < 24) bad.push(describe(el) + ` ${r.width.toFixed(0)}x${r.height.toFixed(0)}`);
  }
  return bad;
}
"""

# WCAG 1.4.12's text-spacing overrides, as the usual bookmarklet injects them.
TEXT_SPACING_CSS = """
* { line-height: 1.5 !important; letter-spacing: 0.12em !important;
    word-spacing: 0.16em !important; }
p { margin-bottom: 2em !important; }
"""


def root_font_px(page: Page) -> float:
    return page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")


def body_background(page: Page) -> str:
    return page.evaluate("getComputedStyle(document.body).backgroundColor")


def add_style(page: Page, css: str) -> None:
    """Add a reader's own style sheet, as a bookmarklet or user style would (the page's CSP
    forbids inline styles, and constructed sheets are the reader's, not the page's)."""
    page.evaluate(
        "(css) => { const s = new CSSStyleSheet(); s.replaceSync(css);"
        " document.adoptedStyleSheets = [...document.adoptedStyleSheets, s]; }",
        css,
    )


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
