"""Reads of the audit trail: directors and administrators only, scoped to their sites."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from trellis.accounts.models import Role, User
from trellis.organization.selectors import sites_of

from .models import AuditEvent

AUDIT_ROLES = frozenset({Role.ADMINISTRATOR, Role.DIRECTOR})


@dataclass(frozen=True)
class AuditFilters:
    patient: str = ""  # MRN
    user: str = ""  # username
    action: str = ""
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None


def can_browse_audit(user: User) -> bool:
    return user.is_authenticated and user.role in AUDIT_ROLES


def audit_events_visible_to(user: User) -> QuerySet[AuditEvent]:
    """Administrators see every event; directors see events about patients at their sites and
    events by staff of their sites (sign-ins included)."""
    if not can_browse_audit(user):
        return AuditEvent.objects.none()
    if user.role == Role.ADMINISTRATOR:
        return AuditEvent.objects.all()
    sites = sites_of(user)
    return AuditEvent.objects.filter(
        Q(patient__site__in=sites)
        | Q(patient__isnull=True, actor__staff_profile__sites__in=sites)
        | Q(patient__isnull=True, actor__isnull=True)
    ).distinct()


def audit_search(user: User, filters: AuditFilters) -> QuerySet[AuditEvent]:
    qs = audit_events_visible_to(user).select_related("actor", "patient")
    if filters.patient:
        qs = qs.filter(patient__mrn__iexact=filters.patient.strip())
    if filters.user:
        qs = qs.filter(actor_label__iexact=filters.user.strip())
    if filters.action:
        qs = qs.filter(action=filters.action)
    if filters.date_from:
        qs = qs.filter(at__date__gte=filters.date_from)
    if filters.date_to:
        qs = qs.filter(at__date__lte=filters.date_to)
    return qs.order_by("-at", "-id")
