"""Data model shared by every instrument: items, options, bands, results, validation.

Pure Python: no Django, no database, no FHIR library. An instrument is data (``Instrument``)
plus a scoring function that turns validated answers into a frozen ``Result``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

Answer = int | bool
"""A normalized answer: an option index or a day count (``int``) or yes/no (``bool``)."""


class InvalidResponse(ValueError):
    """A set of answers cannot be scored. ``item`` names the offending item key."""

    def __init__(self, item: str, message: str) -> None:
        super().__init__(f"Item {item}: {message}")
        self.item = item
        self.message = message


class ItemKind(StrEnum):
    CHOICE = "choice"
    """Answer is the 0-based index of the chosen option in published order (``int``)."""
    BOOLEAN = "boolean"
    """Answer is ``True`` (yes) or ``False`` (no)."""
    DAYS = "days"
    """Answer is a number of days (``int``), ``0`` to ``max_days``; scored by ``day_bins``."""


@dataclass(frozen=True, slots=True)
class Option:
    label: str
    score: int


@dataclass(frozen=True, slots=True)
class DayBin:
    """Days ``low``..``high`` (inclusive) score ``score``."""

    low: int
    high: int
    score: int
    label: str


@dataclass(frozen=True, slots=True)
class EnableWhen:
    """Show a question only when another item's answer compares so (FHIR ``enableWhen``).

    For renderers and FHIR export; each scoring function enforces its own skip rules.
    """

    question: str
    operator: str
    """``"="`` or ``">"``."""
    answer: Answer


@dataclass(frozen=True, slots=True)
class ItemGroup:
    """A heading over several items (BAM item 7 and its sub-items 7a-7g)."""

    key: str
    text: str
    enable_when: EnableWhen | None = None


@dataclass(frozen=True, slots=True)
class Item:
    key: str
    text: str
    kind: ItemKind
    options: tuple[Option, ...] = ()
    """CHOICE: options in published order. BOOLEAN: (Yes, No) with their scores."""
    day_bins: tuple[DayBin, ...] = ()
    max_days: int = 30
    group: str | None = None
    """Key of a parent grouping for rendering (BAM item 7 sub-items share group ``"7"``)."""
    enable_when: EnableWhen | None = None
    scored: bool = True

    def option_for(self, answer: Answer) -> Option:
        """The option chosen by a normalized answer (CHOICE and BOOLEAN items)."""
        if self.kind is ItemKind.BOOLEAN:
            return self.options[0] if answer is True else self.options[1]
        return self.options[int(answer)]

    def score_of(self, answer: Answer) -> int:
        """Item score for a normalized answer."""
        if self.kind is ItemKind.DAYS:
            for day_bin in self.day_bins:
                if day_bin.low <= int(answer) <= day_bin.high:
                    return day_bin.score
            raise InvalidResponse(self.key, f"{answer} days is outside every scoring range.")
        return self.option_for(answer).score

    @property
    def score_range(self) -> tuple[int, int]:
        scores = (
            [b.score for b in self.day_bins]
            if self.kind is ItemKind.DAYS
            else [o.score for o in self.options]
        )
        return min(scores), max(scores)


@dataclass(frozen=True, slots=True)
class Band:
    slug: str
    label: str
    low: int | None = None
    high: int | None = None
    """Inclusive total-score range; ``None`` for bands decided by rules, not by a total."""

    def contains(self, total: int) -> bool:
        return self.low is not None and self.high is not None and self.low <= total <= self.high


@dataclass(frozen=True, slots=True)
class Flag:
    slug: str
    description: str


@dataclass(frozen=True, slots=True)
class Subscale:
    slug: str
    label: str
    items: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Code:
    """A LOINC (or other) code. ``verified`` is False where it was not checked at the source."""

    code: str
    display: str
    verified: bool
    system: str = "http://loinc.org"


@dataclass(frozen=True, slots=True)
class Result:
    """The outcome of scoring one completed instrument. Never partial."""

    instrument: str
    answers: dict[str, Answer]
    """Normalized answers (items omitted by skip logic are absent)."""
    item_scores: dict[str, int]
    """Score each answered item contributes (after reversal / day binning)."""
    total: int | None
    band: str | None
    interpretation: str
    """Human-readable label of the band (or a summary where there is no band)."""
    flags: frozenset[str] = frozenset()
    subscales: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Context:
    """Facts about the respondent some instruments need (AUDIT-C: sex)."""

    sex: str | None = None


ScoreFunction = Callable[["Instrument", dict[str, Answer], Context], Result]


@dataclass(frozen=True, slots=True)
class Instrument:
    code: str
    name: str
    title: str
    instructions: str
    lookback: str
    items: tuple[Item, ...]
    bands: tuple[Band, ...]
    flags: tuple[Flag, ...]
    subscales: tuple[Subscale, ...]
    total_range: tuple[int, int] | None
    panel_code: Code | None
    total_code: Code | None
    copyright: str
    sources: tuple[str, ...]
    scorer: ScoreFunction
    required_items: frozenset[str] = frozenset()
    """Items that must always be answered; others are conditional (see the scorer)."""
    options_note: str = ""
    groups: tuple[ItemGroup, ...] = ()

    def item(self, key: str) -> Item:
        for item in self.items:
            if item.key == key:
                return item
        raise KeyError(key)

    @property
    def item_keys(self) -> tuple[str, ...]:
        return tuple(item.key for item in self.items)

    def group(self, key: str) -> ItemGroup:
        for group in self.groups:
            if group.key == key:
                return group
        raise KeyError(key)

    def band_for_total(self, total: int) -> Band:
        for band in self.bands:
            if band.contains(total):
                return band
        raise AssertionError(f"{self.code}: no band covers total {total}")  # pragma: no cover

    def band(self, slug: str) -> Band:
        for band in self.bands:
            if band.slug == slug:
                return band
        raise KeyError(slug)


def normalize_answer(item: Item, value: object) -> Answer:
    """Check one answer's type and range; return it normalized or raise ``InvalidResponse``."""
    if item.kind is ItemKind.BOOLEAN:
        if not isinstance(value, bool):
            raise InvalidResponse(item.key, f"must be yes (True) or no (False), not {value!r}.")
        return value
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidResponse(item.key, f"must be a whole number, not {value!r}.")
    if item.kind is ItemKind.DAYS:
        if not 0 <= value <= item.max_days:
            raise InvalidResponse(
                item.key, f"must be a number of days from 0 to {item.max_days}, not {value}."
            )
        return value
    last = len(item.options) - 1
    if not 0 <= value <= last:
        raise InvalidResponse(item.key, f"must be an option number from 0 to {last}, not {value}.")
    return value


def normalize_answers(instrument: Instrument, answers: Mapping[str, object]) -> dict[str, Answer]:
    """Validate keys and values. Does not check which items are required (skip logic)."""
    if not isinstance(answers, Mapping):
        raise InvalidResponse("*", "answers must be a mapping of item number to answer.")
    known = set(instrument.item_keys)
    for key in answers:
        if not isinstance(key, str) or key not in known:
            raise InvalidResponse(str(key), f"is not an item of {instrument.name}.")
    normalized: dict[str, Answer] = {}
    for item in instrument.items:
        if item.key in answers:
            normalized[item.key] = normalize_answer(item, answers[item.key])
    return normalized


def require(instrument: Instrument, answers: Mapping[str, Answer], keys: Iterable[str]) -> None:
    for key in keys:
        if key not in answers:
            raise InvalidResponse(key, f"is required for {instrument.name} and was not answered.")


def item_scores(instrument: Instrument, answers: Mapping[str, Answer]) -> dict[str, int]:
    return {
        item.key: item.score_of(answers[item.key])
        for item in instrument.items
        if item.key in answers and item.scored
    }


def sum_scored(instrument: Instrument, answers: dict[str, Answer], context: Context) -> Result:
    """Scorer for instruments whose every item is required and whose total is a plain sum."""
    require(instrument, answers, instrument.item_keys)
    scores = item_scores(instrument, answers)
    total = sum(scores.values())
    band = instrument.band_for_total(total)
    subscales = {s.slug: sum(scores[k] for k in s.items) for s in instrument.subscales}
    return Result(
        instrument=instrument.code,
        answers=answers,
        item_scores=scores,
        total=total,
        band=band.slug,
        interpretation=band.label,
        subscales=subscales,
    )


def yes_no(yes: int = 1, no: int = 0) -> tuple[Option, Option]:
    return (Option("Yes", yes), Option("No", no))


FREQUENCY_2_WEEKS = (
    Option("Not at all", 0),
    Option("Several days", 1),
    Option("More than half the days", 2),
    Option("Nearly every day", 3),
)
"""Response options shared by the PHQ-9 and the GAD-7."""
