"""The patient's self-completion page: no sign-in, reached by a single-use expiring link."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from trellis.instruments import INSTRUMENTS

from . import services
from .forms import InstrumentForm


@login_not_required
@never_cache
def self_complete(request: HttpRequest, token: str) -> HttpResponse:
    try:
        link = services.link_usable(token)
    except services.LinkUnusable as exc:
        return render(request, "assessments/self_gone.html", {"message": str(exc)}, status=410)
    instrument = INSTRUMENTS[link.instrument]
    form = InstrumentForm(request.POST or None, instrument=instrument)
    if request.method == "POST" and form.is_valid():
        try:
            services.link_complete(token=token, answers=form.answers())
        except services.ResponseInvalid as exc:
            form.add_scoring_error(exc)
        except services.LinkUnusable as exc:
            return render(request, "assessments/self_gone.html", {"message": str(exc)}, status=410)
        else:
            return render(request, "assessments/self_done.html")
    return render(
        request,
        "assessments/self_complete.html",
        {
            "instrument": instrument,
            "form": form,
            "first_name": link.patient.preferred_name or link.patient.first_name,
        },
    )
