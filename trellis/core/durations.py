"""Lengths of time as people read them: ``150`` minutes is "2 h 30 min" (no Django here, so
pure code such as the schedule's review uses it too; templates use the ``hours_minutes``
filter of ``trellis_tags``)."""

from __future__ import annotations


def hours_minutes(minutes: float) -> str:
    """Whole minutes as "2 h 30 min", "2 h", "45 min"; zero is "0 h"."""
    total = round(minutes)
    sign, total = ("-", -total) if total < 0 else ("", total)
    hours, rest = divmod(total, 60)
    if hours and rest:
        return f"{sign}{hours} h {rest} min"
    if rest:
        return f"{sign}{rest} min"
    return f"{sign}{hours} h"
