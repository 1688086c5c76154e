"""Waitlist, new referral (with duplicate detection and merge) and conversion to an episode."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from trellis.accounts.models import User
from trellis.core.auth import acting_user
from trellis.core.errors import TrellisError
from trellis.organization.selectors import sites_of, tracks_visible_to
from trellis.patients.selectors import clinicians_at_sites_of, patients_visible_to

from . import selectors, services
from .forms import CloseReferralForm, ConvertForm, ReferralForm, ScreeningForm
from .models import Referral


def _user(request: HttpRequest) -> User:
    user = acting_user(request)
    if user.role not in selectors.INTAKE_ROLES:
        raise Http404
    return user


def waitlist(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    today = timezone.localdate()
    rows = [(r, (today - r.referred_on).days) for r in selectors.waitlist(user)]
    return render(request, "assessments/waitlist.html", {"rows": rows})


def referral_new(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    sites = sites_of(user).order_by("name")
    if not sites.exists():
        raise Http404
    form = ReferralForm(
        request.POST or None, sites=sites, initial={"referred_on": timezone.localdate()}
    )
    duplicates: services.DuplicateReferral | None = None
    if request.method == "POST" and form.is_valid():
        choice = request.POST.get("duplicate_choice", "")
        use_patient = None
        if choice not in ("", "new"):
            try:
                use_patient = patients_visible_to(user).get(public_id=uuid.UUID(choice))
            except (ValueError, ObjectDoesNotExist):
                raise Http404 from None
        fields = dict(form.cleaned_data)
        site = fields.pop("site")
        try:
            referral = services.referral_create(
                actor=user,
                site=use_patient.site if use_patient else site,
                use_patient=use_patient,
                confirm_new=choice == "new",
                **fields,
            )
        except services.DuplicateReferral as exc:
            duplicates = exc
        except TrellisError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Referral added to the waitlist."))
            return redirect("assessments:referral", referral.public_id)
    return render(
        request, "assessments/referral_form.html", {"form": form, "duplicates": duplicates}
    )


def referral_detail(request: HttpRequest, referral_id: uuid.UUID) -> HttpResponse:
    user = _user(request)
    referral = selectors.referral_for(user, referral_id)
    form = ConvertForm(
        request.POST or None,
        tracks=tracks_visible_to(user).filter(site=referral.site, active=True),
        clinicians=clinicians_at_sites_of(user),
    )
    if request.method == "POST" and form.is_valid():
        try:
            episode = services.referral_convert(
                actor=user,
                referral=referral,
                track=form.cleaned_data["track"],
                primary_clinician=form.cleaned_data["primary_clinician"],
            )
        except TrellisError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Episode opened."))
            return redirect("patients:chart", episode.patient.public_id)
    return _detail(request, referral, form=form)


def _detail(
    request: HttpRequest,
    referral: Referral,
    *,
    form: ConvertForm | None = None,
    screening_form: ScreeningForm | None = None,
    close_form: CloseReferralForm | None = None,
) -> HttpResponse:
    user = _user(request)
    return render(
        request,
        "assessments/referral_detail.html",
        {
            "referral": referral,
            "form": form
            or ConvertForm(
                tracks=tracks_visible_to(user).filter(site=referral.site, active=True),
                clinicians=clinicians_at_sites_of(user),
            ),
            "screening_form": screening_form
            or ScreeningForm(
                initial={
                    "screened_on": timezone.localdate(),
                    "outcome": referral.screening_outcome or None,
                    "withdrawal_risk": referral.withdrawal_risk,
                    "imminent_risk": referral.imminent_risk,
                }
            ),
            "close_form": close_form or CloseReferralForm(),
        },
    )


@require_POST
def referral_screen(request: HttpRequest, referral_id: uuid.UUID) -> HttpResponse:
    user = _user(request)
    referral = selectors.referral_for(user, referral_id)
    form = ScreeningForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.referral_screen(
                actor=user,
                referral=referral,
                screened_on=data["screened_on"],
                outcome=data["outcome"],
                withdrawal_risk=data["withdrawal_risk"],
                imminent_risk=data["imminent_risk"],
                notes=data["notes"],
            )
        except TrellisError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Screening recorded."))
            return redirect("assessments:referral", referral.public_id)
    return _detail(request, referral, screening_form=form)


@require_POST
def referral_close(request: HttpRequest, referral_id: uuid.UUID) -> HttpResponse:
    user = _user(request)
    referral = selectors.referral_for(user, referral_id)
    form = CloseReferralForm(request.POST)
    if form.is_valid():
        try:
            services.referral_close(
                actor=user,
                referral=referral,
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
            )
        except TrellisError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Referral closed."))
            return redirect("assessments:waitlist")
    return _detail(request, referral, close_form=form)
