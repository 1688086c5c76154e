"""Schedule runs (background solve with progress) and publishing a solution as bookings.

Each service is one transaction and writes its own audit event.
"""

from __future__ import annotations

import datetime
import time
import uuid
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from trellis.accounts.models import DAY_CODES, User
from trellis.audit.models import AuditAction
from trellis.audit.services import audit_record
from trellis.core.errors import ValidationFailed
from trellis.organization.models import Site

from .. import rules
from ..instance_builder import IdMap, build_instance
from ..models import (
    Appointment,
    BookingStatus,
    GroupSession,
    GroupSessionPatient,
    Publication,
    RunStatus,
    ScheduleRun,
)
from ..selectors import week_as_format
from ..weeks import check_week

PROGRESS_EVERY = 0.5  # seconds between progress writes


def add_minutes(start: datetime.time, minutes: int) -> datetime.time:
    total = start.hour * 60 + start.minute + minutes
    if total >= 24 * 60:
        raise ValidationFailed(_("A booking must end before midnight."))
    return datetime.time(total // 60, total % 60)


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
    if week_start.weekday() != 0:
        raise ValidationFailed(_("A schedule week starts on a Monday."))
    check_week(week_start)  # WeekOutOfRange names the range
    limit = settings.TRELLIS["SCHEDULE_MAX_TIME_LIMIT"]
    if not 1 <= time_limit <= limit:
        raise ValidationFailed(_("The time limit is between 1 and %(n)s seconds.") % {"n": limit})
    built = build_instance(sites, week_start)
    run = ScheduleRun.objects.create(
        week_start=week_start,
        time_limit=time_limit,
        instance=built.instance,
        default_plans=built.default_plans,
        patients=len(built.instance["patients"]),
        created_by=actor,
        stats={"notes": built.notes},
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


def _previous_week(run: ScheduleRun) -> dict[str, Any] | None:
    """The currently published week, for repair mode: pinned bookings stay, others move little."""
    current = week_as_format(
        list(run.sites.all()), run.week_start, instance_name=run.instance.get("name", "")
    )
    if not current["sessions"] and not current["appointments"]:
        return None
    return current


def run_execute(run_id: uuid.UUID | str) -> None:
    """Solve the run's instance, writing progress to its row (the background task's body)."""
    from ..solver import SchedulingError, solve

    run = ScheduleRun.objects.get(public_id=run_id)
    if run.status != RunStatus.QUEUED:
        return
    ScheduleRun.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING)
    last = [0.0]

    def progress(p: Any) -> None:
        now = time.monotonic()
        if now - last[0] < PROGRESS_EVERY:
            return
        last[0] = now
        ScheduleRun.objects.filter(pk=run.pk).update(
            plans_met=p.plans_met,
            bound=p.bound,
            patients=p.patients,
            seconds=round(p.seconds, 1),
            stage=f"{p.site} {p.stage}"[:40],
        )

    try:
        previous = _previous_week(run)
        solution = solve(
            run.instance,
            time_limit=run.time_limit,
            previous=previous,
            on_progress=progress,
        )
    except SchedulingError as error:
        ScheduleRun.objects.filter(pk=run.pk).update(
            status=RunStatus.FAILED, error=str(error), finished_at=timezone.now()
        )
        return
    stats = dict(solution.get("stats", {}))
    stats["notes"] = run.stats.get("notes", {})
    ScheduleRun.objects.filter(pk=run.pk).update(
        status=RunStatus.DONE,
        solution=solution,
        stats=stats,
        plans_met=stats.get("plans_met"),
        bound=stats.get("proven_bound"),
        patients=stats.get("patients"),
        seconds=round(float(stats.get("seconds", 0)), 1),
        stage="",
        finished_at=timezone.now(),
    )


# --- publishing -------------------------------------------------------------------------------
def _date(week_start: datetime.date, week: int, day: str) -> datetime.date:
    return week_start + datetime.timedelta(weeks=week, days=DAY_CODES.index(day))


def _overlaps(
    kept: list[tuple[datetime.date, datetime.time, datetime.time, set[str]]],
    day: datetime.date,
    start: datetime.time,
    end: datetime.time,
    things: set[str],
) -> bool:
    return any(d == day and s < end and start < e and (t & things) for d, s, e, t in kept)


@transaction.atomic
def solution_publish(
    *,
    actor: User | None,
    instance: dict[str, Any],
    solution: dict[str, Any],
    weeks: int | None = None,
    run: ScheduleRun | None = None,
    source: str = "run",
) -> Publication:
    """Create the week's sessions and appointments for ``weeks`` weeks from the instance's week.

    The week repeats weekly until changed: every unpinned scheduled booking of the instance's
    sites from the publish week on (and not before today) is replaced; pinned bookings stay, and
    a new booking that would share a room or a person with a kept pinned one is left out. A
    pinned booking of the solution stays as it is on its own date and is repeated, unpinned,
    in the following weeks like every other booking of the week.
    """
    from ..solver import SchedulingError, parse_instance, parse_schedule

    try:
        parsed = parse_instance(instance)
        parse_schedule(solution, parsed)
    except SchedulingError as error:
        raise ValidationFailed(
            _("The solution cannot be published: %(e)s") % {"e": error}
        ) from None
    except (TypeError, KeyError) as error:
        raise ValidationFailed(
            _("The solution cannot be published: missing %(e)s") % {"e": error}
        ) from None
    try:
        week_start = datetime.date.fromisoformat(instance.get("week_start", ""))
    except ValueError:
        raise ValidationFailed(_("The instance names no week_start date.")) from None
    if week_start.weekday() != 0:
        raise ValidationFailed(_("The instance's week_start is not a Monday."))
    weeks = weeks or settings.TRELLIS["SCHEDULE_PUBLISH_WEEKS"]
    ids = IdMap.for_instance(instance)
    missing = [s["id"] for s in instance.get("sites", []) if s["id"] not in ids.sites]
    if missing:
        raise ValidationFailed(_("Unknown sites: %(s)s") % {"s": ", ".join(missing)})
    _publishable(instance, solution, ids)
    sites = list(ids.sites.values())
    today = timezone.localdate()
    first = max(week_start, today)
    last_day = week_start + datetime.timedelta(weeks=weeks) - datetime.timedelta(days=1)

    session_rows = GroupSession.objects.filter(
        site__in=sites, date__range=(first, last_day), status=BookingStatus.SCHEDULED
    )
    appointment_rows = Appointment.objects.filter(
        site__in=sites, date__range=(first, last_day), status=BookingStatus.SCHEDULED
    )
    replaced = session_rows.filter(pinned=False).count()
    replaced += appointment_rows.filter(pinned=False).count()
    session_rows.filter(pinned=False).delete()
    appointment_rows.filter(pinned=False).delete()
    kept: list[tuple[datetime.date, datetime.time, datetime.time, set[str]]] = []
    kept_ids: set[tuple[str, datetime.date]] = set()
    for s in session_rows.prefetch_related("facilitators", "members__patient"):
        things = {str(u.public_id) for u in s.facilitators.all()}
        things |= {str(m.patient.public_id) for m in s.members.all()}
        if s.room:
            things.add(str(s.room.public_id))
        kept.append((s.date, s.start, s.end, things))
        kept_ids.add((str(s.public_id), s.date))
    for a in appointment_rows.select_related("patient", "clinician", "room"):
        things = {str(a.patient.public_id), str(a.clinician.public_id)}
        if a.room:
            things.add(str(a.room.public_id))
        kept.append((a.date, a.start, a.end, things))
        kept_ids.add((str(a.public_id), a.date))

    sessions = appointments = 0
    for week in range(weeks):
        for s in solution.get("sessions", []):
            day = _date(week_start, week, s["day"])
            if day < today or (s["id"], day) in kept_ids:
                continue
            group_type = ids.group_types[s["type"]]
            start = datetime.time.fromisoformat(s["start"])
            end = add_minutes(start, group_type.minutes)
            things = {s["room"], *s["facilitators"], *s["patients"]}
            if _overlaps(kept, day, start, end, things):
                continue
            members = [(ids.patients.get(p), ids.episodes.get(p)) for p in s["patients"]]
            session = GroupSession.objects.create(
                group_type=group_type,
                site=ids.sites[s["site"]],
                room=ids.rooms.get(s["room"]),
                date=day,
                start=start,
                end=end,
            )
            session.facilitators.set([ids.clinicians[c] for c in s["facilitators"]])
            GroupSessionPatient.objects.bulk_create(
                GroupSessionPatient(session=session, patient=p, episode=e)
                for p, e in members
                if p is not None and e is not None
            )
            sessions += 1
        for a in solution.get("appointments", []):
            day = _date(week_start, week, a["day"])
            episode = ids.episodes.get(a["patient"])
            if day < today or episode is None or (a["id"], day) in kept_ids:
                continue
            start = datetime.time.fromisoformat(a["start"])
            end = add_minutes(start, int(a["minutes"]))
            things = {a["room"], a["clinician"], a["patient"]}
            if _overlaps(kept, day, start, end, things):
                continue
            Appointment.objects.create(
                kind=a["kind"],
                patient=ids.patients[a["patient"]],
                episode=episode,
                clinician=ids.clinicians[a["clinician"]],
                site=ids.sites[a["site"]],
                room=ids.rooms.get(a["room"]),
                date=day,
                start=start,
                end=end,
            )
            appointments += 1
    publication = Publication.objects.create(
        run=run,
        week_start=week_start,
        weeks=weeks,
        sessions_created=sessions,
        appointments_created=appointments,
        bookings_replaced=replaced,
        source=source,
        published_by=actor,
    )
    if run is not None:
        run.status = RunStatus.PUBLISHED
        run.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=publication,
        summary=f"Published the week of {week_start} for {weeks} weeks "
        f"({', '.join(ids.sites)}): {sessions} sessions, {appointments} appointments, "
        f"{replaced} replaced",
        changes={"run": str(run.public_id) if run else None, "source": source},
    )
    return publication


def _publishable(instance: dict[str, Any], solution: dict[str, Any], ids: IdMap) -> None:
    """Every reference resolves and no booking breaks a hard rule, or ValidationFailed."""
    bookings = [*solution.get("sessions", []), *solution.get("appointments", [])]
    for b in bookings:
        where = f"booking {b.get('id')!r}"
        people = [*b.get("facilitators", []), b.get("clinician")]
        if b.get("site") not in ids.sites:
            raise ValidationFailed(_("%(w)s: unknown site") % {"w": where})
        if b.get("room") not in ids.rooms:
            raise ValidationFailed(
                _("%(w)s: unknown room %(r)r") % {"w": where, "r": b.get("room")}
            )
        if "type" in b and b["type"] not in ids.group_types:
            raise ValidationFailed(_("%(w)s: unknown group type") % {"w": where})
        for person in people:
            if person is not None and person not in ids.clinicians:
                raise ValidationFailed(_("%(w)s: unknown clinician") % {"w": where})
    names = {**{k: str(v) for k, v in ids.rooms.items()}}
    names |= {k: u.display_name for k, u in ids.clinicians.items()}
    names |= {k: p.display_name for k, p in ids.patients.items()}
    for b in bookings:
        problems = rules.violations(instance, bookings, b, names)
        if problems:
            raise ValidationFailed(
                _("The solution cannot be published: booking %(b)s: %(p)s")
                % {"b": b.get("id"), "p": " ".join(problems)}
            )


def run_publish(*, actor: User, run: ScheduleRun, weeks: int | None = None) -> Publication:
    if run.status != RunStatus.DONE or not run.solution:
        raise ValidationFailed(_("Only a finished run that has not been published can be."))
    return solution_publish(
        actor=actor, instance=run.instance, solution=run.solution, weeks=weeks, run=run
    )


# --- pins and manual bookings -----------------------------------------------------------------
