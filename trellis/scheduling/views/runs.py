"""Schedule runs: start (one per week and site), progress, preview, stop and publish; and
continuing the published weeks."""

from __future__ import annotations

import datetime
import uuid

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from trellis.accounts.models import Role, User
from trellis.audit.services import audit_viewed
from trellis.core.errors import TrellisError
from trellis.organization.models import Room, Site
from trellis.patients.selectors import patients_visible_to

from .. import selectors, services, weeks
from ..forms import RunForm
from ..instance_builder import monday_of, public_ids
from ..models import Publication, RunStatus, ScheduleRun
from ..review import PATIENT_REF, describe, unmet_reasons, week_diff
from ..tasks import run_schedule, runs_inline
from .common import coordinator, ending_context, go_back


def _starting() -> str:
    """What a run's start button says once pressed: inline (the demo) the page waits for the
    whole solve; with a worker it moves on to the run's page at once."""
    if runs_inline():
        return _(
            "Solving the week: the page changes when the run has finished, within its time limit."
        )
    return _("Starting the run…")


# The runs list checks the newest runs that could be published against today's data, as a
# run's page does; each check builds the week's instance again (about 90 queries), so only
# this many, newest first.
OUT_OF_DATE_CHECKS = 3


def _mark_out_of_date(runs: list[ScheduleRun]) -> None:
    """Give each run ``changes``: what changed since it was made (empty: current), or None
    when it was not checked (not publishable, or past the first OUT_OF_DATE_CHECKS)."""
    today = timezone.localdate()
    publishable = [
        r
        for r in runs
        if r.status == RunStatus.DONE and not weeks.week_has_ended(r.week_start, today)
    ][:OUT_OF_DATE_CHECKS]
    checked = {r.pk: services.run_changes(r) for r in publishable}
    for run in runs:
        run.changes = checked.get(run.pk)  # type: ignore[attr-defined]


def run_list(request: HttpRequest) -> HttpResponse:
    user = coordinator(request)
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
            # Solved in the request (the demo's inline jobs), it is finished already: its page
            # says so and opens on the preview, as when its progress ends.
            run.refresh_from_db(fields=["status"])
            url = reverse("scheduling:run", args=[run.public_id])
            return redirect(f"{url}?finished=1" if not run.is_active else url)
    runs = list(selectors.runs_visible_to(user)[:30])
    _mark_out_of_date(runs)
    context = {
        "form": form,
        "runs": runs,
        "active": active,
        "can_coordinate": True,
        "starting": _starting(),
        **ending_context(selectors.coordinated_sites(user)),
    }
    return render(request, "scheduling/runs.html", context)


@require_POST
def schedule_continue(request: HttpRequest) -> HttpResponse:
    """Continue the coordinator's sites' published weeks now (what `extend_schedule` does
    daily), saying what was written."""
    user = coordinator(request)
    sites = selectors.coordinated_sites(user)
    held: list[Publication] = []
    failed: list[Publication] = []
    continued = services.schedule_extend(actor=user, sites=sites, held=held, failed=failed)
    names = dict(Site.objects.values_list("code", "name"))
    for publication in continued:
        messages.success(
            request,
            _(
                "Continued %(sites)s from %(day)s for %(span)s: %(s)d sessions, "
                "%(a)d appointments, %(d)d left out."
            )
            % {
                "sites": ", ".join(names.get(code, code) for code in publication.sites),
                "day": date_format(publication.week_start),
                "span": publication.span,
                "s": publication.sessions_created,
                "a": publication.appointments_created,
                "d": publication.dropped_count,
            },
        )
    for publication in held:
        messages.info(
            request,
            _(
                "The week published for %(sites)s was not continued here: it holds sites you "
                "do not coordinate. The daily continuation continues it, or someone who "
                "coordinates all of them."
            )
            % {"sites": ", ".join(names.get(code, code) for code in publication.sites)},
        )
    for publication in failed:
        messages.error(
            request,
            _(
                "The week published for %(sites)s could not be continued: it no longer fits "
                "what the sites have now. Run a later week and publish it."
            )
            % {"sites": ", ".join(names.get(code, code) for code in publication.sites)},
        )
    if not continued and not held and not failed:
        messages.info(
            request,
            _(
                "Nothing was continued: no published week that is kept in full ends within "
                "the next weeks. Publish a run of a later week instead."
            ),
        )
    return go_back(request, reverse("scheduling:runs"))


def run_detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    user = coordinator(request)
    run = selectors.run_for(user, public_id)
    if request.htmx:  # type: ignore[attr-defined]
        if not run.is_active and request.GET.get("was") == "active":
            # Finished: the whole page again, which focuses its preview and says so.
            response = HttpResponse(status=204)
            response["HX-Redirect"] = (
                reverse("scheduling:run", args=[run.public_id]) + "?finished=1"
            )
            return response
        # Announced only when the status or the stage changes, not every second.
        now = f"{run.status}:{run.stage}"
        announce = ""
        if request.GET.get("seen", now) != now:
            announce = f"{run.status_label}. {run.stage}" if run.stage else str(run.status_label)
        error_text = _error_text(user, run)
        return render(
            request,
            "scheduling/partials/_progress.html",
            {"run": run, "announce": announce, "error_text": error_text},
        )
    # A run of a week that has ended is a record to look at, not to publish or run again.
    today = timezone.localdate()
    week_over = weeks.week_has_ended(run.week_start, today)
    context: dict[str, object] = {
        "run": run,
        "can_coordinate": True,
        "starting": _starting(),
        "week_over": week_over,
        "finished": request.GET.get("finished") == "1" and not run.is_active,
        "error_text": _error_text(user, run),
    }
    if run.solution:
        sites = list(run.sites.all())
        names = selectors.names_for(run.instance, user)
        type_names = {t["id"]: t["name"] for t in run.instance.get("group_types", [])}
        current = None
        if run.status != RunStatus.PUBLISHED:  # published, it would be compared with itself
            # Against the week as it repeats: a one-date cancellation is not a change of it.
            current = selectors.week_as_format(sites, run.week_start, pattern=True)
            diff = week_diff(current, run.solution)
            # A session leaves a room the run's instance may not hold (one out of use).
            left = {a.get("room") for a, _b in diff.rooms} - names.keys()
            names.update(
                (str(r.public_id), r.name)
                for r in Room.objects.filter(public_id__in=public_ids(left))
            )
            # The current week can hold patients the run no longer schedules (discharged
            # since): name them too rather than show their ids.
            names.update(
                selectors.patient_names((p for p in diff.patients_moved if p not in names), user)
            )
            context.update(
                added=[describe(s, type_names) for s in diff.added],
                removed=[describe(s, type_names) for s in diff.removed],
                moved=[(describe(a, type_names), describe(b, type_names)) for a, b in diff.moved],
                rooms=[
                    (
                        describe(a, type_names),
                        names.get(a.get("room", ""), ""),
                        names.get(b.get("room", ""), ""),
                        ", ".join(
                            names.get(c, c)
                            for c in b.get("facilitators") or [b.get("clinician") or ""]
                            if c
                        ),
                    )
                    for a, b in diff.rooms
                ],
                kept=diff.unchanged,
                patients_moved=sorted(str(names.get(p, p)) for p in diff.patients_moved),
            )
        # The solver checks its week as it makes it: no need to re-check the rules here.
        unmet = unmet_reasons(run.instance, run.solution, check_rules=False)
        notes = run.stats.get("notes", {})
        context.update(
            unmet=sorted(
                (names.get(p, p), reasons + notes.get(p, [])) for p, reasons in unmet.items()
            ),
            default_plans=sorted(names.get(p, p) for p in run.default_plans),
            placed=_placed(run, names, sites),
            sessions=len(run.solution.get("sessions", [])),
            appointments=len(run.solution.get("appointments", [])),
        )
        if run.status == RunStatus.DONE and not week_over:
            # Said before the coordinator presses Publish, not only after (run_publish refuses).
            context["out_of_date"] = services.run_changes(run, published_week=current)
            span = settings.TRELLIS["SCHEDULE_PUBLISH_WEEKS"]
            context["publish_weeks"] = span
            # Cancellations of the week stay on their date when it is published, so the
            # preview's plans met are not the week's: say which (Plans not met counts them).
            said = selectors.cancellations_by_patient(sites, run.week_start).values()
            context["cancelled_here"] = sorted({text for texts in said for text in texts})
            # A week published after a gap leaves the weeks between empty: say so before.
            ends = selectors.schedule_ends(sites)
            until = max(ends.values(), default=None)  # selectors.published_until
            if until is not None:
                empty = monday_of(until) + datetime.timedelta(weeks=1)  # the first empty week
                if today < empty + datetime.timedelta(weeks=1) and empty < run.week_start:
                    context["gap_from"] = empty
            # A week inside the published schedule may be published on its own ("this week
            # only"), as for a week someone is away, so the weeks after keep theirs.
            sunday = run.week_start + datetime.timedelta(days=6)
            context["once_allowed"] = span > 1 and not services.sites_not_covered(
                sites, run.week_start, ends
            )
            staff = list(
                selectors.staff_by_name(
                    User.objects.filter(
                        role=Role.CLINICIAN, staff_profile__sites__in=sites
                    ).distinct()
                )
            )
            away = selectors.staff_away(staff, run.week_start, sunday)
            context["away_here"] = [(p, away[p.pk]) for p in staff if p.pk in away]
            # A week that has begun is published from today on (nothing is written in the past).
            if today > run.week_start:
                context["publish_from"], context["publish_until"] = weeks.published_span(
                    run.week_start, span, today
                )
    named: set[str] = set()
    if run.solution:
        named = set(run.default_plans) | set(unmet) | set(diff.patients_moved if current else ())
    if run.status == RunStatus.PUBLISHED:
        # Publishing it, not a later continuation of it (which links the run too).
        publication = (
            run.publications.exclude(source="extension")
            .select_related("published_by")
            .order_by("created_at")
            .first()
        )
        context["publication"] = publication
        if publication is not None and publication.dropped:
            context["dropped_lines"] = selectors.dropped_lines(publication, user)
            named |= selectors.named_in_dropped(publication)
    # Each patient the page names is an audit event (those outside the user's list are not
    # named: "A patient outside your sites").
    _audit_named(user, run, named, "Run preview")
    return render(request, "scheduling/run.html", context)


def _error_text(user: User, run: ScheduleRun) -> str:
    """The run's failure as ``user`` may read it (a pinned booking's rule can name a
    patient)."""
    return _named(user, run, run.error, "Run failure") if run.error else ""


def _named(user: User, run: ScheduleRun, text: str, what: str) -> str:
    """``text`` with its patient references named as ``user`` may call them, each patient so
    named audited as read."""
    _audit_named(user, run, set(PATIENT_REF.findall(text)), what)
    return selectors.named_refs([text], user)[0]


def _audit_named(user: User, run: ScheduleRun, refs: set[str], what: str) -> None:
    """One VIEW event per patient of ``refs`` (public ids) in the user's list, about the run:
    "Run preview, week of …"."""
    if refs:
        audit_viewed(
            actor=user,
            patients=patients_visible_to(user).filter(public_id__in=public_ids(refs)),
            obj=run,
            summary=f"{what}, week of {run.week_start}",
        )


def _placed(
    run: ScheduleRun, names: dict[str, str], sites: list[Site]
) -> list[tuple[str, str, str]]:
    """(clinician, the site the run schedules them at, the run's other sites of theirs)."""
    site_names = {s.code: s.name for s in sites}
    return sorted(
        (
            names.get(cid, cid),
            site_names.get(code, code),
            ", ".join(site_names.get(c, c) for c in others),
        )
        for cid, code, others in run.stats.get("placed", [])
    )


@require_POST
def run_stop(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    user = coordinator(request)
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
    user = coordinator(request)
    run = selectors.run_for(user, public_id)
    # "Publish this week only" says so in a field of its own (`only=week`), so that a publish
    # span of one week is still an ordinary publication.
    only = request.POST.get("only", "")
    if only not in ("", "week"):
        return HttpResponseBadRequest("only is empty or 'week'")
    try:
        publication = services.run_publish(actor=user, run=run, this_week_only=only == "week")
    except TrellisError as error:
        messages.error(request, _named(user, run, str(error), "Run not published"))
        return redirect("scheduling:run", run.public_id)
    messages.success(
        request,
        _("Published: %(s)s sessions and %(a)s appointments over %(w)s.")
        % {
            "s": publication.sessions_created,
            "a": publication.appointments_created,
            "w": publication.span,
        },
    )
    if publication.dropped:
        messages.warning(request, _dropped_message(publication, user))
        _audit_named(user, run, selectors.named_in_dropped(publication), "Run published")
    first = next(iter(run.sites.all()))
    return redirect(
        f"{reverse('scheduling:week')}?view=site&key={first.code}&week={run.week_start}"
    )


def _dropped_message(publication: Publication, user: User) -> str:
    """How many bookings publishing left out, and which, in plain words; patients as the user
    may call them."""
    n = publication.dropped_count
    listed = "; ".join(selectors.dropped_lines(publication, user))
    return ngettext(
        "%(n)s booking was left out: %(l)s.", "%(n)s bookings were left out: %(l)s.", n
    ) % {"n": n, "l": listed}
