"""Reads of the patient portal, scoped to the signed-in patient.

Only a user with the patient role who is linked to a patient record gets anything: their own
record, their own published bookings, their own availability and calendar feed. Everyone else gets
404 (family members are turned away by the views with a 403 page first: there is no Part 2
consent model yet that would say what of a patient's care a family member may see).
"""

from __future__ import annotations

import datetime
import uuid
import zoneinfo
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.http import Http404

from trellis.accounts.models import Role, User
from trellis.patients.models import Patient
from trellis.patients.selectors import linked_patients_of
from trellis.scheduling.models import (
    Appointment,
    BookingStatus,
    CalendarFeed,
    GroupSession,
    PatientAvailability,
    ScheduleNotice,
)
from trellis.scheduling.selectors import active_feeds, patient_availability, week_dates

PORTAL_ROLES = frozenset({Role.PATIENT})
# The portal's home lists the patient's next bookings: at most NEXT_LIMIT, within NEXT_DAYS.
NEXT_LIMIT = 3
NEXT_DAYS = datetime.timedelta(days=14)


def own_patient(user: User) -> Patient:
    """The patient record of a signed-in patient user, or 404."""
    if not user.is_authenticated or user.role not in PORTAL_ROLES:
        raise Http404
    patient = linked_patients_of(user).select_related("site").first()
    if patient is None:
        raise Http404
    return patient


@dataclass(frozen=True)
class Booking:
    """One of the patient's bookings as the portal shows it: wall-clock times in the site's zone."""

    starts: datetime.datetime
    ends: datetime.datetime
    title: str
    clinicians: str
    room: str
    site: str
    kind: str  # "session" | "individual" | "family"
    cancelled: bool = False  # shown as cancelled (no reason: that is the staff's note)

    @property
    def times(self) -> str:
        """'17:00–18:30 EST': the site's wall clock and its zone's abbreviation that day."""
        return f"{self.starts:%H:%M}–{self.ends:%H:%M} {self.starts.tzname()}"


@dataclass
class MyWeek:
    patient: Patient
    week_start: datetime.date
    days: list[tuple[datetime.date, list[Booking]]] = field(default_factory=list)

    @property
    def count(self) -> int:
        return sum(len(bookings) for _day, bookings in self.days)

    @property
    def zones(self) -> list[str]:
        """The sites and their time zones' abbreviations that week ("Downtown (EST)"; a week
        across a clock change names both)."""
        seen = {f"{b.site} ({b.starts.tzname()})" for _day, bookings in self.days for b in bookings}
        return sorted(seen)


def _aware(day: datetime.date, time: datetime.time, zone: zoneinfo.ZoneInfo) -> datetime.datetime:
    return datetime.datetime.combine(day, time, tzinfo=zone)


def _bookings(patient: Patient, first: datetime.date, last: datetime.date) -> list[Booking]:
    """The patient's group sessions and appointments from `first` to `last`, cancelled ones
    marked, in order. Three queries: the sessions, their facilitators, the appointments."""
    found: list[Booking] = []
    sessions = (
        GroupSession.objects.filter(members__patient=patient, date__range=(first, last))
        .select_related("group_type", "room", "site")
        .prefetch_related(
            Prefetch("facilitators", queryset=User.objects.order_by("last_name", "first_name"))
        )
    )
    for s in sessions:
        found.append(
            Booking(
                starts=_aware(s.date, s.start, s.site.zone),
                ends=_aware(s.date, s.end, s.site.zone),
                title=s.group_type.name,
                clinicians=", ".join(u.display_name for u in s.facilitators.all()),
                room=s.room.name if s.room else "",
                site=s.site.name,
                kind="session",
                cancelled=s.status == BookingStatus.CANCELLED,
            )
        )
    appointments = Appointment.objects.filter(
        patient=patient, date__range=(first, last)
    ).select_related("clinician", "room", "site")
    for a in appointments:
        found.append(
            Booking(
                starts=_aware(a.date, a.start, a.site.zone),
                ends=_aware(a.date, a.end, a.site.zone),
                title=str(a.get_kind_display()),
                clinicians=a.clinician.display_name,
                room=a.room.name if a.room else "",
                site=a.site.name,
                kind=a.kind,
                cancelled=a.status == BookingStatus.CANCELLED,
            )
        )
    return sorted(found, key=lambda b: (b.starts, b.title))


def my_week(user: User, *, week_start: datetime.date) -> MyWeek:
    """The signed-in patient's published group sessions and appointments, Monday to Sunday.

    Four queries whatever the week holds: the patient, the sessions, their facilitators, the
    appointments. Cancelled bookings are marked; other patients are never included.
    """
    patient = own_patient(user)
    days = week_dates(week_start)
    by_day: dict[datetime.date, list[Booking]] = {day: [] for day in days}
    for booking in _bookings(patient, days[0], days[-1]):
        by_day[booking.starts.date()].append(booking)
    week = MyWeek(patient=patient, week_start=week_start)
    for day in days:
        week.days.append((day, by_day[day]))
    return week


def my_next(user: User, *, now: datetime.datetime, limit: int = NEXT_LIMIT) -> list[Booking]:
    """The signed-in patient's next `limit` bookings that have not ended by `now`, within
    NEXT_DAYS days (a booking under way is included: the patient may be looking for its
    room), with the cancelled ones among them marked. Four queries, as `my_week`."""
    patient = own_patient(user)
    today = now.astimezone(patient.site.zone).date()
    ahead = [
        b
        for b in _bookings(patient, today - datetime.timedelta(days=1), today + NEXT_DAYS)
        if b.ends > now
    ]
    shown: list[Booking] = []
    booked = 0
    for b in ahead:
        # The limit counts the bookings that take place; a cancelled one before the last of
        # them is listed too, so that the patient does not come for it.
        if booked == limit:
            break
        shown.append(b)
        booked += not b.cancelled
    return shown


# The portal's home lists at most this many of the patient's unread schedule notices.
NOTICES_SHOWN = 20


def my_notices(patient: Patient) -> tuple[list[ScheduleNotice], int]:
    """The patient's unread notices of changes staff made to their bookings (newest first, at
    most NOTICES_SHOWN) and how many there are; ``patient`` is the signed-in patient's own
    record (``own_patient``). One query, two when there are more than are shown."""
    unread = ScheduleNotice.objects.filter(patient=patient, seen_at__isnull=True)
    shown = list(unread.select_related("site").order_by("-created_at")[: NOTICES_SHOWN + 1])
    if len(shown) <= NOTICES_SHOWN:
        return shown, len(shown)
    return shown[:NOTICES_SHOWN], unread.count()


# My schedule lists the changes staff made in this many last days, read or not.
RECENT_CHANGES = datetime.timedelta(days=30)


def my_recent_notices(patient: Patient, now: datetime.datetime) -> list[ScheduleNotice]:
    """The patient's notices of the last RECENT_CHANGES, read or not, newest first (at most
    NOTICES_SHOWN): what Mark as read took off the home page stays findable. One query."""
    recent = ScheduleNotice.objects.filter(patient=patient, created_at__gte=now - RECENT_CHANGES)
    return list(recent.select_related("site").order_by("-created_at")[:NOTICES_SHOWN])


def my_availability(user: User) -> tuple[Patient, list[PatientAvailability]]:
    """The signed-in patient and their weekly windows (their own and their family's)."""
    patient = own_patient(user)
    return patient, list(patient_availability(patient))


def my_feed(user: User) -> tuple[Patient, CalendarFeed | None]:
    """The signed-in patient and their active calendar feed, if any."""
    patient = own_patient(user)
    return patient, active_feeds(patient=patient).first()


def my_feed_for(user: User, public_id: uuid.UUID) -> CalendarFeed:
    """One of the signed-in patient's active feeds by public id, or 404."""
    patient = own_patient(user)
    feed = active_feeds(patient=patient).filter(public_id=public_id).first()
    if feed is None:
        raise Http404
    return feed
