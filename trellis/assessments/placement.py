"""Level-of-care recommendation from a transparent rule table. Pure Python, no Django.

A rule is data::

    {"id": "d1-withdrawal", "level": "WM",
     "explanation": "Dimension 1 (withdrawal potential) is rated 3 or 4 ...",
     "when": {"dimension": 1, "at_least": 3}}

Conditions (``when``):

- ``{"dimension": n, "at_least": k}`` / ``{"dimension": n, "at_most": k}``: ASAM dimension n
  (1-6) has a rating and it is >= k / <= k.
- ``{"all_dimensions_at_most": k}``: all six dimensions are rated and none is above k.
- ``{"instrument": code, "band_in": [...]}``: the latest result of that instrument has one of
  these bands; ``{"instrument": code, "total_at_least": k}`` compares its total.
- ``{"flag": name}``: a flag is raised (instrument flags such as ``suicide_risk``, and
  ``clinician_risk`` for an open clinician-marked safety alert).
- ``{"all": [...]}``, ``{"any": [...]}``, ``{"not": {...}}`` combine conditions.

The recommendation is the most intensive level any rule fired for (by ``rank``); when no rule
fires it is the default (IOP, ASAM 2.1). Every rule that fired is listed with its explanation.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

DEFAULT_SYSTEM = "asam-3"
DEFAULT_LEVEL = "2.1"
# ASAM 3rd-edition numbering; higher rank is more intensive (organization migration 0002).
DEFAULT_RANKS: Mapping[str, int] = {"1": 10, "2.1": 20, "2.5": 30, "3.7": 40, "WM": 45, "4": 50}

DEFAULT_RULES: tuple[dict[str, Any], ...] = (
    {
        "id": "d1-withdrawal",
        "level": "WM",
        "explanation": "Dimension 1 (intoxication / withdrawal potential) is rated 3 or 4: "
        "withdrawal needs medically supervised withdrawal management first.",
        "when": {"dimension": 1, "at_least": 3},
    },
    {
        "id": "d2-medical-severe",
        "level": "4",
        "explanation": "Dimension 2 (biomedical conditions) is rated 4: medical problems need "
        "24-hour medically managed inpatient care.",
        "when": {"dimension": 2, "at_least": 4},
    },
    {
        "id": "d3-severe",
        "level": "3.7",
        "explanation": "Dimension 3 (emotional, behavioural, cognitive) is rated 3 or 4: "
        "symptoms need a 24-hour residential / inpatient setting.",
        "when": {"dimension": 3, "at_least": 3},
    },
    {
        "id": "cssrs-high",
        "level": "3.7",
        "explanation": "The C-SSRS screen shows high suicide risk: a 24-hour setting is "
        "recommended after crisis evaluation.",
        "when": {"instrument": "cssrs", "band_in": ["high"]},
    },
    {
        "id": "d6-unsafe-environment",
        "level": "3.7",
        "explanation": "Dimension 6 (recovery / living environment) is rated 4: the living "
        "environment is unsafe for recovery; a residential setting is recommended.",
        "when": {"dimension": 6, "at_least": 4},
    },
    {
        "id": "suicide-risk",
        "level": "2.5",
        "explanation": "A suicide-risk flag is raised (PHQ-9 item 9 or C-SSRS moderate) or a "
        "clinician marked a risk: daily structure of partial hospitalization is recommended, "
        "with a safety plan.",
        "when": {"any": [{"flag": "suicide_risk"}, {"flag": "clinician_risk"}]},
    },
    {
        "id": "d2-d5-high",
        "level": "2.5",
        "explanation": "Dimension 2 (biomedical) or dimension 5 (relapse potential) is rated 3: "
        "partial hospitalization (20 or more hours a week) is recommended.",
        "when": {"any": [{"dimension": 2, "at_least": 3}, {"dimension": 5, "at_least": 3}]},
    },
    {
        "id": "moderate-needs",
        "level": "2.1",
        "explanation": "At least one dimension is rated 2 or higher: intensive outpatient "
        "(9-19 hours a week) is recommended.",
        "when": {"any": [{"dimension": n, "at_least": 2} for n in range(1, 7)]},
    },
    {
        "id": "low-needs",
        "level": "1",
        "explanation": "All six dimensions are rated 0 or 1 and no risk flag is raised: "
        "outpatient care (under 9 hours a week) is enough.",
        "when": {
            "all": [
                {"all_dimensions_at_most": 1},
                {"not": {"flag": "suicide_risk"}},
                {"not": {"flag": "clinician_risk"}},
            ]
        },
    },
)


class PlacementConfigError(ValueError):
    """The rule table is malformed; the message names the rule."""


@dataclass(frozen=True)
class InstrumentResult:
    band: str | None = None
    total: int | None = None


@dataclass(frozen=True)
class PlacementInput:
    dimensions: Mapping[int, int | None] = field(default_factory=dict)
    instruments: Mapping[str, InstrumentResult] = field(default_factory=dict)
    flags: frozenset[str] = frozenset()


@dataclass(frozen=True)
class FiredRule:
    id: str
    level: str
    explanation: str


@dataclass(frozen=True)
class Recommendation:
    level: str
    fired: tuple[FiredRule, ...]
    default_used: bool

    def as_json(self) -> list[dict[str, str]]:
        return [{"id": r.id, "level": r.level, "explanation": r.explanation} for r in self.fired]


_KEYS = {"dimension", "all_dimensions_at_most", "instrument", "flag", "all", "any", "not"}


def _test(cond: Mapping[str, Any], data: PlacementInput, rule_id: str) -> bool:
    if not isinstance(cond, Mapping) or not (_KEYS & set(cond)):
        raise PlacementConfigError(f"Rule {rule_id!r}: unknown condition {cond!r}.")
    if "all" in cond:
        return all(_test(c, data, rule_id) for c in cond["all"])
    if "any" in cond:
        return any(_test(c, data, rule_id) for c in cond["any"])
    if "not" in cond:
        return not _test(cond["not"], data, rule_id)
    if "flag" in cond:
        return str(cond["flag"]) in data.flags
    if "all_dimensions_at_most" in cond:
        ratings = [data.dimensions.get(n) for n in range(1, 7)]
        limit = int(cond["all_dimensions_at_most"])
        return all(r is not None and r <= limit for r in ratings)
    if "dimension" in cond:
        rating = data.dimensions.get(int(cond["dimension"]))
        if rating is None:
            return False
        if "at_least" in cond:
            return rating >= int(cond["at_least"])
        if "at_most" in cond:
            return rating <= int(cond["at_most"])
        raise PlacementConfigError(f"Rule {rule_id!r}: dimension needs at_least or at_most.")
    result = data.instruments.get(str(cond["instrument"]))
    if result is None:
        return False
    if "band_in" in cond:
        return result.band in set(cond["band_in"])
    if "total_at_least" in cond:
        return result.total is not None and result.total >= int(cond["total_at_least"])
    raise PlacementConfigError(f"Rule {rule_id!r}: instrument needs band_in or total_at_least.")


def validate_rules(rules: Sequence[Mapping[str, Any]], ranks: Mapping[str, int]) -> None:
    """Raise ``PlacementConfigError`` for a rule without id/level/explanation/when or an unknown
    level code."""
    seen: set[str] = set()
    for rule in rules:
        for key in ("id", "level", "explanation", "when"):
            if key not in rule:
                raise PlacementConfigError(f"Rule {rule.get('id', '?')!r} has no {key!r}.")
        if rule["id"] in seen:
            raise PlacementConfigError(f"Rule id {rule['id']!r} is used twice.")
        seen.add(rule["id"])
        if rule["level"] not in ranks:
            raise PlacementConfigError(
                f"Rule {rule['id']!r}: level {rule['level']!r} is not in the code system."
            )
        _test(rule["when"], PlacementInput(), rule["id"])


def recommend(
    data: PlacementInput,
    *,
    rules: Sequence[Mapping[str, Any]] = DEFAULT_RULES,
    ranks: Mapping[str, int] = DEFAULT_RANKS,
    default: str = DEFAULT_LEVEL,
) -> Recommendation:
    """Apply every rule; recommend the most intensive level among those that fired."""
    validate_rules(rules, ranks)
    fired = tuple(
        FiredRule(id=str(r["id"]), level=str(r["level"]), explanation=str(r["explanation"]))
        for r in rules
        if _test(r["when"], data, str(r["id"]))
    )
    if not fired:
        return Recommendation(level=default, fired=(), default_used=True)
    level = max((r.level for r in fired), key=lambda code: ranks[code])
    return Recommendation(level=level, fired=fired, default_used=False)
