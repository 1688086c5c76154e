"""Who may see and change what of the schedule, and the rows the acting user may reach by id;
people in dropdowns by the name they are shown with."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable, Sequence

from django.db.models import Case, Count, F, QuerySet, Value, When
from django.db.models.functions import Coalesce, Concat, Lower, NullIf, Trim
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from trellis.accounts.models import Role, User
from trellis.core.errors import NotPermitted
from trellis.organization.models import Site
from trellis.organization.selectors import sites_of, sites_worked_at
from trellis.patients.models import EpisodeOfCare, Patient
from trellis.patients.selectors import patients_visible_to, with_full_chart

from ..instance_builder import SCHEDULED_STATUSES
from ..models import (
    Appointment,
    GroupSession,
    GroupType,
    Publication,
    ScheduleRun,
    StaffAway,
)

COORDINATOR_ROLES = frozenset({Role.ADMINISTRATOR, Role.DIRECTOR, Role.INTAKE})
VIEWER_ROLES = COORDINATOR_ROLES | {Role.CLINICIAN}
# The group catalogue is shared by every site: directors and administrators edit it, everyone
# who sees the schedule may read it.
CATALOGUE_EDITOR_ROLES = frozenset({Role.ADMINISTRATOR, Role.DIRECTOR})


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
    # A run holding any site outside the user's is outside: its preview names that site's
    # patients and publishing it rewrites that site's weeks. (``~Q(sites__in=…)`` on the
    # many-to-many would only leave out runs with no site in common.)
    others = Site.objects.exclude(pk__in=sites_of(user).values("pk"))
    outside = ScheduleRun.objects.filter(sites__in=others)
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


def staff_away(
    people: Iterable[User], first: datetime.date | None = None, last: datetime.date | None = None
) -> dict[int, list[StaffAway]]:
    """Per clinician (pk), their recorded absences touching ``first`` to ``last`` (default:
    from today on), by first day. One query."""
    found: dict[int, list[StaffAway]] = {}
    rows = StaffAway.objects.filter(
        clinician__in=list(people), last_day__gte=first or timezone.localdate()
    )
    if last is not None:
        rows = rows.filter(first_day__lte=last)
    for away in rows.order_by("first_day"):
        found.setdefault(away.clinician_id, []).append(away)
    return found


def weeks_published_alone(
    person: User, first: datetime.date, last: datetime.date
) -> list[datetime.date]:
    """The Mondays of weeks from ``first`` to ``last`` published alone ("this week only",
    source "week") at a site of ``person``'s: weeks made, perhaps, without them. Two queries."""
    codes = set(sites_worked_at(person).values_list("code", flat=True))
    monday = first - datetime.timedelta(days=first.weekday())
    rows = Publication.objects.filter(source="week", week_start__range=(monday, last))
    return sorted({p.week_start for p in rows.only("week_start", "sites") if codes & set(p.sites)})


def patients_to_book(
    user: User, site: Site, populations: Sequence[str] | None = None
) -> QuerySet[Patient]:
    """The patients the user may see at `site` whose episode is active (on a track of one of
    `populations`, when given): the ones a booking by hand may take, as the optimizer would
    (``instance_builder.SCHEDULED_STATUSES``; the services refuse anyone else)."""
    episodes = EpisodeOfCare.objects.filter(status__in=SCHEDULED_STATUSES)
    if populations is not None:
        episodes = episodes.filter(track__population__in=populations)
    return patients_visible_to(user).filter(site=site, pk__in=episodes.values("patient_id"))


def week_patients(user: User) -> QuerySet[Patient]:
    """The patients whose week the user may see, which shows the groups they attend.

    A coordinator sees their patient list's (scheduling them is their work, past admission
    too); a clinician the patients whose full chart they may open: their care team's, the
    groups they lead, a break-the-glass grant. Other roles see none."""
    if not can_view_schedule(user):
        return Patient.objects.none()
    patients = patients_visible_to(user)
    return patients if can_coordinate(user) else with_full_chart(user, patients)


def scheduled_patient(user: User, public_id: uuid.UUID) -> Patient:
    """A patient whose week the user may see (``week_patients``), or 404."""
    patient = week_patients(user).filter(public_id=public_id).select_related("site").first()
    if patient is None:
        raise Http404
    return patient


def roster(user: User, session: GroupSession) -> tuple[list[Patient], int]:
    """A session's patients whose week the user may see (``week_patients``: a facilitator sees
    every member of the groups they lead), by name, and how many others it has."""
    booked = list(session.members.values_list("patient_id", flat=True))
    shown = list(patients_by_name(week_patients(user).filter(pk__in=booked)))
    return shown, len(booked) - len(shown)
