"""Clinicians as the schedule optimizer sees them: a list for coordinators, and the edit page
directors and administrators use for competencies, weekly limit and availability."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from trellis.accounts.models import User
from trellis.core.durations import hours_minutes
from trellis.core.errors import TrellisError

from .. import selectors, services
from ..forms import AwayForm, StaffScheduleForm, windows_text
from ..models import StaffAway
from ..windows import summary
from .common import coordinator


def staff_list(request: HttpRequest) -> HttpResponse:
    user = coordinator(request)
    staff = list(selectors.schedule_staff(user))
    away = selectors.staff_away(staff)
    rows = [
        (
            person,
            summary((w.weekday, w.start, w.end) for w in person.staff_profile.availability.all()),
            away.get(person.pk, []),
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
    posted: QueryDict | None = request.POST if request.method == "POST" else None
    away_posted = posted is not None and "first_day" in posted
    if posted is not None and "away_remove" in posted:
        return _away_remove(request, user, person, str(posted.get("away_remove", "")))
    if posted is not None and posted.get("keep_times"):
        # Asked before clearing their times, the coordinator kept them: the rest is saved.
        kept = posted.copy()
        kept["availability"] = initial["availability"]
        posted = kept
    form = StaffScheduleForm(None if away_posted else posted, initial=initial)
    away_form = AwayForm(posted if away_posted else None)
    if away_posted and away_form.is_valid():
        try:
            away = services.staff_away_add(
                actor=user,
                clinician=person,
                first_day=away_form.cleaned_data["first_day"],
                last_day=away_form.cleaned_data["last_day"],
            )
        except TrellisError as error:
            # Next to the date it is about (an overlap, days gone by, too many), else on top.
            away_form.add_error(getattr(error, "field", "") or None, str(error))
        else:
            messages.success(request, _away_saved(person, away))
            return _to_away(person)
    # Clearing every time of someone who had some takes them out of the next run: asked first.
    confirm = ""
    if (
        posted is not None
        and not away_posted
        and form.is_valid()
        and not form.cleaned_data["availability"]
        and initial["availability"]
        and not posted.get("confirm")
    ):
        confirm = _(
            "With no times, the next run books %(name)s for nothing: no groups, no "
            "appointments. Save with no times?"
        ) % {"name": person.display_name}
    if posted is not None and not away_posted and form.is_valid() and not confirm:
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
        "confirm": confirm,
        "form": form,
        "away_form": away_form,
        "away": selectors.staff_away([person]).get(person.pk, []),
        "limit": hours_minutes(minutes),
        "can_coordinate": True,
    }
    return render(request, "scheduling/staff_form.html", context)


def _to_away(person: User) -> HttpResponse:
    """Back to the person's page at its Days away section, where the coordinator was."""
    return redirect(reverse("scheduling:staff_edit", args=[person.public_id]) + "#away-heading")


def _days(away: StaffAway) -> str:
    if away.first_day == away.last_day:
        return _("on %(day)s") % {"day": date_format(away.first_day, "l j F Y")}
    return _("from %(first)s to %(last)s") % {
        "first": date_format(away.first_day, "l j F"),
        "last": date_format(away.last_day, "l j F Y"),
    }


def _away_saved(person: User, away: StaffAway) -> str:
    return _(
        "%(name)s is away %(days)s. Runs of those weeks leave them those days; their bookings "
        "already published stay until a run of the week is published (Plans not met names "
        "them)."
    ) % {"name": person.display_name, "days": _days(away)}


def _away_remove(request: HttpRequest, user: User, person: User, key: str) -> HttpResponse:
    try:
        away = StaffAway.objects.get(clinician=person, public_id=uuid.UUID(key))
    except (ValueError, StaffAway.DoesNotExist):
        messages.error(request, _("That absence is no longer recorded."))
    else:
        try:
            services.staff_away_remove(actor=user, away=away)
        except TrellisError as error:
            messages.error(request, str(error))
        else:
            said = _("%(name)s is no longer recorded as away %(days)s.") % {
                "name": person.display_name,
                "days": _days(away),
            }
            alone = selectors.weeks_published_alone(person, away.first_day, away.last_day)
            if alone:
                # The bookings they lost in a week published without them do not come back
                # by themselves.
                said += " " + _(
                    "The week of %(weeks)s was published without them: run it again and "
                    "publish it to give them their bookings back."
                ) % {"weeks": ", ".join(date_format(w, "j M Y") for w in alone)}
            messages.success(request, said)
    return _to_away(person)
