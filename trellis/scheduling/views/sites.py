"""Sites as the schedule optimizer sees them: opening hours and rooms. Coordinators read them;
directors and administrators of a site change them."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from trellis.accounts.models import User
from trellis.core.errors import TrellisError
from trellis.organization.models import Room, Site

from .. import selectors, services
from ..forms import RoomForm, SiteHoursForm, window_lines
from ..services.sites import bookings_ahead_in, bookings_outside_hours
from ..windows import Window, readable_hours, summary
from .common import coordinator


def _raw_lines(site: Site) -> list[str]:
    """The hours as stored, one day a line, whatever their shape."""
    hours = site.hours
    if not isinstance(hours, dict):
        return [str(hours)] if hours else []
    lines: list[str] = []
    for day, spans in hours.items():
        if spans is None:
            continue  # closed
        try:
            lines.extend(f"{str(day).capitalize()} {a}-{b}" for a, b in spans)
        except (TypeError, ValueError):
            lines.append(f"{str(day).capitalize()} {spans}")
    return lines


def _hours_shown(site: Site) -> list[str]:
    """The site's hours in few words; hours stored some other way (through the admin, a time
    like "24:00") are shown as stored, and the edit page refuses them in words on saving."""
    hours = readable_hours(site.hours)
    return summary(hours) if hours is not None else _raw_lines(site)


def _hours_text(site: Site) -> str:
    hours = readable_hours(site.hours)
    return window_lines(hours) if hours is not None else "\n".join(_raw_lines(site))


def site_list(request: HttpRequest) -> HttpResponse:
    user = coordinator(request)
    sites = list(selectors.coordinated_sites(user).order_by("name").prefetch_related("rooms"))
    rows = [(site, _hours_shown(site), list(site.rooms.all())) for site in sites]
    context = {"rows": rows, "can_edit": selectors.can_edit_staff(user), "can_coordinate": True}
    return render(request, "scheduling/sites.html", context)


def _site_to_edit(request: HttpRequest, code: str) -> tuple[User, Site]:
    user = coordinator(request)
    if not selectors.can_edit_staff(user):
        raise PermissionDenied
    site = selectors.coordinated_sites(user).filter(code=code).first()
    if site is None:
        raise Http404
    return user, site


def site_edit(request: HttpRequest, code: str) -> HttpResponse:
    """A site's opening hours, and its rooms with a form to add one."""
    user, site = _site_to_edit(request, code)
    posted = request.POST if request.method == "POST" else None
    adding = posted is not None and "name" in posted
    initial = {"hours": _hours_text(site)}
    hours_form = SiteHoursForm(None if adding else posted, initial=initial)
    room_form = RoomForm(posted if adding else None)
    confirm, outside = "", 0
    if posted is not None and not adding and hours_form.is_valid():
        # Bookings from today on outside the hours typed: asked about before, said after.
        outside = bookings_outside_hours(site, hours_form.cleaned_data["hours"])
        if not posted.get("confirm"):
            confirm = _hours_risk(site, hours_form.cleaned_data["hours"], outside)
    if posted is not None and not adding and hours_form.is_valid() and not confirm:
        try:
            services.site_hours_update(
                actor=user,
                site=site,
                windows=hours_form.cleaned_data["hours"],
            )
        except TrellisError as error:
            hours_form.add_error(None, str(error))
        else:
            if not hours_form.cleaned_data["hours"]:
                messages.warning(
                    request,
                    _("Saved %(site)s with no hours: the next run books nothing there.")
                    % {"site": site},
                )
            elif outside:
                messages.warning(
                    request,
                    ngettext(
                        "Saved %(site)s's hours. %(n)d booking from today on lies outside "
                        "them: move it, or run and publish its week (Plans not met names it).",
                        "Saved %(site)s's hours. %(n)d bookings from today on lie outside "
                        "them: move them, or run and publish their weeks (Plans not met names "
                        "them).",
                        outside,
                    )
                    % {"site": site, "n": outside},
                )
            else:
                messages.success(
                    request, _("Saved %(site)s's hours: the next run uses them.") % {"site": site}
                )
            return redirect("scheduling:site_edit", site.code)
    if adding and room_form.is_valid():
        try:
            room = services.room_save(actor=user, site=site, **room_form.cleaned_data)
        except TrellisError as error:
            room_form.add_error(None, str(error))
        else:
            messages.success(request, _("Added %(room)s.") % {"room": room.name})
            return redirect("scheduling:site_edit", site.code)
    context = {
        "site": site,
        "confirm": confirm,
        "hours_form": hours_form,
        "room_form": room_form,
        "rooms": list(site.rooms.all()),
        "can_coordinate": True,
    }
    return render(request, "scheduling/site_form.html", context)


def _hours_risk(site: Site, windows: list[Window], after: int) -> str:
    """What saving these hours would do that is asked for before it is done: no hours at all
    (the next run books nothing there), or more bookings from today on left outside them
    (``after`` of them, against the hours now)."""
    if not windows and not _hours_shown(site):
        return ""  # closed before too: nothing is lost
    if not windows:
        return ngettext(
            "With no hours, the next run books nothing at %(site)s, and its %(n)d booking from "
            "today on lies outside them. Save with no hours?",
            "With no hours, the next run books nothing at %(site)s, and its %(n)d bookings from "
            "today on lie outside them. Save with no hours?",
            after,
        ) % {"site": site, "n": after}
    before = bookings_outside_hours(site)
    if after <= before:
        return ""
    return ngettext(
        "%(n)d booking from today on would lie outside these hours (%(was)d now): it stays "
        "until it is moved or its week is run and published again. Save these hours?",
        "%(n)d bookings from today on would lie outside these hours (%(was)d now): they stay "
        "until they are moved or their weeks are run and published again. Save these hours?",
        after,
    ) % {"n": after, "was": before}


def room_edit(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    room = Room.objects.select_related("site").filter(public_id=public_id).first()
    if room is None:
        raise Http404
    user, site = _site_to_edit(request, room.site.code)
    initial = {
        "name": room.name,
        "kind": room.kind,
        "capacity": room.capacity,
        "active": room.active,
    }
    form = RoomForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.room_save(actor=user, site=site, room=room, **form.cleaned_data)
        except TrellisError as error:
            form.add_error(None, str(error))
        else:
            ahead = bookings_ahead_in(saved) if not saved.active else 0
            if ahead:
                messages.warning(
                    request,
                    ngettext(
                        "%(room)s is out of use. %(n)d booking from today on is still in it: "
                        "move it, or run and publish its week (Plans not met names it).",
                        "%(room)s is out of use. %(n)d bookings from today on are still in it: "
                        "move them, or run and publish their weeks (Plans not met names them).",
                        ahead,
                    )
                    % {"room": saved.name, "n": ahead},
                )
            else:
                messages.success(request, _("Saved %(room)s.") % {"room": saved.name})
            return redirect("scheduling:site_edit", site.code)
    context = {"room": room, "site": site, "form": form, "can_coordinate": True}
    return render(request, "scheduling/room_form.html", context)
