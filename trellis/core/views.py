"""The home page: what each role needs first thing."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_POST

from trellis.accounts.models import Role, User
from trellis.assessments.selectors import open_alerts_for_home
from trellis.audit.models import AuditAction
from trellis.audit.services import audit_record
from trellis.core.auth import acting_user
from trellis.organization.selectors import sites_of
from trellis.patients import selectors as patient_selectors
from trellis.patients.models import (
    IN_TREATMENT_STATUSES,
    OPEN_STATUSES,
    EpisodeOfCare,
    EpisodeStatus,
)
from trellis.plans.selectors import awaiting_my_cosign, review_worklist
from trellis.portal import selectors as portal_selectors
from trellis.scheduling.models import BookingStatus
from trellis.scheduling.selectors import (
    my_appointments_on,
    my_group_sessions_on,
    my_next_booked_day,
)


def home(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    today = timezone.localdate()
    if user.role == Role.BILLING:
        return _billing_home(request, user)
    if user.role in (Role.PATIENT, Role.FAMILY):
        return _portal_home(request, user)
    context: dict[str, object] = {"today": today, "census": patient_selectors.census_by_track(user)}
    context["safety_alerts"] = open_alerts_for_home(user)
    if user.role in (Role.CLINICIAN, Role.DIRECTOR):
        soon = settings.TRELLIS.get("PLAN_REVIEW_DUE_SOON_DAYS", 7)
        context["plans_due"] = [
            i
            for i in review_worklist(user)
            if (i.days_left is not None and i.days_left <= soon) or i.status == "awaiting_cosign"
        ][:15]
        context["plans_cosign"] = awaiting_my_cosign(user)
    if user.role == Role.CLINICIAN:
        groups = list(my_group_sessions_on(user, today))
        appointments = list(my_appointments_on(user, today))
        context["groups"], context["appointments"] = groups, appointments
        # Cancelled bookings are listed (marked) but do not make a day booked.
        context["booked_today"] = any(s.status == BookingStatus.SCHEDULED for s in groups) or any(
            a.status == BookingStatus.SCHEDULED for a in appointments
        )
        if not context["booked_today"]:
            context["next_day"] = my_next_booked_day(user, today)
        context["caseload"] = list(
            EpisodeOfCare.objects.filter(
                care_team__user=user,
                care_team__removed_on__isnull=True,
                status__in=OPEN_STATUSES,
            )
            .select_related("patient", "track")
            .distinct()
            .order_by("patient__last_name", "patient__first_name")
        )
    if user.role in (Role.INTAKE, Role.DIRECTOR, Role.ADMINISTRATOR):
        context["referrals"] = list(
            EpisodeOfCare.objects.filter(
                track__site__in=sites_of(user),
                status__in=[EpisodeStatus.REFERRED, EpisodeStatus.SCREENING],
            )
            .select_related("patient", "track")
            .order_by("referred_on")
        )
    return render(request, "core/home.html", context)


def _billing_home(request: HttpRequest, user: User) -> HttpResponse:
    """Billing sees the roster it bills from, nothing clinical (minimum necessary)."""
    roster = list(
        EpisodeOfCare.objects.filter(
            track__site__in=sites_of(user), status__in=IN_TREATMENT_STATUSES
        )
        .select_related("patient", "track", "level_of_care")
        .order_by("patient__last_name", "patient__first_name")
    )
    audit_record(
        actor=user, action=AuditAction.VIEW, summary=f"Billing roster ({len(roster)} episodes)"
    )
    return render(request, "core/billing_home.html", {"roster": roster})


def _portal_home(request: HttpRequest, user: User) -> HttpResponse:
    """A patient sees their own care; a family member sees whom they are linked to."""
    patients = list(patient_selectors.linked_patients_of(user))
    episodes = (
        {p.pk: patient_selectors.open_episode(p) for p in patients}
        if user.role == Role.PATIENT
        else {}
    )
    upcoming = None
    notices: list[Any] = []
    unread = 0
    if user.role == Role.PATIENT and patients:
        upcoming = portal_selectors.my_next(user, now=timezone.now())
        # Linked to the portal user (linked_patients_of): their own record.
        notices, unread = portal_selectors.my_notices(patients[0])
        audit_record(
            actor=user,
            action=AuditAction.VIEW,
            patient=patients[0],
            obj=patients[0],
            summary="Own next bookings on the portal's home page",
        )
    return render(
        request,
        "core/portal_home.html",
        {
            "patients": patients,
            "episodes": episodes,
            "upcoming": upcoming,
            "notices": notices,
            "unread": unread,
        },
    )


@login_not_required
def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


@require_POST
def keep_alive(request: HttpRequest) -> HttpResponse:
    """Renew the signed-in session (every request does, SESSION_SAVE_EVERY_REQUEST): the idle
    warning's "Stay signed in" button, and typing in a form, call it. Nothing is returned."""
    return HttpResponse(status=204)
