"""Weekly availability windows (weekday, start, end): the rules every set of them follows.

Each window ends after it starts, and windows of one day neither overlap nor touch (09:00-12:00
and 11:00-14:00, or 09:00-12:00 and 12:00-14:00): one stretch of time is one window. Pure, no
database; the availability form, ``services.availability_set``, the portal and the staff
availability admin all use it, so every page and the service say the same thing. ``joined`` is
the other direction: stored windows that break the rule (older rows) joined into stretches, as
the scheduler's instance builder reads them.
"""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Iterable

from django.utils.translation import gettext as _

from trellis.accounts.models import DAY_CODES, Weekday

Window = tuple[int, datetime.time, datetime.time]


def _span(start: datetime.time, end: datetime.time) -> str:
    return f"{start:%H:%M}–{end:%H:%M}"


def backwards(window: Window) -> bool:
    """Whether the window fails to end after it starts (a weekday outside 0-6 counts too)."""
    weekday, start, end = window
    return not 0 <= weekday <= 6 or end <= start


def problem(windows: Iterable[Window]) -> str | None:
    """What is wrong with a set of windows, in plain words (the first fault), or None."""
    windows = list(windows)
    if any(backwards(w) for w in windows):
        return _("Each window ends after it starts.")
    return clash(windows)


def joined(windows: Iterable[Window]) -> dict[int, list[tuple[datetime.time, datetime.time]]]:
    """Stretches by weekday: windows of one day that overlap or touch joined into one.

    ``09:00-12:00`` and ``12:00-14:00`` is ``09:00-14:00``, so a booking across noon fits."""
    merged: dict[int, list[list[datetime.time]]] = {}
    for weekday, start, end in sorted(windows):
        day = merged.setdefault(weekday, [])
        if day and start <= day[-1][1]:
            day[-1][1] = max(day[-1][1], end)
        else:
            day.append([start, end])
    return {weekday: [(s, e) for s, e in spans] for weekday, spans in sorted(merged.items())}


def clash(windows: Iterable[Window]) -> str | None:
    """The first pair of windows on one day that overlap or touch, in plain words, or None."""
    ordered = sorted(windows)
    for (day_a, start_a, end_a), (day_b, start_b, end_b) in itertools.pairwise(ordered):
        if day_a != day_b or start_b > end_a:
            continue
        verb = _("touch") if start_b == end_a else _("overlap")
        return _("%(day)s %(a)s and %(b)s %(verb)s; write them as one window, %(day)s %(ab)s.") % {
            "day": Weekday(day_a).label,
            "a": _span(start_a, end_a),
            "b": _span(start_b, end_b),
            "verb": verb,
            "ab": _span(start_a, max(end_a, end_b)),
        }
    return None


DAY_SHORT = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def summary(windows: Iterable[Window]) -> list[str]:
    """Weekly windows in few words: consecutive days with the same windows share a line.

    ``Mon–Fri 13:00–21:30``, ``Sat 08:30–13:30``; Monday and Wednesday alike are two lines,
    because the days are not consecutive."""
    by_day = joined(windows)
    runs: list[list[int]] = []
    for day in sorted(by_day):
        last = runs[-1] if runs else None
        if last and day == last[-1] + 1 and by_day[day] == by_day[last[-1]]:
            last.append(day)
        else:
            runs.append([day])
    lines = []
    for days in runs:
        named = (
            DAY_SHORT[days[0]] if len(days) == 1 else f"{DAY_SHORT[days[0]]}–{DAY_SHORT[days[-1]]}"
        )
        lines.append(f"{named} {', '.join(_span(s, e) for s, e in by_day[days[0]])}")
    return lines


def windows_of(hours: dict[str, list[list[str]]] | None) -> list[Window]:
    """A site's opening hours as FORMAT.md gives them ({"mon": [["08:00", "21:30"]], ...}) as
    windows; day codes it does not know are left out."""
    return sorted(
        (DAY_CODES.index(day), datetime.time.fromisoformat(a), datetime.time.fromisoformat(b))
        for day, spans in (hours or {}).items()
        if day in DAY_CODES
        for a, b in spans or ()  # a day stored as null is closed
    )


def readable_hours(hours: object) -> list[Window] | None:
    """``windows_of`` the hours, or None where they are stored in a shape it cannot read
    (through the admin; a time like "24:00", which FORMAT.md allows): a page that only shows
    or compares them says nothing rather than fail."""
    try:
        return windows_of(hours)  # type: ignore[arg-type]
    except (ValueError, TypeError, IndexError, AttributeError):
        return None


def closed_then(windows: Iterable[Window], hours: Iterable[Window]) -> list[Window]:
    """The windows that share no minute with the opening ``hours`` (touching is not
    sharing): no session can ever be booked in them."""
    open_by_day = joined(hours)
    return [
        (day, start, end)
        for day, start, end in sorted(windows)
        if not any(s < end and start < e for s, e in open_by_day.get(day, []))
    ]
