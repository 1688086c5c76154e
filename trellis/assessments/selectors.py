"""Reads of the assessments app, scoped to the acting user (404 when out of scope)."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.http import Http404

from trellis.accounts.models import Role, User
from trellis.organization.models import LevelOfCare
from trellis.organization.selectors import sites_of
from trellis.patients.models import OPEN_STATUSES, EpisodeOfCare, Patient
from trellis.patients.selectors import patient_for_write, patients_visible_to

from . import placement
from .models import (
    URGENCY_RANK,
    AlertReason,
    ComprehensiveAssessment,
    InstrumentResponse,
    Referral,
    ReferralStatus,
    SafetyAlert,
)
from .services import placement_config

INTAKE_ROLES = frozenset({Role.ADMINISTRATOR, Role.DIRECTOR, Role.CLINICIAN, Role.INTAKE})


def _alerts() -> QuerySet[SafetyAlert]:
    return SafetyAlert.objects.select_related("patient", "response", "raised_by")


def open_alerts_for_home(user: User) -> list[SafetyAlert]:
    """Every open alert the user must see: a clinician where they are the primary clinician of
    the patient's open episode; directors and administrators at their sites. Never paged."""
    qs = _alerts().filter(acknowledged_at__isnull=True)
    if user.role == Role.CLINICIAN:
        qs = qs.filter(
            patient__episodes__primary_clinician=user,
            patient__episodes__status__in=OPEN_STATUSES,
        )
    elif user.role in (Role.DIRECTOR, Role.ADMINISTRATOR):
        qs = qs.filter(patient__site__in=sites_of(user))
    else:
        return []
    return list(qs.distinct().order_by("created_at", "id"))


def alerts_for_chart(patient: Patient) -> tuple[list[SafetyAlert], list[SafetyAlert]]:
    """(every open alert, the ten most recent acknowledged ones)."""
    qs = _alerts().select_related("acknowledged_by").filter(patient=patient)
    open_ = list(qs.filter(acknowledged_at__isnull=True).order_by("created_at", "id"))
    done = list(qs.filter(acknowledged_at__isnull=False).order_by("-acknowledged_at")[:10])
    return open_, done


def alert_for_write(user: User, patient_id: uuid.UUID, alert_id: uuid.UUID) -> SafetyAlert:
    patient = patient_for_write(user, patient_id)
    alert = _alerts().filter(patient=patient, public_id=alert_id).first()
    if alert is None:
        raise Http404
    return alert


def responses_for_chart(patient: Patient) -> list[InstrumentResponse]:
    """Every response newest first; ``is_superseded`` marks those a correction replaced."""
    responses: list[InstrumentResponse] = list(
        InstrumentResponse.objects.filter(patient=patient)
        .select_related("entered_by", "replaces")
        .annotate(
            is_superseded=Case(
                When(replaced_by__isnull=False, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            )
        )
        .order_by("-created_at", "-id")
    )
    return responses


def response_for_write(
    user: User, patient_id: uuid.UUID, response_id: uuid.UUID
) -> InstrumentResponse:
    patient = patient_for_write(user, patient_id)
    response = (
        InstrumentResponse.objects.select_related("patient")
        .filter(patient=patient, public_id=response_id)
        .first()
    )
    if response is None:
        raise Http404
    return response


def current_responses(patient: Patient) -> list[InstrumentResponse]:
    """The latest uncorrected response per instrument."""
    latest: dict[str, InstrumentResponse] = {}
    for r in InstrumentResponse.objects.filter(patient=patient, replaced_by__isnull=True).order_by(
        "-created_at", "-id"
    ):
        latest.setdefault(r.instrument, r)
    return list(latest.values())


def episode_for_write(user: User, patient_id: uuid.UUID) -> tuple[Patient, EpisodeOfCare]:
    patient = patient_for_write(user, patient_id)
    episode = (
        patient.episodes.select_related("level_of_care", "track")
        .filter(status__in=OPEN_STATUSES)
        .first()
    )
    if episode is None:
        raise Http404
    return patient, episode


def assessment_for_episode(episode: EpisodeOfCare) -> ComprehensiveAssessment | None:
    """The signed assessment if any, else the newest draft."""
    qs = episode.assessments.prefetch_related("diagnoses", "responses")
    return qs.filter(status="signed").order_by("-signed_at").first() or qs.first()


def placement_inputs(
    episode: EpisodeOfCare,
) -> tuple[placement.PlacementInput, dict[str, Any], ComprehensiveAssessment | None]:
    """What the rules see: dimension ratings, latest instrument results, raised flags."""
    assessment = assessment_for_episode(episode)
    dims = assessment.ratings() if assessment else {}
    responses = current_responses(episode.patient)
    flags = {flag for r in responses for flag in r.flags}
    if SafetyAlert.objects.filter(
        patient=episode.patient, acknowledged_at__isnull=True, reason=AlertReason.CLINICIAN
    ).exists():
        flags.add("clinician_risk")
    data = placement.PlacementInput(
        dimensions=dims,
        instruments={
            r.instrument: placement.InstrumentResult(band=r.band or None, total=r.total)
            for r in responses
        },
        flags=frozenset(flags),
    )
    snapshot = {
        "dimensions": {str(k): v for k, v in dims.items()},
        "instruments": {r.instrument: {"band": r.band, "total": r.total} for r in responses},
        "flags": sorted(flags),
        "assessment": str(assessment.public_id) if assessment else None,
    }
    return data, snapshot, assessment


def recommend_for(
    episode: EpisodeOfCare,
) -> tuple[placement.Recommendation, dict[str, Any], ComprehensiveAssessment | None]:
    system, rules, default = placement_config()
    ranks = dict(LevelOfCare.objects.filter(system=system).values_list("code", "rank"))
    data, snapshot, assessment = placement_inputs(episode)
    return (
        placement.recommend(data, rules=rules, ranks=ranks, default=default),
        snapshot,
        assessment,
    )


def levels_of_care() -> QuerySet[LevelOfCare]:
    system, _rules, _default = placement_config()
    return LevelOfCare.objects.filter(system=system, active=True).order_by("rank")


# ----------------------------------------------------------------------------------------------
# Referrals


def referral_duplicates(
    user: User, first_name: str, last_name: str, date_of_birth: datetime.date
) -> tuple[list[Patient], list[Referral]]:
    """Patients and waiting referrals with the same name and date of birth."""
    same = Q(first_name__iexact=first_name.strip(), last_name__iexact=last_name.strip()) & Q(
        date_of_birth=date_of_birth
    )
    patients = list(patients_visible_to(user).filter(same).select_related("site"))
    referrals = list(
        Referral.objects.filter(same, site__in=sites_of(user), status=ReferralStatus.WAITING)
    )
    return patients, referrals


def waitlist(user: User) -> QuerySet[Referral]:
    """Waiting referrals at the user's sites: most urgent first, then longest waiting."""
    if user.role not in INTAKE_ROLES:
        return Referral.objects.none()
    rank = Case(
        *[When(urgency=u, then=Value(r)) for u, r in URGENCY_RANK.items()],
        output_field=IntegerField(),
    )
    return (
        Referral.objects.filter(site__in=sites_of(user), status=ReferralStatus.WAITING)
        .select_related("site", "patient")
        .annotate(urgency_rank=rank)
        .order_by("urgency_rank", "referred_on", "id")
    )


def referral_for(user: User, public_id: uuid.UUID) -> Referral:
    if user.role not in INTAKE_ROLES:
        raise Http404
    referral = (
        Referral.objects.filter(site__in=sites_of(user), public_id=public_id)
        .select_related("site", "patient", "episode")
        .first()
    )
    if referral is None:
        raise Http404
    return referral


def open_alerts_for_chart(patient: Patient) -> list[SafetyAlert]:
    """Every open alert on this chart (the chart's banner); never paged."""
    return list(
        _alerts().filter(patient=patient, acknowledged_at__isnull=True).order_by("created_at", "id")
    )
