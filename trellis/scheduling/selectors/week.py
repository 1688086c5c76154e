"""The published week in the FORMAT.md shape (as it takes place, or as it repeats), when sites'
schedules end, cancellations in words, and what people call the ids."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Max, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from trellis.accounts.models import DAY_CODES, Competency, User
from trellis.organization.models import Room, Site
from trellis.patients.models import IN_TREATMENT_STATUSES, Patient
from trellis.patients.selectors import patients_visible_to

from ..instance_builder import public_ids
from ..models import (
    Appointment,
    BookingStatus,
    GroupSession,
    GroupSessionPatient,
    GroupType,
    Publication,
)
from ..review import PATIENT_REF
from ..weeks import WEEKS_AHEAD

# What a patient outside the user's patient list is called where a booking would name them.
OUTSIDE = gettext_lazy("A patient outside your sites")
OTHER_TEAM = gettext_lazy("A patient of another care team")


# --- the week in the FORMAT.md shape ----------------------------------------------------------


def week_dates(week_start: datetime.date) -> list[datetime.date]:
    return [week_start + datetime.timedelta(days=i) for i in range(7)]


# The week views and the runs page warn a coordinator when a site's published schedule ends
# within this many days: a published week repeats for SCHEDULE_PUBLISH_WEEKS weeks, not for
# ever, and after its last week nothing is booked until a run is published again.
SCHEDULE_ENDS_WARNING_DAYS = 14


def _last_booked(site_ids: Iterable[int]) -> dict[int, datetime.date]:
    """Per site (pk), the date of its last scheduled group session or appointment; sites with
    none are left out. Two queries."""
    last: dict[int, datetime.date] = {}
    site_ids = list(site_ids)  # once: an iterator would be spent by the first query
    for model in (GroupSession, Appointment):
        rows = (
            model.objects.filter(site__in=site_ids, status=BookingStatus.SCHEDULED)
            .values("site")
            .annotate(last=Max("date"))
        )
        for row in rows:
            site_id, day = row["site"], row["last"]
            last[site_id] = max(day, last.get(site_id, day))
    return last


def _published_ends(sites: Sequence[Site]) -> dict[int, datetime.date]:
    """Per site (pk), the last day its publications cover (a publication keeps the codes of
    the sites it wrote); sites no publication holds are left out. One query, read from the
    newest week back until no older publication could end later (none spans more than
    WEEKS_AHEAD weeks)."""
    by_code = {site.code: site.pk for site in sites}
    ends: dict[int, datetime.date] = {}
    rows = Publication.objects.order_by("-week_start").values_list("sites", "week_start", "weeks")
    for codes, start, weeks in rows.iterator(chunk_size=200):
        if len(ends) == len(by_code) and start + datetime.timedelta(weeks=WEEKS_AHEAD) <= min(
            ends.values()
        ):
            break
        end = start + datetime.timedelta(weeks=weeks, days=-1)
        for code in codes:
            pk = by_code.get(code)
            if pk is not None and (pk not in ends or end > ends[pk]):
                ends[pk] = end
    return ends


def schedule_ends(sites: Iterable[Site]) -> dict[int, datetime.date]:
    """Per site (pk), the last day of its published schedule: the last day its publications
    cover, so that a booking made by hand far ahead does not carry the schedule. A site no
    publication holds (bookings made by hand only, or published before publications kept
    their sites) ends with its last scheduled booking; a site with neither is left out. One
    query, three with such a site."""
    chosen = list(sites)
    ends = _published_ends(chosen)
    rest = [site.pk for site in chosen if site.pk not in ends]
    if rest:
        ends.update(_last_booked(rest))
    return ends


def schedules_ending(
    sites: Iterable[Site], today: datetime.date
) -> list[tuple[Site, datetime.date]]:
    """The sites whose published schedule (``schedule_ends``) stops within
    SCHEDULE_ENDS_WARNING_DAYS of `today` (or stopped before it), with its last day; a site
    with nothing at all was never published and is left out."""
    chosen = {site.pk: site for site in sites}
    ends = schedule_ends(chosen.values())
    horizon = today + datetime.timedelta(days=SCHEDULE_ENDS_WARNING_DAYS)
    return sorted(
        ((chosen[pk], day) for pk, day in ends.items() if day < horizon),
        key=lambda item: item[0].name,
    )


def cancellations_by_patient(
    sites: Sequence[Site], week_start: datetime.date
) -> dict[str, list[str]]:
    """Per patient (public id), the week's cancelled bookings of theirs in words — "Relapse
    prevention, Monday 17:00 was cancelled: Facilitator ill." — for Plans not met, where a
    shortfall a cancellation caused is explained by it. Three queries."""
    span = (week_start, week_start + datetime.timedelta(days=6))
    found: dict[str, list[str]] = {}

    def said(what: str, day: datetime.date, start: datetime.time, why: str) -> str:
        return _("%(what)s, %(day)s %(time)s was cancelled: %(why)s") % {
            "what": what,
            "day": date_format(day, "l"),
            "time": f"{start:%H:%M}",
            "why": why or _("no reason given"),
        }

    sessions = (
        GroupSession.objects.filter(
            site__in=sites, date__range=span, status=BookingStatus.CANCELLED
        )
        .select_related("group_type")
        .prefetch_related(
            Prefetch("members", queryset=GroupSessionPatient.objects.select_related("patient"))
        )
        .order_by("date", "start")
    )
    for s in sessions:
        text = said(s.group_type.name, s.date, s.start, s.cancel_reason)
        for member in s.members.all():
            found.setdefault(str(member.patient.public_id), []).append(text)
    appointments = (
        Appointment.objects.filter(site__in=sites, date__range=span, status=BookingStatus.CANCELLED)
        .select_related("patient")
        .order_by("date", "start")
    )
    for a in appointments:
        text = said(str(a.get_kind_display()), a.date, a.start, a.cancel_reason)
        found.setdefault(str(a.patient.public_id), []).append(text)
    return found


def clock_minutes(start: datetime.time, end: datetime.time) -> int:
    """Minutes from ``start`` to ``end`` on the same day."""
    return (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)


def week_sessions(
    sites: Iterable[Site], week_start: datetime.date, *, with_cancelled: bool = False
) -> QuerySet[GroupSession]:
    """The week's scheduled group sessions; ``with_cancelled`` adds the cancelled ones."""
    statuses = [BookingStatus.SCHEDULED]
    if with_cancelled:
        statuses.append(BookingStatus.CANCELLED)
    return (
        GroupSession.objects.filter(
            site__in=list(sites),
            date__range=(week_start, week_start + datetime.timedelta(days=6)),
            status__in=statuses,
        )
        .select_related("group_type", "site", "room")
        .prefetch_related("facilitators", "members__patient")
        .order_by("date", "start")
    )


def week_appointments(
    sites: Iterable[Site], week_start: datetime.date, *, with_cancelled: bool = False
) -> QuerySet[Appointment]:
    """The week's scheduled appointments; ``with_cancelled`` adds the cancelled ones of
    patients still in treatment (not those a discharge or transfer released)."""
    wanted = Q(status=BookingStatus.SCHEDULED)
    if with_cancelled:
        wanted |= Q(status=BookingStatus.CANCELLED, episode__status__in=IN_TREATMENT_STATUSES)
    return (
        Appointment.objects.filter(
            wanted,
            site__in=list(sites),
            date__range=(week_start, week_start + datetime.timedelta(days=6)),
        )
        .select_related("patient", "clinician", "site", "room")
        .order_by("date", "start")
    )


def session_as_format(s: GroupSession) -> dict[str, Any]:
    return {
        "id": str(s.public_id),
        "type": s.group_type.code,
        "site": s.site.code,
        "day": DAY_CODES[s.date.weekday()],
        "start": f"{s.start:%H:%M}",
        "room": str(s.room.public_id) if s.room else None,
        "facilitators": sorted(str(u.public_id) for u in s.facilitators.all()),
        "patients": sorted(str(m.patient.public_id) for m in s.members.all()),
        "pinned": s.pinned,
    }


def appointment_as_format(a: Appointment) -> dict[str, Any]:
    return {
        "id": str(a.public_id),
        "kind": a.kind,
        "patient": str(a.patient.public_id),
        "clinician": str(a.clinician.public_id),
        "site": a.site.code,
        "day": DAY_CODES[a.date.weekday()],
        "start": f"{a.start:%H:%M}",
        "minutes": clock_minutes(a.start, a.end),
        "room": str(a.room.public_id) if a.room else None,
        "pinned": a.pinned,
    }


def week_as_format(
    sites: Sequence[Site],
    week_start: datetime.date,
    *,
    instance_name: str = "",
    pattern: bool = False,
) -> dict[str, Any]:
    """The published week as a ``trellis-week-solution/1`` dict (ids are public ids).

    As the week takes place: cancelled bookings are left out. With ``pattern``, the week as it
    repeats: a booking cancelled on one date is in it as if it took place, because the weeks
    after keep it (a repair run starts from this, and its preview compares against it);
    appointments released by a discharge or transfer stay out.
    """
    sessions = week_sessions(sites, week_start, with_cancelled=pattern)
    appointments = week_appointments(sites, week_start, with_cancelled=pattern)
    return {
        "format": "trellis-week-solution/1",
        "instance": instance_name,
        "sessions": [session_as_format(s) for s in sessions if s.room_id],
        "appointments": [appointment_as_format(a) for a in appointments if a.room_id],
    }


def patient_names(ids: Iterable[object], viewer: User | None = None) -> dict[str, str]:
    """Display names of patients by public id (as strings); other ids are left out.

    With ``viewer``, a patient outside the viewer's patient list (listed at another site,
    treated on one of theirs) is "A patient outside your sites"."""
    valid = public_ids(ids)
    if not valid:
        return {}
    patients = Patient.objects.filter(public_id__in=valid)
    names = {str(p.public_id): p.display_name for p in patients}
    if viewer is not None:
        listed = {
            str(p)
            for p in patients_visible_to(viewer)
            .filter(public_id__in=valid)
            .values_list("public_id", flat=True)
        }
        names = {k: v if k in listed else str(OUTSIDE) for k, v in names.items()}
    return names


def dropped_lines(publication: Publication, viewer: User | None) -> list[str]:
    """What publishing left out, one line a booking ("Individual session (Erin Marsh) …:
    clashes with … (2026-12-14)"), its patients named as ``patient_names`` names them for
    ``viewer``; without a viewer (the command line) by public id, never by name."""

    def dates(isos: list[str]) -> str:
        if viewer is None:
            return ", ".join(isos)
        return ", ".join(date_format(datetime.date.fromisoformat(d), "j M Y") for d in isos)

    return named_refs(
        [f"{d['what']}: {d['why']} ({dates(d['dates'])})" for d in publication.dropped], viewer
    )


def named_refs(texts: list[str], viewer: User | None) -> list[str]:
    """Stored texts with their patient references (``review.patient_ref``) named as
    ``patient_names`` names them for ``viewer``; without a viewer (the command line) by public
    id, never by name."""
    refs = {m for text in texts for m in PATIENT_REF.findall(text)}
    names = patient_names(refs, viewer) if viewer is not None else {}

    def named(match: re.Match[str]) -> str:
        key = match[1]
        if viewer is None:
            return f"patient {key}"
        return names.get(key, _("a patient no longer listed"))

    return [PATIENT_REF.sub(named, text) for text in texts]


def named_in_dropped(publication: Publication) -> set[str]:
    """The public ids of the patients ``dropped_lines`` names."""
    return {
        key
        for d in publication.dropped
        for text in (d["what"], d["why"])
        for key in PATIENT_REF.findall(text)
    }


def names_for(instance: dict[str, Any], viewer: User | None = None) -> dict[str, str]:
    """What people call the instance's ids (rooms, clinicians, patients, sites, group types);
    with ``viewer``, patients outside their list as in ``patient_names``."""
    names: dict[str, str] = {}
    room_ids = [r["id"] for r in instance.get("rooms", [])]
    user_ids = [c["id"] for c in instance.get("clinicians", [])]
    patient_ids = [p["id"] for p in instance.get("patients", [])]
    for room in Room.objects.filter(public_id__in=room_ids):
        names[str(room.public_id)] = room.name
    for user in User.objects.filter(public_id__in=user_ids):
        names[str(user.public_id)] = user.display_name
    names.update(patient_names(patient_ids, viewer))
    for site in instance.get("sites", []):
        names[site["id"]] = site.get("name", site["id"])
    for group_type in instance.get("group_types", []):
        names[group_type["id"]] = group_type.get("name", group_type["id"])
    for code, label in Competency.choices:
        names[f"competency:{code}"] = str(label)
    return names


@dataclass
class Ahead:
    count: int
    last: datetime.date | None


def sessions_booked_ahead(group_type: GroupType) -> Ahead:
    """How many sessions of the type are booked from today on, and the last one's date."""
    found = GroupSession.objects.filter(
        group_type=group_type, status=BookingStatus.SCHEDULED, date__gte=timezone.localdate()
    ).aggregate(n=Count("id"), last=Max("date"))
    return Ahead(found["n"], found["last"])


def published_until(sites: Iterable[Site]) -> datetime.date | None:
    """The last day of these sites' published schedules (``schedule_ends``; None when
    nothing is published)."""
    return max(schedule_ends(sites).values(), default=None)
