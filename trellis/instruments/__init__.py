"""Questionnaire instruments: definitions (as data) and scoring. Pure Python, no Django.

    >>> from trellis.instruments import score
    >>> score("phq9", {str(n): 0 for n in range(1, 10)}).band
    'minimal'

FHIR export lives in ``trellis.instruments.fhir`` (needs nothing beyond the standard library;
the tests validate its output with ``fhir.resources``).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from .audit import AUDIT, AUDITC
from .bam import BAM
from .base import (
    Answer,
    Band,
    Code,
    Context,
    DayBin,
    EnableWhen,
    Flag,
    Instrument,
    InvalidResponse,
    Item,
    ItemGroup,
    ItemKind,
    Option,
    Result,
    Subscale,
    normalize_answers,
)
from .cssrs import CSSRS
from .dast10 import DAST10
from .gad7 import GAD7
from .pcl5 import PCL5
from .phq9 import PHQ9

INSTRUMENTS: Mapping[str, Instrument] = MappingProxyType(
    {i.code: i for i in (PHQ9, GAD7, AUDIT, AUDITC, DAST10, CSSRS, BAM, PCL5)}
)
"""Every instrument by code, in a stable order."""


def get(code: str) -> Instrument:
    """The instrument with this code; ``KeyError`` naming the known codes otherwise."""
    try:
        return INSTRUMENTS[code]
    except KeyError:
        raise KeyError(f"Unknown instrument {code!r}; known: {', '.join(INSTRUMENTS)}") from None


def score(code: str, answers: Mapping[str, object], *, sex: str | None = None) -> Result:
    """Score one completed instrument.

    ``answers`` maps item keys ("1", "2", ..., C-SSRS "6b", BAM "7a"-"7g") to the 0-based index
    of the chosen option, a day count (BAM), or ``True``/``False`` (yes/no items). ``sex``
    ("female" or "male") is used by AUDIT-C only and ignored by the others.

    Raises ``InvalidResponse`` (with ``.item``) for a missing required item, an unknown item, or
    an answer of the wrong type or out of range. Nothing is returned partially.
    """
    instrument = get(code)
    normalized = normalize_answers(instrument, answers)
    return instrument.scorer(instrument, normalized, Context(sex=sex))


__all__ = [
    "INSTRUMENTS",
    "Answer",
    "Band",
    "Code",
    "DayBin",
    "EnableWhen",
    "Flag",
    "Instrument",
    "InvalidResponse",
    "Item",
    "ItemGroup",
    "ItemKind",
    "Option",
    "Result",
    "Subscale",
    "get",
    "score",
]
