"""Reads of the published schedule, scoped to the acting user."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Case, Count, F, Max, Prefetch, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce, Concat, Lower, NullIf, Trim
from django.http import Http404
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from trellis.accounts.models import DAY_CODES, Competency, Role, User
from trellis.core.errors import NotPermitted
from trellis.organization.models import Room, Site, Track
from trellis.organization.selectors import sites_of
from trellis.patients.models import IN_TREATMENT_STATUSES, EpisodeOfCare, Patient
from trellis.patients.selectors import patients_visible_to

from .instance_builder import public_ids
from .models import (
    Appointment,
    BookingStatus,
    CalendarFeed,
    GroupSession,
    GroupSessionPatient,
    GroupType,
    PatientAvailability,
    ScheduleRun,
)

COORDINATOR_ROLES = frozenset({Role.ADMINISTRATOR, Role.DIRECTOR, Role.INTAKE})
VIEWER_ROLES = COORDINATOR_ROLES | {Role.CLINICIAN}
# The group catalogue is shared by every site: directors and administrators edit it, everyone
# who sees the schedule may read it.
CATALOGUE_EDITOR_ROLES = frozenset({Role.ADMINISTRATOR, Role.DIRECTOR})


def my_group_sessions_on(user: User, day: datetime.date) -> QuerySet[GroupSession]:
    """The groups `user` leads on `day`, cancelled ones too (the home page says so)."""
    return (
        GroupSession.objects.filter(facilitators=user, date=day)
        .select_related("group_type", "room", "site")
        .annotate(patient_count=Count("members", distinct=True))
        .prefetch_related(Prefetch("facilitators", queryset=User.objects.order_by("last_name")))
        .order_by("start")
    )


def my_appointments_on(user: User, day: datetime.date) -> QuerySet[Appointment]:
    """The appointments of `user` on `day`, cancelled ones too."""
    return (
        Appointment.objects.filter(clinician=user, date=day)
        .select_related("patient", "room", "site")
        .order_by("start")
    )


def my_next_booked_day(user: User, after: datetime.date) -> datetime.date | None:
    """The first day after `after` on which `user` leads a group or sees a patient (two
    queries), for a home page whose today is empty."""
    days = [
        GroupSession.objects.filter(
            facilitators=user, date__gt=after, status=BookingStatus.SCHEDULED
        )
        .order_by("date")
        .values_list("date", flat=True)
        .first(),
        Appointment.objects.filter(clinician=user, date__gt=after, status=BookingStatus.SCHEDULED)
        .order_by("date")
        .values_list("date", flat=True)
        .first(),
    ]
    found = [d for d in days if d is not None]
    return min(found) if found else None


# --- people in dropdowns, by the name they are shown with --------------------------------------
def staff_by_name(users: QuerySet[User]) -> QuerySet[User]:
    """Users sorted by ``display_name`` as shown (full name, or the username without one)."""
    full = Trim(Concat("first_name", Value(" "), "last_name"))
    shown = Case(When(first_name="", last_name="", then=F("username")), default=full)
    return users.annotate(shown_name=Lower(shown)).order_by("shown_name", "username")


def patients_by_name(patients: QuerySet[Patient]) -> QuerySet[Patient]:
    """Patients sorted by ``display_name`` as shown (preferred or first name, last name)."""
    first = Coalesce(NullIf("preferred_name", Value("")), "first_name")
    shown = Concat(first, Value(" "), "last_name")
    return patients.annotate(shown_name=Lower(shown)).order_by("shown_name", "mrn")


# --- who may do what --------------------------------------------------------------------------
def can_view_schedule(user: User) -> bool:
    return user.is_authenticated and user.role in VIEWER_ROLES


def can_coordinate(user: User) -> bool:
    return user.is_authenticated and user.role in COORDINATOR_ROLES


def can_view_catalogue(user: User) -> bool:
    return can_view_schedule(user)


def can_edit_catalogue(user: User) -> bool:
    return user.is_authenticated and user.role in CATALOGUE_EDITOR_ROLES


def group_types_visible_to(user: User) -> QuerySet[GroupType]:
    """The whole catalogue, active types first, each with how many sessions use it."""
    if not can_view_catalogue(user):
        return GroupType.objects.none()
    return GroupType.objects.annotate(session_count=Count("sessions")).order_by("-active", "name")


def group_type_for(user: User, public_id: uuid.UUID) -> GroupType:
    group_type = group_types_visible_to(user).filter(public_id=public_id).first()
    if group_type is None:
        raise Http404
    return group_type


def schedule_sites(user: User) -> QuerySet[Site]:
    if not can_view_schedule(user):
        return Site.objects.none()
    return sites_of(user)


def coordinated_sites(user: User) -> QuerySet[Site]:
    return sites_of(user) if can_coordinate(user) else Site.objects.none()


def runs_visible_to(user: User) -> QuerySet[ScheduleRun]:
    if not can_coordinate(user):
        return ScheduleRun.objects.none()
    outside = ScheduleRun.objects.filter(~Q(sites__in=sites_of(user)), sites__isnull=False)
    return (
        ScheduleRun.objects.exclude(pk__in=outside.values("pk"))
        .prefetch_related("sites")
        .select_related("created_by")
    )


def run_for(user: User, public_id: uuid.UUID) -> ScheduleRun:
    run = runs_visible_to(user).filter(public_id=public_id).first()
    if run is None:
        raise Http404
    return run


def session_for(user: User, public_id: uuid.UUID, *, write: bool = False) -> GroupSession:
    sites = coordinated_sites(user) if write else schedule_sites(user)
    session = (
        GroupSession.objects.filter(public_id=public_id, site__in=sites)
        .select_related("group_type", "site", "room")
        .first()
    )
    if session is None:
        raise Http404
    return session


def appointment_for(user: User, public_id: uuid.UUID, *, write: bool = False) -> Appointment:
    sites = coordinated_sites(user) if write else schedule_sites(user)
    appointment = (
        Appointment.objects.filter(public_id=public_id, site__in=sites)
        .select_related("patient", "clinician", "site", "room")
        .first()
    )
    if appointment is None:
        raise Http404
    return appointment


def can_edit_staff(user: User) -> bool:
    """Directors and administrators edit what the optimizer knows of their sites' clinicians."""
    return user.is_authenticated and user.role in CATALOGUE_EDITOR_ROLES


def schedule_staff(user: User) -> QuerySet[User]:
    """The clinicians of the coordinator's sites, whom the optimizer schedules, by name, with
    their profiles, windows and sites."""
    if not can_coordinate(user):
        return User.objects.none()
    return (
        User.objects.filter(
            role=Role.CLINICIAN, is_active=True, staff_profile__sites__in=sites_of(user)
        )
        .distinct()
        .select_related("staff_profile")
        .prefetch_related("staff_profile__availability", "staff_profile__sites")
        .order_by("last_name", "first_name")
    )


def staff_for(user: User, public_id: uuid.UUID, *, write: bool = False) -> User:
    """One clinician of the user's sites (404 otherwise); ``write``: NotPermitted unless the
    user may edit them."""
    if write and not can_edit_staff(user):
        raise NotPermitted(_("Only a director or an administrator changes staff details."))
    person = schedule_staff(user).filter(public_id=public_id).first()
    if person is None:
        raise Http404
    return person


def patients_to_book(
    user: User, site: Site, populations: Sequence[str] | None = None
) -> QuerySet[Patient]:
    """The patients the user may see at `site` who are in treatment (on a track of one of
    `populations`, when given): the ones a booking by hand may take."""
    episodes = EpisodeOfCare.objects.filter(status__in=IN_TREATMENT_STATUSES)
    if populations is not None:
        episodes = episodes.filter(track__population__in=populations)
    return patients_visible_to(user).filter(site=site, pk__in=episodes.values("patient_id"))


def scheduled_patient(user: User, public_id: uuid.UUID) -> Patient:
    """A patient whose week the user may see (the patient list's scope), or 404."""
    if not can_view_schedule(user):
        raise Http404
    patient = patients_visible_to(user).filter(public_id=public_id).select_related("site").first()
    if patient is None:
        raise Http404
    return patient


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
    for model in (GroupSession, Appointment):
        rows = (
            model.objects.filter(site__in=list(site_ids), status=BookingStatus.SCHEDULED)
            .values("site")
            .annotate(last=Max("date"))
        )
        for row in rows:
            site_id, day = row["site"], row["last"]
            last[site_id] = max(day, last.get(site_id, day))
    return last


def schedules_ending(
    sites: Iterable[Site], today: datetime.date
) -> list[tuple[Site, datetime.date]]:
    """The sites whose scheduled bookings stop within SCHEDULE_ENDS_WARNING_DAYS of `today`
    (or stopped before it), with the date of their last booking; a site with none at all was
    never published and is left out. Two queries."""
    chosen = {site.pk: site for site in sites}
    last = _last_booked(chosen)
    horizon = today + datetime.timedelta(days=SCHEDULE_ENDS_WARNING_DAYS)
    return sorted(
        ((chosen[pk], day) for pk, day in last.items() if day < horizon),
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


def _minutes(start: datetime.time, end: datetime.time) -> int:
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
        "minutes": _minutes(a.start, a.end),
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


def patient_names(ids: Iterable[object]) -> dict[str, str]:
    """Display names of patients by public id (as strings); other ids are left out."""
    valid = public_ids(ids)
    if not valid:
        return {}
    return {str(p.public_id): p.display_name for p in Patient.objects.filter(public_id__in=valid)}


def names_for(instance: dict[str, Any]) -> dict[str, str]:
    """What people call the instance's ids (rooms, clinicians, patients, sites, group types)."""
    names: dict[str, str] = {}
    room_ids = [r["id"] for r in instance.get("rooms", [])]
    user_ids = [c["id"] for c in instance.get("clinicians", [])]
    patient_ids = [p["id"] for p in instance.get("patients", [])]
    for room in Room.objects.filter(public_id__in=room_ids):
        names[str(room.public_id)] = room.name
    for user in User.objects.filter(public_id__in=user_ids):
        names[str(user.public_id)] = user.display_name
    for patient in Patient.objects.filter(public_id__in=patient_ids):
        names[str(patient.public_id)] = patient.display_name
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
    """The last day anything is scheduled at these sites (None when nothing is)."""
    return max(_last_booked(site.pk for site in sites).values(), default=None)


# --- week grids ---------------------------------------------------------------------------------
@dataclass
class Entry:
    start: datetime.time
    end: datetime.time
    title: str
    detail: str
    room: str
    pinned: bool
    kind: str  # "session" | "appointment"
    public_id: uuid.UUID
    # A group session's booked patients and its group type's sizes (None for appointments).
    size: int | None = None
    min_size: int | None = None
    max_size: int | None = None
    # A cancelled booking is shown, greyed, with its reason; it counts for nothing.
    cancelled: bool = False
    cancel_reason: str = ""

    @property
    def minutes(self) -> int:
        return _minutes(self.start, self.end)

    @property
    def below_minimum(self) -> bool:
        return (
            not self.cancelled
            and self.size is not None
            and self.min_size is not None
            and self.size < self.min_size
        )


@dataclass
class WeekGrid:
    title: str
    week_start: datetime.date
    days: list[datetime.date]
    columns: list[list[Entry]] = field(default_factory=list)

    @property
    def day_columns(self) -> list[tuple[datetime.date, list[Entry]]]:
        return list(zip(self.days, self.columns, strict=True))

    @property
    def empty(self) -> bool:
        return not any(self.columns)

    @property
    def total_minutes(self) -> int:
        """The length of every booking shown but the cancelled ones, added up (the week's
        booked time)."""
        return sum(e.minutes for column in self.columns for e in column if not e.cancelled)


VIEWS = ("site", "room", "clinician", "track", "patient")


def _public_id(key: uuid.UUID | str) -> uuid.UUID:
    """The key of a room, clinician, track or patient view as a UUID; 404 when it is not one
    (a site code left over from another view, a mistyped link)."""
    try:
        return key if isinstance(key, uuid.UUID) else uuid.UUID(str(key))
    except ValueError:
        raise Http404 from None


def week_grid(
    user: User, *, view: str, key: uuid.UUID | str, week_start: datetime.date
) -> WeekGrid:
    """One week, Monday to Sunday, for a site, room, clinician, track or patient; 404 outside
    the user's scope, for an unknown view and for a key that is not a public id."""
    sites = list(schedule_sites(user))
    if not sites or view not in VIEWS:
        raise Http404
    sessions = GroupSession.objects.filter(site__in=sites)
    appointments = Appointment.objects.filter(site__in=sites)
    title = ""
    if view == "site":
        site = next((s for s in sites if s.code == key or str(s.public_id) == str(key)), None)
        if site is None:
            raise Http404
        sessions, appointments = sessions.filter(site=site), appointments.filter(site=site)
        title = site.name
    elif view == "room":
        room = Room.objects.filter(public_id=_public_id(key), site__in=sites).first()
        if room is None:
            raise Http404
        sessions, appointments = sessions.filter(room=room), appointments.filter(room=room)
        title = str(room)
    elif view == "clinician":
        person = User.objects.filter(
            public_id=_public_id(key), staff_profile__sites__in=sites
        ).first()
        if person is None:
            raise Http404
        sessions = sessions.filter(facilitators=person)
        appointments = appointments.filter(clinician=person)
        title = person.display_name
    elif view == "track":
        track = (
            Track.objects.filter(public_id=_public_id(key), site__in=sites)
            .select_related("site")
            .first()
        )
        if track is None:
            raise Http404
        sessions = sessions.filter(members__episode__track=track)
        appointments = appointments.filter(episode__track=track)
        # Tracks of the same name run at several sites: the title says which.
        title = f"{track.name} ({track.site.name})"
    else:
        patient = scheduled_patient(user, _public_id(key))
        sessions = sessions.filter(members__patient=patient)
        appointments = appointments.filter(patient=patient)
        title = patient.display_name
    days = week_dates(week_start)
    grid = WeekGrid(title=title, week_start=week_start, days=days, columns=[[] for _ in days])
    span = (week_start, days[-1])
    # The size counts every member: the sessions are chosen first (by a patient or a track,
    # which would otherwise narrow the count to the members that matched) and counted after.
    chosen = sessions.filter(date__range=span).values("pk")
    for s in (
        GroupSession.objects.filter(pk__in=chosen)
        .select_related("group_type", "room")
        .prefetch_related("facilitators")
        .annotate(size=Count("members"))
    ):
        grid.columns[s.date.weekday()].append(
            Entry(
                s.start,
                s.end,
                s.group_type.name,
                ", ".join(u.display_name for u in s.facilitators.all()),
                s.room.name if s.room else "",
                s.pinned,
                "session",
                s.public_id,
                size=s.size,
                min_size=s.group_type.min_size,
                # The most it can take: the group's largest size, or the room's seats.
                max_size=min(s.group_type.max_size, s.room.capacity)
                if s.room
                else s.group_type.max_size,
                cancelled=s.status == BookingStatus.CANCELLED,
                cancel_reason=s.cancel_reason,
            )
        )
    for a in appointments.filter(date__range=span).select_related("patient", "clinician", "room"):
        grid.columns[a.date.weekday()].append(
            Entry(
                a.start,
                a.end,
                f"{a.get_kind_display()}: {a.patient.display_name}",
                a.clinician.display_name,
                a.room.name if a.room else "",
                a.pinned,
                "appointment",
                a.public_id,
                cancelled=a.status == BookingStatus.CANCELLED,
                cancel_reason=a.cancel_reason,
            )
        )
    for column in grid.columns:
        column.sort(key=lambda e: (e.cancelled, e.start, e.title))
    return grid


def grid_choices(user: User) -> dict[str, list[tuple[str, str]]]:
    """What the week views can show, per view, as (key, label).

    A user of several sites (a director of two, an administrator) sees each track and patient
    with its site, "Adult evening (Northside)": track names repeat between sites, and a long
    list of patients is easier to read with the site beside each name."""
    sites = list(schedule_sites(user))
    several = len(sites) > 1

    def at(label: str, site: Site) -> str:
        return f"{label} ({site.name})" if several else label

    clinicians = staff_by_name(
        User.objects.filter(
            role=Role.CLINICIAN, staff_profile__sites__in=sites, is_active=True
        ).distinct()
    )
    # Patients in treatment: the ones with weeks to show (the patient list's scope).
    patients = patients_by_name(
        patients_visible_to(user).filter(episodes__status__in=IN_TREATMENT_STATUSES).distinct()
    ).select_related("site")
    return {
        "site": [(s.code, s.name) for s in sites],
        "room": [
            (str(r.public_id), str(r))
            for r in Room.objects.filter(site__in=sites, active=True).select_related("site")
        ],
        "clinician": [(str(u.public_id), u.display_name) for u in clinicians],
        "track": [
            (str(t.public_id), at(t.name, t.site))
            for t in Track.objects.filter(site__in=sites, active=True).select_related("site")
        ],
        "patient": [(str(p.public_id), at(p.display_name, p.site)) for p in patients]
        if sites
        else [],
    }


# --- availability and feeds -------------------------------------------------------------------
def patient_availability(patient: Patient) -> QuerySet[PatientAvailability]:
    return PatientAvailability.objects.filter(patient=patient).select_related("changed_by")


def active_feeds(*, user: User | None = None, patient: Patient | None = None) -> QuerySet:
    feeds = CalendarFeed.objects.filter(revoked_at__isnull=True)
    if user is not None:
        return feeds.filter(user=user)
    return feeds.filter(patient=patient)
