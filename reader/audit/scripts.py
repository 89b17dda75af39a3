"""Measurements run inside the page (JavaScript for Playwright's `page.evaluate`): contrast,
clipping, overlap, target size, focus rings, language of parts, and the few helpers that apply a
reader's own style sheet. The audit's checks (checks.py) and the browser tests (tests/e2e/)
share them, so both measure the same things the same way."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # only for the annotations: importing this module must not need Playwright
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
    // A text field scrolls what is typed into it, inside the control and the reader's caret:
    // that is how fields work, not content lost (a long query at 320 px with LG).
    if (el.matches("textarea, input:not([type=button], [type=submit], [type=reset], [type=image])")) continue;
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
    return float(page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)"))


def add_style(page: Page, css: str) -> None:
    """Add a reader's own style sheet, as a bookmarklet or user style would (the page's CSP
    forbids inline styles, and constructed sheets are the reader's, not the page's)."""
    page.evaluate(
        "(css) => { const s = new CSSStyleSheet(); s.replaceSync(css);"
        " document.adoptedStyleSheets = [...document.adoptedStyleSheets, s]; }",
        css,
    )


def remove_styles(page: Page) -> None:
    """Take away the style sheets `add_style` added (the page has none of its own there)."""
    page.evaluate("document.adoptedStyleSheets = []")


# Text in the script of another language than the one its element is marked with (its nearest
# lang attribute), WCAG 3.1.1 and 3.1.2. For each text node, accessible attribute and the
# title: runs of words written in another language's letters. `languages` is
# [[code, letter class], ...] from reader/languages.py. Text hidden from everyone (aria-hidden,
# display: none) is not spoken and is left out. The title cannot mark its parts, so text the
# page marks in another language elsewhere (a foreign headline, the query) is taken out of it.
LANGUAGE_OF_PARTS = r"""
(languages) => {
  // A word: two or more letters, maybe joined by an apostrophe or hyphen; a run: words apart by spaces.
  const words = languages.map(([code, letters]) => {
    const word = letters + "{2,}(?:['’\\-]" + letters + "+)*";
    return [code, new RegExp(word + "(?:\\s+" + word + ")*", "gu")];
  });
  const langOf = (el) => {
    const marked = el && el.closest("[lang]");
    return marked ? marked.getAttribute("lang").toLowerCase().split("-")[0] : "";
  };
  const found = [];
  const scan = (text, lang, where) => {
    for (const [code, re] of words) {
      if (code === lang) continue;
      for (const run of text.match(re) || []) {
        found.push({where, marked: lang, written: code, words: run.split(/\s+/).length,
                    text: run.slice(0, 80)});
      }
    }
  };
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node; (node = walker.nextNode()); ) {
    const el = node.parentElement;
    if (!node.textContent.trim() || el.closest("script, style, template, [aria-hidden=true]")) continue;
    if (!el.checkVisibility() && !el.closest("details")) continue;  // closed disclosures open later
    scan(node.textContent, langOf(el), el.tagName.toLowerCase());
  }
  for (const el of document.querySelectorAll("[aria-label], [alt], [title], [placeholder]")) {
    if (el.closest("[aria-hidden=true]")) continue;
    for (const name of ["aria-label", "alt", "title", "placeholder"]) {
      if (el.hasAttribute(name)) scan(el.getAttribute(name), langOf(el), el.tagName.toLowerCase() + "@" + name);
    }
  }
  const titleEl = document.querySelector("title");
  if (titleEl) {
    let title = titleEl.textContent;
    const own = langOf(titleEl);
    // Short texts of the page in another language than the title's: a foreign headline, the query,
    // or the site's name in the interface language beside a foreign story's headline.
    for (const el of document.body.querySelectorAll("*")) {
      const text = el.textContent.trim();
      if (text && text.length < 300 && langOf(el) !== own) title = title.replace(text, "");
    }
    scan(title, own, "title");
  }
  return found;
}
"""

# The first Tab stop of a freshly loaded page: is it a link to a target in this page, and is it
# shown while focused (a skip link hidden until focused must appear)?
FIRST_TAB_STOP = """
() => {
  const el = document.activeElement;
  const href = el && el.getAttribute("href");
  const r = el.getBoundingClientRect();
  const group = el.closest("nav, ul, div") || el.parentElement;
  const links = [...group.querySelectorAll("a[href^='#']")].map((a) => a.getAttribute("href"));
  return {
    tag: el.tagName.toLowerCase(),
    href: href,
    text: (el.textContent || "").trim().slice(0, 60),
    width: r.width, height: r.height, top: r.top,
    targetHasMain: !!(href && href.startsWith("#") && document.getElementById(href.slice(1)) &&
      (document.getElementById(href.slice(1)).matches("main") ||
       document.getElementById(href.slice(1)).querySelector("main"))),
    missing: links.filter((h) => h.length > 1 && !document.getElementById(h.slice(1))),
  };
}
"""

# Is keyboard focus now in the main content (on <main> or inside it)?
FOCUS_IN_MAIN = "() => !!(document.activeElement && document.activeElement.closest('main'))"

# Where the first headline starts, in CSS px from the top of the page (scrolled to the top).
HEADLINE_TOP = """
() => {
  window.scrollTo(0, 0);
  const h1 = document.querySelector("h1");
  return h1 ? h1.getBoundingClientRect().top + window.scrollY : null;
}
"""

# Time-based media and embedded content a page holds (WCAG 1.2.x, 1.4.2).
EMBEDDED_MEDIA = """
() => [...document.querySelectorAll("audio, video, object, embed, iframe, frame")]
  .map((el) => el.tagName.toLowerCase() + " " + (el.getAttribute("src") || "").slice(0, 60))
"""

# Fields that ask the reader to log in or prove who they are (WCAG 3.3.8).
CREDENTIAL_FIELDS = """
() => [...document.querySelectorAll(
  "input[type=password], input[autocomplete~='current-password'], input[autocomplete~='one-time-code'], " +
  "input[autocomplete~='username']")].map((el) => el.outerHTML.slice(0, 80))
"""

# Links to `href` in the page's footer (the contentinfo landmark), and their text (WCAG 3.2.6).
FOOTER_LINKS_TO = """
(href) => {
  const footer = document.querySelector("footer, [role=contentinfo]");
  if (!footer || footer.closest("main, article")) return null;
  return [...footer.querySelectorAll("a[href]")]
    .filter((a) => a.getAttribute("href") === href)
    .map((a) => (a.textContent || "").trim());
}
"""

# Open every disclosure, so that what is folded away is audited too once shown.
OPEN_DISCLOSURES = "() => document.querySelectorAll('details').forEach((d) => { d.open = true; })"

# One keyboard focus step: what has focus, its ring, whether anything covers it, and whether the
# focus is inside a native media player's own controls.
FOCUS_STEP = _COLOUR_JS + """
() => {
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return null;
  const ringed = el.closest(".option") || el;
  const cs = getComputedStyle(ringed);
  const width = parseFloat(cs.outlineWidth) || 0;
  const r = ringed.getBoundingClientRect();
  let obscured = null;
  if (!r.width || !r.height) {
    obscured = "zero-size";
  } else {
    const x = Math.min(Math.max(r.left + r.width / 2, 0), innerWidth - 1);
    const y = Math.min(Math.max(r.top + r.height / 2, 0), innerHeight - 1);
    const top = document.elementFromPoint(x, y);
    if (!(top && (ringed.contains(top) || top.contains(ringed)))) obscured = top ? describe(top) : "off-screen";
  }
  return {
    element: describe(el),
    // Focus inside the browser's own controls (the buttons of a native audio or video player):
    // the element hosting them has focus but not :focus-visible, and the ring the browser draws
    // there is beyond the page's styles and this measurement.
    native: el.matches("audio, video") && !el.matches(":focus-visible"),
    key: el.outerHTML.slice(0, 120),
    style: cs.outlineStyle,
    width: width,
    contrast: cs.outlineStyle === "none" ? 0 : ratio(cs.outlineColor, bgOf(ringed.parentElement || ringed)),
    obscured: obscured,
  };
}
"""
