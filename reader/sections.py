"""The sections an article may belong to (its `section` field), named in the interface language."""

from __future__ import annotations

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

SECTION_NAMES: dict[str, LazyString] = {
    "politics": _l("Politics"),
    "society": _l("Society"),
    "culture": _l("Culture"),
    "economy": _l("Economy"),
    "science": _l("Science"),
}


def section_name(key: str) -> str:
    """A section's name in the interface language (its key when it has none)."""
    return str(SECTION_NAMES.get(key, key))
