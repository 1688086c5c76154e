"""Bookings added by hand: a group session (its page then takes the patients) and an
individual or family appointment, for one of the coordinator's sites (`?site=`)."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from trellis.accounts.models import User
from trellis.core.errors import TrellisError
from trellis.organization.models import Site

from .. import selectors, services
from ..forms import AppointmentForm, SessionForm
from .common import coordinator, problems_of
from .plan_hint import shown_plan


def site_to_book(request: HttpRequest, user: User) -> tuple[QuerySet[Site], Site]:
    """The sites the coordinator books for and the one asked for (`?site=` code; else the
    first), 404 when they coordinate none."""
    sites = selectors.coordinated_sites(user)
    site = sites.filter(code=request.GET.get("site", "")).first() or sites.first()
    if site is None:
        raise Http404
    return sites, site


def session_new(request: HttpRequest) -> HttpResponse:
    """Add a group session by hand; its page then takes the patients."""
    user = coordinator(request)
    sites, site = site_to_book(request, user)
    form = SessionForm(request.POST or None, site=site)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            session = services.session_add(actor=user, site=site, **form.cleaned_data)
        except TrellisError as error:
            problems = problems_of(error)
        else:
            messages.success(
                request,
                _("Session added. Now add its patients: it needs at least %(n)d.")
                % {"n": session.group_type.min_size},
            )
            week_url = f"{reverse('scheduling:week')}?view=site&key={site.code}&week={session.date}"
            move = reverse("scheduling:move", args=["session", session.public_id])
            return redirect(f"{move}?{urlencode({'next': week_url})}")
    context = {"form": form, "site": site, "sites": sites, "problems": problems}
    return render(request, "scheduling/session_new.html", {**context, "can_coordinate": True})


def appointment_new(request: HttpRequest) -> HttpResponse:
    user = coordinator(request)
    sites, site = site_to_book(request, user)
    patients = selectors.patients_to_book(user, site)
    form = AppointmentForm(request.POST or None, site=site, patients=patients)
    # Choosing the patient shows what their plan asks for (views/plan_hint.py).
    form.fields["patient"].widget.attrs.update(
        {
            "hx-get": f"{reverse('scheduling:appointment_plan')}?site={site.code}",
            "hx-target": "#plan-hint",
            "hx-trigger": "change",
            "hx-include": "this",
        }
    )
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            booked = services.appointment_add(actor=user, **form.cleaned_data)
        except TrellisError as error:
            problems = problems_of(error)
        else:
            messages.success(
                request,
                _("Booked: %(what)s of %(who)s, %(day)s %(start)s.")
                % {
                    "what": booked.get_kind_display().lower(),
                    "who": booked.patient.display_name,
                    "day": date_format(booked.date, "l j F"),
                    "start": booked.start.strftime("%H:%M"),
                },
            )
            # The week it is in, where the coordinator sees it.
            week_url = reverse("scheduling:week")
            card = f"#b-{booked.public_id}"
            return redirect(f"{week_url}?view=site&key={site.code}&week={booked.date}{card}")
    chosen = form.cleaned_data.get("patient") if form.is_bound else None
    hint = shown_plan(user, site, chosen) if chosen is not None else []
    context = {"form": form, "site": site, "sites": sites, "problems": problems}
    context.update(hint=hint, chosen=chosen)
    return render(request, "scheduling/appointment_new.html", {**context, "can_coordinate": True})
