"""Plan pages: overview, editor, versions and differences, signatures, reviews, worklist, print."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from trellis.accounts.models import Role, User
from trellis.audit.models import AuditAction
from trellis.audit.services import audit_record
from trellis.core.auth import acting_user
from trellis.core.errors import TrellisError
from trellis.patients.models import Patient

from . import document, editor, selectors, services
from .forms import PatientSignatureForm, ReviewForm
from .models import PlanSignature
from .suggestions import suggest


def _staff(patient: Patient) -> QuerySet[User]:
    return (
        User.objects.filter(
            is_active=True,
            role__in=[Role.CLINICIAN, Role.DIRECTOR],
            staff_profile__sites=patient.site,
        )
        .select_related("staff_profile")
        .distinct()
        .order_by("last_name", "first_name")
    )


def _open_episode_or_404(page: selectors.PlanPage) -> Any:
    if page.episode is None:
        raise Http404
    return page.episode


def worklist(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    if user.role not in selectors.WORKLIST_ROLES:
        raise Http404
    items = selectors.review_worklist(user)
    today = timezone.localdate()
    return render(
        request,
        "plans/worklist.html",
        {
            "items": items,
            "today": today,
            "overdue": sum(1 for i in items if i.due and i.due.is_overdue(today)),
            "cosign": selectors.awaiting_my_cosign(user),
        },
    )


def plan_detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    user = acting_user(request)
    page = selectors.plan_page(user, public_id)
    audit_record(
        actor=user, action=AuditAction.VIEW, patient=page.patient, summary="Treatment plan"
    )
    shown = page.latest
    return render(
        request,
        "plans/detail.html",
        {
            "page": page,
            "patient": page.patient,
            "shown": shown,
            "tree": document.tree(shown.version.content) if shown else [],
            "can_write": user.role in services.AUTHOR_ROLES,
            "user_obj": user,
        },
    )


def plan_edit(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    user = acting_user(request)
    if user.role not in services.AUTHOR_ROLES:
        raise Http404
    page = selectors.plan_page_for_write(user, public_id)
    episode = _open_episode_or_404(page)
    staff = _staff(page.patient)
    latest = page.latest.version if page.latest else None
    suggestions = []
    from_assessment = False
    if request.method == "POST" and request.POST.get("add"):
        ed = editor.build(
            data=None,
            rows=editor.rows_from_post(request.POST),
            plan_initial={k: request.POST.get(k, "") for k in editor.PlanForm.base_fields},
            staff=staff,
            add=request.POST["add"],
        )
    elif request.method == "POST":
        ed = editor.build(data=request.POST, rows=None, plan_initial={}, staff=staff)
        if ed.is_valid():
            content, errors = editor.content_from_editor(ed)
            based_number = ed.plan_form.cleaned_data["based_on"]
            based_on = next(
                (s.version for s in page.states if s.version.number == based_number), None
            )
            if errors:
                for e in errors:
                    messages.error(request, e)
            else:
                try:
                    version = services.plan_version_save(
                        actor=user,
                        episode=episode,
                        content=content,
                        reason=ed.plan_form.cleaned_data["reason"],
                        based_on=based_on,
                    )
                except TrellisError as exc:
                    messages.error(request, str(exc))
                else:
                    messages.success(
                        request, _("Saved version %s. Sign it when it is final.") % version.number
                    )
                    return redirect("plans:detail", page.patient.public_id)
        else:
            messages.error(request, _("Some entries need attention; they are marked below."))
    else:
        from_assessment = request.GET.get("draft") == "assessment" or latest is None
        if from_assessment:
            findings, strengths = selectors.assessment_findings(page.patient, episode)
            suggestions = suggest(findings)
            content = editor.content_from_suggestions(
                suggestions,
                today=timezone.localdate(),
                primary=episode.primary_clinician,
                strengths=strengths,
            )
            if latest is not None:
                # Keep the plan-level fields of the current version.
                for k in document.PLAN_FIELDS:
                    content[k] = latest.content.get(k, content[k])
        else:
            content = latest.content if latest else document.empty_content()
        initial = {k: content.get(k, "") for k in document.PLAN_FIELDS}
        initial["based_on"] = latest.number if latest else ""
        ed = editor.build(
            data=None, rows=editor.rows_from_content(content), plan_initial=initial, staff=staff
        )
    return render(
        request,
        "plans/edit.html",
        {
            "page": page,
            "patient": page.patient,
            "ed": ed,
            "plan_form": ed.plan_form,
            "formsets": ed.formsets,
            "suggestions": suggestions,
            "from_assessment": from_assessment,
            "latest": latest,
        },
    )


def version_detail(
    request: HttpRequest, public_id: uuid.UUID, version_id: uuid.UUID
) -> HttpResponse:
    user = acting_user(request)
    page = selectors.plan_page(user, public_id)
    state = selectors.version_for(page, version_id)
    return render(
        request,
        "plans/version.html",
        {
            "page": page,
            "patient": page.patient,
            "state": state,
            "tree": document.tree(state.version.content),
            "is_latest": page.latest is not None and page.latest.version.pk == state.version.pk,
            "user_obj": user,
            "can_write": user.role in services.AUTHOR_ROLES,
        },
    )


def compare(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    user = acting_user(request)
    page = selectors.plan_page(user, public_id)
    if not page.states:
        raise Http404
    newest = page.states[0]
    a = selectors.version_by_number(page, request.GET.get("a")) or (
        page.states[1] if len(page.states) > 1 else newest
    )
    b = selectors.version_by_number(page, request.GET.get("b")) or newest
    if a.version.number > b.version.number:
        a, b = b, a
    rows = document.diff(a.version.content, b.version.content)
    return render(
        request,
        "plans/compare.html",
        {
            "page": page,
            "patient": page.patient,
            "a": a,
            "b": b,
            "rows": rows,
            "same_version": a.version.pk == b.version.pk,
        },
    )


def _signature_action(
    request: HttpRequest,
    public_id: uuid.UUID,
    version_id: uuid.UUID,
    action: Any,
    done: str | Callable[[PlanSignature], str],
) -> HttpResponse:
    user = acting_user(request)
    page = selectors.plan_page_for_write(user, public_id)
    state = selectors.version_for(page, version_id)
    try:
        signature = action(actor=user, version=state.version)
    except TrellisError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, done(signature) if callable(done) else done)
    return redirect("plans:version", page.patient.public_id, state.version.public_id)


@require_POST
def sign(request: HttpRequest, public_id: uuid.UUID, version_id: uuid.UUID) -> HttpResponse:
    return _signature_action(request, public_id, version_id, services.plan_sign, _signed_message)


def _signed_message(signature: PlanSignature) -> str:
    """What the author is told: a pre-licensed author's plan waits for the co-signature."""
    if signature.requires_cosign and signature.supervisor is not None:
        return _(
            "Signed. The version is locked and awaits the co-signature of your supervisor, "
            "%(supervisor)s; the plan is not in effect until then."
        ) % {"supervisor": signature.supervisor.display_name}
    return _("Signed. The version is locked.")


@require_POST
def cosign(request: HttpRequest, public_id: uuid.UUID, version_id: uuid.UUID) -> HttpResponse:
    return _signature_action(
        request, public_id, version_id, services.plan_cosign, _("Co-signed. The plan is in effect.")
    )


def patient_sign(request: HttpRequest, public_id: uuid.UUID, version_id: uuid.UUID) -> HttpResponse:
    user = acting_user(request)
    if user.role not in services.WITNESS_ROLES:
        raise Http404
    page = selectors.plan_page_for_write(user, public_id)
    state = selectors.version_for(page, version_id)
    form = PatientSignatureForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_patient_sign(
                actor=user,
                version=state.version,
                signed_on=form.cleaned_data["signed_on"],
                declined=form.cleaned_data["declined"],
                note=form.cleaned_data["note"],
            )
        except TrellisError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The patient's signature is recorded."))
            return redirect("plans:version", page.patient.public_id, state.version.public_id)
    return render(
        request,
        "plans/patient_sign.html",
        {"page": page, "patient": page.patient, "state": state, "form": form},
    )


def review(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    user = acting_user(request)
    if user.role not in services.AUTHOR_ROLES:
        raise Http404
    page = selectors.plan_page_for_write(user, public_id)
    episode = _open_episode_or_404(page)
    if page.current is None:
        messages.error(request, _("There is no signed plan to review yet."))
        return redirect("plans:detail", page.patient.public_id)
    content = page.current.version.content
    objectives = content.get("objectives", [])
    form = ReviewForm(request.POST or None, objectives=objectives)
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_review_record(
                actor=user,
                episode=episode,
                reviewed_on=form.cleaned_data["reviewed_on"],
                progress=form.progress(),
                decision=form.cleaned_data["decision"],
                summary=form.cleaned_data["summary"],
            )
        except TrellisError as exc:
            form.add_error(None, str(exc))
        else:
            decision = form.cleaned_data["decision"]
            if decision == "continue":
                messages.success(request, _("Review recorded."))
            else:
                messages.success(
                    request,
                    _("Review recorded. Update the plan to match the decision and sign it."),
                )
            return redirect("plans:detail", page.patient.public_id)
    return render(
        request,
        "plans/review.html",
        {"page": page, "patient": page.patient, "form": form, "current": page.current},
    )


def _print_context(
    request: HttpRequest, public_id: uuid.UUID, version_id: uuid.UUID
) -> dict[str, Any]:
    user = acting_user(request)
    page = selectors.plan_page(user, public_id)
    state = selectors.version_for(page, version_id)
    from trellis.core.context_processors import trellis as trellis_context

    return {
        "page": page,
        "patient": page.patient,
        "state": state,
        "tree": document.tree(state.version.content),
        "printed_at": timezone.localtime(),
        "printed_by": user,
        **trellis_context(request),
    }


def print_view(request: HttpRequest, public_id: uuid.UUID, version_id: uuid.UUID) -> HttpResponse:
    context = _print_context(request, public_id, version_id)
    audit_record(
        actor=acting_user(request),
        action=AuditAction.VIEW,
        patient=context["patient"],
        obj=context["state"].version,
        summary=f"Printed plan version {context['state'].version.number}",
    )
    return render(request, "plans/print.html", context)


def pdf(request: HttpRequest, public_id: uuid.UUID, version_id: uuid.UUID) -> HttpResponse:
    import io

    from django.template.loader import render_to_string
    from xhtml2pdf import pisa

    context = _print_context(request, public_id, version_id)
    html = render_to_string("plans/print_pdf.html", context, request=request)
    out = io.BytesIO()
    result = pisa.CreatePDF(html, dest=out, encoding="utf-8")
    if result.err:
        raise Http404
    version = context["state"].version
    audit_record(
        actor=acting_user(request),
        action=AuditAction.EXPORT,
        patient=context["patient"],
        obj=version,
        summary=f"Plan version {version.number} as PDF",
    )
    response = HttpResponse(out.getvalue(), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="treatment-plan-{context["patient"].mrn}-v{version.number}.pdf"'
    )
    return response
