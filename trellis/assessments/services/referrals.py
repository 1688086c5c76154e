"""Referrals, duplicate detection and merge, conversion into an episode."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from trellis.accounts.models import Role, User
from trellis.audit.models import AuditAction
from trellis.audit.services import audit_record, diff_fields
from trellis.core.errors import NotPermitted, ValidationFailed
from trellis.organization.models import Site, Track
from trellis.patients.models import OPEN_STATUSES, EpisodeOfCare, Patient
from trellis.patients.selectors import patients_visible_to
from trellis.patients.services import EpisodeAlreadyOpen, episode_open, patient_register

from ..models import (
    Referral,
    ReferralCloseReason,
    ReferralStatus,
    ScreeningOutcome,
    Urgency,
)
from .core import (
    DuplicateReferral,
)

# ----------------------------------------------------------------------------------------------
# Referrals


@transaction.atomic
def referral_create(
    *,
    actor: User,
    site: Site,
    use_patient: Patient | None = None,
    confirm_new: bool = False,
    **fields: Any,
) -> Referral:
    """Record a referral. A same name + date of birth match is never silently created twice:
    ``DuplicateReferral`` unless the caller merges (``use_patient``) or confirms a new person."""
    from ..selectors import referral_duplicates

    if actor.role not in (Role.INTAKE, Role.DIRECTOR, Role.ADMINISTRATOR, Role.CLINICIAN):
        raise NotPermitted(_("You may not record referrals."))
    if use_patient is not None:
        if not patients_visible_to(actor).filter(pk=use_patient.pk).exists():
            raise NotPermitted(_("You may not link referrals to this patient."))
    elif not confirm_new:
        patients, referrals = referral_duplicates(
            actor, fields["first_name"], fields["last_name"], fields["date_of_birth"]
        )
        if patients or referrals:
            raise DuplicateReferral(
                _("Someone with this name and date of birth is already on record."),
                patients,
                referrals,
            )
    referral = Referral.objects.create(site=site, created_by=actor, patient=use_patient, **fields)
    audit_record(
        actor=actor,
        action=AuditAction.REFERRAL_MERGE if use_patient else AuditAction.CREATE,
        patient=use_patient,
        obj=referral,
        summary="Referral merged with existing patient" if use_patient else "Referral received",
    )
    return referral


@transaction.atomic
def referral_convert(
    *, actor: User, referral: Referral, track: Track, primary_clinician: User | None = None
) -> EpisodeOfCare:
    """Open an episode from the referral: for the merged patient, or register a new one."""
    referral = _waiting(referral)
    if track.site_id != referral.site_id:
        raise ValidationFailed(_("Choose a track at the referral's site."))
    if referral.patient is not None:
        # Say what is really in the way before the chart-write check: a merged patient who is
        # still in treatment cannot get a second episode, whoever converts the referral.
        if referral.patient.episodes.filter(status__in=OPEN_STATUSES).exists():
            raise EpisodeAlreadyOpen(
                _(
                    "%s already has an open episode of care. Ask their care team to discharge "
                    "or transfer it, or close this referral."
                )
                % referral.patient.display_name
            )
        episode = episode_open(
            actor=actor,
            patient=referral.patient,
            track=track,
            referred_on=referral.referred_on,
            primary_clinician=primary_clinician,
            reason=referral.reason,
        )
        patient = referral.patient
    else:
        patient, episode = patient_register(
            actor=actor,
            track=track,
            referred_on=referral.referred_on,
            reason=referral.reason,
            primary_clinician=primary_clinician,
            # The duplicate question was answered when the referral was recorded (merge with
            # an existing patient, or confirm a new person); converting does not ask again.
            confirm_new=True,
            first_name=referral.first_name,
            last_name=referral.last_name,
            date_of_birth=referral.date_of_birth,
            phone=referral.phone,
        )
    Referral.objects.filter(pk=referral.pk).update(
        status=ReferralStatus.CONVERTED, patient=patient, episode=episode
    )
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        patient=patient,
        obj=referral,
        summary="Referral converted to an episode",
    )
    return episode


def _waiting(referral: Referral) -> Referral:
    locked = Referral.objects.select_for_update().get(pk=referral.pk)
    if locked.status != ReferralStatus.WAITING:
        raise ValidationFailed(_("This referral is no longer on the waitlist."))
    return locked


@transaction.atomic
def referral_screen(
    *,
    actor: User,
    referral: Referral,
    screened_on: datetime.date,
    outcome: str,
    withdrawal_risk: bool,
    imminent_risk: bool,
    notes: str,
) -> Referral:
    """Record the pre-admission screening. Imminent risk or withdrawal risk makes the referral
    emergent, so it rises to the top of the waitlist."""
    referral = _waiting(referral)
    if screened_on > timezone.localdate():
        raise ValidationFailed(_("The screening date is in the future."))
    if screened_on < referral.referred_on:
        raise ValidationFailed(_("The screening date is before the referral date."))
    if outcome not in ScreeningOutcome.values or outcome == ScreeningOutcome.PENDING:
        raise ValidationFailed(_("Choose the outcome of the screening."))
    before = {
        "screening_outcome": referral.screening_outcome,
        "urgency": referral.urgency,
        "withdrawal_risk": referral.withdrawal_risk,
        "imminent_risk": referral.imminent_risk,
    }
    referral.screened_on = screened_on
    referral.screened_by = actor
    referral.screening_outcome = outcome
    referral.withdrawal_risk = withdrawal_risk
    referral.imminent_risk = imminent_risk
    if notes.strip():
        stamp = f"[{screened_on} {actor.get_username()}] "
        referral.screening_notes = "\n".join(
            part for part in (referral.screening_notes.strip(), stamp + notes.strip()) if part
        )
    if imminent_risk or withdrawal_risk:
        referral.urgency = Urgency.EMERGENT
    referral.save()
    after = {
        "screening_outcome": referral.screening_outcome,
        "urgency": referral.urgency,
        "withdrawal_risk": referral.withdrawal_risk,
        "imminent_risk": referral.imminent_risk,
    }
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        patient=referral.patient,
        obj=referral,
        summary="Referral screened",
        changes=diff_fields(before, after),
    )
    return referral


@transaction.atomic
def referral_close(*, actor: User, referral: Referral, reason: str, note: str) -> Referral:
    """Take a referral off the waitlist without admission. Kept, never deleted."""
    referral = _waiting(referral)
    if reason not in ReferralCloseReason.values:
        raise ValidationFailed(_("Choose why the referral is closed."))
    if not note.strip():
        raise ValidationFailed(_("Add a note: what was done and where the person was referred."))
    referral.status = ReferralStatus.CLOSED
    referral.closed_on = timezone.localdate()
    referral.close_reason = reason
    referral.close_note = note.strip()
    referral.save()
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        patient=referral.patient,
        obj=referral,
        summary=f"Referral closed without admission ({reason})",
    )
    return referral
