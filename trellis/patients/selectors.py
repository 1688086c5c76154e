"""Reads of patients, scoped to the acting user. Views never query patients directly.

Who sees what (docs/architecture.md, "Access"):
- administrators: every patient; directors, clinicians and intake coordinators: patients whose
  home site is one of theirs (the list); billing, patients and family members: no patient list.
- the full chart: administrators and directors at the patient's site; clinicians on the patient's
  care team, facilitating one of the patient's groups (four weeks either side of today),
  supervising a care-team member, or holding an unexpired emergency (break-glass) grant; intake
  coordinators while the patient has no episode past admission. Any other same-site staff member
  sees only the restricted header and may break the glass with a stated reason.
- out of scope altogether: 404, never 403, so that a chart's existence is not disclosed.
"""

from __future__ import annotations

import datetime
import enum
import uuid
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from trellis.accounts.models import Role, User
from trellis.organization.selectors import sites_of

from .models import (
    OPEN_STATUSES,
    BreakGlassGrant,
    CareTeamMember,
    Contact,
    EpisodeOfCare,
    EpisodeStatus,
    EpisodeTransition,
    Patient,
)

LIST_ROLES = frozenset({Role.ADMINISTRATOR, Role.DIRECTOR, Role.CLINICIAN, Role.INTAKE})
GROUP_ACCESS_WINDOW = datetime.timedelta(weeks=4)


class ChartAccess(enum.Enum):
    FULL = "full"
    RESTRICTED = "restricted"


def patients_visible_to(user: User) -> QuerySet[Patient]:
    """Patients the user may find in the patient list (not necessarily open the full chart)."""
    if not user.is_authenticated or user.role not in LIST_ROLES:
        return Patient.objects.none()
    if user.role == Role.ADMINISTRATOR:
        return Patient.objects.all()
    return Patient.objects.filter(site__in=sites_of(user))


def _care_team_q(user: User) -> Q:
    """Patients the clinician treats: care team, groups near today, supervisees' patients."""
    from trellis.scheduling.models import GroupSessionPatient

    today = timezone.localdate()
    on_team = CareTeamMember.objects.filter(
        episode__patient=OuterRef("pk"), removed_on__isnull=True
    ).filter(Q(user=user) | Q(user__staff_profile__supervisor=user))
    in_groups = GroupSessionPatient.objects.filter(
        patient=OuterRef("pk"),
        session__facilitators=user,
        session__date__range=(today - GROUP_ACCESS_WINDOW, today + GROUP_ACCESS_WINDOW),
    )
    glass = BreakGlassGrant.objects.filter(
        patient=OuterRef("pk"), user=user, expires_at__gt=timezone.now()
    )
    return Q(Exists(on_team)) | Q(Exists(in_groups)) | Q(Exists(glass))


def caseload_of(user: User) -> QuerySet[Patient]:
    """Patients whose full chart the clinician may open because they treat them."""
    if user.role != Role.CLINICIAN:
        return Patient.objects.none()
    return patients_visible_to(user).filter(_care_team_q(user))


def chart_access(user: User, patient: Patient) -> ChartAccess | None:
    """How much of this patient's chart the user may see; None means not at all (404)."""
    if not patients_visible_to(user).filter(pk=patient.pk).exists():
        return None
    return _access_in_scope(user, patient)


def _access_in_scope(user: User, patient: Patient) -> ChartAccess | None:
    """``chart_access`` for a patient already known to be in the user's patient list."""
    if user.role in (Role.ADMINISTRATOR, Role.DIRECTOR):
        return ChartAccess.FULL
    if user.role == Role.CLINICIAN:
        treats = Patient.objects.filter(pk=patient.pk).filter(_care_team_q(user)).exists()
        return ChartAccess.FULL if treats else ChartAccess.RESTRICTED
    if user.role == Role.INTAKE:
        past_admission = patient.episodes.filter(
            status__in=[EpisodeStatus.ACTIVE, EpisodeStatus.ON_HOLD]
        ).exists()
        glass = BreakGlassGrant.objects.filter(
            patient=patient, user=user, expires_at__gt=timezone.now()
        ).exists()
        return ChartAccess.RESTRICTED if past_admission and not glass else ChartAccess.FULL
    return None


def with_full_chart(user: User, patients: QuerySet[Patient]) -> QuerySet[Patient]:
    """Of ``patients`` (already in the user's list), those whose full chart the user may open:
    ``_access_in_scope``'s rule for many patients in one query."""
    if user.role in (Role.ADMINISTRATOR, Role.DIRECTOR):
        return patients
    if user.role == Role.CLINICIAN:
        return patients.filter(_care_team_q(user))
    if user.role == Role.INTAKE:
        past_admission = EpisodeOfCare.objects.filter(
            patient=OuterRef("pk"), status__in=[EpisodeStatus.ACTIVE, EpisodeStatus.ON_HOLD]
        )
        glass = BreakGlassGrant.objects.filter(
            patient=OuterRef("pk"), user=user, expires_at__gt=timezone.now()
        )
        return patients.filter(~Q(Exists(past_admission)) | Q(Exists(glass)))
    return patients.none()


def patient_for_chart(user: User, public_id: uuid.UUID) -> tuple[Patient, ChartAccess]:
    """The patient and the user's access to the chart, or 404."""
    patient = patients_visible_to(user).select_related("site").filter(public_id=public_id).first()
    if patient is None:
        raise Http404
    access = _access_in_scope(user, patient)
    if access is None:
        raise Http404
    return patient, access


def patient_for_write(user: User, public_id: uuid.UUID) -> Patient:
    """A patient whose full chart the user may change, or 404."""
    patient, access = patient_for_chart(user, public_id)
    if access is not ChartAccess.FULL:
        raise Http404
    return patient


@dataclass(frozen=True)
class PatientListFilters:
    q: str = ""
    track: uuid.UUID | None = None
    status: str = ""
    clinician: uuid.UUID | None = None
    mine: bool = False


def _episodes_prefetch() -> Prefetch:
    return Prefetch(
        "episodes",
        queryset=EpisodeOfCare.objects.select_related(
            "track", "level_of_care", "primary_clinician"
        ).order_by("-referred_on", "-id"),
        to_attr="episode_list",
    )


def patient_list(user: User, filters: PatientListFilters) -> QuerySet[Patient]:
    """The patient list: search by name, preferred name or MRN; filter by track, status, clinician.

    Each patient carries ``episode_list`` (newest first); the query count does not grow with the
    number of patients.
    """
    qs = patients_visible_to(user).select_related("site")
    if filters.q:
        for term in filters.q.split():
            qs = qs.filter(
                Q(first_name__icontains=term)
                | Q(last_name__icontains=term)
                | Q(preferred_name__icontains=term)
                | Q(mrn__iexact=term)
            )
    episode_q = Q()
    if filters.track:
        episode_q &= Q(episodes__track__public_id=filters.track)
    if filters.status:
        episode_q &= Q(episodes__status=filters.status)
    elif filters.track or filters.clinician:
        episode_q &= Q(episodes__status__in=OPEN_STATUSES)
    if filters.clinician:
        episode_q &= Q(episodes__primary_clinician__public_id=filters.clinician)
    if episode_q:
        qs = qs.filter(episode_q)
    if filters.mine:
        qs = qs.filter(_care_team_q(user))
    return (
        qs.distinct()
        .order_by("last_name", "first_name", "id")
        .prefetch_related(_episodes_prefetch())
    )


def chart_episodes(patient: Patient) -> list[EpisodeOfCare]:
    """Episodes newest first, with transitions and care team, in a fixed number of queries."""
    return list(
        patient.episodes.select_related("track__site", "level_of_care", "primary_clinician")
        .prefetch_related(
            Prefetch("transitions", queryset=_transitions_qs()),
            Prefetch(
                "care_team",
                queryset=CareTeamMember.objects.select_related("user__staff_profile"),
            ),
        )
        .order_by("-referred_on", "-id")
    )


def _transitions_qs() -> QuerySet[EpisodeTransition]:
    return EpisodeTransition.objects.select_related("actor").order_by("at", "id")


def chart_contacts(patient: Patient) -> QuerySet[Contact]:
    return patient.contacts.filter(active=True)


def open_episode(patient: Patient) -> EpisodeOfCare | None:
    return patient.episodes.filter(status__in=OPEN_STATUSES).first()


def future_bookings_count(patient: Patient, *, after: datetime.date) -> int:
    """Group-session places and scheduled appointments of the patient dated after ``after``."""
    from trellis.scheduling.models import Appointment, BookingStatus, GroupSessionPatient

    places = GroupSessionPatient.objects.filter(patient=patient, session__date__gt=after).count()
    appointments = Appointment.objects.filter(
        patient=patient, date__gt=after, status=BookingStatus.SCHEDULED
    ).count()
    return places + appointments


def clinicians_at_sites_of(user: User) -> QuerySet[User]:
    return (
        User.objects.filter(
            role=Role.CLINICIAN, is_active=True, staff_profile__sites__in=sites_of(user)
        )
        .distinct()
        .order_by("last_name", "first_name")
    )


def linked_patients_of(user: User) -> QuerySet[Patient]:
    """For a patient: their own record. For a family member: the patients they are linked to."""
    if user.role == Role.PATIENT:
        return Patient.objects.filter(user=user)
    if user.role == Role.FAMILY:
        return Patient.objects.filter(contacts__user=user, contacts__active=True).distinct()
    return Patient.objects.none()


def census_by_track(user: User) -> list[dict[str, object]]:
    """Open episodes by track and status at the user's sites (one query)."""
    rows = (
        EpisodeOfCare.objects.filter(track__site__in=sites_of(user), status__in=OPEN_STATUSES)
        .values("track__public_id", "track__name", "track__site__name", "track__capacity")
        .annotate(
            referred=Count(
                "id", filter=Q(status__in=[EpisodeStatus.REFERRED, EpisodeStatus.SCREENING])
            ),
            admitted=Count("id", filter=Q(status=EpisodeStatus.ADMITTED)),
            active=Count("id", filter=Q(status=EpisodeStatus.ACTIVE)),
            on_hold=Count("id", filter=Q(status=EpisodeStatus.ON_HOLD)),
        )
        .order_by("track__site__name", "track__name")
    )
    return list(rows)
