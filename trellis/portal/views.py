"""The patient portal: a patient's own week, availability and calendar feed.

Only users with the patient role who are linked to a patient record get in (``selectors``);
family members get a 403 page that says why; staff get 404. Views parse input, call one
selector or service, and render.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from trellis.accounts.models import Role
from trellis.audit.models import AuditAction
from trellis.audit.services import audit_record
from trellis.core.auth import acting_user
from trellis.core.errors import TrellisError
from trellis.scheduling import selectors as scheduling_selectors
from trellis.scheduling import services, weeks
from trellis.scheduling.forms import windows_text
from trellis.scheduling.instance_builder import monday_of
from trellis.scheduling.models import WindowKind
from trellis.scheduling.windows import readable_hours, summary

from . import selectors
from .forms import MyAvailabilityForm

NEW_FEED_KEY = "portal_new_feed_url"

View = Callable[..., HttpResponse]


def portal_view(view: View) -> View:
    """Family members are turned away with a page that says why (403); the selectors the view
    calls give everyone else but patients a 404."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if acting_user(request).role == Role.FAMILY:
            return render(request, "portal/family.html", status=403)
        return view(request, *args, **kwargs)

    return wrapper


@portal_view
def schedule(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    week_start = weeks.week_param(request)
    week = selectors.my_week(user, week_start=week_start)
    audit_record(
        actor=user,
        action=AuditAction.VIEW,
        patient=week.patient,
        obj=week.patient,
        summary=f"Own schedule in the portal, week of {week_start:%Y-%m-%d}",
    )
    context = {
        "week": week,
        **weeks.week_nav(week_start),
        "this_week": monday_of(timezone.localdate()),
        "changes": selectors.my_recent_notices(week.patient, timezone.now()),
    }
    return render(request, "portal/schedule.html", context)


@portal_view
def availability(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    patient, rows = selectors.my_availability(user)
    own = [r for r in rows if r.kind == WindowKind.PATIENT]
    family = [r for r in rows if r.kind == WindowKind.FAMILY]
    form = MyAvailabilityForm(request.POST or None, initial={"patient": windows_text(own)})
    if request.method == "POST" and form.is_valid():
        try:
            services.availability_set(
                actor=user,
                patient=patient,
                kind=WindowKind.PATIENT,
                windows=form.cleaned_data["patient"],
            )
        except TrellisError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _(
                    "Your availability is saved. Your care team uses it the next time they plan "
                    "the schedule; the bookings you have now stay as they are until then."
                ),
            )
            closed = scheduling_selectors.closed_words(patient, form.cleaned_data["patient"])
            if closed:
                messages.warning(request, closed)
            return redirect("portal:availability")
    if request.method == "GET":
        audit_record(
            actor=user,
            action=AuditAction.VIEW,
            patient=patient,
            obj=patient,
            summary="Own availability in the portal",
        )
    # The site's hours beside the form, so that times it is closed at are not given at all.
    site = scheduling_selectors.treated_at(patient)
    opening = "; ".join(summary(readable_hours(site.hours) or []))
    context = {"form": form, "family": family, "site": site, "opening": opening}
    return render(request, "portal/availability.html", context)


@portal_view
@never_cache
def feed(request: HttpRequest) -> HttpResponse:
    """The calendar-link page. A new link is shown here once, right after it is made."""
    user = acting_user(request)
    patient, active = selectors.my_feed(user)
    audit_record(
        actor=user,
        action=AuditAction.VIEW,
        patient=patient,
        obj=patient,
        summary="Own calendar link page in the portal",
    )
    context = {"feed": active, "new_feed_url": request.session.pop(NEW_FEED_KEY, "")}
    return render(request, "portal/feed.html", context)


@require_POST
@portal_view
def feed_new(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    patient = selectors.own_patient(user)
    _feed, token = services.feed_create(actor=user, patient=patient)
    request.session[NEW_FEED_KEY] = request.build_absolute_uri(
        reverse("scheduling:ical", args=[token])
    )
    return redirect("portal:feed")


@require_POST
@portal_view
def feed_revoke(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    user = acting_user(request)
    active = selectors.my_feed_for(user, public_id)
    services.feed_revoke(actor=user, feed=active)
    messages.success(request, _("The calendar link no longer works."))
    return redirect("portal:feed")


@portal_view
@require_POST
def notices_seen(request: HttpRequest) -> HttpResponse:
    """The patient has read what changed in their schedule: the notices leave the home page."""
    user = acting_user(request)
    patient = selectors.own_patient(user)
    if services.notices_mark_seen(actor=user, patient=patient):
        messages.success(
            request, _("Marked as read. My schedule shows your bookings as they are now.")
        )
    return redirect("home")
