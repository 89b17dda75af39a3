"""The Armenian catalog: complete, current, well-formed, and written with Armenian punctuation."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from reader.cli import CHECKOUT as ROOT
from reader.cli import extract_args, pybabel, update_args

PO = ROOT / "translations" / "hy" / "LC_MESSAGES" / "messages.po"


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    with PO.open("rb") as f:
        return read_po(f, locale="hy")


def strings(message) -> tuple[str, ...]:
    return message.string if isinstance(message.string, tuple) else (message.string,)


def ids(message) -> tuple[str, ...]:
    return message.id if isinstance(message.id, tuple) else (message.id,)


def translated(catalog: Catalog) -> list:
    return [m for m in catalog if m.id]


def test_catalog_header_is_not_fuzzy_and_has_the_armenian_plural_rule(catalog: Catalog) -> None:
    assert not catalog.fuzzy
    assert catalog.plural_forms == "nplurals=2; plural=(n > 1);"
    assert len(translated(catalog)) >= 60


def test_every_message_is_translated_and_none_is_fuzzy_or_obsolete(catalog: Catalog) -> None:
    untranslated = [m.id for m in translated(catalog) if not all(strings(m))]
    fuzzy = [m.id for m in translated(catalog) if m.fuzzy]
    assert untranslated == [] and fuzzy == []
    assert list(catalog.obsolete) == []


def test_catalog_check_finds_no_errors(catalog: Catalog) -> None:
    assert [(m.id, [str(e) for e in errors]) for m, errors in catalog.check() if errors] == []


def test_catalog_is_up_to_date_with_the_code_and_templates(tmp_path: Path) -> None:
    pot = tmp_path / "messages.pot"
    pybabel(*extract_args(pot))
    result = pybabel(*update_args(pot, "hy"), "--check", check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_armenian_strings_use_armenian_punctuation(catalog: Catalog) -> None:
    for m in translated(catalog):
        for source, text in zip(ids(m), strings(m), strict=False):
            # A sentence ends with the Armenian full stop, never a Latin one or a colon.
            assert not re.search(r"[.:?](\s|$)", re.sub(r"%\([a-z]+\)s", "", text)), text
            if source.endswith("."):
                assert text.endswith("։"), text
            assert '"' not in text and "“" not in text, text  # quotes are « »
            # The same placeholders as the English; only a plural form may leave out the count
            # (ngettext still chooses the form by it).
            wanted = set(re.findall(r"%\([a-z]+\)s", source))
            found = set(re.findall(r"%\([a-z]+\)s", text))
            optional = {"%(num)s"} if m.pluralizable else set()
            assert wanted - optional <= found <= wanted, (source, text)


def test_no_armenian_text_is_upper_cased_by_css() -> None:
    css = (ROOT / "static" / "reader.css").read_text()
    assert "uppercase" not in css and "capitalize" not in css
    # A font stack that reaches Armenian glyphs without downloading anything.
    assert '"Noto Sans Armenian"' in css and "@font-face" not in css and "@import" not in css
