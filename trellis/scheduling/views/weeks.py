"""Week views by site, room, clinician, track and patient; plans not met; pins, moves,
cancellations and bookings added by hand, each refused in plain words when it would break a
rule."""

from __future__ import annotations

import datetime
import uuid
from collections import defaultdict
from urllib.parse import parse_qsl, urlsplit

from django.contrib import messages
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from trellis.accounts.models import User
from trellis.audit.models import AuditAction
from trellis.audit.services import audit_record, audit_viewed
from trellis.core.errors import TrellisError
from trellis.organization.models import Site
from trellis.patients.models import Patient
from trellis.patients.selectors import patients_visible_to, with_full_chart

from .. import selectors, services, weeks
from ..forms import AddPatientForm, CancelForm, MoveForm
from ..instance_builder import build_instance, monday_of, public_ids
from ..models import (
    Appointment,
    BookingStatus,
    GroupSession,
    GroupSessionPatient,
    PatientAvailability,
    WindowKind,
)
from ..review import broken_bookings, patient_weeks, unmet_reasons
from ..windows import Window, joined
from .common import (
    booking_for,
    coordinator,
    ending_context,
    go_back,
    problems_of,
    safe_next,
    viewer,
)
from .roster import audit_page

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
    user = viewer(request)
    week_start = weeks.week_param(request)
    choices = selectors.grid_choices(user)
    # A clinician opens on their own week; others on their first site.
    view = request.GET.get("view") or ("clinician" if user.role == "clinician" else "site")
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
    availability_url = ""
    if grid is not None and grid.patient is not None:
        patient = grid.patient
        offered = choices.get("patient", [])
        if all(k != key for k, _label in offered):
            # A patient not (or no longer) in treatment, opened from their page: the list
            # shows them rather than another patient's name beside their week.
            choices = {**choices, "patient": [(key, grid.title), *offered]}
        # Which groups a patient attends is part of their record: every read is audited.
        audit_record(
            actor=user,
            action=AuditAction.VIEW,
            patient=patient,
            obj=patient,
            summary=f"Schedule, week of {week_start:%Y-%m-%d}",
        )
        shown = patients_visible_to(user).filter(pk=patient.pk)
        if with_full_chart(user, shown).exists():
            availability_url = reverse("scheduling:patient", args=[key])
    if grid is not None:
        # The patients its appointments name, each read audited (the patient's own week is
        # audited above, once).
        audit_viewed(
            actor=user,
            patients=sorted(grid.named - {grid.patient}, key=lambda p: p.pk),
            summary=f"Schedule, {view} week of {week_start:%Y-%m-%d}",
        )
    own_feed = selectors.active_feeds(user=user).first()
    can_coordinate = selectors.can_coordinate(user)
    context = {
        "grid": grid,
        "view": view,
        "key": key,
        "choices": choices,
        "views": [(v, VIEW_LABELS[v]) for v in selectors.VIEWS],
        "week_start": week_start,
        **weeks.week_nav(week_start),
        "can_coordinate": can_coordinate,
        **(ending_context(selectors.coordinated_sites(user)) if can_coordinate else {}),
        "own_feed": own_feed,
        "availability_url": availability_url,
        # An empty week after the last published one reads as "not published yet", not "free".
        "published_until": selectors.published_until(grid.sites)
        if grid is not None and grid.empty
        else None,
        "card_note": request.session.pop("card_note", ["", ""]),
        "new_feed_url": request.session.pop("new_feed_url", ""),
        "here": request.get_full_path(),
    }
    return render(request, "scheduling/week.html", context)


def unmet(request: HttpRequest) -> HttpResponse:
    """Patients whose plan the *published* week does not meet, with reasons, so staff can act.

    Without a site asked for, the page opens on the first of the user's sites (by name) whose
    week leaves a plan unmet, so that nobody has to look site by site; when every plan at
    every site is met it says so."""
    user = coordinator(request)
    week_start = weeks.week_param(request)
    sites = list(selectors.coordinated_sites(user).order_by("name"))
    asked = request.GET.get("site", "")
    chosen = [s for s in sites if s.code == asked]
    if asked and not chosen and sites:
        messages.warning(
            request,
            _("That site is not one of your sites; showing %(name)s.") % {"name": sites[0].name},
        )
        chosen = sites[:1]
    rows: list[dict[str, object]] = []
    every_site = False
    if chosen:
        rows = _unmet_rows(user, chosen[0], week_start)
    elif sites:
        for site in sites:
            rows = _unmet_rows(user, site, week_start)
            if rows:
                chosen = [site]
                break
        else:
            chosen, every_site = sites[:1], len(sites) > 1
        met = [s.name for s in sites[: sites.index(chosen[0])]]
        if met:
            messages.info(
                request,
                _("Every plan is met at %(met)s; showing %(name)s.")
                % {"met": ", ".join(met), "name": chosen[0].name},
            )
    # Each patient named (their week, hours and availability) is an audit event.
    audit_viewed(
        actor=user,
        patients=[row["patient"] for row in rows if isinstance(row["patient"], Patient)],
        summary=f"Plans not met, week of {week_start}",
    )
    context = {
        "rows": rows,
        "sites": sites,
        "site": chosen[0] if chosen else None,
        "every_site": every_site,
        "week_start": week_start,
        **weeks.week_nav(week_start),
        "can_coordinate": True,
    }
    return render(request, "scheduling/unmet.html", context)


def _unmet_rows(user: User, site: Site, week_start: datetime.date) -> list[dict[str, object]]:
    """One row per patient of `site` whose plan the published week does not meet, by name."""
    chosen = [site]
    built = build_instance(chosen, week_start, checking=True)
    published = selectors.week_as_format(chosen, week_start)
    # Hand moves and later changes (availability, discharges) can leave a published booking
    # breaking a hard rule: unmet_reasons re-checks each one and names the rule.
    names = selectors.names_for(built.instance, user)
    booked = {p for s in published["sessions"] for p in s["patients"]}
    booked |= {a["patient"] for a in published["appointments"]}
    names.update(selectors.patient_names(booked - names.keys(), user))
    # The hours shown count what the reasons count: not a booking that breaks a rule.
    broken, valid = broken_bookings(built.instance, published, names)
    reasons = unmet_reasons(built.instance, valid, names=names, check_rules=False, broken=broken)
    if not reasons:
        return []
    cancelled = selectors.cancellations_by_patient(chosen, week_start)
    patient_week = patient_weeks(built.instance, valid)
    visible = patients_visible_to(user).filter(public_id__in=list(reasons))
    patients = {str(p.public_id): p for p in visible}
    # Link each patient to a page the user may open: their availability and schedule page
    # needs the full chart; otherwise the chart itself (restricted header, break-glass).
    full = {str(p) for p in with_full_chart(user, visible).values_list("public_id", flat=True)}
    rows: list[dict[str, object]] = []
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
                # Named as `names` names them: "A patient outside your sites" outside the list.
                "name": names.get(pid, str(selectors.OUTSIDE)),
                "scheduled_minutes": pw.minutes if pw else 0,
                "needed_minutes": plan.get("min_minutes", 0),
                "reasons": cancelled.get(pid, []) + reasons[pid] + built.notes.get(pid, []),
                "default_plan": pid in built.default_plans,
                "patient": patients.get(pid),  # named (and audited) when in the user's list
            }
        )
    rows.sort(key=lambda r: str(r["name"]))
    return rows


@require_POST
def pin(request: HttpRequest, kind: str, public_id: uuid.UUID) -> HttpResponse:
    user = coordinator(request)
    booking = booking_for(user, kind, public_id)
    # The state asked for, not a toggle: a second click, or one on a page out of date, must not
    # undo the first.
    wanted = request.POST.get("pinned")
    if wanted not in ("0", "1"):
        return HttpResponseBadRequest(_("Say whether to pin or unpin."))
    services.booking_pin(actor=user, booking=booking, pinned=wanted == "1")
    if booking.pinned:
        said = _("Pinned: it stays as it is when a run is published over its week.")
    else:
        said = _("Unpinned: a run published over its week may move or replace it.")
    # Back to the card itself (`#b-<id>` in `next`), not to the top of a long week, so the
    # confirmation is shown in the card, where the coordinator is looking.
    request.session["card_note"] = [str(booking.public_id), said]
    return go_back(request, reverse("scheduling:week"))


def booking_move(request: HttpRequest, kind: str, public_id: uuid.UUID) -> HttpResponse:
    user = coordinator(request)
    booking = booking_for(user, kind, public_id)
    session = booking if isinstance(booking, GroupSession) else None
    appointment = booking if isinstance(booking, Appointment) else None
    initial = {"date": booking.date, "start": booking.start, "room": booking.room}
    form = MoveForm(
        request.POST or None, initial=initial, site=booking.site, session=session is not None
    )
    if booking.room is not None and not booking.room.active:
        # Its room is not offered: say why the field is empty.
        form.fields["room"].help_text = _("%(room)s is out of use: choose another room.") % {
            "room": booking.room.name
        }
    if booking.status != BookingStatus.SCHEDULED:
        messages.error(request, str(_("This booking was cancelled and can no longer be moved.")))
        return go_back(request, reverse("scheduling:week"))
    problems: list[str] = []
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
            problems = problems_of(error)
            booking.refresh_from_db()
        else:
            if not checking:
                moved_to = data["date"]
                messages.success(
                    request,
                    _("Moved to %(day)s at %(start)s, %(room)s.")
                    % {
                        "day": _day_words(moved_to),
                        "start": data["start"].strftime("%H:%M"),
                        "room": data["room"].name,
                    },
                )
                if monday_of(moved_to) != monday_of(booking.date):
                    # To the week it is in now, at its card, where the coordinator sees it.
                    return redirect(_week_of(request, booking, moved_to))
                return go_back(request, reverse("scheduling:week"))
    if checking:
        state = "problems" if problems else ("ok" if form.is_valid() else "incomplete")
        return render(
            request, "scheduling/partials/_move_check.html", {"problems": problems, "state": state}
        )
    add_form = None
    begun = weeks.begun(booking.site, booking.date, booking.start)
    if session and not begun:
        addable = _addable(user, session)
        # After a refusal the patient chosen stays chosen (`add`), if still one to offer.
        chosen = addable.filter(public_id__in=public_ids([request.GET.get("add", "")])).first()
        add_form = AddPatientForm(patients=addable, initial={"patient": chosen})
    members, others = selectors.roster(user, session) if session else ([], 0)
    audit_page(user, booking, members, "Move page")
    context = {
        "booking": booking,
        "patient_name": _patient_name(user, booking),
        "kind": kind,
        "form": form,
        "add_form": add_form,
        "members": members,
        "other_members": others,
        "problems": problems,
        "next": safe_next(request),
        "begun": begun,
    }
    return render(request, "scheduling/move.html", context)


@require_POST
def session_add_patient(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    user = coordinator(request)
    session = selectors.session_for(user, public_id, write=True)
    form = AddPatientForm(request.POST, patients=_addable(user, session))
    if not form.is_valid():
        if request.POST.get("patient"):
            # Chosen, but not among those who may be added now (added meanwhile, their times
            # changed, no longer in treatment): say so rather than "Choose a patient."
            messages.error(
                request,
                _(
                    "That patient cannot be added now: they are in this session already, "
                    "their times no longer cover it, or they are no longer in treatment here."
                ),
            )
        else:
            messages.error(request, _("Choose a patient."))
    else:
        try:
            services.session_add_patient(
                actor=user, session=session, patient=form.cleaned_data["patient"]
            )
        except TrellisError as error:
            messages.error(request, str(error))
            return _back_to_session(request, session, chosen=form.cleaned_data["patient"])
        messages.success(
            request,
            _("%(p)s was added to the session.") % {"p": form.cleaned_data["patient"].display_name},
        )
    return _back_to_session(request, session)


def _back_to_session(
    request: HttpRequest, session: GroupSession, chosen: Patient | None = None
) -> HttpResponse:
    """The session's page again, keeping where the coordinator came from (`next`) and, after
    a refusal, the patient they chose (`add`, a public id) still chosen."""
    back = reverse("scheduling:move", args=["session", session.public_id])
    query = {"next": safe_next(request)}
    if chosen is not None:
        query["add"] = str(chosen.public_id)
    query = {k: v for k, v in query.items() if v}
    return redirect(f"{back}?{urlencode(query)}" if query else back)


def _addable(user: User, session: GroupSession) -> QuerySet[Patient]:
    """Patients the coordinator may add: at the session's site, in treatment on a track of a
    population the group serves, free then by their weekly availability, and not in it
    already, nor booked then in another group or an appointment (the rules still check the
    rest: the day's hours, the plan's most a day).

    Their windows of the day are joined first, as the instance builder joins them: older
    rows can split one stretch of time in two (16:00-18:00 and 18:00-21:00)."""
    # Not those booked then already, in another group or an appointment, here or elsewhere.
    then = {
        "date": session.date,
        "status": BookingStatus.SCHEDULED,
        "start__lt": session.end,
        "end__gt": session.start,
    }
    candidates = (
        selectors.patients_to_book(user, session.site, session.group_type.populations)
        .exclude(pk__in=session.members.values("patient_id"))
        .exclude(
            pk__in=GroupSessionPatient.objects.filter(
                **{f"session__{k}": v for k, v in then.items()}
            ).values("patient_id")
        )
        .exclude(pk__in=Appointment.objects.filter(**then).values("patient_id"))
    )
    rows: dict[int, list[Window]] = defaultdict(list)
    for patient_id, weekday, start, end in PatientAvailability.objects.filter(
        patient__in=candidates, kind=WindowKind.PATIENT, weekday=session.date.weekday()
    ).values_list("patient_id", "weekday", "start", "end"):
        rows[patient_id].append((weekday, start, end))
    free = [
        patient_id
        for patient_id, windows in rows.items()
        if any(
            start <= session.start and session.end <= end
            for spans in joined(windows).values()
            for start, end in spans
        )
    ]
    return candidates.filter(pk__in=free)


@require_POST
def session_remove_patient(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    user = coordinator(request)
    session = selectors.session_for(user, public_id, write=True)
    members, _others = selectors.roster(user, session)
    chosen = request.POST.get("patient", "")
    patient = next((p for p in members if str(p.public_id) == chosen), None)
    if patient is None:
        messages.error(request, _("That patient is not in this session."))
    else:
        try:
            services.session_remove_patient(actor=user, session=session, patient=patient)
        except TrellisError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                _("%(p)s was taken out of the session.") % {"p": patient.display_name},
            )
            left, least = session.members.count(), session.group_type.min_size
            if left < least:
                messages.warning(
                    request,
                    _(
                        "The session now has %(n)d patients, fewer than the %(m)d it needs: "
                        "add patients, move it, or cancel it."
                    )
                    % {"n": left, "m": least},
                )
    return _back_to_session(request, session)


def booking_cancel(request: HttpRequest, kind: str, public_id: uuid.UUID) -> HttpResponse:
    """Cancel a booking: the page says what it is and asks why; nothing changes until sent."""
    user = coordinator(request)
    booking = booking_for(user, kind, public_id)
    form = CancelForm(request.POST or None)
    problems = ""
    if request.method == "POST" and form.is_valid():
        try:
            services.booking_cancel(actor=user, booking=booking, reason=form.cleaned_data["reason"])
        except TrellisError as error:
            problems = str(error)
        else:
            messages.success(
                request,
                _("Cancelled %(what)s on %(day)s at %(time)s.")
                % {
                    "what": _booking_title(user, booking),
                    "day": date_format(booking.date, "l j F"),
                    "time": f"{booking.start:%H:%M}",
                },
            )
            return go_back(request, reverse("scheduling:week"))
    members, others = (
        selectors.roster(user, booking) if isinstance(booking, GroupSession) else ([], 0)
    )
    audit_page(user, booking, members, "Cancel page")
    context = {
        "booking": booking,
        "patient_name": _patient_name(user, booking),
        "kind": kind,
        "form": form,
        "problems": problems,
        "members": members,
        "other_members": others,
        "cancelled": booking.status != BookingStatus.SCHEDULED,
        "next": safe_next(request),
    }
    return render(request, "scheduling/cancel.html", context)


def _day_words(day: datetime.date) -> str:
    """ "Monday 21 December", with the year when it is not this year's."""
    same_year = day.year == timezone.localdate().year
    return date_format(day, "l j F" if same_year else "l j F Y")


def _week_of(request: HttpRequest, booking: GroupSession | Appointment, day: datetime.date) -> str:
    """The week view the coordinator came from (`next`), showing `day`'s week at the booking's
    card; the booking's site's week when they came from elsewhere."""
    back = urlsplit(safe_next(request))
    query = dict(parse_qsl(back.query))
    if back.path != reverse("scheduling:week") or "view" not in query:
        back = urlsplit(reverse("scheduling:week"))
        query = {"view": "site", "key": booking.site.code}
    query["week"] = monday_of(day).isoformat()
    return f"{back.path}?{urlencode(query)}#b-{booking.public_id}"


def _patient_name(user: User, booking: GroupSession | Appointment) -> str:
    """An appointment's patient as the user may call them (``patient_names``); "" for a session."""
    if isinstance(booking, GroupSession):
        return ""
    key = str(booking.patient.public_id)
    return selectors.patient_names([key], user).get(key, "")


def _booking_title(user: User, booking: GroupSession | Appointment) -> str:
    if isinstance(booking, GroupSession):
        return booking.group_type.name
    return f"{booking.get_kind_display()} ({_patient_name(user, booking)})"
