"""Week grids: one week, Monday to Sunday, by site, room, clinician, track or patient, and the
choices of the view switch."""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass, field

from django.db.models import Count
from django.http import Http404
from django.utils.translation import gettext as _

from trellis.accounts.models import Role, User
from trellis.organization.models import Room, Site, Track
from trellis.organization.selectors import sites_worked_at
from trellis.patients.models import IN_TREATMENT_STATUSES, EpisodeOfCare, Patient
from trellis.patients.selectors import patients_visible_to

from ..instance_builder import SCHEDULED_STATUSES
from ..models import (
    Appointment,
    BookingStatus,
    GroupSession,
    StaffAway,
)
from ..weeks import site_now
from .access import (
    patients_by_name,
    schedule_sites,
    scheduled_patient,
    staff_away,
    staff_by_name,
    week_patients,
)
from .week import OTHER_TEAM, OUTSIDE, clock_minutes, week_dates


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
    # Begun where its site is (a day gone by, or earlier today): the record, not to be moved,
    # cancelled or pinned (weeks.check_not_past).
    begun: bool = False

    @property
    def minutes(self) -> int:
        return clock_minutes(self.start, self.end)

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
    patient: Patient | None = None  # the patient whose week it is (the patient view)
    # Whose published schedule the week belongs to: the one site of a site, room or track;
    # of a clinician or a patient, where they are scheduled (read only for an empty week).
    sites: list[Site] = field(default_factory=list)
    # A clinician's days away touching the week (the clinician view).
    away: list[StaffAway] = field(default_factory=list)
    # The patients its appointments name (the page audits the read).
    named: set[Patient] = field(default_factory=set)

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
    now_at = {site.pk: site_now(site) for site in sites}
    sessions = GroupSession.objects.filter(site__in=sites)
    appointments = Appointment.objects.filter(site__in=sites)
    title = ""
    patient: Patient | None = None
    person: User | None = None
    away: dict[int, list[StaffAway]] = {}
    shown = sites
    if view == "site":
        site = next((s for s in sites if s.code == key or str(s.public_id) == str(key)), None)
        if site is None:
            raise Http404
        sessions, appointments = sessions.filter(site=site), appointments.filter(site=site)
        title = site.name
        shown = [site]
    elif view == "room":
        room = Room.objects.filter(public_id=_public_id(key), site__in=sites).first()
        if room is None:
            raise Http404
        sessions, appointments = sessions.filter(room=room), appointments.filter(room=room)
        title = str(room)
        shown = [s for s in sites if s.pk == room.site_id]
    elif view == "clinician":
        person = User.objects.filter(
            public_id=_public_id(key), staff_profile__sites__in=sites
        ).first()
        if person is None:
            raise Http404
        sessions = sessions.filter(facilitators=person)
        appointments = appointments.filter(clinician=person)
        title = person.display_name
        away = staff_away([person], week_start, week_start + datetime.timedelta(days=6))
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
        shown = [track.site]
    else:
        patient = scheduled_patient(user, _public_id(key))
        sessions = sessions.filter(members__patient=patient)
        appointments = appointments.filter(patient=patient)
        title = patient.display_name
    days = week_dates(week_start)
    grid = WeekGrid(
        title=title,
        week_start=week_start,
        days=days,
        columns=[[] for _ in days],
        patient=patient,
        sites=shown,
        away=away.get(person.pk, []) if person is not None else [],
    )
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
                max_size=s.most_patients,
                cancelled=s.status == BookingStatus.CANCELLED,
                cancel_reason=s.cancel_reason,
                begun=datetime.datetime.combine(s.date, s.start) < now_at[s.site_id],
            )
        )
    booked = list(
        appointments.filter(date__range=span).select_related("patient", "clinician", "room")
    )
    # Named: the patients whose week the user may see (a clinician: those they treat) and the
    # patients of a clinician's own appointments. Not named: a patient listed at another site
    # but treated on this one's track, and another care team's patient.
    ids = {a.patient_id for a in booked}
    theirs = set(week_patients(user).filter(pk__in=ids).values_list("pk", flat=True))
    listed = theirs
    if ids - theirs:
        listed = set(patients_visible_to(user).filter(pk__in=ids).values_list("pk", flat=True))
    for a in booked:
        if a.patient_id in theirs or (a.patient_id in listed and a.clinician_id == user.pk):
            who = a.patient.display_name
            grid.named.add(a.patient)
        else:
            who = str(OTHER_TEAM if a.patient_id in listed else OUTSIDE)
        grid.columns[a.date.weekday()].append(
            Entry(
                a.start,
                a.end,
                f"{a.get_kind_display()}: {who}",
                a.clinician.display_name,
                a.room.name if a.room else "",
                a.pinned,
                "appointment",
                a.public_id,
                cancelled=a.status == BookingStatus.CANCELLED,
                cancel_reason=a.cancel_reason,
                begun=datetime.datetime.combine(a.date, a.start) < now_at[a.site_id],
            )
        )
    for column in grid.columns:
        column.sort(key=lambda e: (e.cancelled, e.start, e.title))
    if grid.empty and view in ("clinician", "patient"):
        # An empty week reads as "not published yet" by its own sites' schedules (one query).
        if patient is not None:
            here = EpisodeOfCare.objects.filter(patient=patient, status__in=SCHEDULED_STATUSES)
            held = set(here.values_list("track__site", flat=True)) or {patient.site_id}
        elif person is not None:
            held = set(sites_worked_at(person).values_list("pk", flat=True))
        else:
            held = set()
        grid.sites = [s for s in sites if s.pk in held] or sites
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
    # Patients in treatment: the ones with weeks to show (``week_patients``).
    patients = patients_by_name(
        week_patients(user).filter(episodes__status__in=IN_TREATMENT_STATUSES).distinct()
    ).select_related("site")
    return {
        "site": [(s.code, s.name) for s in sites],
        # Rooms out of use too (last), so the bookings still in one can be found together.
        "room": [
            (str(r.public_id), str(r) if r.active else _("%(room)s (out of use)") % {"room": r})
            for r in Room.objects.filter(site__in=sites)
            .select_related("site")
            .order_by("-active", "site__name", "name")
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
