"""Secret, revocable iCalendar feed links (only a hash of the token is stored).

Each service is one transaction and writes its own audit event.
"""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from trellis.accounts.models import User
from trellis.audit.models import AuditAction
from trellis.audit.services import audit_record
from trellis.core.errors import ValidationFailed
from trellis.core.request_context import current_request_info
from trellis.patients.models import Patient

from ..models import (
    CalendarFeed,
)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def feed_create(
    *, actor: User, user: User | None = None, patient: Patient | None = None
) -> tuple[CalendarFeed, str]:
    """A new secret feed (revoking the owner's earlier ones); the token is returned once."""
    if (user is None) == (patient is None):
        raise ValidationFailed(_("A calendar feed belongs to one clinician or one patient."))
    owner: dict[str, Any] = {"user": user} if user is not None else {"patient": patient}
    CalendarFeed.objects.filter(revoked_at__isnull=True, **owner).update(revoked_at=timezone.now())
    token = secrets.token_urlsafe(32)
    feed = CalendarFeed.objects.create(token_hash=token_hash(token), created_by=actor, **owner)
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        patient=patient,
        obj=feed,
        summary="Calendar feed created (earlier ones revoked)",
    )
    return feed, token


@transaction.atomic
def feed_revoke(*, actor: User, feed: CalendarFeed) -> None:
    if feed.revoked_at is not None:
        return
    feed.revoked_at = timezone.now()
    feed.save(update_fields=["revoked_at", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditAction.REMOVE,
        patient=feed.patient,
        obj=feed,
        summary="Calendar feed revoked",
    )


@transaction.atomic
def feed_used(feed: CalendarFeed) -> None:
    """Note that a calendar fetched the feed, to the hour, and from which address: one
    conditional UPDATE, which writes only for the first fetch of an hour or one from another
    address than the last, so a calendar polling every few minutes does not write each time;
    the hour is what its owner sees ("last used"). Such a fetch is audited, with the client's
    address (``audit_record``), so a link used from somewhere new shows in the audit trail at
    once, even while the owner's calendar polls, without an event for every poll. The note and
    its audit event are one transaction: a fetch noted is a fetch audited."""
    hour = timezone.now().replace(minute=0, second=0, microsecond=0)
    ip = current_request_info().ip
    worth_noting = Q(last_used_at__isnull=True) | Q(last_used_at__lt=hour)
    if ip is not None:
        worth_noting |= ~Q(last_used_ip=ip)
    noted = (
        CalendarFeed.objects.filter(pk=feed.pk)
        .filter(worth_noting)
        .update(last_used_at=hour, last_used_ip=ip)
    )
    if noted:
        audit_record(
            actor=None,
            actor_label="calendar link",
            action=AuditAction.VIEW,
            patient=feed.patient,
            obj=feed,
            summary="Calendar feed fetched",
        )
