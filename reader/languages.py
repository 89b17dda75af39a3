"""The interface languages, declared once. Routes, the URL converter, the store's constraint, the
language switcher, alternates, caches and the import read this declaration; adding a language is
one entry here plus its catalog in translations/."""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class Language:
    code: str  # BCP 47 primary subtag: the URL prefix, <html lang>, the catalog's folder
    autonym: str  # named in itself, for the switcher (a menu item starts with a capital letter)
    name: LazyString  # named in the interface language ("This story is in Armenian.")
    read_in: str  # the link to a story's version in this language, written in this language
    letters: str  # a regex character class of the script's letters, to tell a reader's words apart
    name_in_snowball: str  # the language's Snowball stemmer (PyStemmer), for search
    locale: str  # language_TERRITORY of the audience (Open Graph's og:locale)


LANGUAGES: tuple[Language, ...] = (
    # CLDR's own name is "հայերեն", lower case.
    Language("hy", "Հայերեն", _l("Armenian"), "Կարդալ հայերեն", "[\u0531-\u0556\u0561-\u0587]", "armenian",
             "hy_AM"),
    Language("en", "English", _l("English"), "Read in English", "[A-Za-z]", "english", "en_GB"),
)
CODES: tuple[str, ...] = tuple(language.code for language in LANGUAGES)
BY_CODE: dict[str, Language] = {language.code: language for language in LANGUAGES}
# The language of `/` when neither the reader's cookie nor the browser names one, and of x-default.
DEFAULT = "hy"
# The source language of the interface: its strings are the msgids, it has no catalog.
SOURCE = "en"
CATALOGS: tuple[str, ...] = tuple(code for code in CODES if code != SOURCE)
# Matches exactly one interface language code (the URL converter's pattern).
PATTERN = "|".join(map(re.escape, CODES))

_SCRIPTS = [(language.code, re.compile(language.letters)) for language in LANGUAGES]


def by_script(text: str) -> str | None:
    """The language a reader's own words are written in, judged by script; mixed or none: None."""
    found = [code for code, letters in _SCRIPTS if letters.search(text)]
    return found[0] if len(found) == 1 else None


def others(code: str) -> tuple[str, ...]:
    """The interface languages other than `code`, in declaration order."""
    return tuple(c for c in CODES if c != code)
