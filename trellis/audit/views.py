from __future__ import annotations

from django import forms
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from trellis.core.auth import acting_user

from .models import AuditAction
from .selectors import AuditFilters, audit_search, can_browse_audit


class AuditFilterForm(forms.Form):
    patient = forms.CharField(required=False, label=_("Patient MRN"), max_length=20)
    user = forms.CharField(required=False, label=_("Username"), max_length=150)
    action = forms.ChoiceField(
        required=False, label=_("Action"), choices=[("", _("Any action")), *AuditAction.choices]
    )
    date_from = forms.DateField(
        required=False, label=_("From"), widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        required=False, label=_("To"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date is before the start date."))
        return data


def audit_list(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    if not can_browse_audit(user):
        raise Http404
    # Filters are POSTed: an MRN or a username typed here stays out of URLs and access logs.
    query = request.POST if request.method == "POST" else request.GET
    form = AuditFilterForm(query or None)
    filters = AuditFilters()
    if form.is_bound and form.is_valid():
        filters = AuditFilters(**form.cleaned_data)
    page = Paginator(audit_search(user, filters), 50).get_page(query.get("page"))
    return render(request, "audit/list.html", {"form": form, "page": page})
