"""Weekly availability windows (weekday, start, end): the rules every set of them follows.

Windows of one day must neither overlap nor touch (09:00-12:00 and 11:00-14:00, or 09:00-12:00
and 12:00-14:00): one stretch of time is one window. Pure, no database; the availability form and
``services.availability_set`` both use it, so the page and the service say the same thing.
"""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Iterable

from django.utils.translation import gettext as _

from trellis.accounts.models import Weekday

Window = tuple[int, datetime.time, datetime.time]


def _span(start: datetime.time, end: datetime.time) -> str:
    return f"{start:%H:%M}–{end:%H:%M}"


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
