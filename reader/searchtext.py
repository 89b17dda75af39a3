"""Text normalisation shared by the search index and search queries, and result highlighting."""

from __future__ import annotations

import re

import Stemmer
from markupsafe import Markup, escape

from .languages import LANGUAGES

# Armenian emphasis, exclamation, comma-like and question marks (U+055B-U+055E) sit inside a word
# (Ի՞նչ); a tokenizer would split the word there, so they are dropped before indexing and querying.
_INWORD_MARKS = re.compile("[\u055b-\u055e]")
# A word as a reader sees it, in-word Armenian marks included.
_WORD = re.compile(r"(?:\w|[\u055b-\u055e])+")
_TOKEN = re.compile(r"\w+")
MAX_QUERY_TERMS = 12
MAX_TERM = 64

# Snowball's stemmer for each interface language (Armenian and English are both in Snowball), used
# on the words written in that language's script: Armenian words with the Armenian stemmer, Latin
# words with the English one, whatever the article's language (an Armenian story quotes English
# names; a query may mix both).
_STEMMERS = [(re.compile(language.letters), Stemmer.Stemmer(language.name_in_snowball))
             for language in LANGUAGES]


def normalize(text: str) -> str:
    """Fold text for matching: lower case, no in-word marks, the ligature և spelled եվ."""
    return _INWORD_MARKS.sub("", text.lower()).replace("\u0587", "\u0565\u057e")


def stem(word: str) -> str:
    """The stem of a folded word, by the stemmer of its script (other words as they are)."""
    for letters, stemmer in _STEMMERS:
        if letters.match(word):
            stemmed: str = stemmer.stemWord(word)
            return stemmed
    return word


class _Stems(dict[str, str]):
    """Stems already found: a language's common words make up most of any text, so indexing an
    archive looks most of them up here rather than stemming them again (emptied when full)."""

    def __missing__(self, word: str) -> str:
        if len(self) >= MAX_STEMS:
            self.clear()
        found = self[word] = stem(word)
        return found


MAX_STEMS = 200_000
_STEMS = _Stems()


def index_text(text: str) -> str:
    """What the search index holds for a text: its words folded and stemmed."""
    return " ".join(map(_STEMS.__getitem__, _TOKEN.findall(normalize(text))))


def query_terms(query: str) -> list[str]:
    """The distinct terms of a reader's query, folded and stemmed as the index is, in order."""
    terms: list[str] = []
    for word in _TOKEN.findall(normalize(query)):
        term = stem(word[:MAX_TERM])
        if term not in terms:
            terms.append(term)
    return terms[:MAX_QUERY_TERMS]


# Shorter stems match as whole words: as prefixes they would match most of the vocabulary. Longer
# ones also match as prefixes, for the forms the stemmer leaves whole (նմուշ finds նմուշներ).
MIN_PREFIX = 4


def fts_query(terms: list[str]) -> str:
    """An FTS5 MATCH expression: every term, quoted (no reader syntax reaches FTS5)."""
    return " ".join(
        '"' + t.replace('"', "") + '"' + ("*" if len(t) >= MIN_PREFIX else "") for t in terms
    )


def _matches(word: str, terms: list[str]) -> bool:
    """As the index matches: the word's stem equals a term, or starts with a long one."""
    stemmed = stem(normalize(word))
    return any(stemmed.startswith(t) if len(t) >= MIN_PREFIX else stemmed == t for t in terms)


def highlight(text: str, terms: list[str]) -> Markup:
    """Escape text and wrap each word that matches a term in <mark>."""
    out: list[str] = []
    pos = 0
    for m in _WORD.finditer(text):
        if _matches(m.group(), terms):
            out.append(escape(text[pos : m.start()]))
            out.append(Markup("<mark>%s</mark>") % m.group())
            pos = m.end()
    out.append(escape(text[pos:]))
    return Markup("").join(out)


def snippet(text: str, terms: list[str], words: int = 36) -> Markup:
    """About `words` words of text around the first match, highlighted, with ellipses where cut."""
    spans = [m.span() for m in _WORD.finditer(text)]
    if not spans:
        return Markup("")
    first = next((i for i, (a, b) in enumerate(spans) if _matches(text[a:b], terms)), 0)
    start_i = max(0, first - words // 3)
    end_i = min(len(spans), start_i + words)
    start = spans[start_i][0] if start_i else 0
    end = spans[end_i - 1][1] if end_i < len(spans) else len(text)
    body = highlight(text[start:end].strip(), terms)
    return (Markup("… ") if start else Markup("")) + body + (Markup(" …") if end < len(text) else "")
