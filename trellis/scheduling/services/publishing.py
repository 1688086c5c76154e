"""Publishing a solution: the week's sessions and appointments, dated, every week from its
Monday on (replacing unpinned bookings), and publishing a finished run.

Each service is one transaction and writes its own audit event.
"""

from __future__ import annotations

import datetime
import logging
import uuid
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from trellis.accounts.models import DAY_CODES, User
from trellis.audit.models import AuditAction
from trellis.audit.services import audit_record
from trellis.core.errors import TrellisError, ValidationFailed
from trellis.organization.models import Site

from ..elsewhere import bookings_elsewhere
from ..instance_builder import IdMap, monday_of
from ..models import (
    Appointment,
    BookingStatus,
    GroupSession,
    GroupSessionPatient,
    Publication,
    RunStatus,
    ScheduleRun,
)
from ..review import describe, patient_ref
from ..selectors import schedule_ends
from ..selectors.week import clock_minutes
from ..weeks import (
    WEEKS_AHEAD,
    begun,
    begun_rows,
    check_week,
    published_span,
    site_today,
    week_has_ended,
)
from . import notices
from .locks import lock_sites
from .publishable import publishable
from .runs import RunOutOfDate, add_minutes, check_coordinates, run_changes
from .weekly_minutes import WeeklyMinutes

logger = logging.getLogger(__name__)


def _begun(ids: IdMap, booking: dict[str, Any], day: datetime.date) -> bool:
    """A booking of today whose start has passed at its site is not written."""
    return begun(ids.sites[booking["site"]], day, datetime.time.fromisoformat(booking["start"]))


def _date(week_start: datetime.date, week: int, day: str) -> datetime.date:
    return week_start + datetime.timedelta(weeks=week, days=DAY_CODES.index(day))


Kept = tuple[datetime.date, datetime.time, datetime.time, set[str], str]


def _overlaps(
    kept: list[Kept],
    day: datetime.date,
    start: datetime.time,
    end: datetime.time,
    things: set[str],
) -> str | None:
    """The label of a kept (pinned) booking sharing a person or room at that time, if any."""
    return next(
        (label for d, s, e, t, label in kept if d == day and s < end and start < e and t & things),
        None,
    )


def _replaced_ids(
    sessions: QuerySet[GroupSession], appointments: QuerySet[Appointment]
) -> dict[tuple[object, ...], list[uuid.UUID]]:
    """Public ids of the unpinned bookings about to be replaced, by what a booking published
    again as it was repeats (site, type or kind, date, start, and a session's room or an
    appointment's patient): it keeps its id, which its calendar event's UID is made of, so a
    subscribed calendar updates the event it holds instead of deleting it and adding another
    (losing its alarms). Parallel sessions of a type keep theirs by room."""
    found: dict[tuple[object, ...], list[uuid.UUID]] = defaultdict(list)
    for *row, public_id in sessions.filter(pinned=False).values_list(
        "site_id", "group_type_id", "date", "start", "room_id", "public_id"
    ):
        found[("session", *row)].append(public_id)
    for *row, public_id in appointments.filter(pinned=False).values_list(
        "site_id", "kind", "patient_id", "date", "start", "public_id"
    ):
        found[("appointment", *row)].append(public_id)
    return found


def _same_id(
    reused: dict[tuple[object, ...], list[uuid.UUID]], key: tuple[object, ...]
) -> uuid.UUID:
    ids = reused.get(key)
    return ids.pop() if ids else uuid.uuid4()


@transaction.atomic
def solution_publish(
    *,
    actor: User | None,
    instance: dict[str, Any],
    solution: dict[str, Any],
    weeks: int | None = None,
    run: ScheduleRun | None = None,
    source: str = "run",
    today: datetime.date | None = None,
    from_week: int = 0,
    keep_begun: bool = True,
) -> Publication:
    """Create the week's sessions and appointments for ``weeks`` weeks from the instance's week.

    The week repeats weekly until changed: every unpinned scheduled booking of the instance's
    sites from the publish week on (and not before today) is replaced; pinned bookings stay, and
    a new booking that would share a room or a person with a kept pinned one is left out.
    Cancelled bookings stay as they are, and on a cancelled booking's date the solution's
    matching booking is left out (recorded as such), so a one-date cancellation survives. A
    pinned booking of the solution stays as it is on its own date and is repeated, unpinned,
    in the following weeks like every other booking of the week.

    ``today`` (default: the latest of the server's date and the sites' own, so that nothing a
    site has already held is replaced) is the first day written or replaced, and with
    ``keep_begun`` today's bookings that have begun at their site are kept and nothing is
    written at an hour of today that has passed. The demo program passes the Monday of its
    week and ``keep_begun=False``, so that its whole current week is published.

    The sites' rows are locked first (``lock_sites``): a second publication, a continuation
    or a hand edit of the same sites waits for this one and then sees what it wrote.

    ``from_week`` > 0 continues an earlier publication of the same solution
    (``schedule_extend``): only weeks ``from_week`` to ``weeks`` - 1 are written, nothing is
    replaced, and a booking that would share a room or a person with any booking already there
    is left out.
    """
    from ..solver import SchedulingError, parse_instance, parse_schedule

    for part in ("sessions", "appointments"):
        # A missing list would publish an empty part of the week over the bookings there.
        if not isinstance(solution.get(part), list):
            raise ValidationFailed(
                _("The solution cannot be published: it has no %(k)s list.") % {"k": part}
            )
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
    if source != "extension":
        check_week(week_start)
    weeks = weeks or settings.TRELLIS["SCHEDULE_PUBLISH_WEEKS"]
    # A continuation counts the weeks it writes: its publication's week recedes every week.
    if not 1 <= weeks - from_week <= WEEKS_AHEAD:
        raise ValidationFailed(
            _("A week is published for 1 to %(n)d weeks, not %(w)d.")
            % {"n": WEEKS_AHEAD, "w": weeks - from_week}
        )
    ids = IdMap.for_instance(instance)
    missing = [s["id"] for s in instance.get("sites", []) if s["id"] not in ids.sites]
    if missing:
        raise ValidationFailed(_("Unknown sites: %(s)s") % {"s": ", ".join(missing)})
    sites = list(ids.sites.values())
    lock_sites(sites)
    publishable(instance, solution, ids)
    today = today or max([timezone.localdate(), *(site_today(site) for site in sites)])
    extending = from_week > 0
    written_from = week_start + datetime.timedelta(weeks=from_week)
    first, last_day = published_span(week_start, weeks, today, from_week)
    if first > last_day and not extending:
        raise ValidationFailed(
            _("The weeks this would publish (to %(u)s) have passed: nothing is left to publish.")
            % {"u": date_format(last_day)}
        )

    session_rows = GroupSession.objects.filter(
        site__in=sites, date__range=(first, last_day), status=BookingStatus.SCHEDULED
    )
    appointment_rows = Appointment.objects.filter(
        site__in=sites, date__range=(first, last_day), status=BookingStatus.SCHEDULED
    )
    replaced = 0
    reused: dict[tuple[object, ...], list[uuid.UUID]] = {}
    held_before: notices.Held = {}
    ended: datetime.date | None = None
    if not extending:
        reused = _replaced_ids(session_rows, appointment_rows)
        # Patients whose bookings this changes are told in the portal (a continuation only
        # writes more of the same weeks: nobody is told).
        held_before = notices.held(sites, first, last_day)
        ended = max(schedule_ends(sites).values(), default=None)
        # What began earlier today stays, as the record; the rest unpinned is replaced.
        begun_here = begun_rows(sites) if keep_begun else Q(pk__in=[])
        gone = [
            rows.filter(pinned=False).exclude(begun_here)
            for rows in (session_rows, appointment_rows)
        ]
        replaced = sum(rows.count() for rows in gone)
        for rows in gone:
            rows.delete()
    clash_reason = _("clashes with %(b)s") if extending else _("clashes with the pinned %(b)s")
    kept: list[Kept] = []
    kept_ids: set[tuple[str, datetime.date]] = set()
    # The same booking already there (a pinned copy of the week's session, kept): the
    # solution's is not "left out", it is there. Sessions by type, start and room;
    # appointments by kind, patient and start.
    same: set[tuple[object, ...]] = set()
    week_minutes = WeeklyMinutes(ids.clinicians.values())  # each clinician's, week by week
    for s in session_rows.select_related("group_type").prefetch_related(
        "facilitators", "members__patient"
    ):
        things = {str(u.public_id) for u in s.facilitators.all()}
        things |= {str(m.patient.public_id) for m in s.members.all()}
        if s.room:
            things.add(str(s.room.public_id))
        kept.append((s.date, s.start, s.end, things, f"{s.group_type.name} {s.start:%H:%M}"))
        week_minutes.add(
            [str(u.public_id) for u in s.facilitators.all()],
            s.date,
            clock_minutes(s.start, s.end),
        )
        kept_ids.add((str(s.public_id), s.date))
        same.add(("session", s.date, s.start, s.group_type_id, s.room_id))
    for a in appointment_rows.select_related("patient", "clinician", "room"):
        things = {str(a.patient.public_id), str(a.clinician.public_id)}
        if a.room:
            things.add(str(a.room.public_id))
        label = f"{a.get_kind_display()} of {patient_ref(a.patient.public_id)} {a.start:%H:%M}"
        kept.append((a.date, a.start, a.end, things, label))
        week_minutes.add([str(a.clinician.public_id)], a.date, clock_minutes(a.start, a.end))
        kept_ids.add((str(a.public_id), a.date))
        same.add((a.kind, a.date, a.start, a.patient_id))

    # A clinician's bookings at sites outside these stay, and a booking here at the same time
    # is left out (the run's instance took them out of the clinician's time; they can have
    # changed since).
    elsewhere: list[Kept] = []
    for b in bookings_elsewhere(ids.clinicians.values(), sites, first, last_day):
        elsewhere.append((b.date, b.start, b.end, {str(b.clinician.public_id)}, b.words))
        week_minutes.add([str(b.clinician.public_id)], b.date, b.minutes)

    # A booking cancelled on one date stays cancelled there: the solution's booking that
    # matches it (a session of the type at that start, an appointment of the patient of that
    # kind at that start) is left out on that date, once per cancelled one.
    cancelled: dict[tuple[object, ...], list[str]] = {}
    for s in GroupSession.objects.filter(
        site__in=sites, date__range=(first, last_day), status=BookingStatus.CANCELLED
    ):
        key = ("session", s.site_id, s.group_type_id, s.date, s.start)
        cancelled.setdefault(key, []).append(s.cancel_reason)
    for a in Appointment.objects.filter(
        site__in=sites, date__range=(first, last_day), status=BookingStatus.CANCELLED
    ):
        key = (a.kind, a.site_id, a.patient_id, a.date, a.start)
        cancelled.setdefault(key, []).append(a.cancel_reason)

    def cancelled_there(key: tuple[object, ...]) -> str | None:
        reasons = cancelled.get(key)
        if not reasons:
            return None
        return _("cancelled on this date: %(why)s") % {"why": reasons.pop()}

    type_names = {t["id"]: t.get("name", t["id"]) for t in instance.get("group_types", [])}
    dropped: dict[tuple[str, str], dict[str, Any]] = {}

    def drop(booking: dict[str, Any], what: str, why: str, day: datetime.date) -> None:
        entry = dropped.setdefault((booking["id"], why), {"what": what, "why": why, "dates": []})
        entry["dates"].append(day.isoformat())

    def patient_name(pid: str) -> str:
        # Kept as a reference, named when shown, as the viewer may call them
        # (selectors.dropped_lines): a stored name would reach coordinators outside their list.
        patient = ids.patients.get(pid)
        return (
            patient_ref(patient.public_id)
            if patient is not None
            else _("a patient no longer listed")
        )

    sessions = appointments = 0
    for week in range(from_week, weeks):
        for s in solution.get("sessions", []):
            day = _date(week_start, week, s["day"])
            if day < today or (s["id"], day) in kept_ids or (keep_begun and _begun(ids, s, day)):
                continue
            group_type = ids.group_types[s["type"]]
            start = datetime.time.fromisoformat(s["start"])
            end = add_minutes(start, group_type.minutes)
            things = {s["room"], *s["facilitators"], *s["patients"]}
            what = describe(s, type_names)
            site = ids.sites[s["site"]]
            stays = cancelled_there(("session", site.pk, group_type.pk, day, start))
            if stays:
                drop(s, what, stays, day)
                continue
            room = ids.rooms.get(s["room"])
            if ("session", day, start, group_type.pk, room.pk if room else None) in same:
                continue
            clash = _overlaps(kept, day, start, end, things)
            if clash:
                drop(s, what, clash_reason % {"b": clash}, day)
                continue
            busy = _overlaps(elsewhere, day, start, end, things)
            busy = busy or week_minutes.past(s["facilitators"], day, group_type.minutes)
            if busy:
                drop(s, what, busy, day)
                continue
            week_minutes.add(s["facilitators"], day, group_type.minutes)
            members = [(ids.patients.get(p), ids.episodes.get(p)) for p in s["patients"]]
            for pid in s["patients"]:
                if ids.episodes.get(pid) is None:
                    why = _("%(p)s left out: no longer in treatment") % {"p": patient_name(pid)}
                    drop(s, what, why, day)
            session = GroupSession.objects.create(
                public_id=_same_id(
                    reused,
                    ("session", site.pk, group_type.pk, day, start, room.pk if room else None),
                ),
                group_type=group_type,
                site=site,
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
            if day < today or (a["id"], day) in kept_ids or (keep_begun and _begun(ids, a, day)):
                continue
            what = f"{describe(a, type_names)} ({patient_name(a['patient'])})"
            if episode is None:
                drop(a, what, _("no longer in treatment"), day)
                continue
            start = datetime.time.fromisoformat(a["start"])
            end = add_minutes(start, int(a["minutes"]))
            site = ids.sites[a["site"]]
            patient = ids.patients[a["patient"]]
            stays = cancelled_there((a["kind"], site.pk, patient.pk, day, start))
            if stays:
                drop(a, what, stays, day)
                continue
            if (a["kind"], day, start, patient.pk) in same:
                continue
            things = {a["room"], a["clinician"], a["patient"]}
            clash = _overlaps(kept, day, start, end, things)
            if clash:
                drop(a, what, clash_reason % {"b": clash}, day)
                continue
            busy = _overlaps(elsewhere, day, start, end, things)
            busy = busy or week_minutes.past([a["clinician"]], day, int(a["minutes"]))
            if busy:
                drop(a, what, busy, day)
                continue
            week_minutes.add([a["clinician"]], day, int(a["minutes"]))
            Appointment.objects.create(
                public_id=_same_id(
                    reused, ("appointment", site.pk, a["kind"], patient.pk, day, start)
                ),
                kind=a["kind"],
                patient=patient,
                episode=episode,
                clinician=ids.clinicians[a["clinician"]],
                site=site,
                room=ids.rooms.get(a["room"]),
                date=day,
                start=start,
                end=end,
            )
            appointments += 1
    if not extending:
        notices.week_changed(held_before, notices.held(sites, first, last_day), sites, ended)
    publication = Publication.objects.create(
        run=run,
        week_start=written_from,
        weeks=weeks - from_week,
        instance=instance,
        solution=solution,
        sites=sorted(ids.sites),
        sessions_created=sessions,
        appointments_created=appointments,
        bookings_replaced=replaced,
        source=source,
        published_by=actor,
        dropped=list(dropped.values()),
    )
    if run is not None and not extending:
        run.status = RunStatus.PUBLISHED
        run.save(update_fields=["status", "updated_at"])
    verb = f"Continued the week of {week_start} from" if extending else "Published the week of"
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=publication,
        summary=f"{verb} {written_from} for {publication.span} "
        f"({', '.join(ids.sites)}): {sessions} sessions, {appointments} appointments, "
        f"{replaced} replaced, {publication.dropped_count} left out",
        changes={
            "run": str(run.public_id) if run else None,
            "source": source,
            "dropped": publication.dropped_count,
        },
    )
    return publication


@transaction.atomic
def run_publish(
    *, actor: User, run: ScheduleRun, weeks: int | None = None, this_week_only: bool = False
) -> Publication:
    """Publish a finished run, unless what it was built from changed since (RunOutOfDate).

    Only someone who coordinates every site of the run may (NotPermitted). With
    ``this_week_only`` the run's week alone is replaced (a week someone is away), and only
    inside the published schedule (``ValidationFailed`` otherwise): its publication (source
    "week") is not what the schedule repeats, so the continuation passes over it."""
    check_coordinates(actor, run.sites.all())
    lock_sites(run.sites.all())
    locked = ScheduleRun.objects.select_for_update().get(pk=run.pk)  # Publish pressed twice
    if locked.status == RunStatus.PUBLISHED:
        raise ValidationFailed(_("This run has already been published."))
    if locked.status != RunStatus.DONE or not locked.solution:
        raise ValidationFailed(_("Only a finished run can be published; this one is not."))
    if week_has_ended(run.week_start):
        raise ValidationFailed(
            _(
                "The week of %(w)s has passed: a run of it is not published. Run this week or "
                "a later one."
            )
            % {"w": date_format(run.week_start)}
        )
    changes = run_changes(run)
    if changes:
        raise RunOutOfDate(
            _(
                "This run is out of date, so it was not published: %(c)s since it was made. "
                "Publishing it would undo or ignore that. Run the week again and publish the "
                "new run."
            )
            % {"c": "; ".join(changes)}
        )
    if this_week_only:
        short = sites_not_covered(list(run.sites.all()), run.week_start)
        if short:
            raise ValidationFailed(
                _(
                    "This week alone is published only inside the published schedule, so "
                    "that the weeks after it keep theirs; %(end)s. Run and publish a usual "
                    "week first (one without days away), then publish this week alone."
                )
                % {"end": "; ".join(short)}
            )
    return solution_publish(
        actor=actor,
        instance=locked.instance,
        solution=locked.solution,
        weeks=1 if this_week_only else weeks,
        run=run,
        source="week" if this_week_only else "run",
    )


def sites_not_covered(
    sites: list[Site],
    week_start: datetime.date,
    ends: dict[int, datetime.date] | None = None,
) -> list[str]:
    """For each of ``sites`` whose published schedule does not reach the end of the week of
    ``week_start``, in words: "nothing is published at Southside", "Northside's schedule ends
    on 31 Jan 2027". Empty when every site's does (a week alone may be published). ``ends``:
    ``selectors.schedule_ends(sites)``, when the caller has it already."""
    ends = schedule_ends(sites) if ends is None else ends
    sunday = week_start + datetime.timedelta(days=6)
    said = []
    for site in sorted(sites, key=lambda s: s.name):
        end = ends.get(site.pk)
        if end is None:
            said.append(_("nothing is published at %(site)s") % {"site": site.name})
        elif end < sunday:
            said.append(
                _("%(site)s's schedule ends on %(d)s") % {"site": site.name, "d": date_format(end)}
            )
    return said


def schedule_extend(
    *,
    actor: User | None = None,
    sites: Iterable[Site] | None = None,
    today: datetime.date | None = None,
    held: list[Publication] | None = None,
    failed: list[Publication] | None = None,
) -> list[Publication]:
    """Keep each site's published week repeating SCHEDULE_PUBLISH_WEEKS weeks ahead of today.

    For each site (of ``sites``; default every site) the newest publication holding it is
    continued, with the same solution, from the week after its last up to SCHEDULE_PUBLISH_WEEKS
    weeks from this week's Monday: nothing is replaced, a booking that would share a room or a
    person with one already there is left out, and so is a patient no longer in treatment
    (``solution_publish`` with ``from_week``). Each continuation is a Publication of source
    "extension", in its own transaction, audited. A publication is not continued when a newer
    one holds only some of its sites (it would write over their newer week), nor when it does
    not hold its week (published before publications kept it).

    With ``sites`` (a coordinator continuing their sites), a publication that also holds
    another site is not continued: it would write that site's weeks. The daily continuation
    (no ``sites``) or a coordinator of all its sites continues it; such publications, when
    they are due, are appended to ``held`` if it is given, so the page can say so. One that
    cannot be continued (its solution no longer publishable) is logged, appended to
    ``failed`` if given, and the others are still continued."""
    today = today or timezone.localdate()
    horizon = monday_of(today) + datetime.timedelta(
        weeks=settings.TRELLIS["SCHEDULE_PUBLISH_WEEKS"]
    )
    wanted = {site.code for site in (Site.objects.all() if sites is None else sites)}
    seen: set[str] = set()
    continued: list[Publication] = []
    for latest in Publication.objects.order_by("-created_at").only(
        "pk", "sites", "week_start", "weeks", "created_at", "source"
    ):
        if wanted <= seen:
            break  # every site's newest publication has been looked at; the rest are older
        if latest.source == "week":
            continue  # one week inside the schedule (someone away), not the week it repeats
        codes = set(latest.sites)
        superseded = codes & seen
        seen |= codes
        if not codes or superseded or not codes & wanted:
            continue
        end = latest.week_start + datetime.timedelta(weeks=latest.weeks)
        if end >= horizon:
            continue
        if not codes <= wanted:
            if held is not None:
                held.append(latest)
            continue
        full = Publication.objects.get(pk=latest.pk)
        if not full.instance or not full.solution:
            continue
        week_start = datetime.date.fromisoformat(full.instance["week_start"])
        try:
            continued.append(
                solution_publish(
                    actor=actor,
                    instance=full.instance,
                    solution=full.solution,
                    weeks=(horizon - week_start).days // 7,
                    from_week=(end - week_start).days // 7,
                    run=full.run,
                    source="extension",
                    today=today,
                )
            )
        except TrellisError as error:
            # One publication that cannot be continued does not stop the other sites'. Its
            # message may name patients, so the log names the publication and the error's kind.
            logger.warning(
                "publication %s was not continued: %s", full.public_id, type(error).__name__
            )
            if failed is not None:
                failed.append(full)
    return continued
