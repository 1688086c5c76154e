"""Writes of the plans app. Each is one transaction and writes one audit event."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from trellis.accounts.models import LicenseStatus, Role, User
from trellis.audit.models import AuditAction
from trellis.audit.services import audit_record
from trellis.core.errors import NotPermitted, TrellisError, ValidationFailed
from trellis.patients.models import EpisodeOfCare

from . import document
from .models import (
    ObjectiveProgress,
    PlanReview,
    PlanSignature,
    PlanVersion,
    ReviewDecision,
    SignatureRole,
    TreatmentPlan,
)
from .requirement import Line, band_warnings
from .requirement import weekly_requirement as compute_requirement

AUTHOR_ROLES = frozenset({Role.CLINICIAN, Role.DIRECTOR})
WITNESS_ROLES = frozenset({Role.CLINICIAN, Role.DIRECTOR, Role.INTAKE})


class StaleVersion(TrellisError):
    """Someone saved a newer version while this one was being edited."""


def _profile_credentials(user: User) -> str:
    profile = getattr(user, "staff_profile", None)
    return profile.credentials if profile is not None else ""


def requirement_for(episode: EpisodeOfCare, content: dict[str, Any]) -> tuple[Any, list[str]]:
    """(the FORMAT.md plan object or None, weekly minutes, warnings) for this content."""
    from .selectors import band_for

    lines = [
        Line(
            kind=str(item.get("kind", "")),
            per_week=int(item.get("per_week") or 0),
            minutes=int(item.get("minutes") or 0),
            group_type=str(item.get("group_type", "")),
            clinician=str(item.get("responsible", "")),
        )
        for item in content.get("interventions", [])
    ]
    primary = episode.primary_clinician
    req = compute_requirement(
        lines,
        days_per_week=int(content.get("days_per_week") or 3),
        max_day_minutes=int(content.get("max_day_minutes") or 240),
        default_clinician=str(primary.public_id) if primary else "",
    )
    warnings = req.warnings + band_warnings(req.weekly_minutes, band_for(episode))
    return req, warnings + _catalogue_lengths(lines)


def _catalogue_lengths(lines: list[Line]) -> list[str]:
    """A group line whose length is not its group's in the catalogue: the plan counts the
    line's minutes, the schedule books the catalogue's, so the week could never meet it."""
    from trellis.scheduling.models import GroupType

    codes = {ln.group_type for ln in lines if ln.kind == "group" and ln.group_type}
    catalogue = {
        code: (name, minutes)
        for code, name, minutes in GroupType.objects.filter(code__in=codes).values_list(
            "code", "name", "minutes"
        )
    }
    said = []
    for ln in lines:
        name, minutes = catalogue.get(ln.group_type, ("", ln.minutes))
        if ln.kind == "group" and ln.per_week > 0 and ln.minutes != minutes:
            said.append(
                f"{name} sessions last {minutes} minutes in the group catalogue; this plan counts "
                f"{ln.minutes}. Set the line to {minutes} minutes, or the week booked cannot "
                "meet the plan's hours."
            )
    return said


@transaction.atomic
def plan_version_save(
    *,
    actor: User,
    episode: EpisodeOfCare,
    content: dict[str, Any],
    reason: str,
    based_on: PlanVersion | None,
) -> PlanVersion:
    """Save ``content`` as the next version of the episode's plan (creating the plan if needed).

    ``based_on`` is the version the editor started from; when another version was saved since,
    ``StaleVersion`` is raised and nothing is saved.
    """
    if actor.role not in AUTHOR_ROLES:
        raise NotPermitted(_("Only clinicians and program directors write treatment plans."))
    if not episode.is_open:
        raise ValidationFailed(_("This episode is closed; its plan can no longer change."))
    reason = reason.strip()
    if not reason:
        raise ValidationFailed(_("Say why the plan is changing (the reason for this version)."))
    errors = document.structure_errors(content)
    if errors:
        raise ValidationFailed(" ".join(errors))
    plan, _created = TreatmentPlan.objects.select_for_update().get_or_create(
        episode=episode, defaults={"patient": episode.patient}
    )
    latest = plan.versions.order_by("-number").first()
    if (latest.pk if latest else None) != (based_on.pk if based_on else None):
        raise StaleVersion(
            _(
                "Someone saved version %(n)s while you were editing. Your changes are still "
                "below; open the plan again to see version %(n)s, then re-apply them."
            )
            % {"n": latest.number if latest else "?"}
        )
    if latest is not None and latest.content == content:
        raise ValidationFailed(_("Nothing changed since version %s.") % latest.number)
    req, warnings = requirement_for(episode, content)
    version = PlanVersion.objects.create(
        plan=plan,
        number=(latest.number + 1) if latest else 1,
        content=content,
        requirement=req.plan,
        weekly_minutes=req.weekly_minutes,
        warnings=warnings,
        reason=reason,
        based_on=latest,
        author=actor,
    )
    rows = document.diff(latest.content if latest else document.empty_content(), content)
    counts = {s: sum(1 for r in rows if r.status == s) for s in ("added", "removed", "changed")}
    audit_record(
        actor=actor,
        action=AuditAction.PLAN_VERSION,
        patient=episode.patient,
        obj=version,
        summary=f"Plan version {version.number}",
        changes={"reason": reason, "items": counts, "weekly_minutes": req.weekly_minutes},
    )
    return version


def _latest(version: PlanVersion) -> None:
    newest = version.plan.versions.order_by("-number").values_list("number", flat=True).first()
    if newest != version.number:
        raise ValidationFailed(
            _("Version %(n)s has been replaced by version %(m)s; sign the newest version.")
            % {"n": version.number, "m": newest}
        )


def _signature(version: PlanVersion, role: str) -> PlanSignature | None:
    return version.signatures.filter(role=role).first()


@transaction.atomic
def plan_sign(*, actor: User, version: PlanVersion) -> PlanSignature:
    """The author signs their version. A pre-licensed author's signature needs a co-signature."""
    version = PlanVersion.objects.select_for_update().select_related("plan").get(pk=version.pk)
    if actor.pk != version.author_id:
        raise NotPermitted(
            _("Only the author of version %s can sign it; save your own version to sign.")
            % version.number
        )
    _latest(version)
    if _signature(version, SignatureRole.CLINICIAN):
        raise ValidationFailed(_("This version is already signed."))
    profile = getattr(actor, "staff_profile", None)
    prelicensed = profile is not None and profile.license_status == LicenseStatus.PRELICENSED
    if prelicensed and (profile is None or profile.supervisor_id is None):
        raise NotPermitted(
            _("You are pre-licensed and have no supervisor on file to co-sign; ask a director.")
        )
    signature = PlanSignature.objects.create(
        version=version,
        role=SignatureRole.CLINICIAN,
        signer=actor,
        signer_name=actor.display_name,
        credentials=_profile_credentials(actor),
        signed_on=timezone.localdate(),
        requires_cosign=prelicensed,
        supervisor=profile.supervisor if prelicensed and profile is not None else None,
    )
    audit_record(
        actor=actor,
        action=AuditAction.PLAN_SIGN,
        patient=version.plan.patient,
        obj=version,
        summary=f"Signed plan version {version.number}",
        changes={"requires_cosign": prelicensed},
    )
    return signature


@transaction.atomic
def plan_cosign(*, actor: User, version: PlanVersion) -> PlanSignature:
    """The supervisor of the pre-licensed clinician who signed co-signs."""
    version = PlanVersion.objects.select_for_update().select_related("plan").get(pk=version.pk)
    clinician = _signature(version, SignatureRole.CLINICIAN)
    if clinician is None:
        raise ValidationFailed(_("The clinician has not signed this version yet."))
    if not clinician.requires_cosign:
        raise ValidationFailed(_("This version does not need a co-signature."))
    if actor.pk != clinician.supervisor_id:
        raise NotPermitted(_("Only the supervisor of the clinician who signed can co-sign."))
    if _signature(version, SignatureRole.SUPERVISOR):
        raise ValidationFailed(_("This version is already co-signed."))
    signature = PlanSignature.objects.create(
        version=version,
        role=SignatureRole.SUPERVISOR,
        signer=actor,
        signer_name=actor.display_name,
        credentials=_profile_credentials(actor),
        signed_on=timezone.localdate(),
    )
    audit_record(
        actor=actor,
        action=AuditAction.PLAN_COSIGN,
        patient=version.plan.patient,
        obj=version,
        summary=f"Co-signed plan version {version.number}",
    )
    return signature


@transaction.atomic
def plan_patient_sign(
    *,
    actor: User,
    version: PlanVersion,
    signed_on: datetime.date,
    declined: bool = False,
    note: str = "",
) -> PlanSignature:
    """A staff member attests that the patient signed (or declined to sign) in the clinic."""
    version = (
        PlanVersion.objects.select_for_update().select_related("plan__patient").get(pk=version.pk)
    )
    if actor.role not in WITNESS_ROLES:
        raise NotPermitted(_("Only clinical staff can witness a patient's signature."))
    _latest(version)
    if _signature(version, SignatureRole.PATIENT):
        raise ValidationFailed(_("The patient's signature is already recorded on this version."))
    today = timezone.localdate()
    if signed_on > today:
        raise ValidationFailed(_("The date signed cannot be in the future."))
    if signed_on < timezone.localtime(version.created_at).date():
        raise ValidationFailed(_("The date signed cannot be before the version was saved."))
    if declined and not note.strip():
        raise ValidationFailed(_("Say why the patient declined to sign."))
    patient = version.plan.patient
    signature = PlanSignature.objects.create(
        version=version,
        role=SignatureRole.PATIENT,
        signer=patient.user if patient.user_id else None,
        signer_name=patient.legal_name,
        signed_on=signed_on,
        witnessed_by=actor,
        declined=declined,
        note=note.strip(),
    )
    audit_record(
        actor=actor,
        action=AuditAction.PLAN_PATIENT_SIGN,
        patient=patient,
        obj=version,
        summary=(
            f"Patient declined to sign plan version {version.number}"
            if declined
            else f"Patient signed plan version {version.number}"
        ),
        changes={"signed_on": signed_on.isoformat(), "declined": declined},
    )
    return signature


@transaction.atomic
def plan_review_record(
    *,
    actor: User,
    episode: EpisodeOfCare,
    reviewed_on: datetime.date,
    progress: dict[str, dict[str, str]],
    decision: str,
    summary: str,
) -> PlanReview:
    """Record a review of the plan in effect: progress on every objective and a decision."""
    from .selectors import current_signed_version, first_effective_on

    if actor.role not in AUTHOR_ROLES:
        raise NotPermitted(_("Only clinicians and program directors review treatment plans."))
    version = current_signed_version(episode)
    if version is None:
        raise ValidationFailed(_("There is no signed plan to review yet."))
    if reviewed_on > timezone.localdate():
        raise ValidationFailed(_("The review date cannot be in the future."))
    started = first_effective_on(version.plan)
    if started is not None and reviewed_on < started:
        raise ValidationFailed(_("The review date cannot be before the plan took effect."))
    keys = [o["key"] for o in version.content.get("objectives", [])]
    missing = [k for k in keys if progress.get(k, {}).get("status") not in ObjectiveProgress.values]
    if missing:
        raise ValidationFailed(
            _("Record progress on every objective (missing: %s).") % ", ".join(missing)
        )
    if decision not in ReviewDecision.values:
        raise ValidationFailed(_("Choose a decision."))
    if not summary.strip():
        raise ValidationFailed(_("Write a short summary of the review."))
    review = PlanReview.objects.create(
        plan=version.plan,
        version=version,
        reviewed_on=reviewed_on,
        reviewer=actor,
        progress={k: progress[k] for k in keys},
        decision=decision,
        summary=summary.strip(),
    )
    audit_record(
        actor=actor,
        action=AuditAction.PLAN_REVIEW,
        patient=episode.patient,
        obj=review,
        summary=f"Reviewed plan version {version.number}: {decision}",
        changes={
            "reviewed_on": reviewed_on.isoformat(),
            "decision": decision,
            "progress": {k: progress[k]["status"] for k in keys},
        },
    )
    return review
