"""Schedule pages: runs (progress, preview, publish), week views, manual bookings, pins,
patients' availability and calendar feeds. Views parse input, call a service, and render."""

from __future__ import annotations

import datetime
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from trellis.accounts.models import User
from trellis.core.auth import acting_user
from trellis.core.errors import TrellisError
from trellis.patients.selectors import patient_for_write, patients_visible_to, with_full_chart

from . import selectors, services, weeks
from .forms import (
    AddPatientForm,
    AppointmentForm,
    AvailabilityForm,
    GroupTypeForm,
    MoveForm,
    RunForm,
    windows_text,
)
from .ical import feed as ical_feed
from .instance_builder import build_instance, monday_of
from .models import Appointment, CalendarFeed, GroupSession, Publication, RunStatus, WindowKind
from .review import describe, patient_weeks, unmet_reasons, week_diff
from .tasks import run_schedule, runs_inline


def _coordinator(request: HttpRequest) -> User:
    user = acting_user(request)
    if not selectors.can_coordinate(user):
        raise Http404
    return user


def _viewer(request: HttpRequest) -> User:
    user = acting_user(request)
    if not selectors.can_view_schedule(user):
        raise Http404
    return user


def _kind(kind: str) -> None:
    if kind not in ("session", "appointment"):
        raise Http404


def _back(request: HttpRequest, fallback: str) -> HttpResponse:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect(fallback)


# --- runs ---------------------------------------------------------------------------------------
def _starting() -> str:
    """What a run's start button says once pressed: inline (the demo) the page waits for the
    whole solve; with a worker it moves on to the run's page at once."""
    if runs_inline():
        return _(
            "Solving the week: the page changes when the run has finished, within its time limit."
        )
    return _("Starting the run…")


def run_list(request: HttpRequest) -> HttpResponse:
    user = _coordinator(request)
    form = RunForm(request.POST or None, sites=selectors.coordinated_sites(user))
    active = None
    if request.method == "POST" and form.is_valid():
        try:
            run = services.run_create(
                actor=user,
                sites=list(form.cleaned_data["sites"]),
                week_start=form.cleaned_data["week"],
                time_limit=form.cleaned_data["time_limit"],
            )
        except services.RunAlreadyActive as error:
            form.add_error(None, str(error))
            active = error.run
        except TrellisError as error:
            form.add_error(None, str(error))
        else:
            run_schedule.enqueue(str(run.public_id))
            return redirect("scheduling:run", run.public_id)
    runs = selectors.runs_visible_to(user)[:30]
    context = {
        "form": form,
        "runs": runs,
        "active": active,
        "can_coordinate": True,
        "starting": _starting(),
    }
    return render(request, "scheduling/runs.html", context)


def run_detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    user = _coordinator(request)
    run = selectors.run_for(user, public_id)
    if request.htmx:  # type: ignore[attr-defined]
        response = render(request, "scheduling/partials/_progress.html", {"run": run})
        if not run.is_active and request.GET.get("was") == "active":
            response["HX-Refresh"] = "true"
        return response
    context: dict[str, object] = {"run": run, "can_coordinate": True, "starting": _starting()}
    if run.solution:
        sites = list(run.sites.all())
        names = selectors.names_for(run.instance)
        type_names = {t["id"]: t["name"] for t in run.instance.get("group_types", [])}
        current = selectors.week_as_format(sites, run.week_start)
        diff = week_diff(current, run.solution)
        # The solver checks its week as it makes it: no need to re-check the rules here.
        unmet = unmet_reasons(run.instance, run.solution, check_rules=False)
        # The current week can hold patients the run no longer schedules (discharged since):
        # name them too rather than show their ids.
        names.update(selectors.patient_names(p for p in diff.patients_moved if p not in names))
        notes = run.stats.get("notes", {})
        context.update(
            added=[describe(s, type_names) for s in diff.added],
            removed=[describe(s, type_names) for s in diff.removed],
            moved=[(describe(a, type_names), describe(b, type_names)) for a, b in diff.moved],
            kept=diff.kept,
            patients_moved=[names.get(p, p) for p in diff.patients_moved],
            unmet=sorted(
                (names.get(p, p), reasons + notes.get(p, [])) for p, reasons in unmet.items()
            ),
            default_plans=sorted(names.get(p, p) for p in run.default_plans),
            sessions=len(run.solution.get("sessions", [])),
            appointments=len(run.solution.get("appointments", [])),
        )
    if run.status == RunStatus.PUBLISHED:
        context["publication"] = run.publications.first()
    return render(request, "scheduling/run.html", context)


@require_POST
def run_stop(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    user = _coordinator(request)
    run = selectors.run_for(user, public_id)
    try:
        run = services.run_stop(actor=user, run=run)
    except TrellisError as error:
        messages.error(request, str(error))
    else:
        if run.status == RunStatus.STOPPED:
            messages.info(request, _("The run was stopped."))
        else:
            messages.info(
                request,
                _(
                    "Stopping: the run ends its search within a few seconds and keeps the best "
                    "week it has found."
                ),
            )
    return redirect("scheduling:run", run.public_id)


@require_POST
def run_publish(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    user = _coordinator(request)
    run = selectors.run_for(user, public_id)
    try:
        publication = services.run_publish(actor=user, run=run)
    except TrellisError as error:
        messages.error(request, str(error))
        return redirect("scheduling:run", run.public_id)
    messages.success(
        request,
        _("Published: %(s)s sessions and %(a)s appointments over %(w)s weeks.")
        % {
            "s": publication.sessions_created,
            "a": publication.appointments_created,
            "w": publication.weeks,
        },
    )
    if publication.dropped:
        messages.warning(request, _dropped_message(publication))
    first = next(iter(run.sites.all()))
    return redirect(
        f"{reverse('scheduling:week')}?view=site&key={first.code}&week={run.week_start}"
    )


def _dropped_message(publication: Publication) -> str:
    """How many bookings publishing left out, and which, in plain words."""
    n = publication.dropped_count
    listed = "; ".join(
        f"{d['what']}: {d['why']} ({', '.join(d['dates'])})" for d in publication.dropped
    )
    return ngettext(
        "%(n)s booking was left out: %(l)s.", "%(n)s bookings were left out: %(l)s.", n
    ) % {"n": n, "l": listed}


# --- week views -------------------------------------------------------------------------------
VIEW_LABELS = {
    "site": _lazy("Site"),
    "room": _lazy("Room"),
    "clinician": _lazy("Clinician"),
    "track": _lazy("Track"),
    "patient": _lazy("Patient"),
}
NOT_FOUND = {
    "site": _lazy("That site is not one of your sites."),
    "room": _lazy("That room is not at one of your sites."),
    "clinician": _lazy("That clinician does not work at one of your sites."),
    "track": _lazy("That track is not at one of your sites."),
    "patient": _lazy("That patient is not one whose week you can see."),
}


def _grid_or_none(
    user: User, view: str, key: str, week_start: datetime.date
) -> selectors.WeekGrid | None:
    try:
        return selectors.week_grid(user, view=view, key=key, week_start=week_start)
    except Http404:
        return None


def week(request: HttpRequest) -> HttpResponse:
    """A week by site, room, clinician, track or patient. Whatever the query string holds, the
    page renders: an unknown view or a key that is not one of the user's shows the view's first
    choice (or nothing) with a message saying so."""
    user = _viewer(request)
    week_start = weeks.week_param(request)
    choices = selectors.grid_choices(user)
    view = request.GET.get("view") or "site"
    key = request.GET.get("key", "").strip()
    if view not in selectors.VIEWS:
        messages.warning(request, _("There is no such view; showing a site."))
        view, key = "site", ""
    elif request.GET.get("from", view) != view:
        key = ""  # the switch changed the view: the key chosen belongs to the previous one
    # Without a (valid) key the view shows its first choice, except a patient's: the page
    # never shows another patient's week than the one asked for.
    default = ""
    if view == "clinician" and user.role == "clinician":
        default = str(user.public_id)
    elif choices.get(view) and view != "patient":
        default = choices[view][0][0]
    grid = _grid_or_none(user, view, key, week_start) if key else None
    problem = NOT_FOUND[view] if key and grid is None else ""
    if grid is None:
        key = default
        grid = _grid_or_none(user, view, key, week_start) if key else None
    if problem and grid is not None:
        messages.warning(
            request,
            _("%(problem)s Showing %(name)s instead.") % {"problem": problem, "name": grid.title},
        )
    elif problem:
        messages.warning(request, problem)
    own_feed = selectors.active_feeds(user=user).first()
    context = {
        "grid": grid,
        "view": view,
        "key": key,
        "choices": choices,
        "views": [(v, VIEW_LABELS[v]) for v in selectors.VIEWS],
        "week_start": week_start,
        **weeks.week_nav(week_start),
        "can_coordinate": selectors.can_coordinate(user),
        "own_feed": own_feed,
        "new_feed_url": request.session.pop("new_feed_url", ""),
        "here": request.get_full_path(),
    }
    return render(request, "scheduling/week.html", context)


def unmet(request: HttpRequest) -> HttpResponse:
    """Patients whose plan the *published* week does not meet, with reasons, so staff can act."""
    user = _coordinator(request)
    week_start = weeks.week_param(request)
    sites = list(selectors.coordinated_sites(user).order_by("name"))
    asked = request.GET.get("site", "")
    chosen = [s for s in sites if s.code == asked] or sites[:1]
    if asked and chosen and chosen[0].code != asked:
        messages.warning(
            request,
            _("That site is not one of your sites; showing %(name)s.") % {"name": chosen[0].name},
        )
    rows: list[dict[str, object]] = []
    if chosen:
        built = build_instance(chosen, week_start)
        published = selectors.week_as_format(chosen, week_start)
        # Hand moves and later changes (availability, discharges) can leave a published booking
        # breaking a hard rule: unmet_reasons re-checks each one and names the rule.
        names = selectors.names_for(built.instance)
        booked = {p for s in published["sessions"] for p in s["patients"]}
        booked |= {a["patient"] for a in published["appointments"]}
        names.update(selectors.patient_names(booked - names.keys()))
        reasons = unmet_reasons(built.instance, published, names=names)
        patient_week = patient_weeks(built.instance, published)
        visible = patients_visible_to(user).filter(public_id__in=list(reasons))
        patients = {str(p.public_id): p for p in visible}
        # Link each patient to a page the user may open: their availability and schedule page
        # needs the full chart; otherwise the chart itself (restricted header, break-glass).
        full = {str(p) for p in with_full_chart(user, visible).values_list("public_id", flat=True)}
        for entry in built.instance.get("patients", []):
            pid = entry["id"]
            if pid not in reasons:
                continue
            plan = entry.get("plan") or {}
            pw = patient_week.get(pid)
            link = ""
            if pid in patients:
                page = "scheduling:patient" if pid in full else "patients:chart"
                link = reverse(page, args=[patients[pid].public_id])
            rows.append(
                {
                    "link": link,
                    "name": patients[pid].display_name
                    if pid in patients
                    else _("A patient outside your sites"),
                    "scheduled_minutes": pw.minutes if pw else 0,
                    "needed_minutes": plan.get("min_minutes", 0),
                    "reasons": reasons[pid] + built.notes.get(pid, []),
                    "default_plan": pid in built.default_plans,
                }
            )
        rows.sort(key=lambda r: str(r["name"]))
    context = {
        "rows": rows,
        "sites": sites,
        "site": chosen[0] if chosen else None,
        "week_start": week_start,
        **weeks.week_nav(week_start),
        "can_coordinate": True,
    }
    return render(request, "scheduling/unmet.html", context)


@require_POST
def pin(request: HttpRequest, kind: str, public_id: uuid.UUID) -> HttpResponse:
    user = _coordinator(request)
    _kind(kind)
    booking = (
        selectors.session_for(user, public_id, write=True)
        if kind == "session"
        else selectors.appointment_for(user, public_id, write=True)
    )
    services.booking_pin(actor=user, booking=booking, pinned=not booking.pinned)
    return _back(request, reverse("scheduling:week"))


def booking_move(request: HttpRequest, kind: str, public_id: uuid.UUID) -> HttpResponse:
    user = _coordinator(request)
    _kind(kind)
    session: GroupSession | None = None
    appointment: Appointment | None = None
    booking: GroupSession | Appointment
    if kind == "session":
        session = selectors.session_for(user, public_id, write=True)
        booking = session
    else:
        appointment = selectors.appointment_for(user, public_id, write=True)
        booking = appointment
    initial = {"date": booking.date, "start": booking.start, "room": booking.room}
    form = MoveForm(
        request.POST or None, initial=initial, site=booking.site, session=session is not None
    )
    patients = patients_visible_to(user).filter(site=booking.site)
    add_form = AddPatientForm(patients=patients) if session else None
    problems = ""
    # htmx asks with `check=1` on every change: the rules are checked, nothing is saved.
    checking = bool(request.htmx and request.POST.get("check"))  # type: ignore[attr-defined]
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if session is not None:
                services.session_move(
                    actor=user,
                    session=session,
                    date=data["date"],
                    start=data["start"],
                    room=data["room"],
                    facilitator=data.get("facilitator"),
                    dry_run=checking,
                )
            elif appointment is not None:
                services.appointment_move(
                    actor=user,
                    appointment=appointment,
                    date=data["date"],
                    start=data["start"],
                    room=data["room"],
                    dry_run=checking,
                )
        except TrellisError as error:
            problems = str(error)
            booking.refresh_from_db()
        else:
            if not checking:
                messages.success(request, _("Moved."))
                return _back(request, reverse("scheduling:week"))
    if checking:
        state = "problems" if problems else ("ok" if form.is_valid() else "incomplete")
        return render(
            request, "scheduling/partials/_move_check.html", {"problems": problems, "state": state}
        )
    context = {
        "booking": booking,
        "kind": kind,
        "form": form,
        "add_form": add_form,
        "problems": problems,
        "next": request.POST.get("next") or request.GET.get("next", ""),
    }
    return render(request, "scheduling/move.html", context)


@require_POST
def session_add_patient(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    user = _coordinator(request)
    session = selectors.session_for(user, public_id, write=True)
    form = AddPatientForm(
        request.POST, patients=patients_visible_to(user).filter(site=session.site)
    )
    if not form.is_valid():
        messages.error(request, _("Choose a patient."))
    else:
        try:
            services.session_add_patient(
                actor=user, session=session, patient=form.cleaned_data["patient"]
            )
        except TrellisError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Added to the session."))
    return redirect("scheduling:move", "session", session.public_id)


def appointment_new(request: HttpRequest) -> HttpResponse:
    user = _coordinator(request)
    sites = selectors.coordinated_sites(user)
    site = sites.filter(code=request.GET.get("site", "")).first() or sites.first()
    if site is None:
        raise Http404
    patients = patients_visible_to(user).filter(site=site)
    form = AppointmentForm(request.POST or None, site=site, patients=patients)
    problems = ""
    if request.method == "POST" and form.is_valid():
        try:
            services.appointment_add(actor=user, **form.cleaned_data)
        except TrellisError as error:
            problems = str(error)
        else:
            messages.success(request, _("Booked."))
            return redirect(f"{reverse('scheduling:week')}?view=site&key={site.code}")
    context = {"form": form, "site": site, "sites": sites, "problems": problems}
    return render(request, "scheduling/appointment_new.html", {**context, "can_coordinate": True})


# --- the group catalogue -----------------------------------------------------------------------
# Not a chart: roles without access get 403 (there is nothing to hide about its existence).
def _catalogue_editor(request: HttpRequest) -> User:
    user = acting_user(request)
    if not selectors.can_edit_catalogue(user):
        raise PermissionDenied
    return user


def catalogue(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    if not selectors.can_view_catalogue(user):
        raise PermissionDenied
    context = {
        "group_types": selectors.group_types_visible_to(user),
        "can_edit": selectors.can_edit_catalogue(user),
        "can_coordinate": selectors.can_coordinate(user),
    }
    return render(request, "scheduling/catalogue.html", context)


def group_type_edit(request: HttpRequest, public_id: uuid.UUID | None = None) -> HttpResponse:
    user = _catalogue_editor(request)
    group_type = selectors.group_type_for(user, public_id) if public_id else None
    form = GroupTypeForm(request.POST or None, instance=group_type)
    if request.method == "POST" and form.is_valid():
        data = {k: form.cleaned_data[k] for k in services.catalogue.FIELDS}
        try:
            if group_type is None:
                saved = services.group_type_create(
                    actor=user, code=form.cleaned_data["code"], **data
                )
            else:
                saved = services.group_type_update(actor=user, group_type=group_type, **data)
        except TrellisError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Saved %(name)s.") % {"name": saved.name})
            return redirect("scheduling:catalogue")
    context = {"form": form, "group_type": group_type, "can_coordinate": True}
    return render(request, "scheduling/group_type_form.html", context)


# --- patients: availability and feeds ---------------------------------------------------------
def patient_schedule(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    user = acting_user(request)
    patient = patient_for_write(user, public_id)
    rows = list(selectors.patient_availability(patient))
    initial = {
        "patient": windows_text([r for r in rows if r.kind == WindowKind.PATIENT]),
        "family": windows_text([r for r in rows if r.kind == WindowKind.FAMILY]),
    }
    form = AvailabilityForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.availability_set_all(
                actor=user,
                patient=patient,
                patient_windows=form.cleaned_data[WindowKind.PATIENT],
                family_windows=form.cleaned_data[WindowKind.FAMILY],
            )
        except TrellisError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Availability saved."))
            return redirect("scheduling:patient", patient.public_id)
    context = {
        "patient": patient,
        "form": form,
        "feed": selectors.active_feeds(patient=patient).first(),
        "last_change": max(
            (r for r in rows if r.changed_at is not None),
            key=lambda r: r.changed_at or timezone.now(),
            default=None,
        ),
        "new_feed_url": request.session.pop("new_feed_url", ""),
        "week_start": monday_of(timezone.localdate()),
    }
    return render(request, "scheduling/patient.html", context)


@require_POST
def feed_new(request: HttpRequest) -> HttpResponse:
    """A new secret feed for the signed-in clinician, or for a patient (``patient`` field)."""
    user = acting_user(request)
    patient_id = request.POST.get("patient", "")
    try:
        patient = patient_for_write(user, uuid.UUID(patient_id)) if patient_id else None
    except ValueError:
        raise Http404 from None
    if patient is None and user.role != "clinician":
        raise Http404
    _feed, token = services.feed_create(actor=user, user=None if patient else user, patient=patient)
    request.session["new_feed_url"] = request.build_absolute_uri(
        reverse("scheduling:ical", args=[token])
    )
    if patient is not None:
        return redirect("scheduling:patient", patient.public_id)
    return redirect(f"{reverse('scheduling:week')}?view=clinician")


@require_POST
def feed_revoke(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    user = acting_user(request)
    feed = CalendarFeed.objects.filter(public_id=public_id).select_related("patient").first()
    if feed is None:
        raise Http404
    if feed.patient is not None:
        patient_for_write(user, feed.patient.public_id)
    elif feed.user_id != user.pk:
        raise Http404
    services.feed_revoke(actor=user, feed=feed)
    messages.success(request, _("The calendar link no longer works."))
    if feed.patient is not None:
        return redirect("scheduling:patient", feed.patient.public_id)
    return redirect(f"{reverse('scheduling:week')}?view=clinician")


@login_not_required
def ical(request: HttpRequest, token: str) -> HttpResponse:
    feed = (
        CalendarFeed.objects.filter(token_hash=services.token_hash(token), revoked_at__isnull=True)
        .filter(Q(user__is_active=True) | Q(patient__isnull=False))
        .select_related("user", "patient")
        .first()
    )
    if feed is None:
        raise Http404
    body = ical_feed(user=feed.user, patient=feed.patient)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=300"
    return response
