"""Reads of the plans app. The contract other apps use: ``current_signed_version(episode)`` and
``weekly_requirement(episode)`` (the FORMAT.md ``plan`` object of the plan in effect)."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Exists, Max, Min, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from trellis.accounts.models import Role, User
from trellis.organization.models import Population
from trellis.organization.selectors import sites_of
from trellis.patients.models import IN_TREATMENT_STATUSES, EpisodeOfCare, Patient
from trellis.patients.selectors import (
    ChartAccess,
    open_episode,
    patient_for_chart,
    patient_for_write,
)

from .due import Due, plan_due
from .models import PlanReview, PlanSignature, PlanVersion, SignatureRole, TreatmentPlan
from .requirement import Band

PLAN_ROLES = frozenset({Role.ADMINISTRATOR, Role.DIRECTOR, Role.CLINICIAN, Role.INTAKE})
# Who has a review worklist (intake coordinators read plans on the chart but review none).
WORKLIST_ROLES = frozenset({Role.ADMINISTRATOR, Role.DIRECTOR, Role.CLINICIAN})


def _effective_q() -> Q:
    """Versions in effect: signed by the author and, when required, co-signed."""
    clinician = PlanSignature.objects.filter(version=OuterRef("pk"), role=SignatureRole.CLINICIAN)
    cosign = PlanSignature.objects.filter(version=OuterRef("pk"), role=SignatureRole.SUPERVISOR)
    return Q(Exists(clinician.filter(requires_cosign=False))) | (
        Q(Exists(clinician.filter(requires_cosign=True))) & Q(Exists(cosign))
    )


def effective_versions(plan: TreatmentPlan) -> QuerySet[PlanVersion]:
    return plan.versions.filter(_effective_q())


def current_signed_version(episode: EpisodeOfCare) -> PlanVersion | None:
    """The newest version of the episode's plan that is signed (and co-signed when required)."""
    return (
        PlanVersion.objects.filter(plan__episode=episode)
        .filter(_effective_q())
        .order_by("-number")
        .first()
    )


def weekly_requirement(episode: EpisodeOfCare) -> dict[str, Any] | None:
    """The FORMAT.md ``plan`` object of the plan in effect, or None when there is none.

    ``individual.clinician`` is the responsible clinician's public id as a string; family
    availability is not part of the plan (the scheduler stores it).
    """
    return _as_requirement(current_signed_version(episode))


def weekly_requirements(episodes: Iterable[EpisodeOfCare]) -> dict[int, dict[str, Any] | None]:
    """``weekly_requirement`` for many episodes at once (by episode pk), in one query."""
    ids = [e.pk for e in episodes]
    newest: dict[int, PlanVersion] = {}
    for version in (
        PlanVersion.objects.filter(plan__episode__in=ids)
        .filter(_effective_q())
        .select_related("plan")
        .order_by("plan__episode_id", "-number")
    ):
        newest.setdefault(version.plan.episode_id, version)
    return {pk: _as_requirement(newest.get(pk)) for pk in ids}


def _as_requirement(version: PlanVersion | None) -> dict[str, Any] | None:
    if version is None or version.requirement is None:
        return None
    plan: dict[str, Any] = dict(version.requirement)
    plan["groups"] = dict(plan.get("groups") or {})
    plan["individual"] = dict(plan["individual"]) if plan.get("individual") else None
    plan["family"] = dict(plan["family"]) if plan.get("family") else None
    return plan


def band_for(episode: EpisodeOfCare) -> Band | None:
    """The weekly hours band of the episode's level of care for its track's population."""
    loc = episode.level_of_care
    if loc is None:
        return None
    if episode.track.population == Population.ADOLESCENT:
        return Band(
            f"{loc.name} (adolescent)",
            loc.min_weekly_hours_adolescent,
            loc.max_weekly_hours_adolescent,
        )
    return Band(f"{loc.name} (adult)", loc.min_weekly_hours_adult, loc.max_weekly_hours_adult)


def first_effective_on(plan: TreatmentPlan) -> datetime.date | None:
    """The day the clinician signed the first version that took effect (review clock start)."""
    first = effective_versions(plan).order_by("number").first()
    if first is None:
        return None
    signature = first.signatures.filter(role=SignatureRole.CLINICIAN).first()
    return signature.signed_on if signature else None


def _config(name: str) -> int:
    return int(settings.TRELLIS[name])


def due_for(
    episode: EpisodeOfCare, first_signed_on: datetime.date | None, last_review_on: Any
) -> Due | None:
    return plan_due(
        admitted_on=episode.admitted_on,
        first_signed_on=first_signed_on,
        last_review_on=last_review_on,
        interval_days=_config("PLAN_REVIEW_INTERVAL_DAYS"),
        due_days_after_admission=_config("PLAN_DUE_DAYS_AFTER_ADMISSION"),
    )


# ----------------------------------------------------------------------------------------------
# Pages


def _versions_qs() -> QuerySet[PlanVersion]:
    return PlanVersion.objects.select_related("author").prefetch_related(
        Prefetch(
            "signatures",
            queryset=PlanSignature.objects.select_related("signer", "witnessed_by", "supervisor"),
        )
    )


@dataclass
class VersionState:
    version: PlanVersion
    clinician: PlanSignature | None
    supervisor: PlanSignature | None
    patient: PlanSignature | None

    @property
    def needs_cosign(self) -> bool:
        return bool(self.clinician and self.clinician.requires_cosign and not self.supervisor)

    @property
    def in_effect(self) -> bool:
        return bool(self.clinician) and not self.needs_cosign

    @property
    def status(self) -> str:
        if self.clinician is None:
            return "draft"
        if self.needs_cosign:
            return "awaiting_cosign"
        return "signed"

    @property
    def status_label(self) -> str:
        return {
            "draft": _("Draft — not signed"),
            "awaiting_cosign": _("Awaiting supervisor co-signature"),
            "signed": _("Signed"),
        }[self.status]


def version_state(version: PlanVersion) -> VersionState:
    by_role = {s.role: s for s in version.signatures.all()}
    return VersionState(
        version=version,
        clinician=by_role.get(SignatureRole.CLINICIAN),
        supervisor=by_role.get(SignatureRole.SUPERVISOR),
        patient=by_role.get(SignatureRole.PATIENT),
    )


@dataclass
class PlanPage:
    patient: Patient
    episode: EpisodeOfCare | None
    plan: TreatmentPlan | None
    states: list[VersionState]  # newest first
    current: VersionState | None  # the version in effect
    latest: VersionState | None
    reviews: list[PlanReview]
    due: Due | None
    today: datetime.date

    @property
    def overdue(self) -> bool:
        return self.due is not None and self.due.is_overdue(self.today)


def _plan_page(patient: Patient, episode: EpisodeOfCare | None) -> PlanPage:
    today = timezone.localdate()
    plan = TreatmentPlan.objects.filter(episode=episode).first() if episode else None
    states: list[VersionState] = []
    reviews: list[PlanReview] = []
    if plan is not None:
        states = [version_state(v) for v in _versions_qs().filter(plan=plan).order_by("-number")]
        reviews = list(plan.reviews.select_related("reviewer", "version"))
    current = next((s for s in states if s.in_effect), None)
    first = next((s for s in reversed(states) if s.in_effect), None)
    first_on = first.clinician.signed_on if first is not None and first.clinician else None
    due = (
        due_for(episode, first_on, reviews[0].reviewed_on if reviews else None)
        if episode is not None and episode.status in IN_TREATMENT_STATUSES
        else None
    )
    return PlanPage(
        patient=patient,
        episode=episode,
        plan=plan,
        states=states,
        current=current,
        latest=states[0] if states else None,
        reviews=reviews,
        due=due,
        today=today,
    )


def plan_summary(patient: Patient) -> PlanPage:
    """For the chart: the open episode's plan, its status and what is due (a few queries)."""
    return _plan_page(patient, open_episode(patient))


def plan_page(user: User, public_id: uuid.UUID) -> PlanPage:
    """The plan page of a patient whose full chart the user may open, or 404."""
    if user.role not in PLAN_ROLES:
        raise Http404
    patient, access = patient_for_chart(user, public_id)
    if access is not ChartAccess.FULL:
        raise Http404
    return _plan_page(patient, open_episode(patient))


def plan_page_for_write(user: User, public_id: uuid.UUID) -> PlanPage:
    if user.role not in PLAN_ROLES:
        raise Http404
    patient = patient_for_write(user, public_id)
    return _plan_page(patient, open_episode(patient))


def version_for(page: PlanPage, version_id: uuid.UUID) -> VersionState:
    state = next((s for s in page.states if s.version.public_id == version_id), None)
    if state is None:
        raise Http404
    return state


def version_by_number(page: PlanPage, number: Any) -> VersionState | None:
    try:
        n = int(number)
    except (TypeError, ValueError):
        return None
    return next((s for s in page.states if s.version.number == n), None)


# ----------------------------------------------------------------------------------------------
# Review worklist


@dataclass
class WorkItem:
    episode: EpisodeOfCare
    due: Due | None
    status: str  # "no_plan" | "draft" | "awaiting_cosign" | "signed"
    days_left: int | None

    @property
    def days_overdue(self) -> int:
        return -self.days_left if self.days_left is not None and self.days_left < 0 else 0


def _worklist_episodes(user: User) -> QuerySet[EpisodeOfCare]:
    qs = EpisodeOfCare.objects.filter(status__in=IN_TREATMENT_STATUSES)
    if user.role == Role.CLINICIAN:
        qs = qs.filter(
            Q(primary_clinician=user) | Q(care_team__user=user, care_team__removed_on__isnull=True)
        )
    elif user.role == Role.DIRECTOR:
        qs = qs.filter(patient__site__in=sites_of(user))
    elif user.role != Role.ADMINISTRATOR:
        return EpisodeOfCare.objects.none()
    return qs.distinct()


def review_worklist(user: User) -> list[WorkItem]:
    """Plans due, overdue first: the user's patients (clinician) or every patient at their sites
    (director; administrator: all). A bounded number of queries whatever the number of rows."""
    effective = PlanVersion.objects.filter(plan__episode=OuterRef("pk")).filter(_effective_q())
    first_effective = (
        PlanSignature.objects.filter(
            version__plan__episode=OuterRef("pk"),
            version__in=PlanVersion.objects.filter(_effective_q()),
            role=SignatureRole.CLINICIAN,
        )
        .values("version__plan")
        .annotate(first=Min("signed_on"))
        .values("first")[:1]
    )
    last_review = (
        PlanReview.objects.filter(plan__episode=OuterRef("pk"))
        .values("plan")
        .annotate(last=Max("reviewed_on"))
        .values("last")[:1]
    )
    latest_number = (
        PlanVersion.objects.filter(plan__episode=OuterRef("pk"))
        .order_by("-number")
        .values("pk")[:1]
    )
    episodes = (
        _worklist_episodes(user)
        .select_related("patient", "track", "primary_clinician")
        .annotate(
            has_effective=Exists(effective),
            first_signed=Subquery(first_effective),
            last_review=Subquery(last_review),
            latest_version=Subquery(latest_number),
        )
    )
    episode_list = list(episodes)
    latest_ids = [e.latest_version for e in episode_list if e.latest_version]
    states = {v.pk: version_state(v) for v in _versions_qs().filter(pk__in=latest_ids)}
    today = timezone.localdate()
    items: list[WorkItem] = []
    for e in episode_list:
        latest = states.get(e.latest_version)
        due = due_for(e, e.first_signed, e.last_review)
        items.append(
            WorkItem(
                episode=e,
                due=due,
                status=latest.status if latest else "no_plan",
                days_left=due.days_left(today) if due else None,
            )
        )
    far = datetime.date.max
    items.sort(key=lambda i: (i.due.on if i.due else far, i.episode.patient.last_name))
    return items


def awaiting_my_cosign(user: User) -> list[PlanVersion]:
    """Versions signed by a pre-licensed supervisee of the user, not yet co-signed."""
    cosigned = PlanSignature.objects.filter(version=OuterRef("pk"), role=SignatureRole.SUPERVISOR)
    return list(
        PlanVersion.objects.filter(
            signatures__role=SignatureRole.CLINICIAN,
            signatures__requires_cosign=True,
            signatures__supervisor=user,
        )
        .exclude(Exists(cosigned))
        .select_related("plan__patient", "author")
        .order_by("created_at")
    )


def assessment_findings(patient: Patient, episode: EpisodeOfCare | None) -> Any:
    """The latest band of each instrument (corrections replace), and the diagnoses and ASAM
    ratings of the episode's latest comprehensive assessment, for the draft suggestions."""
    from trellis.assessments.models import ComprehensiveAssessment, InstrumentResponse

    from .suggestions import Findings

    bands: dict[str, str] = {}
    for r in (
        InstrumentResponse.objects.filter(patient=patient, replaced_by__isnull=True)
        .order_by("created_at", "id")
        .only("instrument", "band")
    ):
        if r.band:
            bands[r.instrument] = r.band
    assessment = (
        ComprehensiveAssessment.objects.filter(episode=episode).order_by("-created_at").first()
        if episode is not None
        else None
    )
    diagnoses: tuple[str, ...] = ()
    dimensions: dict[int, int] = {}
    strengths = ""
    if assessment is not None:
        diagnoses = tuple(d.code for d in assessment.diagnoses.all())
        dimensions = {k: v for k, v in assessment.ratings().items() if v is not None}
        strengths = assessment.strengths
    return Findings(bands=bands, diagnoses=diagnoses, dimensions=dimensions), strengths
