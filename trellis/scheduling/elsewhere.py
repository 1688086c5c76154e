"""A clinician's bookings at sites outside a run or a week's check.

A clinician can work at several sites with one weekly availability and one weekly cap. A run
or a check of some sites replaces or reads those sites' bookings only, so the clinician's
bookings at their other sites are fixed for it: the instance takes their times out of the
clinician's availability and their minutes off the cap (``instance_builder``), and publishing
leaves out a booking that would put them in two places at once (``services.publishing``).
Before, a run of one site booked them there at the hour they already held at the other.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from trellis.accounts.models import User
from trellis.organization.models import Site

from .models import Appointment, BookingStatus, GroupSession


@dataclass(frozen=True)
class Elsewhere:
    """One booking of a clinician at a site outside the ones in hand, on the wall clock of
    those sites (``zone``)."""

    clinician: User
    site: Site
    date: datetime.date
    start: datetime.time
    end: datetime.time  # 23:59 for a piece that runs to midnight
    what: str  # "Relapse prevention 18:00", "Individual session 18:00": no patient named
    minutes: int  # of this piece (to midnight: up to 24:00)

    @property
    def words(self) -> str:
        """'Alice Archer is booked at Southside then (Relapse prevention 18:00)'."""
        return _("%(who)s is booked at %(site)s then (%(what)s)") % {
            "who": self.clinician.display_name,
            "site": self.site.name,
            "what": self.what,
        }


def bookings_elsewhere(
    clinicians: Iterable[User],
    sites: Sequence[Site],
    first: datetime.date,
    last: datetime.date,
) -> list[Elsewhere]:
    """The scheduled sessions the clinicians facilitate and the appointments they hold from
    ``first`` to ``last`` at sites other than ``sites``, in the wall clock of ``sites[0]``: a
    booking in another zone is moved to it, split at midnight if it crosses it there, and
    only its pieces from ``first`` to ``last`` are kept. Three queries."""
    people = {u.pk: u for u in clinicians}
    if not people or not sites:
        return []
    here = sites[0].zone
    found: list[Elsewhere] = []
    day_ = datetime.timedelta(days=1)

    def add(
        person: User,
        site: Site,
        day: datetime.date,
        start: datetime.time,
        end: datetime.time,
        what: str,
    ) -> None:
        begins = datetime.datetime.combine(day, start)
        ends = datetime.datetime.combine(day, end)
        there = site.zone
        if here != there:
            begins = begins.replace(tzinfo=there).astimezone(here).replace(tzinfo=None)
            ends = ends.replace(tzinfo=there).astimezone(here).replace(tzinfo=None)
        while begins < ends:
            midnight = datetime.datetime.combine(begins.date() + day_, datetime.time())
            piece_end = min(ends, midnight)
            if first <= begins.date() <= last:
                found.append(
                    Elsewhere(
                        person,
                        site,
                        begins.date(),
                        begins.time(),
                        piece_end.time() if piece_end < midnight else datetime.time(23, 59),
                        what,
                        int((piece_end - begins).total_seconds() // 60),
                    )
                )
            begins = piece_end

    sessions = (
        GroupSession.objects.filter(
            status=BookingStatus.SCHEDULED,
            date__range=(first - day_, last + day_),  # a zone apart, a day may shift
            facilitators__in=list(people),
        )
        .exclude(site__in=sites)
        .select_related("site", "group_type")
        .prefetch_related(Prefetch("facilitators", queryset=User.objects.only("pk")))
        .distinct()
    )
    for s in sessions:
        for f in s.facilitators.all():
            if f.pk in people:
                add(
                    people[f.pk],
                    s.site,
                    s.date,
                    s.start,
                    s.end,
                    f"{s.group_type.name} {s.start:%H:%M}",
                )
    appointments = (
        Appointment.objects.filter(
            status=BookingStatus.SCHEDULED,
            date__range=(first - day_, last + day_),
            clinician__in=list(people),
        )
        .exclude(site__in=sites)
        .select_related("site")
    )
    for a in appointments:
        add(
            people[a.clinician_id],
            a.site,
            a.date,
            a.start,
            a.end,
            f"{a.get_kind_display()} {a.start:%H:%M}",
        )
    return found


def free_of(
    windows: Iterable[tuple[int, datetime.time, datetime.time]],
    busy: Iterable[tuple[int, datetime.time, datetime.time]],
) -> list[tuple[int, datetime.time, datetime.time]]:
    """Weekly windows (weekday, start, end) less the busy spans of the same weekdays."""
    taken: dict[int, list[tuple[int, int]]] = {}
    for weekday, start, end in busy:
        taken.setdefault(weekday, []).append((_minutes(start), _minutes(end)))
    left: list[tuple[int, datetime.time, datetime.time]] = []
    for weekday, start, end in windows:
        pieces = [(_minutes(start), _minutes(end))]
        for b_start, b_end in taken.get(weekday, []):
            pieces = [
                part
                for p_start, p_end in pieces
                for part in ((p_start, min(p_end, b_start)), (max(p_start, b_end), p_end))
                if part[0] < part[1]
            ]
        left.extend((weekday, _time(a), _time(b)) for a, b in pieces)
    return left


def _minutes(value: datetime.time) -> int:
    return value.hour * 60 + value.minute


def _time(minutes: int) -> datetime.time:
    return datetime.time(minutes // 60, minutes % 60)
