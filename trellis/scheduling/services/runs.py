"""Schedule runs: create (one unfinished run per week and site), stop, and the background
solve with progress. Publishing a run is in publishing.py.

Each service is one transaction and writes its own audit event.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import re
import threading
import uuid
from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.db import DatabaseError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from trellis.accounts.models import User
from trellis.audit.models import AuditAction
from trellis.audit.services import audit_record
from trellis.core.errors import NotPermitted, ValidationFailed
from trellis.organization.models import Site

from ..instance_builder import BuiltInstance, build_instance, public_ids
from ..models import (
    Appointment,
    GroupSession,
    Publication,
    RunStatus,
    ScheduleRun,
)
from ..review import patient_ref
from ..rules import booking_people, violations
from ..selectors import coordinated_sites, names_for, week_as_format
from ..weeks import check_week
from .locks import lock_sites
from .notices import booking_title

PROGRESS_EVERY = 0.5  # seconds between progress writes


def add_minutes(start: datetime.time, minutes: int) -> datetime.time:
    total = start.hour * 60 + start.minute + minutes
    if total >= 24 * 60:
        raise ValidationFailed(_("A booking must end before midnight."))
    return datetime.time(total // 60, total % 60)


def check_coordinates(actor: User | None, sites: Iterable[Site]) -> None:
    """NotPermitted unless ``actor`` coordinates every one of ``sites`` (no actor: the system).

    A run or a publication of several sites is started, stopped and published only by someone
    who coordinates all of them: its preview names every site's patients, and publishing
    rewrites every site's weeks."""
    if actor is None:
        return
    mine = set(coordinated_sites(actor).values_list("pk", flat=True))
    outside = sorted(site.name for site in sites if site.pk not in mine)
    if outside:
        raise NotPermitted(
            _("You do not coordinate the schedule of %(s)s.") % {"s": ", ".join(outside)}
        )


# --- runs ---------------------------------------------------------------------------------------
@transaction.atomic
def run_create(
    *, actor: User | None, sites: Sequence[Site], week_start: datetime.date, time_limit: int
) -> ScheduleRun:
    """A queued run holding the week's instance (built now, so the run solves what it showed).

    The week is a Monday inside the schedule's range (``weeks.WEEKS_BACK`` to
    ``weeks.WEEKS_AHEAD``); otherwise ``WeekOutOfRange``."""
    if not sites:
        raise ValidationFailed(_("Choose at least one site."))
    check_coordinates(actor, sites)
    if week_start.weekday() != 0:
        raise ValidationFailed(_("A schedule week starts on a Monday."))
    check_week(week_start)  # WeekOutOfRange names the range
    limit = settings.TRELLIS["SCHEDULE_MAX_TIME_LIMIT"]
    if not 1 <= time_limit <= limit:
        raise ValidationFailed(_("The time limit is between 1 and %(n)s seconds.") % {"n": limit})
    _one_run_at_a_time(actor, sites, week_start)
    built = build_instance(sites, week_start)
    run = ScheduleRun.objects.create(
        week_start=week_start,
        time_limit=time_limit,
        instance=built.instance,
        default_plans=built.default_plans,
        patients=len(built.instance["patients"]),
        created_by=actor,
        stats={"notes": built.notes, "placed": built.placed, **_shaping(built)},
    )
    run.sites.set(sites)
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=run,
        summary=f"Schedule run for the week of {week_start} "
        f"({', '.join(s.code for s in sites)}; {len(built.instance['patients'])} patients)",
    )
    return run


class RunAlreadyActive(ValidationFailed):
    """A run of the same week and a shared site is still queued or running (``run``)."""

    def __init__(self, run: ScheduleRun) -> None:
        self.run = run
        started = timezone.localtime(run.created_at).strftime("%H:%M")
        if run.created_by is not None:
            started = _("%(t)s by %(who)s") % {"t": started, "who": run.created_by.display_name}
        super().__init__(
            _(
                "A run of the week of %(week)s for %(sites)s is already running (started at "
                "%(started)s). Wait for it to finish, then publish it or run the week again."
            )
            % {
                "week": date_format(run.week_start),
                "sites": ", ".join(s.name for s in run.sites.all()),
                "started": started,
            }
        )


def _one_run_at_a_time(
    actor: User | None, sites: Sequence[Site], week_start: datetime.date
) -> None:
    """At most one unfinished run per week and site: two would race to be published, and the
    second would be out of date the moment the first was. A stale run (its worker stopped, see
    ``ScheduleRun.deadline``) is marked failed here instead of blocking the week for good.

    The sites' rows are locked first, so on PostgreSQL two coordinators starting the same week
    at once are served one after the other and the second is told about the first."""
    lock_sites(sites)
    unfinished = list(
        ScheduleRun.objects.filter(
            week_start=week_start,
            status__in=(RunStatus.QUEUED, RunStatus.RUNNING),
            sites__in=sites,
        )
        .distinct()
        .select_related("created_by")
        .prefetch_related("sites")
        .order_by("created_at")
    )
    for run in unfinished:
        if not run.is_stale:
            raise RunAlreadyActive(run)
    for run in unfinished:
        _stop_stale(actor, run)


def _stop_stale(actor: User | None, run: ScheduleRun) -> None:
    error = _(
        "Stopped without a result: the run had not finished %(m)s minutes after its time limit "
        "(its worker stopped or was restarted). Run the week again."
    ) % {"m": settings.TRELLIS["SCHEDULE_RUN_STALE_AFTER"] // 60}
    ScheduleRun.objects.filter(pk=run.pk, status=run.status).update(
        status=RunStatus.STOPPED, error=error, stage="", finished_at=timezone.now()
    )
    audit_record(
        actor=actor,
        action=AuditAction.TRANSITION,
        obj=run,
        summary=f"Schedule run for the week of {run.week_start} marked stopped: no result "
        f"by {timezone.localtime(run.deadline):%Y-%m-%d %H:%M}",
    )


class RunNotActive(ValidationFailed):
    """Stop was asked of a run that is no longer queued or running."""


@transaction.atomic
def run_stop(*, actor: User, run: ScheduleRun) -> ScheduleRun:
    """Stop a run. A queued run is stopped before it starts. A running one is asked to stop:
    its worker ends the search within a few seconds (between timetable steps, or at the next
    better week), polishes the best week found so far and finishes it as usual (``run_execute``),
    so it can be previewed and published. A stale run is marked stopped."""
    check_coordinates(actor, run.sites.all())
    locked = ScheduleRun.objects.select_for_update().get(pk=run.pk)
    if not locked.is_active:
        if locked.is_stale:
            _stop_stale(actor, locked)
            locked.refresh_from_db()
            return locked
        raise RunNotActive(_("This run has already finished."))
    now = timezone.now()
    if locked.stop_requested_at is not None:
        return locked  # asked already: the worker is finishing it
    locked.stop_requested_at = now
    locked.stop_requested_by = actor
    fields = ["stop_requested_at", "stop_requested_by", "updated_at"]
    if locked.status == RunStatus.QUEUED:
        locked.status = RunStatus.STOPPED
        locked.error = _("Stopped before it started.")
        locked.finished_at = now
        fields += ["status", "error", "finished_at"]
    locked.save(update_fields=fields)
    audit_record(
        actor=actor,
        action=AuditAction.TRANSITION,
        obj=locked,
        summary=f"Schedule run for the week of {locked.week_start} stopped"
        + (" before it started" if locked.status == RunStatus.STOPPED else " (search ended early)"),
    )
    return locked


class RunOutOfDate(ValidationFailed):
    """What a run was built from (the instance, or the published week it repaired) changed."""


def fingerprint(data: Any) -> str:
    """A hash of JSON-like data that does not depend on the order of keys."""
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def _week_fingerprint(week: dict[str, Any]) -> str:
    return fingerprint([week.get("sessions", []), week.get("appointments", [])])


def _published_week(run: ScheduleRun) -> dict[str, Any]:
    """The currently published week as it repeats, for repair mode: pinned bookings stay,
    others move little. A booking cancelled on one date is part of it (the weeks after keep
    it); publishing leaves it cancelled on its date."""
    return week_as_format(
        list(run.sites.all()),
        run.week_start,
        instance_name=run.instance.get("name", ""),
        pattern=True,
    )


_PARTS = (
    ("sites", gettext_noop("the sites' opening hours changed")),
    ("rooms", gettext_noop("the rooms in use changed")),
    ("clinicians", gettext_noop("clinicians' availability, competencies or weekly limits changed")),
    ("group_types", gettext_noop("the group catalogue changed")),
)


def _normal(key: str, part: Any) -> Any:
    """A part of an instance as compared: a group type's competencies and populations are sets,
    so saving a type unchanged (which sorts them) changes nothing."""
    if key != "group_types" or not isinstance(part, list):
        return part
    return [
        {
            **t,
            "requires": sorted(t.get("requires", [])),
            "populations": sorted(t.get("populations", [])),
        }
        for t in part
    ]


# What a run's stats keep of its instance as built (run_create), carried over when it is solved.
_SHAPING = ("clinicians_own", "elsewhere")
_BUILT_STATS = ("notes", "placed", *_SHAPING)


def _shaping(built: BuiltInstance) -> dict[str, str]:
    """Fingerprints of what shapes the clinicians' entries: their own data, and their bookings
    at sites outside the run (kept in the run's stats for ``run_changes``)."""
    return {
        "clinicians_own": fingerprint(sorted(built.clinicians_own, key=lambda c: c["id"])),
        "elsewhere": fingerprint(sorted(built.held_elsewhere)),
    }


def _works_elsewhere(instance: dict[str, Any]) -> bool:
    """Whether a clinician of the instance also works at a site outside it (their bookings
    there shape their entry: ``elsewhere.py``). One query."""
    codes = [s.get("id") for s in instance.get("sites", [])]
    ids = public_ids(c.get("id") for c in instance.get("clinicians", []))
    return Site.objects.filter(staff__user__public_id__in=ids).exclude(code__in=codes).exists()


def instance_changes(
    then: dict[str, Any], built: BuiltInstance, shaped: dict[str, str] | None = None
) -> list[str]:
    """What differs, in plain words, between an instance made earlier (``then``) and the one
    built now: patients gone, admitted or changed, and each part (``_PARTS``). ``shaped``: the
    fingerprints a run kept of its clinicians' own data and of their bookings elsewhere
    (``_shaping``), to say which of the two changed."""
    shaped = shaped or {}
    now = built.instance
    changes: list[str] = []
    before = {p["id"]: p for p in then.get("patients", [])}
    after = {p["id"]: p for p in now.get("patients", [])}
    left, joined = len(before.keys() - after.keys()), len(after.keys() - before.keys())
    if left:
        changes.append(
            ngettext(
                "%(n)s patient is no longer in treatment here (discharged, on hold or moved)",
                "%(n)s patients are no longer in treatment here (discharged, on hold or moved)",
                left,
            )
            % {"n": left}
        )
    if joined:
        changes.append(
            ngettext("%(n)s patient was admitted", "%(n)s patients were admitted", joined)
            % {"n": joined}
        )
    edited = sum(
        1 for p in before.keys() & after.keys() if fingerprint(before[p]) != fingerprint(after[p])
    )
    if edited:
        changes.append(
            ngettext(
                "%(n)s patient's availability or plan changed",
                "%(n)s patients' availability or plans changed",
                edited,
            )
            % {"n": edited}
        )
    for key, words in _PARTS:
        if key == "clinicians" and len(shaped) == len(_SHAPING):
            # The clinicians' entries hold their bookings at other sites too: say which changed.
            current = _shaping(built)
            if current["clinicians_own"] != shaped["clinicians_own"]:
                changes.append(_(words))
            if current["elsewhere"] != shaped["elsewhere"]:
                changes.append(_("a clinician's bookings at another of their sites changed"))
            continue
        if fingerprint(_normal(key, then.get(key))) != fingerprint(_normal(key, now.get(key))):
            if key == "clinicians" and _works_elsewhere(now):
                # Without a run's fingerprints (an exported file) the two cannot be told apart.
                changes.append(
                    _(
                        "clinicians' availability, competencies, weekly limits or bookings at "
                        "their other sites changed"
                    )
                )
            else:
                changes.append(_(words))
    return changes


def run_changes(run: ScheduleRun, published_week: dict[str, Any] | None = None) -> list[str]:
    """What changed since the run was built and solved, in plain words; empty when current.

    The instance is built again now and compared, part by part, with the one the run solved;
    the published week is compared with the one the run was given as last week (its hash is
    kept in ``stats``), and a publication of these sites covering the week after the run
    finished is named. ``published_week`` is that week as it repeats
    (``week_as_format(..., pattern=True)``), when the caller has already built it.
    """
    sites = list(run.sites.all())
    built = build_instance(sites, run.week_start)
    shaped = {k: run.stats[k] for k in _SHAPING if k in run.stats}
    changes = instance_changes(run.instance, built, shaped)
    since = run.finished_at or run.created_at
    newer = [
        p
        for p in Publication.objects.filter(created_at__gt=since, run__sites__in=sites)
        .exclude(run=run)
        .distinct()
        if p.week_start <= run.week_start < p.week_start + datetime.timedelta(weeks=p.weeks)
    ]
    stored = run.stats.get("published_fingerprint")
    if newer:
        changes.append(
            _("another run was published for this week at %(t)s")
            % {"t": timezone.localtime(newer[0].created_at).strftime("%Y-%m-%d %H:%M")}
        )
    elif stored is not None and stored != _week_fingerprint(
        published_week if published_week is not None else _published_week(run)
    ):
        changes.append(_("the published week changed (a booking was moved, pinned or added)"))
    return changes


def _write_progress(run: ScheduleRun, p: Any) -> None:
    ScheduleRun.objects.filter(pk=run.pk, status=RunStatus.RUNNING).update(
        plans_met=p.plans_met,
        # Until every site has proven its bound (and always in repair) the solver's figure is
        # only the patient count: no bound is kept rather than a misleading gap.
        bound=p.bound if p.bound_proven else None,
        patients=p.patients,
        seconds=round(p.seconds, 1),
        stage=f"{p.site} {p.stage}"[:40],
    )


class _Relay:
    """What the solver's threads hand to the job's thread, which alone uses the database.

    The solver reports progress from CP-SAT's threads and asks ``should_stop`` from a thread
    of its own. Had they queried the database themselves, each thread would have opened its
    own connection (a new one per CP-SAT callback, whose Python thread state lives only for
    the call), and on SQLite found the database locked by the job's writes."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._latest: Any = None
        self.stop = threading.Event()

    def progress(self, p: Any) -> None:
        with self._lock:
            self._latest = p

    def put_back(self, p: Any) -> None:
        """A report that could not be written, unless a newer one came meanwhile."""
        with self._lock:
            if self._latest is None:
                self._latest = p

    def take(self) -> Any:
        with self._lock:
            latest, self._latest = self._latest, None
        return latest


def _relay_once(run: ScheduleRun, relay: _Relay) -> None:
    """Write the solver's latest progress, and pass on a Stop asked for since (best effort:
    SQLite may be locked for a moment; the next round, half a second on, tries again)."""
    latest = relay.take()
    try:
        if latest is not None:
            _write_progress(run, latest)
        if not relay.stop.is_set() and _stop_requested(run):
            relay.stop.set()
    except DatabaseError:
        relay.put_back(latest)


def _stop_requested(run: ScheduleRun) -> bool:
    return ScheduleRun.objects.filter(pk=run.pk, stop_requested_at__isnull=False).exists()


def run_execute(run_id: uuid.UUID | str) -> None:
    """Solve the run's instance, writing progress to its row (the background task's body).

    The solve runs in a thread of its own; this thread writes its progress every
    PROGRESS_EVERY seconds, reads a coordinator's Stop from the row and writes the result."""
    run = ScheduleRun.objects.get(public_id=run_id)
    # Claimed in one update: a run that a second worker, or a new run finding it stale, has
    # already taken is left alone.
    if not ScheduleRun.objects.filter(pk=run.pk, status=RunStatus.QUEUED).update(
        status=RunStatus.RUNNING
    ):
        return
    # Every later write is for a run still running: one marked stale meanwhile keeps its error.
    mine = ScheduleRun.objects.filter(pk=run.pk, status=RunStatus.RUNNING)
    try:
        _execute(run, mine)
    except Exception:
        # Anything unforeseen fails the run at once (the job's log has the traceback) rather
        # than leaving it "running", its week blocked, until it is found stale.
        mine.update(status=RunStatus.FAILED, error=UNEXPECTED, finished_at=timezone.now())
        raise


UNEXPECTED = gettext_noop(
    "The run stopped on an unexpected error, recorded for the administrators. Run the week "
    "again; if it fails again, tell them."
)


def _execute(run: ScheduleRun, mine: QuerySet[ScheduleRun]) -> None:
    from ..solver import SchedulingError, solve

    current = _published_week(run)
    # Publishing compares this with the week then: a hand move or another publication since
    # makes the run out of date.
    published = _week_fingerprint(current)
    previous = current if current["sessions"] or current["appointments"] else None
    relay = _Relay()
    outcome: dict[str, Any] = {}

    def work() -> None:
        try:
            outcome["solution"] = solve(
                run.instance,
                time_limit=run.time_limit,
                previous=previous,
                on_progress=relay.progress,
                should_stop=relay.stop.is_set,
            )
        except BaseException as error:  # re-raised in the job's thread below
            outcome["error"] = error

    solving = threading.Thread(target=work, name="trellis-solve", daemon=True)
    solving.start()
    while True:
        solving.join(PROGRESS_EVERY)
        if not solving.is_alive():
            break
        _relay_once(run, relay)
    error = outcome.get("error")
    if isinstance(error, SchedulingError):
        words = _failure_words(run, str(error), current)
        mine.update(status=RunStatus.FAILED, error=words, finished_at=timezone.now())
        return
    if error is not None:
        raise error
    solution = outcome["solution"]
    stats = dict(solution.get("stats", {}))
    stats.update({k: run.stats[k] for k in _BUILT_STATS if k in run.stats})
    stats["published_fingerprint"] = published
    mine.update(
        status=RunStatus.DONE,
        solution=solution,
        stats=stats,
        plans_met=stats.get("plans_met"),
        bound=stats.get("proven_bound") if stats.get("bound_proven") else None,
        patients=stats.get("patients"),
        seconds=round(float(stats.get("seconds", 0)), 1),
        stage="",
        finished_at=timezone.now(),
    )


_PINNED = re.compile(r"^pinned booking '([0-9a-f-]{36})' breaks a hard rule in this instance$")


def _failure_words(run: ScheduleRun, text: str, week: dict[str, Any]) -> str:
    """A failed run's message as a coordinator can act on it: a pinned booking that breaks a
    rule of the week (the solver names it by id) is named as the week views name it, with the
    rule in the words of a hand edit. Its patients are kept as references
    (``review.patient_ref``), named when the page is shown, as for whoever looks."""
    match = _PINNED.match(text)
    if match is None:
        return text
    booking: GroupSession | Appointment | None = (
        GroupSession.objects.filter(public_id=match[1]).select_related("group_type").first()
        or Appointment.objects.filter(public_id=match[1]).first()
    )
    if booking is None:
        return text
    values = {
        "what": booking_title(booking),
        "when": f"{date_format(booking.date, 'D j M')} {booking.start:%H:%M}",
        "why": _pinned_rule(run, week, match[1]),
    }
    if values["why"]:
        return (
            _(
                "The pinned %(what)s of %(when)s breaks a rule of this week, so the week cannot "
                "be made around it: %(why)s Change or unpin the booking, then run the week again."
            )
            % values
        )
    return (
        _(
            "The pinned %(what)s of %(when)s breaks a rule of this week, so the week cannot be "
            "made around it. Plans not met names the rule; change or unpin the booking, then run "
            "the week again."
        )
        % values
    )


def _pinned_rule(run: ScheduleRun, week: dict[str, Any], ident: str) -> str:
    """The rules the pinned booking ``ident`` of ``week`` breaks, as a hand edit is told them
    (the instance built for checking, which names bookings at other sites and days away)."""
    bookings = [*week.get("sessions", []), *week.get("appointments", [])]
    pinned = next((b for b in bookings if b.get("id") == ident), None)
    if pinned is None:
        return ""
    instance = build_instance(list(run.sites.all()), run.week_start, checking=True).instance
    names = names_for({**instance, "patients": []})
    for b in bookings:
        names.update((p, patient_ref(p)) for p in booking_people(b)[1])
    return " ".join(violations(instance, bookings, pinned, names, existing=True))
