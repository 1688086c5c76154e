"""What a patient's plan asks for in individual and family sessions, shown on **Book an
appointment** as soon as the patient is chosen, so that a coordinator books what the rules
accept (the plan's clinician, length and count) rather than learning it from a refusal."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from trellis.accounts.models import User
from trellis.audit.models import AuditAction
from trellis.audit.services import audit_record
from trellis.core.durations import hours_minutes
from trellis.organization.models import Site
from trellis.patients.models import Patient

from .. import selectors
from ..instance_builder import build_instance, monday_of
from ..weeks import site_today
from ..windows import summary, windows_of


def plan_lines(user: User, site: Site, patient: Patient) -> list[str]:
    """The patient's individual and family sessions as their plan asks for them this week,
    in words, with what keeps one from being booked (the builder's notes)."""
    built = build_instance([site], monday_of(site_today(site)), checking=True)
    key = str(patient.public_id)
    entry: dict[str, Any] = next(
        (p for p in built.instance.get("patients", []) if p["id"] == key), {}
    )
    plan = entry.get("plan") or {}
    names = selectors.names_for(built.instance, user)
    lines = []
    individual = plan.get("individual")
    if individual:
        lines.append(
            ngettext(
                "Individual: %(n)d a week, %(m)s, with %(c)s.",
                "Individual: %(n)d a week, %(m)s each, with %(c)s.",
                int(individual["count"]),
            )
            % {
                "n": int(individual["count"]),
                "m": hours_minutes(int(individual["minutes"])),
                "c": names.get(individual["clinician"], individual["clinician"]),
            }
        )
    family = plan.get("family")
    if family:
        free = summary(windows_of(family.get("availability"))) or [_("none recorded")]
        lines.append(
            _("Family: %(n)d a week, %(m)s; the family's times: %(t)s.")
            % {
                "n": int(family["count"]),
                "m": hours_minutes(int(family["minutes"])),
                "t": "; ".join(free),
            }
        )
    if not entry:
        lines.append(_("Not in active treatment at this site: nothing can be booked."))
    elif not individual and not family and not built.notes.get(key):
        lines.append(_("Their plan asks for no individual or family session."))
    if key in built.default_plans:
        lines.append(_("No signed plan: the program's default requirement is used."))
    lines.extend(f"{note[:1].upper()}{note[1:]}." for note in built.notes.get(key, []))
    return lines


def appointment_plan(request: HttpRequest) -> HttpResponse:
    """The fragment for the chosen patient (htmx, `?site=&patient=`); empty without one. A
    read of the patient's plan: audited."""
    from .booking import site_to_book
    from .common import coordinator

    user = coordinator(request)
    _sites, site = site_to_book(request, user)
    chosen = request.GET.get("patient", "")
    patient = (
        selectors.patients_to_book(user, site).filter(pk=int(chosen)).first()
        if chosen.isdigit()
        else None
    )
    if patient is None:
        return HttpResponse("")
    context = {"patient": patient, "lines": shown_plan(user, site, patient)}
    return render(request, "scheduling/partials/_plan_hint.html", context)


def shown_plan(user: User, site: Site, patient: Patient) -> list[str]:
    """``plan_lines``, audited as the read of the patient's plan it is."""
    lines = plan_lines(user, site, patient)
    audit_record(
        actor=user,
        action=AuditAction.VIEW,
        patient=patient,
        obj=patient,
        summary="Plan's individual and family sessions, booking an appointment",
    )
    return lines
