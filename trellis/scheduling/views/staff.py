"""Clinicians as the schedule optimizer sees them: a list for coordinators, and the edit page
directors and administrators use for competencies, weekly limit and availability."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from trellis.core.durations import hours_minutes
from trellis.core.errors import TrellisError

from .. import selectors, services
from ..forms import StaffScheduleForm, windows_text
from ..windows import summary
from .common import coordinator


def staff_list(request: HttpRequest) -> HttpResponse:
    user = coordinator(request)
    staff = list(selectors.schedule_staff(user))
    rows = [
        (
            person,
            summary((w.weekday, w.start, w.end) for w in person.staff_profile.availability.all()),
        )
        for person in staff
    ]
    context = {
        "staff": staff,
        "rows": rows,
        "can_edit": selectors.can_edit_staff(user),
        "can_coordinate": True,
    }
    return render(request, "scheduling/staff.html", context)


def staff_edit(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    user = coordinator(request)
    if not selectors.can_edit_staff(user):
        raise PermissionDenied
    person = selectors.staff_for(user, public_id, write=True)
    profile = person.staff_profile
    minutes = profile.max_weekly_minutes
    initial = {
        "competencies": profile.competencies,
        "weekly_hours": minutes // 60 if minutes % 60 == 0 else minutes / 60,
        "availability": windows_text(profile.availability.all()),
    }
    form = StaffScheduleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.staff_schedule_update(
                actor=user,
                clinician=person,
                competencies=form.cleaned_data["competencies"],
                max_weekly_minutes=form.cleaned_data["weekly_hours"],
                windows=form.cleaned_data["availability"],
            )
        except TrellisError as error:
            form.add_error(None, str(error))
        else:
            name = person.display_name
            if not form.cleaned_data["availability"]:
                messages.warning(
                    request,
                    _("Saved %(name)s with no times: the next run books them for nothing.")
                    % {"name": name},
                )
            elif not form.cleaned_data["competencies"]:
                messages.warning(
                    request,
                    _(
                        "Saved %(name)s with no competencies: the next run gives them no "
                        "groups, only appointments of patients they are the clinician of."
                    )
                    % {"name": name},
                )
            else:
                messages.success(
                    request, _("Saved %(name)s: the next run uses it.") % {"name": name}
                )
            return redirect("scheduling:staff")
    context = {
        "person": person,
        "form": form,
        "limit": hours_minutes(minutes),
        "can_coordinate": True,
    }
    return render(request, "scheduling/staff_form.html", context)
