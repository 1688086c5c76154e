"""Writing the audit trail. Every service that changes clinical data calls ``audit_record``."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db import models

from trellis.core.request_context import current_request_info

from .models import AuditAction, AuditEvent

if TYPE_CHECKING:
    from trellis.accounts.models import User
    from trellis.patients.models import Patient


def audit_record(
    *,
    actor: User | None,
    action: AuditAction | str,
    patient: Patient | None = None,
    obj: models.Model | None = None,
    summary: str = "",
    changes: dict[str, Any] | None = None,
    actor_label: str = "",
) -> AuditEvent:
    """Append one audit event. The request id and client IP come from the current request.

    ``summary`` and ``changes`` name what changed; keep free-text clinical content out of
    ``summary`` (it is shown in lists), and put before/after values in ``changes``.
    """
    info = current_request_info()
    object_type = ""
    object_id = ""
    if obj is not None:
        object_type = obj._meta.label_lower
        object_id = str(getattr(obj, "public_id", None) or obj.pk)
    label = actor_label or (actor.get_username() if actor is not None else "")
    return AuditEvent.objects.create(
        actor=actor if actor is not None and actor.pk else None,
        actor_label=label[:150],
        action=str(action),
        patient=patient,
        object_type=object_type,
        object_id=object_id,
        summary=summary[:300],
        changes=changes or {},
        request_id=info.request_id,
        ip=info.ip,
    )


def audit_viewed(
    *, actor: User, patients: Iterable[Patient], summary: str, obj: models.Model | None = None
) -> None:
    """One VIEW event per patient a page names (a list of patients: Plans not met, a run's
    preview), written in one query. ``obj`` defaults to each patient."""
    info = current_request_info()
    label = actor.get_username()[:150]
    events = []
    for patient in patients:
        about = obj if obj is not None else patient
        events.append(
            AuditEvent(
                actor=actor if actor.pk else None,
                actor_label=label,
                action=str(AuditAction.VIEW),
                patient=patient,
                object_type=about._meta.label_lower,
                object_id=str(getattr(about, "public_id", None) or about.pk),
                summary=summary[:300],
                changes={},
                request_id=info.request_id,
                ip=info.ip,
            )
        )
    if events:
        AuditEvent.objects.bulk_create(events)


def diff_fields(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """``{"field": [old, new]}`` for each field whose value changed (values as strings)."""
    return {
        key: [_plain(before.get(key)), _plain(after.get(key))]
        for key in sorted(set(before) | set(after))
        if before.get(key) != after.get(key)
    }


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)
