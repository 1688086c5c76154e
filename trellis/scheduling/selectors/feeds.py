"""A patient's availability windows and active calendar feeds."""

from __future__ import annotations

from django.db.models import QuerySet

from trellis.accounts.models import User
from trellis.patients.models import Patient

from ..models import (
    CalendarFeed,
    PatientAvailability,
)


# --- availability and feeds -------------------------------------------------------------------
def patient_availability(patient: Patient) -> QuerySet[PatientAvailability]:
    return PatientAvailability.objects.filter(patient=patient).select_related("changed_by")


def active_feeds(*, user: User | None = None, patient: Patient | None = None) -> QuerySet:
    feeds = CalendarFeed.objects.filter(revoked_at__isnull=True)
    if user is not None:
        return feeds.filter(user=user)
    return feeds.filter(patient=patient)
