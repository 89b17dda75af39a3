"""The WCAG 2.2 success criteria of levels A and AA (criteria.yaml): number, level, name in each
interface language, and how far the audit's automated checks can decide each one."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import yaml

from . import HERE

AUTOMATED = ("full", "partial", "none")
LEVELS = ("A", "AA")
# axe-core tags a rule with the criteria it tests: "wcag143" is 1.4.3, "wcag1410" is 1.4.10
# (principles and guidelines have one digit each).
_AXE_TAG = re.compile(r"wcag(\d)(\d)(\d+)")


@dataclass(frozen=True)
class Criterion:
    id: str
    level: str
    names: dict[str, str]  # language code → name
    automated: str
    obsolete: bool = False

    def name(self, lang: str) -> str:
        return self.names.get(lang) or self.names["en"]

    @property
    def anchor(self) -> str:
        """An id for HTML: "sc-1-4-3"."""
        return "sc-" + self.id.replace(".", "-")


@cache
def all_criteria() -> tuple[Criterion, ...]:
    data = yaml.safe_load((HERE / "criteria.yaml").read_text(encoding="utf-8"))
    found = []
    for item in data["criteria"]:
        criterion = Criterion(id=str(item["id"]), level=item["level"], names=dict(item["name"]),
                              automated=item["automated"], obsolete=bool(item.get("obsolete", False)))
        if criterion.level not in LEVELS or criterion.automated not in AUTOMATED:
            raise ValueError(f"criteria.yaml: {criterion.id}: bad level or automated value")
        found.append(criterion)
    return tuple(found)


@cache
def by_id() -> dict[str, Criterion]:
    return {c.id: c for c in all_criteria()}


def sort_key(criterion_id: str) -> tuple[int, ...]:
    return tuple(int(part) for part in criterion_id.split("."))


def from_axe_tags(tags: list[str]) -> list[str]:
    """The A/AA criteria an axe rule tests, from its tags (AAA ones are left out)."""
    known = by_id()
    found = []
    for tag in tags:
        m = _AXE_TAG.fullmatch(tag)
        if m and ".".join(m.groups()) in known:
            found.append(".".join(m.groups()))
    return sorted(set(found), key=sort_key)
