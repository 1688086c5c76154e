"""Comprehensive assessment (draft, sign, lock) and level-of-care placement decisions."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from trellis.accounts.models import User
from trellis.audit.models import AuditAction
from trellis.audit.services import audit_record
from trellis.core.errors import NotPermitted, ValidationFailed
from trellis.organization.models import LevelOfCare
from trellis.patients.models import EpisodeOfCare
from trellis.patients.services import require_chart_write

from .. import placement
from ..models import (
    BIOPSYCHOSOCIAL_SECTIONS,
    AssessmentStatus,
    ComprehensiveAssessment,
    Diagnosis,
    InstrumentResponse,
    PlacementDecision,
    PlacementOutcome,
)
from .core import (
    ACK_ROLES,
    ICD10CM_SHAPE,
    AssessmentLocked,
    OverrideNeedsJustification,
    _config,
)

# ----------------------------------------------------------------------------------------------
# Comprehensive assessment

ASSESSMENT_FIELDS = tuple(name for name, _label in BIOPSYCHOSOCIAL_SECTIONS) + tuple(
    f"dimension{n}_{part}" for n in range(1, 7) for part in ("rating", "notes")
)


def parse_diagnoses(rows: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """Normalize and validate (code, text) rows; ``ValidationFailed`` names the bad code."""
    clean: list[tuple[str, str]] = []
    for code, text in rows:
        code = code.strip().upper()
        if code and "." not in code and len(code) > 3:
            code = f"{code[:3]}.{code[3:]}"
        if not ICD10CM_SHAPE.match(code):
            raise ValidationFailed(
                _(
                    "%s is not an ICD-10-CM code (a letter, two characters, then an optional "
                    "dot and up to four more, e.g. F10.20)."
                )
                % (code or "—")
            )
        if not text.strip():
            raise ValidationFailed(_("Give the description for %s.") % code)
        clean.append((code, text.strip()))
    return clean


@transaction.atomic
def assessment_save(
    *,
    actor: User,
    episode: EpisodeOfCare,
    assessment: ComprehensiveAssessment | None = None,
    fields: Mapping[str, Any],
    diagnoses: Iterable[tuple[str, str]] = (),
    responses: Iterable[InstrumentResponse] = (),
) -> ComprehensiveAssessment:
    """Create or update the draft assessment. ``AssessmentLocked`` once signed."""
    require_chart_write(actor, episode.patient)
    if assessment is not None:
        assessment = ComprehensiveAssessment.objects.select_for_update().get(pk=assessment.pk)
        if assessment.is_locked:
            raise AssessmentLocked(_("This assessment is signed and locked; it cannot be changed."))
    for n in range(1, 7):
        rating = fields.get(f"dimension{n}_rating")
        if rating is not None and not 0 <= int(rating) <= 4:
            raise ValidationFailed(_("Dimension %s: the rating is 0 to 4.") % n)
    rows = parse_diagnoses(diagnoses)
    values = {k: fields[k] for k in ASSESSMENT_FIELDS if k in fields}
    for key, value in values.items():
        if key.endswith("_rating"):
            continue
        values[key] = value or ""
    created = assessment is None
    if assessment is None:
        assessment = ComprehensiveAssessment.objects.create(
            patient=episode.patient, episode=episode, author=actor, **values
        )
    else:
        for key, value in values.items():
            setattr(assessment, key, value)
        assessment.save()
    assessment.diagnoses.all().delete()
    Diagnosis.objects.bulk_create(
        Diagnosis(assessment=assessment, code=c, description=t, position=i)
        for i, (c, t) in enumerate(rows)
    )
    linked = [r for r in responses if r.patient_id == episode.patient_id]
    assessment.responses.set(linked)
    audit_record(
        actor=actor,
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        patient=episode.patient,
        obj=assessment,
        summary="Comprehensive assessment draft saved",
        changes={
            "ratings": {str(k): v for k, v in assessment.ratings().items()},
            "diagnoses": [c for c, _t in rows],
        },
    )
    return assessment


@transaction.atomic
def assessment_sign(*, actor: User, assessment: ComprehensiveAssessment) -> ComprehensiveAssessment:
    """Sign and lock. All six ASAM dimensions must be rated."""
    require_chart_write(actor, assessment.patient)
    if actor.role not in ACK_ROLES:
        raise NotPermitted(_("Only clinicians and directors sign assessments."))
    assessment = ComprehensiveAssessment.objects.select_for_update().get(pk=assessment.pk)
    if assessment.is_locked:
        raise AssessmentLocked(_("This assessment is already signed."))
    missing = [str(n) for n, r in assessment.ratings().items() if r is None]
    if missing:
        raise ValidationFailed(
            _("Rate every ASAM dimension before signing (missing: %s).") % ", ".join(missing)
        )
    assessment.status = AssessmentStatus.SIGNED
    assessment.signed_at = timezone.now()
    assessment.signed_by = actor
    assessment.save(update_fields=["status", "signed_at", "signed_by", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditAction.ASSESSMENT_SIGN,
        patient=assessment.patient,
        obj=assessment,
        summary="Comprehensive assessment signed and locked",
    )
    return assessment


# ----------------------------------------------------------------------------------------------
# Placement


def placement_config() -> tuple[str, list[dict[str, Any]], str]:
    system = str(_config("LEVEL_OF_CARE_SYSTEM", placement.DEFAULT_SYSTEM))
    rules = list(_config("PLACEMENT_RULES", None) or placement.DEFAULT_RULES)
    default = str(_config("PLACEMENT_DEFAULT_LEVEL", placement.DEFAULT_LEVEL))
    return system, rules, default


@transaction.atomic
def placement_decide(
    *,
    actor: User,
    episode: EpisodeOfCare,
    recommendation: placement.Recommendation,
    inputs: Mapping[str, Any],
    chosen_code: str,
    justification: str = "",
    assessment: ComprehensiveAssessment | None = None,
) -> PlacementDecision:
    """Accept or override the recommendation; sets the episode's level of care."""
    require_chart_write(actor, episode.patient)
    if actor.role not in ACK_ROLES:
        raise NotPermitted(_("Only clinicians and directors decide the level of care."))
    system, _rules, _default = placement_config()
    level = LevelOfCare.objects.filter(system=system, code=chosen_code, active=True).first()
    if level is None:
        raise ValidationFailed(_("Unknown level of care %s.") % chosen_code)
    overridden = chosen_code != recommendation.level
    if overridden and not justification.strip():
        raise OverrideNeedsJustification(_("Overriding the recommendation needs a justification."))
    decision = PlacementDecision.objects.create(
        episode=episode,
        assessment=assessment,
        system=system,
        recommended_code=recommendation.level,
        chosen_level=level,
        outcome=PlacementOutcome.OVERRIDDEN if overridden else PlacementOutcome.ACCEPTED,
        justification=justification.strip(),
        rules_fired=recommendation.as_json(),
        inputs=dict(inputs),
        decided_by=actor,
    )
    before = episode.level_of_care
    EpisodeOfCare.objects.filter(pk=episode.pk).update(level_of_care=level)
    episode.level_of_care = level
    audit_record(
        actor=actor,
        action=AuditAction.PLACEMENT_DECIDE,
        patient=episode.patient,
        obj=decision,
        summary=f"Level of care {level.code} ({decision.get_outcome_display()})",
        changes={
            "level_of_care": [before.code, level.code],
            "recommended": recommendation.level,
            "rules_fired": [r.id for r in recommendation.fired],
            "justification": decision.justification,
        },
    )
    return decision
