"""A clinician's own day: the groups they lead, their appointments, their next booked day."""

from __future__ import annotations

import datetime

from django.db.models import Count, Prefetch, QuerySet

from trellis.accounts.models import User

from ..models import (
    Appointment,
    BookingStatus,
    GroupSession,
)


def my_group_sessions_on(user: User, day: datetime.date) -> QuerySet[GroupSession]:
    """The groups `user` leads on `day`, cancelled ones too (the home page says so)."""
    return (
        GroupSession.objects.filter(facilitators=user, date=day)
        .select_related("group_type", "room", "site")
        .annotate(patient_count=Count("members", distinct=True))
        .prefetch_related(Prefetch("facilitators", queryset=User.objects.order_by("last_name")))
        .order_by("start")
    )


def my_appointments_on(user: User, day: datetime.date) -> QuerySet[Appointment]:
    """The appointments of `user` on `day`, cancelled ones too."""
    return (
        Appointment.objects.filter(clinician=user, date=day)
        .select_related("patient", "room", "site")
        .order_by("start")
    )


def my_next_booked_day(user: User, after: datetime.date) -> datetime.date | None:
    """The first day after `after` on which `user` leads a group or sees a patient (two
    queries), for a home page whose today is empty."""
    days = [
        GroupSession.objects.filter(
            facilitators=user, date__gt=after, status=BookingStatus.SCHEDULED
        )
        .order_by("date")
        .values_list("date", flat=True)
        .first(),
        Appointment.objects.filter(clinician=user, date__gt=after, status=BookingStatus.SCHEDULED)
        .order_by("date")
        .values_list("date", flat=True)
        .first(),
    ]
    found = [d for d in days if d is not None]
    return min(found) if found else None
