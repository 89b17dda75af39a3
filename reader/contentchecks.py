"""Content checks at import: faults in an article's body that a publisher must fix (errors: the
import is refused) or should look at (warnings: printed; `--strict` refuses them too).

The checks read the sanitised body, what readers get, in one pass of Python's HTML parser, and
look at its text with regular expressions that run in linear time: import speed matters. The
language of parts is judged by script, from each language's `letters` in `languages.py`, so a
language added there is checked too. Messages are in English, the language of the command line.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import PurePosixPath
from typing import Literal, NamedTuple
from urllib.parse import unquote, urlsplit

from markdown_it.token import Token

from .languages import CODES, LANGUAGES
from .sanitize import excerpt

Severity = Literal["error", "warning"]

# --- thresholds (listed in README's "Importing articles") --------------------------------------
# Two or more words in another script, in a row: a lone brand name or acronym ("Wi-Fi", "NATO")
# is common and harmless in an Armenian article; a name ("Kassym-Jomart Tokayev") or a quoted
# sentence is what a screen reader mispronounces in the article's voice.
FOREIGN_RUN_WORDS = 2
# Four words of two or more letters in capitals, separated only by spaces: shouting, not an
# acronym ("NATO") nor a list of them ("NATO, EU, UN").
CAPITALS_WORDS = 4
LONG_PARAGRAPH_WORDS = 150
LONG_ALT_CHARACTERS = 150
EXCERPT_CHARACTERS = 60
# Beyond this many findings of one check in one article, one line says how many more: a file in
# the wrong language would otherwise print a line per paragraph.
MAX_FINDINGS_PER_CHECK = 10


@dataclass(frozen=True)
class Check:
    id: str
    severity: Severity
    rule: str


CHECKS: dict[str, Check] = {check.id: check for check in (
    Check("heading-h1", "error", "an h1 in the body (the headline is the page's only h1)"),
    Check("heading-skip", "error", "the first heading is not h2, or a heading skips a level (h2 → h4)"),
    Check("empty-link", "error", "a link with no text (nor alt text of an image in it)"),
    Check("missing-alt", "error", "an image with no alt attribute, or alt of spaces only"),
    Check("table-headers", "error", "a table without header cells (th)"),
    Check("alt-is-caption", "error", "an image whose alt text repeats its caption"),
    Check("alt-is-filename", "error", "an image whose alt text is its file name, or any file name"),
    Check("foreign-text", "warning", f"{FOREIGN_RUN_WORDS}+ words in a row in another language's "
                                     "script, not inside an element with a matching lang"),
    Check("vague-link", "warning", "link text that says nothing out of context (click here, "
                                   "read more, այստեղ, ավելին, …)"),
    Check("same-text-links", "warning", "links with the same text and different targets"),
    Check("capitals", "warning", f"{CAPITALS_WORDS}+ words in a row in capitals"),
    Check("long-paragraph", "warning", f"a paragraph of more than {LONG_PARAGRAPH_WORDS} words"),
    Check("long-alt", "warning", f"alt text longer than {LONG_ALT_CHARACTERS} characters"),
    Check("picture-removed", "warning", "a picture from another host or an unsafe address: the sanitiser "
                                        "removed its address, so readers see nothing"),
)}


@dataclass(frozen=True)
class Finding:
    check: str  # an id in CHECKS
    message: str

    @property
    def error(self) -> bool:
        return CHECKS[self.check].severity == "error"

    def __str__(self) -> str:
        return f"[{self.check}] {self.message}"


class _Findings:
    """Findings in the order found, at most MAX_FINDINGS_PER_CHECK of each check."""

    def __init__(self) -> None:
        self.found: list[Finding] = []
        self.counts: dict[str, int] = {}

    def add(self, check: str, message: str | Callable[[], str]) -> None:
        """Count a finding; keep it while there are few. A message that costs a look at the text
        comes as a function, called only for a finding that is kept."""
        assert check in CHECKS
        n = self.counts[check] = self.counts.get(check, 0) + 1
        if n <= MAX_FINDINGS_PER_CHECK:
            self.found.append(Finding(check, message if isinstance(message, str) else message()))

    def result(self) -> list[Finding]:
        more = [Finding(check, f"and {n - MAX_FINDINGS_PER_CHECK} more like these")
                for check, n in self.counts.items() if n > MAX_FINDINGS_PER_CHECK]
        return self.found + more


# --- text --------------------------------------------------------------------------------------
# What joins the parts of one word: hyphens, apostrophes, a dot or slash with no space ("Wi-Fi",
# "example.org", "and/or"), and Armenian's in-word marks and hyphen ("Ի՞նչ", "Նորք֊Մարաշ").
_JOINERS = "\\-'’./\u055a-\u055f\u058a"


def _class_body(letters: str) -> str:
    """The inside of a language's `letters` class, to build larger classes from."""
    assert letters.startswith("[") and not letters.startswith("[^") and letters.endswith("]"), letters
    return letters[1:-1]


def _others(code: str) -> list[str]:
    return [o.letters for o in LANGUAGES if o.code != code]


# Patterns that start with a character class are searched many times faster by Python's re than
# others (about 4 ns a character): the searches that run over all the text are written so.
_LETTERS = {language.code: re.compile(language.letters) for language in LANGUAGES}
_OTHER_CODES = {code: [c for c in CODES if c != code] for code in CODES}
# Per language, the words of every other language.
_OTHER_WORDS = {code: re.compile("|".join(f"{letters}+(?:[{_JOINERS}]{letters}+)*"
                                          for letters in _others(code)))
                for code in CODES if _others(code)}
_LETTER = re.compile(r"[^\W\d_]")
# Addresses are not words of a language: a stretch without spaces that holds "://", "@" or "www."
# is blanked before the language of parts is judged. (Tried where a stretch starts, and looked
# through once: linear.)
_ADDRESS = re.compile(r"(?<!\S)(?=\S*?(?:://|@|www\.))\S+")


def _capitals() -> str:
    """The upper-case letters of the languages' scripts, as the inside of a character class
    (Python's re has no Unicode case classes)."""
    letters = re.compile("|".join(language.letters for language in LANGUAGES))
    ranges: list[tuple[int, int]] = []
    for code in range(0x10000):
        if chr(code).isupper() and letters.fullmatch(chr(code)):
            if ranges and ranges[-1][1] == code - 1:
                ranges[-1] = (ranges[-1][0], code)
            else:
                ranges.append((code, code))
    return "".join(re.escape(chr(a)) + ("-" + re.escape(chr(b)) if b > a else "") for a, b in ranges)


_CAPS = _capitals()
_UP = f"[{_CAPS}]"
_NOT_LETTER_NEXT = r"(?![^\W\d_])"
# A word of 2+ capitals (one joiner allowed between letters: unambiguous, so no backtracking).
_CAPS_WORD = f"{_UP}(?<![^\\W\\d_]{_UP})(?:[-'’]?{_UP})+{_NOT_LETTER_NEXT}"
# CAPITALS_WORDS of them separated by spaces; single capitals ("A", "I") between them are neutral.
_CAPITALS = re.compile(f"{_CAPS_WORD}(?:\\s+(?:{_UP}{_NOT_LETTER_NEXT}\\s+)*{_CAPS_WORD})"
                       f"{{{CAPITALS_WORDS - 1},}}")


def _worth_a_look(code: str) -> re.Pattern[str]:
    """What makes a block of text all in this language worth a closer look: a letter of another
    language's script, or two capitals in a row. Most blocks have neither: one search says so."""
    others = "".join(map(_class_body, _others(code)))
    if not others:
        return re.compile(f"{_UP}(?={_UP})")
    return re.compile(f"[{others}{_CAPS}](?:(?<=[{others}])|(?={_UP}))")


_WORTH_A_LOOK = {code: _worth_a_look(code) for code in CODES}


def _script(word: str, lang: str) -> str:
    """The language whose script a word of another language than `lang` is in."""
    others = _OTHER_CODES[lang]
    if len(others) == 1:
        return others[0]
    return next(code for code in others if _LETTERS[code].match(word))


_SENTENCE_ENDS = (". ", "! ", "? ", "։ ", "… ", "\n")
# How far from the words a sentence's start and end are looked for: a message costs the same
# in a paragraph without full stops.
_SENTENCE_REACH = 300


def _squash(text: str) -> str:
    return " ".join(text.split())


def _quote(text: str) -> str:
    """Text as a message quotes it: spaces squashed, short, escaped (a paragraph can be 2 MB)."""
    return excerpt(_squash(text[:EXCERPT_CHARACTERS * 8]), EXCERPT_CHARACTERS)


def _sentence(text: str, start: int, end: int) -> str:
    """The sentence around text[start:end], quoted; cut in front when the words are far into it."""
    near = max(0, start - _SENTENCE_REACH)
    begin = max([at + len(mark) for mark in _SENTENCE_ENDS if (at := text.rfind(mark, near, start)) >= 0],
                default=near)
    far = min(len(text), end + _SENTENCE_REACH)
    stop = min([at + 1 for mark in _SENTENCE_ENDS if (at := text.find(mark, end, far)) >= 0], default=far)
    if start - begin <= EXCERPT_CHARACTERS // 3 or len(_squash(text[begin:stop])) <= EXCERPT_CHARACTERS:
        return _quote(text[begin:stop])
    # Far into a long sentence: from a word or two before the words, so that they show.
    cut = text.rfind(" ", begin, start - 12)
    return _quote("…" + text[(cut + 1 if cut >= 0 else start):stop])


_IN_WORD_MARKS = str.maketrans("", "", "\u055b\u055c\u055d\u055e")


def _link_key(text: str) -> str:
    """Link text as compared: case, spacing, Armenian in-word marks and end punctuation aside."""
    text = _squash(text.casefold().translate(_IN_WORD_MARKS))
    return text.strip(" .,:;!?…»«\"'“”‘’()[]→←›‹><-–—։՝*")


# Link texts that say nothing out of context, per language (compared after `_link_key`). Every
# list applies to every article: "click here" is as vague in an Armenian article.
VAGUE_LINK_TEXTS: dict[str, frozenset[str]] = {
    "en": frozenset({
        "click here", "click", "here", "click this", "read more", "more", "learn more", "more info",
        "more information", "info", "details", "more details", "link", "this link", "this",
        "continue", "continue reading", "see more", "see here", "go", "go here", "page",
        "this page", "website", "this website", "article", "this article",
    }),
    "hy": frozenset({
        "այստեղ", "սեղմեք այստեղ", "սեղմել այստեղ", "սեղմիր այստեղ", "ավելին", "կարդալ ավելին",
        "կարդա ավելին", "կարդացեք ավելին", "իմանալ ավելին", "տեսնել ավելին", "ավելի մանրամասն",
        "մանրամասն", "մանրամասներ", "մանրամասները", "հղում", "հղումը", "այս հղումը", "այս հղումով",
        "հղումով", "սա", "տես", "տեսնել", "շարունակել", "շարունակությունը", "կարդալ", "էջը",
        "այս էջը", "կայքը", "այս կայքը", "հոդվածը", "այս հոդվածը",
    }),
}
_VAGUE = frozenset().union(*VAGUE_LINK_TEXTS.values())

# --- images ------------------------------------------------------------------------------------
_FILE_NAME = re.compile(r"[^\s/\\]+\.(?:png|jpe?g|gif|webp|avif|svg|bmp|tiff?|heic|heif)", re.IGNORECASE)


def _file_names(src: str) -> set[str]:
    """The image's file name as an editor may have copied it into the alt text: with and
    without its extension."""
    name = unquote(PurePosixPath(urlsplit(src).path).name).casefold()
    return {name, name.rsplit(".", 1)[0]} - {""}


def _check_alt(findings: _Findings, what: str, src: str, alt: str) -> None:
    """The checks of a non-empty alt text that hold wherever the image is (body or lead)."""
    key = _squash(alt).casefold()
    if key in _file_names(src) or _FILE_NAME.fullmatch(key):
        findings.add("alt-is-filename", f"{what} alt text {_quote(alt)} is a file name; "
                                        "say what the picture shows instead")
    if len(alt) > LONG_ALT_CHARACTERS:
        findings.add("long-alt", f"{what} alt text has {len(alt)} characters (over {LONG_ALT_CHARACTERS}): "
                                 f"{_quote(alt)}; keep it short and put the detail in the caption or text")


def check_lead_image(src: str, alt: str, caption: str | None) -> list[Finding]:
    """The alt text of an article's lead image (front matter): `src` as written in the file."""
    findings = _Findings()
    if caption and _squash(alt).casefold() == _squash(caption).casefold():
        findings.add("alt-is-caption", "lead image alt text repeats the caption; "
                                       "say what the picture shows instead")
    _check_alt(findings, "lead image", src, alt)
    return findings.result()


# --- headings in the Markdown ------------------------------------------------------------------
def _opens_h1(raw: str) -> bool:
    """Whether raw HTML that the Markdown parser has delimited (an inline tag, or an HTML block,
    which starts with its first tag) opens an h1. The tag's name is read as HTML's tokenizer reads
    it; no parser runs over raw HTML here, as Python's is slow on some hostile input."""
    head = raw.lstrip(" ")[:4].lower()
    return head[:3] == "<h1" and (len(head) == 3 or head[3] in " \t\n\r\f/>")


def h1_headings(tokens: Sequence[Token]) -> list[str]:
    """The text of each h1 heading of a parsed Markdown body: Markdown's (`#`, `===`) and raw
    HTML's (text unknown: ""). The sanitiser removes h1 elements, keeping their text, so this is
    the only place they can be seen. An h1 nested in other raw HTML is not seen: the sanitiser
    removes it like any element it does not allow."""
    found: list[str] = []
    for i, token in enumerate(tokens):
        if token.type == "heading_open" and token.tag == "h1":
            found.append(tokens[i + 1].content if i + 1 < len(tokens) else "")
        elif token.type == "html_block" and _opens_h1(token.content):
            found.append("")
        elif token.type == "inline" and "<" in token.content:
            found += ["" for child in token.children or () if child.type == "html_inline"
                      and _opens_h1(child.content)]
    return found


def _h1_message(text: str) -> str:
    what = f"an h1 {_quote(text)}" if text.strip() else "an h1 (<h1> in its HTML)"
    return f"the body has {what}: the headline is the page's only h1; start the body's headings at h2 (##)"


# --- the body ----------------------------------------------------------------------------------
_INLINE = frozenset({"a", "abbr", "b", "br", "cite", "code", "del", "dfn", "em", "i", "img", "ins", "kbd",
                     "mark", "q", "s", "samp", "small", "span", "strong", "sub", "sup", "time", "u"})
# Text that is no language's prose: not judged for language or capitals.
_NOT_PROSE = frozenset({"code", "kbd", "samp", "pre"})
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
                   "track", "wbr"})
_HEADINGS = {f"h{n}": n for n in range(1, 7)}
# The elements `_Body._start` and `_Body._end` act on.
_STARTS = frozenset({*_HEADINGS, "p", "a", "img", "br", "figure", "figcaption", "table", "td", "th"})
_ENDS = frozenset({*_HEADINGS, "p", "a", "figcaption", "figure", "table"})


def _language(value: str) -> str | None:
    """The language whose script a `lang` value expects: one of ours, or None (another language,
    or a script named in the tag, as in hy-Latn: nothing to judge by)."""
    primary, *rest = value.lower().split("-")
    if primary not in CODES or any(len(part) == 4 and part.isalpha() for part in rest):
        return None
    return primary


class _Open(NamedTuple):
    tag: str
    lang: str | None  # the language its text should be in, if one of ours
    prose: bool


@dataclass
class _Link:
    href: str
    text: list[str] = field(default_factory=list)
    alts: list[str] = field(default_factory=list)


@dataclass
class _Figure:
    alts: list[str] = field(default_factory=list)
    caption: list[str] | None = None  # while the figcaption is open
    captions: list[str] = field(default_factory=list)


@dataclass
class _Table:
    data_cells: int = 0
    header_cells: int = 0
    first_text: str = ""


class _Segment(NamedTuple):
    text: str
    lang: str | None
    prose: bool


class _Body(HTMLParser):
    """One pass over the sanitised body. Text is gathered per block (paragraph, list item,
    heading, cell, …) with the language each piece is in; a block's text is judged when it ends."""

    def __init__(self, lang: str) -> None:
        super().__init__(convert_charrefs=True)
        self.findings = _Findings()
        self.open: list[_Open] = [_Open("body", _language(lang), True)]
        self.block: list[_Segment] = []
        self.plain = True  # the block's text is all prose in the article's language
        self.collecting: list[list[str]] = []  # the text of what is open: heading, link, …
        self.level = 1  # the headline
        self.after_h1 = False  # no heading yet since the author's h1 (see check_body)
        self.heading: list[str] | None = None
        self.paragraph: list[str] | None = None
        self.link: _Link | None = None
        self.links: dict[str, tuple[str, set[str], int]] = {}  # key -> (text, targets, count)
        self.figures: list[_Figure] = []
        self.tables: list[_Table] = []

    # The parser's events -----------------------------------------------------------------------
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.block and tag not in _INLINE:
            self._end_block()
        values = dict(attrs)
        if tag not in _VOID:
            parent = self.open[-1]
            lang = values.get("lang")
            self.open.append(_Open(tag, parent.lang if lang is None else _language(lang),
                                   parent.prose and tag not in _NOT_PROSE))
        if tag in _STARTS:
            self._start(tag, values)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in _VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        # Sanitised HTML is well formed; still, an end tag closes what it encloses, and a stray
        # one closes nothing.
        depth = len(self.open) - 1
        while depth and self.open[depth].tag != tag:
            depth -= 1
        while depth and len(self.open) > depth:
            closed = self.open.pop().tag
            if closed not in _INLINE:
                self._end_block()
            if closed in _ENDS:
                self._end(closed)

    def handle_data(self, data: str) -> None:
        top = self.open[-1]
        self.block.append(_Segment(data, top.lang, top.prose))
        if top is not self.open[0] and (top.lang != self.open[0].lang or not top.prose):
            self.plain = False
        for parts in self.collecting:
            parts.append(data)
        if self.tables and not self.tables[-1].first_text and data.strip():
            self.tables[-1].first_text = data

    # Elements ----------------------------------------------------------------------------------
    def _start(self, tag: str, values: dict[str, str | None]) -> None:
        if tag in _HEADINGS:
            self.heading = self._collect()
        elif tag == "p":
            self.paragraph = self._collect()
        elif tag == "a" and values.get("href") is not None:  # an <a> without href is no link
            self.link = _Link(values["href"] or "", self._collect())
        elif tag == "img":
            self._image(values)
        elif tag == "br":
            self.handle_data("\n")
        elif tag == "figure":
            self.figures.append(_Figure())
        elif tag == "figcaption" and self.figures:
            self.figures[-1].caption = self._collect()
        elif tag == "table":
            self.tables.append(_Table())
        elif tag in ("td", "th") and self.tables:
            table = self.tables[-1]
            table.header_cells += tag == "th"
            table.data_cells += tag == "td"

    def _end(self, tag: str) -> None:
        if tag in _HEADINGS and self.heading is not None:
            self._heading(_HEADINGS[tag], self._collected(self.heading))
            self.heading = None
        elif tag == "p" and self.paragraph is not None:
            self._paragraph(self._collected(self.paragraph))
            self.paragraph = None
        elif tag == "a" and self.link is not None:
            self._collected(self.link.text)
            self._link(self.link)
            self.link = None
        elif tag == "figcaption" and self.figures and self.figures[-1].caption is not None:
            self.figures[-1].captions.append(self._collected(self.figures[-1].caption))
            self.figures[-1].caption = None
        elif tag == "figure" and self.figures:
            self._figure(self.figures.pop())
        elif tag == "table" and self.tables:
            self._table(self.tables.pop())

    def _collect(self) -> list[str]:
        """A list that gathers the text from here until `_collected`."""
        parts: list[str] = []
        self.collecting.append(parts)
        return parts

    def _collected(self, parts: list[str]) -> str:
        for i in range(len(self.collecting) - 1, -1, -1):  # by identity: lists compare by content
            if self.collecting[i] is parts:
                del self.collecting[i]
                break
        return "".join(parts)

    def _heading(self, level: int, text: str) -> None:
        if level == 1:
            self.findings.add("heading-h1", _h1_message(text))
        elif self.level == 1 and level > 2:
            self.findings.add("heading-skip", f"the first heading {_quote(text)} is h{level}; the body's "
                                              "headings start at h2 (##), under the headline")
        elif level > self.level + 1:
            # Right after an h1 of the author's (removed; it must become h2), name it as written.
            before = "the h1 (which must become h2)" if self.after_h1 else f"h{self.level}"
            self.findings.add("heading-skip", f"heading {_quote(text)} is h{level} after {before}; "
                                              f"go down one level at a time (make it h{self.level + 1})")
        self.level = max(level, 2)
        self.after_h1 = False

    def _paragraph(self, text: str) -> None:
        words = len(text.split())
        if words > LONG_PARAGRAPH_WORDS:
            self.findings.add("long-paragraph", f"a paragraph of {words} words (over {LONG_PARAGRAPH_WORDS}) "
                                                f"starting {_quote(text)}; split it")

    def _image(self, values: dict[str, str | None]) -> None:
        src = values.get("src")
        if src is None:  # the sanitiser removed its address: the browser shows nothing
            alt_text = values.get("alt")
            what = _quote(alt_text) if alt_text else "without alt text"
            self.findings.add("picture-removed", f"the picture {what} is from another host or an unsafe "
                                                 "address and was removed; put it on this site (a lead "
                                                 "image, or /media/...) or leave it out")
            return
        alt = values.get("alt")
        if alt is None or (alt and not alt.strip()):
            what = "no alt attribute" if alt is None else "alt text of spaces only"
            self.findings.add("missing-alt", f"image {_quote(src)} has {what}; describe what it shows "
                                             '(![description](…)), or write alt="" if it is decorative')
            return
        if self.link is not None:
            self.link.alts.append(alt)
        if self.figures:
            self.figures[-1].alts.append(alt)
        if alt:  # alt="": a decorative picture, nothing to judge
            _check_alt(self.findings, "image", src, alt)

    def _link(self, link: _Link) -> None:
        text = _squash(" ".join(["".join(link.text), *link.alts]))
        if not text:
            self.findings.add("empty-link", f"a link to {_quote(link.href)} has no text; say where it leads "
                                            "(an image in it needs alt text)")
            return
        key = _link_key(text)
        shown, targets, count = self.links.get(key, (text, set(), 0))
        targets.add(link.href.strip().rstrip("/"))
        self.links[key] = (shown, targets, count + 1)

    def _figure(self, figure: _Figure) -> None:
        captions = {_squash(c).casefold() for c in figure.captions}
        for alt in figure.alts:
            if alt and _squash(alt).casefold() in captions:
                self.findings.add("alt-is-caption", f"image alt text {_quote(alt)} repeats its caption; "
                                                    "say what the picture shows instead")

    def _table(self, table: _Table) -> None:
        if table.data_cells and not table.header_cells:
            self.findings.add("table-headers", f"a table (starting {_quote(table.first_text)}) has no "
                                               "header cells; mark its header row or column with <th>")

    # Blocks of text ----------------------------------------------------------------------------
    def _end_block(self) -> None:
        if not self.block:
            return
        segments, self.block = self.block, []
        plain, self.plain = self.plain, True
        text = "".join([s.text for s in segments])
        lang = self.open[0].lang
        if not text.strip() or (plain and lang and not _WORTH_A_LOOK[lang].search(text)):
            return
        self._foreign_text(segments, text)
        prose = text if plain else "".join([s.text if s.prose else " " * len(s.text) for s in segments])
        for match in _CAPITALS.finditer(prose):
            self.findings.add("capitals", f"{len(match.group().split())} words in capitals: "
                                          f"{_quote(match.group())}; write them in normal case "
                                          "(capitals are harder to read, and may be spelt out)")

    def _foreign_text(self, segments: Iterable[_Segment], text: str) -> None:
        """Runs of words in another language's script than the language their text is in."""
        langs = {s.lang for s in segments if s.prose}
        if not any(_OTHER_WORDS[lang].search(text) for lang in langs if lang in _OTHER_WORDS):
            return  # nearly every block: all its words are in the script of its language
        run: tuple[str, str, int, int, int] | None = None  # (lang, script, start, end, words)
        offset = 0
        for segment in segments:
            lang = segment.lang if segment.prose else None
            if lang in _OTHER_WORDS:
                words = _OTHER_WORDS[lang]
                part = segment.text
                if "://" in part or "@" in part or "www." in part:
                    part = _ADDRESS.sub(lambda m: " " * len(m.group()), part)
                for match in words.finditer(part):
                    start, end = offset + match.start(), offset + match.end()
                    word = match.group()
                    script = _script(word, lang)
                    # Acronyms and single letters neither count nor break a run ("GB RAM").
                    counts = len(word) > 1 and not word.isupper()
                    if run and run[:2] == (lang, script) and not _LETTER.search(text, run[3], start):
                        run = (lang, script, run[2], end, run[4] + counts)
                    else:
                        self._foreign_run(run, text)
                        run = (lang, script, start, end, int(counts))
            offset += len(segment.text)
        self._foreign_run(run, text)

    def _foreign_run(self, run: tuple[str, str, int, int, int] | None, text: str) -> None:
        if run is None or run[4] < FOREIGN_RUN_WORDS:
            return
        lang, script, start, end, _ = run
        self.findings.add("foreign-text", lambda: (
            f'{_quote(text[start:end])} is in another script than the lang="{lang}" text around it, in '
            f'{_sentence(text, start, end)}; wrap it in <span lang="{script}">…</span> (or its own language)'))

    # The whole body ----------------------------------------------------------------------------
    def finish(self) -> list[Finding]:
        self.close()
        while len(self.open) > 1:
            self.handle_endtag(self.open[-1].tag)
        self._end_block()
        for key, (text, targets, count) in self.links.items():
            if key in _VAGUE or not key:  # only punctuation, such as "→", says nothing either
                times = f" ({count} links)" if count > 1 else ""
                self.findings.add("vague-link", f"link text {_quote(text)}{times} says nothing out of "
                                                "context; name where the link leads")
            elif len(targets) > 1:
                self.findings.add("same-text-links", f"{count} links say {_quote(text)} but lead to "
                                                     f"{len(targets)} different addresses; give each a "
                                                     "text that tells it apart")
        return self.findings.result()


def check_body(body_html: str, lang: str, h1s: Sequence[str] = ()) -> list[Finding]:
    """Every finding in a sanitised article body written in `lang`; `h1s` are the h1 headings the
    sanitiser removed (see `h1_headings`)."""
    reader = _Body(lang)
    if h1s:  # the author's headings start at h1: judge the others as if it were h2 already
        reader.level = 2
        reader.after_h1 = True
    for text in h1s:
        reader.findings.add("heading-h1", _h1_message(text))
    reader.feed(body_html)
    return reader.finish()
