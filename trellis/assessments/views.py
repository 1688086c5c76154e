"""Chart-side pages: instrument responses, self-completion links, safety alerts, the
comprehensive assessment and level-of-care placement. Views parse input, call one service."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from trellis.core.auth import acting_user
from trellis.core.errors import TrellisError
from trellis.instruments import INSTRUMENTS
from trellis.patients.selectors import open_episode, patient_for_write

from . import selectors, services
from .forms import (
    AcknowledgeForm,
    AssessmentForm,
    CorrectionForm,
    InstrumentForm,
    PlacementForm,
    RiskForm,
    SendLinkForm,
)
from .models import InstrumentResponse

INSTRUMENT_CHOICES = [(code, f"{i.name} — {i.title}") for code, i in INSTRUMENTS.items()]


_user = acting_user


def _instrument(code: str):
    if code not in INSTRUMENTS:
        raise Http404
    return INSTRUMENTS[code]


def patient_assessments(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    user = _user(request)
    patient = patient_for_write(user, public_id)
    open_alerts, done_alerts = selectors.alerts_for_chart(patient)
    context = {
        "patient": patient,
        "responses": selectors.responses_for_chart(patient),
        "instruments": INSTRUMENTS.values(),
        "open_alerts": open_alerts,
        "done_alerts": done_alerts,
        "link_form": SendLinkForm(choices=INSTRUMENT_CHOICES),
        "risk_form": RiskForm(),
        "episode": open_episode(patient),
    }
    return render(request, "assessments/patient.html", context)


def administer(request: HttpRequest, public_id: uuid.UUID, code: str) -> HttpResponse:
    user = _user(request)
    patient = patient_for_write(user, public_id)
    instrument = _instrument(code)
    form = InstrumentForm(request.POST or None, instrument=instrument)
    if request.method == "POST" and form.is_valid():
        try:
            response = services.response_record(
                actor=user,
                patient=patient,
                instrument=code,
                answers=form.answers(),
                sex=form.sex(),
            )
        except services.ResponseInvalid as exc:
            form.add_scoring_error(exc)
        except TrellisError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                _("%(name)s saved: %(result)s.")
                % {"name": instrument.name, "result": response.interpretation or response.band},
            )
            return redirect("assessments:patient", patient.public_id)
    return render(
        request,
        "assessments/administer.html",
        {"patient": patient, "instrument": instrument, "form": form},
    )


def correct(request: HttpRequest, public_id: uuid.UUID, response_id: uuid.UUID) -> HttpResponse:
    user = _user(request)
    original = selectors.response_for_write(user, public_id, response_id)
    instrument = _instrument(original.instrument)
    form = CorrectionForm(
        request.POST or None,
        instrument=instrument,
        initial=CorrectionForm.initial_from(original),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.response_correct(
                actor=user,
                original=original,
                answers=form.answers(),
                reason=form.cleaned_data["reason"],
                sex=form.sex(),
            )
        except services.ResponseInvalid as exc:
            form.add_scoring_error(exc)
        except TrellisError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Correction saved; the original is kept."))
            return redirect("assessments:patient", original.patient.public_id)
    return render(
        request,
        "assessments/administer.html",
        {
            "patient": original.patient,
            "instrument": instrument,
            "form": form,
            "original": original,
        },
    )


@require_POST
def send_link(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    user = _user(request)
    patient = patient_for_write(user, public_id)
    form = SendLinkForm(request.POST, choices=INSTRUMENT_CHOICES)
    if not form.is_valid():
        messages.error(request, _("Choose a questionnaire."))
        return redirect("assessments:patient", patient.public_id)
    try:
        link, token = services.link_create(
            actor=user, patient=patient, instrument=form.cleaned_data["instrument"]
        )
    except TrellisError as exc:
        messages.error(request, str(exc))
        return redirect("assessments:patient", patient.public_id)
    url = request.build_absolute_uri(reverse("selfcomplete:form", args=[token]))
    response = render(
        request,
        "assessments/link_created.html",
        {"patient": patient, "link": link, "url": url, "instrument": INSTRUMENTS[link.instrument]},
    )
    response["Cache-Control"] = "no-store"
    return response


@require_POST
def mark_risk(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    user = _user(request)
    patient = patient_for_write(user, public_id)
    form = RiskForm(request.POST)
    if form.is_valid():
        try:
            services.alert_raise(actor=user, patient=patient, note=form.cleaned_data["note"])
        except TrellisError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Safety alert raised."))
    else:
        messages.error(request, _("Describe the risk you observed."))
    return redirect("assessments:patient", patient.public_id)


def acknowledge(request: HttpRequest, public_id: uuid.UUID, alert_id: uuid.UUID) -> HttpResponse:
    user = _user(request)
    alert = selectors.alert_for_write(user, public_id, alert_id)
    form = AcknowledgeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.alert_acknowledge(
                actor=user,
                alert=alert,
                action=form.cleaned_data["action"],
                note=form.cleaned_data["note"],
            )
        except TrellisError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Alert acknowledged."))
            return redirect("patients:chart", alert.patient.public_id)
    return render(
        request,
        "assessments/acknowledge.html",
        {"patient": alert.patient, "alert": alert, "form": form},
    )


def assessment_edit(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    user = _user(request)
    patient, episode = selectors.episode_for_write(user, public_id)
    assessment = selectors.assessment_for_episode(episode)
    responses = InstrumentResponse.objects.filter(patient=patient, replaced_by__isnull=True)
    if assessment is not None and assessment.is_locked:
        return render(
            request,
            "assessments/assessment_view.html",
            {"patient": patient, "episode": episode, "assessment": assessment},
        )
    form = AssessmentForm(request.POST or None, instance=assessment, responses=responses)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.assessment_save(
                actor=user,
                episode=episode,
                assessment=assessment,
                fields=form.cleaned_data,
                diagnoses=form.cleaned_data["diagnoses"],
                responses=form.cleaned_data["responses"],
            )
            if "sign" in request.POST:
                services.assessment_sign(actor=user, assessment=saved)
        except TrellisError as exc:
            messages.error(request, str(exc))
            if assessment is None:
                assessment = selectors.assessment_for_episode(episode)
        else:
            messages.success(
                request,
                _("Assessment signed and locked.") if "sign" in request.POST else _("Draft saved."),
            )
            return redirect("assessments:assessment", patient.public_id)
    return render(
        request,
        "assessments/assessment_form.html",
        {"patient": patient, "episode": episode, "assessment": assessment, "form": form},
    )


def placement_page(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    user = _user(request)
    patient, episode = selectors.episode_for_write(user, public_id)
    recommendation, snapshot, assessment = selectors.recommend_for(episode)
    levels = selectors.levels_of_care()
    by_code = {lvl.code: lvl for lvl in levels}
    form = PlacementForm(request.POST or None, levels=levels, recommended=recommendation.level)
    if request.method == "POST" and form.is_valid():
        try:
            services.placement_decide(
                actor=user,
                episode=episode,
                recommendation=recommendation,
                inputs=snapshot,
                chosen_code=form.chosen_code(),
                justification=form.cleaned_data.get("justification") or "",
                assessment=assessment,
            )
        except TrellisError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Level of care recorded on the episode."))
            return redirect("patients:chart", patient.public_id)
    return render(
        request,
        "assessments/placement.html",
        {
            "patient": patient,
            "episode": episode,
            "recommendation": recommendation,
            "recommended_level": by_code.get(recommendation.level),
            "fired": [(r, by_code.get(r.level)) for r in recommendation.fired],
            "snapshot": snapshot,
            "assessment": assessment,
            "form": form,
            "decisions": list(
                episode.placement_decisions.select_related("chosen_level", "decided_by")
            ),
        },
    )
