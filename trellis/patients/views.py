"""Patient list, chart and the chart's forms. Views parse input, call a service, and render."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from trellis.accounts.models import Role, User
from trellis.assessments.selectors import open_alerts_for_chart
from trellis.audit.models import AuditAction
from trellis.audit.services import audit_record
from trellis.core.auth import acting_user
from trellis.core.errors import TrellisError
from trellis.organization.selectors import tracks_visible_to
from trellis.plans.selectors import plan_summary

from . import selectors, services
from .forms import (
    BreakGlassForm,
    CareTeamForm,
    ContactForm,
    PatientForm,
    PatientSearchForm,
    ReferralForm,
    TransitionForm,
)
from .models import CareTeamMember, Contact, EpisodeOfCare
from .states import TRANSITIONS, allowed_transitions

REGISTER_ROLES = (Role.ADMINISTRATOR, Role.DIRECTOR, Role.INTAKE, Role.CLINICIAN)


_user = acting_user


def patient_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if user.role not in selectors.LIST_ROLES:
        raise Http404
    # Searches come as POST so that typed names stay out of URLs and access logs; GET still
    # takes the filters that links carry (track, status, clinician — no names).
    query = request.POST if request.method == "POST" else request.GET
    form = PatientSearchForm(
        query or None,
        tracks=tracks_visible_to(user),
        clinicians=selectors.clinicians_at_sites_of(user),
    )
    filters = selectors.PatientListFilters()
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = selectors.PatientListFilters(
            q=data["q"].strip(),
            track=data["track"].public_id if data["track"] else None,
            status=data["status"],
            clinician=data["clinician"].public_id if data["clinician"] else None,
            mine=data["mine"],
        )
    page = Paginator(selectors.patient_list(user, filters), 25).get_page(query.get("page"))
    context = {"form": form, "page": page, "can_register": user.role in REGISTER_ROLES}
    if request.htmx and request.htmx.target == "patient-results":  # type: ignore[attr-defined]
        return render(request, "patients/partials/_results.html", context)
    return render(request, "patients/list.html", context)


def patient_new(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if user.role not in REGISTER_ROLES:
        raise Http404
    tracks = tracks_visible_to(user).filter(active=True)
    clinicians = selectors.clinicians_at_sites_of(user)
    patient_form = PatientForm(request.POST or None, prefix="patient")
    referral_form = ReferralForm(
        request.POST or None, prefix="referral", tracks=tracks, clinicians=clinicians
    )
    duplicates: services.PossibleDuplicatePatient | None = None
    if request.method == "POST" and patient_form.is_valid() and referral_form.is_valid():
        ref = referral_form.cleaned_data
        try:
            patient, _episode = services.patient_register(
                actor=user,
                track=ref["track"],
                referred_on=ref["referred_on"],
                reason=ref["reason"],
                primary_clinician=ref["primary_clinician"],
                confirm_new=request.POST.get("confirm_new") == "1",
                **patient_form.cleaned_data,
            )
        except services.PossibleDuplicatePatient as exc:
            duplicates = exc
        except TrellisError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Registered %s.") % patient.display_name)
            return redirect("patients:chart", patient.public_id)
    return render(
        request,
        "patients/new.html",
        {"patient_form": patient_form, "referral_form": referral_form, "duplicates": duplicates},
    )


def patient_chart(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    user = _user(request)
    patient, access = selectors.patient_for_chart(user, public_id)
    if access is selectors.ChartAccess.RESTRICTED:
        audit_record(
            actor=user, action=AuditAction.CHART_VIEW_RESTRICTED, patient=patient, obj=patient
        )
        return render(
            request,
            "patients/restricted.html",
            {"patient": patient, "form": BreakGlassForm()},
        )
    audit_record(actor=user, action=AuditAction.CHART_VIEW, patient=patient, obj=patient)
    episodes = selectors.chart_episodes(patient)
    current = next((e for e in episodes if e.is_open), None)
    staff = (
        User.objects.filter(
            is_active=True,
            role__in=[Role.CLINICIAN, Role.DIRECTOR, Role.INTAKE],
            staff_profile__sites=patient.site,
        )
        .distinct()
        .order_by("last_name", "first_name")
    )
    context = {
        "patient": patient,
        "episodes": episodes,
        "current": current,
        "transitions": allowed_transitions(current.status) if current else [],
        "contacts": list(selectors.chart_contacts(patient)),
        "care_team_form": CareTeamForm(staff=staff) if current else None,
        "can_open_episode": current is None,
        "safety_alerts": open_alerts_for_chart(patient),
        "plan": plan_summary(patient) if current else None,
    }
    return render(request, "patients/chart.html", context)


def patient_edit(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    user = _user(request)
    patient = selectors.patient_for_write(user, public_id)
    form = PatientForm(request.POST or None, instance=patient)
    if request.method == "POST" and form.is_valid():
        # is_valid() copied the typed values onto the instance; the service must see the stored
        # ones to know what changed (and audit it).
        patient.refresh_from_db()
        try:
            services.patient_update(actor=user, patient=patient, **form.cleaned_data)
        except TrellisError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Saved."))
            return redirect("patients:chart", patient.public_id)
    if request.method == "POST":
        patient.refresh_from_db()
    return render(request, "patients/edit.html", {"patient": patient, "form": form})


def contact_form(
    request: HttpRequest, public_id: uuid.UUID, contact_id: uuid.UUID | None = None
) -> HttpResponse:
    user = _user(request)
    patient = selectors.patient_for_write(user, public_id)
    contact = (
        get_object_or_404(Contact, patient=patient, public_id=contact_id, active=True)
        if contact_id
        else None
    )
    form = ContactForm(request.POST or None, instance=contact)
    if request.method == "POST" and form.is_valid():
        try:
            if contact is None:
                services.contact_add(actor=user, patient=patient, **form.cleaned_data)
            else:
                contact.refresh_from_db()
                services.contact_update(actor=user, contact=contact, **form.cleaned_data)
        except TrellisError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Contact saved."))
            return redirect("patients:chart", patient.public_id)
    return render(
        request,
        "patients/contact_form.html",
        {"patient": patient, "form": form, "contact": contact},
    )


@require_POST
def contact_remove(
    request: HttpRequest, public_id: uuid.UUID, contact_id: uuid.UUID
) -> HttpResponse:
    user = _user(request)
    patient = selectors.patient_for_write(user, public_id)
    contact = get_object_or_404(Contact, patient=patient, public_id=contact_id, active=True)
    services.contact_deactivate(actor=user, contact=contact)
    messages.success(request, _("Contact removed."))
    return redirect("patients:chart", patient.public_id)


def _episode_for_write(user: User, public_id: uuid.UUID, episode_id: uuid.UUID) -> EpisodeOfCare:
    patient = selectors.patient_for_write(user, public_id)
    return get_object_or_404(
        EpisodeOfCare.objects.select_related("track", "patient"),
        patient=patient,
        public_id=episode_id,
    )


def episode_transition(
    request: HttpRequest, public_id: uuid.UUID, episode_id: uuid.UUID, name: str
) -> HttpResponse:
    user = _user(request)
    episode = _episode_for_write(user, public_id, episode_id)
    transition = TRANSITIONS.get(name)
    if transition is None:
        raise Http404
    form = TransitionForm(request.POST or None, transfer=name == "transfer")
    error = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        effective_on = data["effective_on"] or timezone.localdate()
        upcoming = selectors.future_bookings_count(episode.patient, after=effective_on)
        try:
            services.episode_transition(
                actor=user,
                episode=episode,
                name=name,
                reason=data["reason"],
                effective_on=data["effective_on"],
                discharge_reason=data["discharge_reason"],
                transferred_to=data["transferred_to"],
            )
        except TrellisError as exc:
            error = str(exc)
        else:
            messages.success(request, _transition_message(str(transition.label), name, upcoming))
            return redirect("patients:chart", episode.patient.public_id)
    return render(
        request,
        "patients/transition.html",
        {
            "patient": episode.patient,
            "episode": episode,
            "transition": transition,
            "form": form,
            "error": error,
        },
    )


def _transition_message(label: str, name: str, upcoming: int) -> str:
    done = _("%s: done.") % label
    if name in services.RELEASE_TRANSITIONS and upcoming:
        released = ngettext(
            "%(count)d future booking was released from the schedule.",
            "%(count)d future bookings were released from the schedule.",
            upcoming,
        ) % {"count": upcoming}
        return f"{done} {released}"
    if name == "place_on_hold" and upcoming:
        kept = ngettext(
            "%(count)d future booking stays on the schedule; release it by hand if needed.",
            "%(count)d future bookings stay on the schedule; release them by hand if needed.",
            upcoming,
        ) % {"count": upcoming}
        return f"{done} {kept}"
    return done


def episode_new(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    user = _user(request)
    patient = selectors.patient_for_write(user, public_id)
    form = ReferralForm(
        request.POST or None,
        tracks=tracks_visible_to(user).filter(active=True),
        clinicians=selectors.clinicians_at_sites_of(user),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.episode_open(
                actor=user,
                patient=patient,
                track=data["track"],
                referred_on=data["referred_on"],
                primary_clinician=data["primary_clinician"],
                reason=data["reason"],
            )
        except TrellisError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Episode opened."))
            return redirect("patients:chart", patient.public_id)
    return render(request, "patients/episode_new.html", {"patient": patient, "form": form})


@require_POST
def care_team_add(
    request: HttpRequest, public_id: uuid.UUID, episode_id: uuid.UUID
) -> HttpResponse:
    user = _user(request)
    episode = _episode_for_write(user, public_id, episode_id)
    staff = User.objects.filter(
        is_active=True, staff_profile__sites=episode.track.site_id
    ).distinct()
    form = CareTeamForm(request.POST, staff=staff)
    if form.is_valid():
        try:
            services.care_team_add(
                actor=user,
                episode=episode,
                user=form.cleaned_data["user"],
                role=form.cleaned_data["role"],
            )
        except TrellisError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Care team updated."))
    else:
        messages.error(request, _("Choose a staff member and a role."))
    return redirect("patients:chart", episode.patient.public_id)


@require_POST
def care_team_remove(
    request: HttpRequest, public_id: uuid.UUID, member_id: uuid.UUID
) -> HttpResponse:
    user = _user(request)
    patient = selectors.patient_for_write(user, public_id)
    member = get_object_or_404(
        CareTeamMember.objects.select_related("episode__patient", "user"),
        episode__patient=patient,
        public_id=member_id,
    )
    try:
        services.care_team_remove(actor=user, member=member)
    except TrellisError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Care team updated."))
    return redirect("patients:chart", patient.public_id)


@require_POST
def break_glass(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    user = _user(request)
    patient, access = selectors.patient_for_chart(user, public_id)
    form = BreakGlassForm(request.POST)
    if access is selectors.ChartAccess.FULL:
        return redirect("patients:chart", patient.public_id)
    if form.is_valid():
        try:
            services.break_glass(actor=user, patient=patient, reason=form.cleaned_data["reason"])
        except TrellisError as exc:
            form.add_error("reason", str(exc))
        else:
            return redirect("patients:chart", patient.public_id)
    return render(request, "patients/restricted.html", {"patient": patient, "form": form})
