"""What the schedule pages share: who may see or coordinate, and where to go back to."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from trellis.accounts.models import User
from trellis.core.auth import acting_user
from trellis.organization.models import Site

from .. import selectors
from ..models import Appointment, GroupSession


def coordinator(request: HttpRequest) -> User:
    """The acting user, who must coordinate schedules (404 otherwise: the page is not theirs)."""
    user = acting_user(request)
    if not selectors.can_coordinate(user):
        raise Http404
    return user


def viewer(request: HttpRequest) -> User:
    """The acting user, who must be allowed to see schedules (404 otherwise)."""
    user = acting_user(request)
    if not selectors.can_view_schedule(user):
        raise Http404
    return user


def ending_context(sites: Iterable[Site]) -> dict[str, object]:
    """What the schedule-ends warning needs (partials/_ending.html)."""
    today = timezone.localdate()
    return {
        "ending": selectors.schedules_ending(sites, today),
        "today": today,
        "publish_weeks": settings.TRELLIS["SCHEDULE_PUBLISH_WEEKS"],
    }


def check_kind(kind: str) -> None:
    if kind not in ("session", "appointment"):
        raise Http404


def booking_for(user: User, kind: str, public_id: uuid.UUID) -> GroupSession | Appointment:
    """The group session or appointment (`kind`) the coordinator may change, or 404."""
    check_kind(kind)
    if kind == "session":
        return selectors.session_for(user, public_id, write=True)
    return selectors.appointment_for(user, public_id, write=True)


def safe_next(request: HttpRequest) -> str:
    """The page the form came from (`next`), when it is on this host; else ""."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return ""


def go_back(request: HttpRequest, fallback: str) -> HttpResponse:
    """To the page the form came from (`next`, on this host only), else to `fallback`."""
    return redirect(safe_next(request) or fallback)


def problems_of(error: Exception) -> list[str]:
    """What a refused booking breaks, one item a rule (``RulesBroken.problems``), or the
    error's message."""
    return list(getattr(error, "problems", None) or [str(error)])
