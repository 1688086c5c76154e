"""Each clinician's minutes per week as publishing writes a solution over several weeks.

A run's instance holds a clinician's weekly limit less what they hold at other sites that week
(``elsewhere.py``), and publishing repeats its week: in a later week where the other site holds
more, or where a pinned booking of these sites is added, the repeated week could take the
clinician past their limit. Publishing counts, per clinician and week, what stays (bookings kept
at these sites, bookings at other sites) and what it writes, and leaves out a booking that
would go past the limit, saying so.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from trellis.accounts.models import StaffProfile, User

from ..instance_builder import monday_of


class WeeklyMinutes:
    def __init__(self, clinicians: Iterable[User]) -> None:
        people = list(clinicians)
        self.names = {str(u.public_id): u.display_name for u in people}
        self.limit = {
            str(public_id): limit
            for public_id, limit in StaffProfile.objects.filter(user__in=people).values_list(
                "user__public_id", "max_weekly_minutes"
            )
        }
        self.used: dict[tuple[str, datetime.date], int] = defaultdict(int)

    def add(self, clinicians: Iterable[str], day: datetime.date, minutes: int) -> None:
        for cid in clinicians:
            self.used[cid, monday_of(day)] += minutes

    def past(self, clinicians: Iterable[str], day: datetime.date, minutes: int) -> str | None:
        """Why a booking of ``minutes`` on ``day`` would take one of them past their weekly
        limit, or None."""
        monday = monday_of(day)
        for cid in clinicians:
            limit = self.limit.get(cid)
            total = self.used[cid, monday] + minutes
            if limit is not None and total > limit:
                return _(
                    "%(who)s would work %(n)d minutes in the week of %(w)s, past their weekly "
                    "limit of %(cap)d (bookings at their other sites count)"
                ) % {
                    "who": self.names.get(cid, cid),
                    "n": total,
                    "w": date_format(monday, "j M Y"),
                    "cap": limit,
                }
        return None
