"""Writes: instrument responses, self-completion links, safety alerts, comprehensive
assessments, placement decisions and referrals. Each writes its own audit event."""

from __future__ import annotations

import datetime
import hashlib
import re
import secrets
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from trellis.accounts.models import Role, User
from trellis.audit.models import AuditAction
from trellis.audit.services import audit_record
from trellis.core.errors import NotPermitted, TrellisError, ValidationFailed
from trellis.instruments import INSTRUMENTS, InvalidResponse, score
from trellis.patients.models import Patient
from trellis.patients.selectors import open_episode
from trellis.patients.services import require_chart_write

from ..models import (
    AlertAction,
    AlertReason,
    InstrumentResponse,
    Referral,
    ResponseSource,
    SafetyAlert,
    SelfCompletionLink,
)

ICD10CM_SHAPE = re.compile(r"^[A-TV-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?$")
ACK_ROLES = frozenset({Role.CLINICIAN, Role.DIRECTOR, Role.ADMINISTRATOR})


class ResponseInvalid(ValidationFailed):
    """The answers cannot be scored. ``item`` names the offending item."""

    def __init__(self, item: str, message: str) -> None:
        super().__init__(message)
        self.item = item


class AlreadyCorrected(ValidationFailed):
    """A response can be replaced once; correct the newest version."""


class LinkUnusable(TrellisError):
    """The self-completion link is unknown, expired or already used."""


class AssessmentLocked(TrellisError):
    """A signed comprehensive assessment cannot be changed."""


class AlertAlreadyAcknowledged(ValidationFailed):
    pass


class OverrideNeedsJustification(ValidationFailed):
    pass


class DuplicateReferral(ValidationFailed):
    """A person with the same name and date of birth is already known."""

    def __init__(self, message: str, candidates: list[Patient], referrals: list[Referral]) -> None:
        super().__init__(message)
        self.candidates = candidates
        self.referrals = referrals


def _config(key: str, default: Any) -> Any:
    return settings.TRELLIS.get(key, default)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# ----------------------------------------------------------------------------------------------
# Instrument responses and safety checks


def _store_response(
    *,
    patient: Patient,
    instrument: str,
    answers: Mapping[str, object],
    source: ResponseSource,
    entered_by: User | None,
    sex: str | None = None,
    replaces: InstrumentResponse | None = None,
    correction_reason: str = "",
) -> InstrumentResponse:
    if instrument not in INSTRUMENTS:
        raise ValidationFailed(_("Unknown instrument %s.") % instrument)
    try:
        result = score(instrument, answers, sex=sex)
    except InvalidResponse as exc:
        raise ResponseInvalid(exc.item, exc.message) from exc
    return InstrumentResponse.objects.create(
        patient=patient,
        episode=open_episode(patient),
        instrument=instrument,
        answers=dict(result.answers),
        item_scores=dict(result.item_scores),
        total=result.total,
        band=result.band or "",
        interpretation=result.interpretation[:300],
        flags=sorted(result.flags),
        subscales=dict(result.subscales),
        source=source,
        entered_by=entered_by,
        replaces=replaces,
        correction_reason=correction_reason,
    )


def _safety_check(response: InstrumentResponse, actor: User | None) -> list[SafetyAlert]:
    """Raise alerts for PHQ-9 item 9 >= 1 and C-SSRS moderate/high. Never drops a risk flag."""
    alerts: list[SafetyAlert] = []
    flags = set(response.flags)
    if response.instrument == "phq9" and (
        "suicide_risk" in flags or int(response.answers.get("9", 0)) >= 1
    ):
        alerts.append(
            SafetyAlert(
                reason=AlertReason.PHQ9_ITEM9,
                detail=_("PHQ-9 item 9 answered %(n)s (total %(total)s).")
                % {"n": response.answers.get("9"), "total": response.total},
            )
        )
    elif response.instrument == "cssrs" and (
        response.band in ("moderate", "high") or "suicide_risk" in flags
    ):
        alerts.append(
            SafetyAlert(
                reason=AlertReason.CSSRS,
                detail=_("C-SSRS screen: %s risk.") % (response.band or "flagged"),
            )
        )
    elif "suicide_risk" in flags:
        alerts.append(
            SafetyAlert(
                reason=AlertReason.CLINICIAN,
                detail=_("%s raised a suicide-risk flag.") % response.instrument_name,
            )
        )
    for alert in alerts:
        alert.patient = response.patient
        alert.response = response
        alert.raised_by = actor
        alert.save()
        audit_record(
            actor=actor,
            action=AuditAction.ALERT_RAISE,
            patient=response.patient,
            obj=alert,
            summary=f"Safety alert: {alert.get_reason_display()}",
            actor_label="" if actor else "self-completion link",
        )
    return alerts


@transaction.atomic
def response_record(
    *,
    actor: User,
    patient: Patient,
    instrument: str,
    answers: Mapping[str, object],
    sex: str | None = None,
) -> InstrumentResponse:
    """Store a staff-entered response, score it, and raise any safety alert."""
    require_chart_write(actor, patient)
    response = _store_response(
        patient=patient,
        instrument=instrument,
        answers=answers,
        source=ResponseSource.CLINICIAN,
        entered_by=actor,
        sex=sex,
    )
    audit_record(
        actor=actor,
        action=AuditAction.RESPONSE_RECORD,
        patient=patient,
        obj=response,
        summary=f"{response.instrument_name}: {response.band or '—'}",
        changes={"total": response.total, "band": response.band, "flags": response.flags},
    )
    _safety_check(response, actor)
    return response


@transaction.atomic
def response_correct(
    *,
    actor: User,
    original: InstrumentResponse,
    answers: Mapping[str, object],
    reason: str,
    sex: str | None = None,
) -> InstrumentResponse:
    """Record a correction: a new response that names the one it replaces."""
    require_chart_write(actor, original.patient)
    if not reason.strip():
        raise ValidationFailed(_("Say why the response is being corrected."))
    if InstrumentResponse.objects.filter(replaces=original).exists():
        raise AlreadyCorrected(_("This response was already corrected; correct the newest one."))
    response = _store_response(
        patient=original.patient,
        instrument=original.instrument,
        answers=answers,
        source=ResponseSource.CLINICIAN,
        entered_by=actor,
        sex=sex,
        replaces=original,
        correction_reason=reason.strip(),
    )
    audit_record(
        actor=actor,
        action=AuditAction.RESPONSE_CORRECT,
        patient=original.patient,
        obj=response,
        summary=f"Corrected {response.instrument_name}",
        changes={
            "replaces": str(original.public_id),
            "total": [original.total, response.total],
            "band": [original.band, response.band],
        },
    )
    _safety_check(response, actor)
    return response


# ----------------------------------------------------------------------------------------------
# Self-completion links


@transaction.atomic
def link_create(
    *, actor: User, patient: Patient, instrument: str
) -> tuple[SelfCompletionLink, str]:
    """A new single-use link. The token is returned once and only its hash is stored."""
    require_chart_write(actor, patient)
    if instrument not in INSTRUMENTS:
        raise ValidationFailed(_("Unknown instrument %s.") % instrument)
    token = secrets.token_urlsafe(32)
    hours = int(_config("SELF_COMPLETION_LINK_HOURS", 72))
    link = SelfCompletionLink.objects.create(
        patient=patient,
        episode=open_episode(patient),
        instrument=instrument,
        token_hash=hash_token(token),
        expires_at=timezone.now() + datetime.timedelta(hours=hours),
        created_by=actor,
    )
    audit_record(
        actor=actor,
        action=AuditAction.LINK_CREATE,
        patient=patient,
        obj=link,
        summary=f"Self-completion link for {INSTRUMENTS[instrument].name} ({hours} h)",
    )
    return link, token


def link_usable(token: str, *, for_update: bool = False) -> SelfCompletionLink:
    """The link for this token if it is unused and unexpired; ``LinkUnusable`` otherwise."""
    qs = SelfCompletionLink.objects.select_related("patient")
    if for_update:
        qs = qs.select_for_update()
    link = qs.filter(token_hash=hash_token(token)).first()
    if link is None or link.used_at is not None or link.expires_at <= timezone.now():
        raise LinkUnusable(_("This link has expired or has already been used."))
    return link


@transaction.atomic
def link_complete(*, token: str, answers: Mapping[str, object]) -> InstrumentResponse:
    """The patient's answers through the link: store, mark the link used, run safety checks."""
    link = link_usable(token, for_update=True)
    response = _store_response(
        patient=link.patient,
        instrument=link.instrument,
        answers=answers,
        source=ResponseSource.SELF,
        entered_by=None,
    )
    SelfCompletionLink.objects.filter(pk=link.pk).update(used_at=timezone.now(), response=response)
    audit_record(
        actor=None,
        actor_label="self-completion link",
        action=AuditAction.LINK_COMPLETE,
        patient=link.patient,
        obj=response,
        summary=f"{response.instrument_name} completed by the patient",
        changes={"total": response.total, "band": response.band, "flags": response.flags},
    )
    _safety_check(response, None)
    return response


# ----------------------------------------------------------------------------------------------
# Safety alerts


@transaction.atomic
def alert_raise(*, actor: User, patient: Patient, note: str) -> SafetyAlert:
    """A clinician-marked risk."""
    require_chart_write(actor, patient)
    if not note.strip():
        raise ValidationFailed(_("Describe the risk you observed."))
    alert = SafetyAlert.objects.create(
        patient=patient,
        reason=AlertReason.CLINICIAN,
        detail=_("Risk marked by %s.") % actor.display_name,
        note=note.strip(),
        raised_by=actor,
    )
    audit_record(
        actor=actor,
        action=AuditAction.ALERT_RAISE,
        patient=patient,
        obj=alert,
        summary="Safety alert: clinician-marked risk",
    )
    return alert


@transaction.atomic
def alert_acknowledge(*, actor: User, alert: SafetyAlert, action: str, note: str) -> SafetyAlert:
    """Close an alert with the action taken. Audited; the alert stays on record."""
    if actor.role not in ACK_ROLES:
        raise NotPermitted(_("Only clinicians and directors acknowledge safety alerts."))
    require_chart_write(actor, alert.patient)
    alert = SafetyAlert.objects.select_for_update().get(pk=alert.pk)
    if alert.acknowledged_at is not None:
        raise AlertAlreadyAcknowledged(_("This alert was already acknowledged."))
    if action not in AlertAction.values:
        raise ValidationFailed(_("Choose the action taken."))
    if not note.strip():
        raise ValidationFailed(_("Document what was done."))
    alert.acknowledged_at = timezone.now()
    alert.acknowledged_by = actor
    alert.action = action
    alert.action_note = note.strip()
    alert.save(
        update_fields=["acknowledged_at", "acknowledged_by", "action", "action_note", "updated_at"]
    )
    audit_record(
        actor=actor,
        action=AuditAction.ALERT_ACKNOWLEDGE,
        patient=alert.patient,
        obj=alert,
        summary=f"Acknowledged safety alert: {alert.get_action_display()}",
        changes={"action": action, "note": alert.action_note},
    )
    return alert
