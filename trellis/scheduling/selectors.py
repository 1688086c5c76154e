"""Reads of the published schedule, scoped to the acting user."""

from __future__ import annotations

import datetime

from django.db.models import Count, Prefetch, QuerySet

from trellis.accounts.models import User

from .models import Appointment, BookingStatus, GroupSession


def my_group_sessions_on(user: User, day: datetime.date) -> QuerySet[GroupSession]:
    return (
        GroupSession.objects.filter(facilitators=user, date=day, status=BookingStatus.SCHEDULED)
        .select_related("group_type", "room", "site")
        .annotate(patient_count=Count("members", distinct=True))
        .prefetch_related(Prefetch("facilitators", queryset=User.objects.order_by("last_name")))
        .order_by("start")
    )


def my_appointments_on(user: User, day: datetime.date) -> QuerySet[Appointment]:
    return (
        Appointment.objects.filter(clinician=user, date=day, status=BookingStatus.SCHEDULED)
        .select_related("patient", "room", "site")
        .order_by("start")
    )
