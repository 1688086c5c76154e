"""A patient's schedule and availability, and calendar feeds (secret, revocable URLs)."""

from __future__ import annotations

import datetime
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from trellis.audit.models import AuditAction
from trellis.audit.services import audit_record
from trellis.core.auth import acting_user
from trellis.core.errors import TrellisError
from trellis.patients.selectors import patient_for_write

from .. import selectors, services, weeks
from ..forms import AvailabilityForm, windows_text
from ..ical import feed as ical_feed
from ..instance_builder import monday_of
from ..models import CalendarFeed, WindowKind


def patient_schedule(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    user = acting_user(request)
    patient = patient_for_write(user, public_id)
    rows = list(selectors.patient_availability(patient))
    initial = {
        "patient": windows_text([r for r in rows if r.kind == WindowKind.PATIENT]),
        "family": windows_text([r for r in rows if r.kind == WindowKind.FAMILY]),
    }
    form = AvailabilityForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.availability_set_all(
                actor=user,
                patient=patient,
                patient_windows=form.cleaned_data[WindowKind.PATIENT],
                family_windows=form.cleaned_data[WindowKind.FAMILY],
            )
        except TrellisError as error:
            form.add_error(None, str(error))
        else:
            if form.cleaned_data[WindowKind.PATIENT]:
                messages.success(request, _("Availability saved."))
                closed = selectors.closed_words(patient, form.cleaned_data[WindowKind.PATIENT])
                if closed:
                    messages.warning(request, closed)
            else:
                messages.warning(
                    request,
                    _(
                        "Saved with no times for %(name)s: the schedule optimizer will not book "
                        "them until some are entered."
                    )
                    % {"name": patient.display_name},
                )
            return redirect("scheduling:patient", patient.public_id)
    # The page shows the patient's and their family's times, and their calendar link: each
    # time it is drawn (a refused form draws it again) is an audit event.
    audit_record(
        actor=user,
        action=AuditAction.VIEW,
        patient=patient,
        obj=patient,
        summary="Availability and schedule",
    )
    context = {
        "patient": patient,
        "form": form,
        "feed": selectors.active_feeds(patient=patient).first(),
        "last_change": max(
            (r for r in rows if r.changed_at is not None),
            key=lambda r: r.changed_at or timezone.now(),
            default=None,
        ),
        "new_feed_url": request.session.pop("new_feed_url", ""),
        "week_start": monday_of(timezone.localdate()),
        "has_windows": any(r.kind == WindowKind.PATIENT for r in rows),
    }
    return render(request, "scheduling/patient.html", context)


@require_POST
def feed_new(request: HttpRequest) -> HttpResponse:
    """A new secret feed for the signed-in clinician, or for a patient (``patient`` field)."""
    user = acting_user(request)
    patient_id = request.POST.get("patient", "")
    try:
        patient = patient_for_write(user, uuid.UUID(patient_id)) if patient_id else None
    except ValueError:
        raise Http404 from None
    if patient is None and user.role != "clinician":
        raise Http404
    _feed, token = services.feed_create(actor=user, user=None if patient else user, patient=patient)
    request.session["new_feed_url"] = request.build_absolute_uri(
        reverse("scheduling:ical", args=[token])
    )
    if patient is not None:
        return redirect("scheduling:patient", patient.public_id)
    messages.success(
        request, _("Your calendar link is ready below. Copy it now: it is shown only once.")
    )
    return _own_week(request)


def _own_week(request: HttpRequest) -> HttpResponse:
    """Back to the clinician's own week they were looking at, at its calendar-feed section."""
    week = request.POST.get("week", "")
    try:
        shown = f"&week={weeks.clamp_week(datetime.date.fromisoformat(week))[0]}"
    except ValueError:
        shown = ""
    return redirect(f"{reverse('scheduling:week')}?view=clinician{shown}#feed-h")


@require_POST
def feed_revoke(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    user = acting_user(request)
    feed = CalendarFeed.objects.filter(public_id=public_id).select_related("patient").first()
    if feed is None:
        raise Http404
    if feed.patient is not None:
        patient_for_write(user, feed.patient.public_id)
    elif feed.user_id != user.pk:
        raise Http404
    services.feed_revoke(actor=user, feed=feed)
    messages.success(request, _("The calendar link no longer works."))
    if feed.patient is not None:
        return redirect("scheduling:patient", feed.patient.public_id)
    return _own_week(request)


@login_not_required
def ical(request: HttpRequest, token: str) -> HttpResponse:
    feed = selectors.feed_serving(services.token_hash(token))
    if feed is None:
        raise Http404
    services.feed_used(feed)
    body = ical_feed(user=feed.user, patient=feed.patient)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    # The body is a patient's (or clinician's) schedule behind a secret: kept nowhere on the
    # way, so a revoked link stops at once for every client.
    response["Cache-Control"] = "no-store"
    return response
