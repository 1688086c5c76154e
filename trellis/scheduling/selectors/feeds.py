"""A patient's availability windows and active calendar feeds."""

from __future__ import annotations

import datetime

from django.db.models import DateTimeField, Exists, ExpressionWrapper, OuterRef, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from trellis.accounts.models import Role, User
from trellis.patients.models import OPEN_STATUSES, EpisodeOfCare, Patient

from ..models import (
    CalendarFeed,
    PatientAvailability,
)


# --- availability and feeds -------------------------------------------------------------------
def patient_availability(patient: Patient) -> QuerySet[PatientAvailability]:
    return PatientAvailability.objects.filter(patient=patient).select_related("changed_by")


def active_feeds(*, user: User | None = None, patient: Patient | None = None) -> QuerySet:
    """Links not revoked; a patient's, not lapsed either (``lapsed``)."""
    feeds = CalendarFeed.objects.filter(revoked_at__isnull=True)
    if user is not None:
        return feeds.filter(user=user)
    return feeds.filter(patient=patient).exclude(lapsed(timezone.localdate()))


# After a patient's care ends, their feed serves this long more: long enough for a calendar that
# syncs it to receive the cancelled bookings (and so take them off the patient's calendar),
# short enough that a forgotten link stops.
FEED_AFTER_CARE = datetime.timedelta(days=14)


def lapsed(today: datetime.date) -> Exists:
    """A patient's link lapses for good when a care that ended after it was made ended more
    than ``FEED_AFTER_CARE`` ago: coming back into care does not bring a forgotten link back
    (before, it served again at the next admission). The patient makes a new one."""
    return Exists(
        EpisodeOfCare.objects.filter(
            patient=OuterRef("patient"),
            discharged_on__lt=today - FEED_AFTER_CARE,
            discharged_on__gte=TruncDate(
                ExpressionWrapper(OuterRef("created_at"), output_field=DateTimeField())
            ),
        )
    )


def feed_serving(token_hash: str, today: datetime.date | None = None) -> CalendarFeed | None:
    """The calendar feed a secret link opens, or None when it does not (404).

    A clinician's feed serves while its owner is an active clinician. A patient's serves while
    they have an episode of care open, or one that ended (discharge, transfer) within
    ``FEED_AFTER_CARE``, and not once their portal account (if any) is switched off, nor once
    it has ``lapsed``."""
    today = today or timezone.localdate()
    in_care = EpisodeOfCare.objects.filter(patient=OuterRef("patient")).filter(
        Q(status__in=OPEN_STATUSES) | Q(discharged_on__gte=today - FEED_AFTER_CARE)
    )
    return (
        CalendarFeed.objects.filter(token_hash=token_hash, revoked_at__isnull=True)
        .exclude(lapsed(today))
        .filter(
            Q(patient__isnull=True, user__is_active=True, user__role=Role.CLINICIAN)
            | Q(
                Exists(in_care),
                Q(patient__user__isnull=True) | Q(patient__user__is_active=True),
                patient__isnull=False,
            )
        )
        .select_related("user", "patient")
        .first()
    )
