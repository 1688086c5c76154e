"""iCalendar feeds of published bookings for one clinician or one patient."""

from __future__ import annotations

import datetime
import zoneinfo

from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from trellis.accounts.models import User
from trellis.patients.models import Patient

from .models import Appointment, BookingStatus, GroupSession

PAST = datetime.timedelta(weeks=2)
AHEAD = datetime.timedelta(weeks=12)
# SEQUENCE counts seconds from here to the booking's last change, so every move or
# cancellation raises it (RFC 5545 3.8.7.4) without a counter of its own; fits 32 bits to 2088.
SEQUENCE_FROM = datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)


def _event(
    uid: str,
    summary: str,
    location: str,
    day: datetime.date,
    start: datetime.time,
    end: datetime.time,
    zone: str,
    changed: datetime.datetime,
    cancelled: bool = False,
) -> Event:
    tz = zoneinfo.ZoneInfo(zone)
    event = Event()
    event.add("uid", f"{uid}@trellis")
    # A cancelled booking stays in the feed under the same UID, marked (RFC 5545 3.8.1.11), so
    # a calendar that holds it shows it cancelled; the summary says so for apps that ignore
    # STATUS.
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("summary", _("Cancelled: %(s)s") % {"s": summary} if cancelled else summary)
    if location:
        event.add("location", location)
    event.add("dtstart", datetime.datetime.combine(day, start, tzinfo=tz))
    event.add("dtend", datetime.datetime.combine(day, end, tzinfo=tz))
    # The booking's last change, not the fetch's time: with no METHOD, DTSTAMP is the last
    # revision (RFC 5545 3.8.7.2), and a client comparing it saw every event change each poll.
    event.add("dtstamp", changed)
    event.add("last-modified", changed)
    event.add("sequence", max(0, int((changed - SEQUENCE_FROM).total_seconds())))
    return event


def feed(*, user: User | None = None, patient: Patient | None = None) -> bytes:
    """The calendar of a clinician's or a patient's bookings (two weeks back, twelve ahead).

    Summaries carry the kind of booking and the room, never another patient's name. A
    patient's feed calls every group "Group session", not by its catalogue name: the calendar
    is kept by the provider that syncs it and shown on lock screens, and a name such as
    "Substance use process group" says what the patient is treated for (42 CFR Part 2); the
    portal shows the names. Times are in each site's zone, and the calendar holds a VTIMEZONE
    for every zone its events use. Cancelled bookings are included, marked cancelled.
    """
    today = timezone.localdate()
    span = (today - PAST, today + AHEAD)
    calendar = Calendar()
    calendar.add("prodid", "-//Trellis//Schedule//EN")
    calendar.add("version", "2.0")
    # The name calendar apps show for the subscription (otherwise its secret URL). Neutral on
    # purpose: a calendar list is seen by others, and a patient's care is theirs to tell.
    calendar.add("x-wr-calname", "Trellis schedule")
    sessions = GroupSession.objects.filter(date__range=span)
    appointments = Appointment.objects.filter(date__range=span)
    if user is not None:
        sessions = sessions.filter(facilitators=user)
        appointments = appointments.filter(clinician=user)
    else:
        sessions = sessions.filter(members__patient=patient)
        appointments = appointments.filter(patient=patient)
    for s in sessions.select_related("group_type", "room", "site"):
        calendar.add_component(
            _event(
                str(s.public_id),
                s.group_type.name if patient is None else _("Group session"),
                f"{s.site.name}, {s.room.name}" if s.room else s.site.name,
                s.date,
                s.start,
                s.end,
                s.site.zone.key,
                s.updated_at,
                cancelled=s.status == BookingStatus.CANCELLED,
            )
        )
    for a in appointments.select_related("room", "site", "clinician"):
        summary = a.get_kind_display()
        if patient is not None:
            summary = f"{summary} ({a.clinician.display_name})"
        calendar.add_component(
            _event(
                str(a.public_id),
                str(summary),
                f"{a.site.name}, {a.room.name}" if a.room else a.site.name,
                a.date,
                a.start,
                a.end,
                a.site.zone.key,
                a.updated_at,
                cancelled=a.status == BookingStatus.CANCELLED,
            )
        )
    # Times carry the site's TZID; a calendar without the matching VTIMEZONE leaves some apps
    # guessing (RFC 5545 3.6.5), so every zone used gets one, covering the feed's span.
    calendar.add_missing_timezones(
        first_date=span[0], last_date=span[1] + datetime.timedelta(days=1)
    )
    return bytes(calendar.to_ical())
