"""Keep the valid part of a schedule: every hard rule, booking by booking, in order.

Used as a safety net on the solver's own output, and to turn last week's schedule into a
feasible starting point after the instance changed (a new patient, an absent clinician).
A booking that breaks a rule loses the offending patient or facilitator, or is dropped.
"""

from __future__ import annotations

from collections import defaultdict

from .instance import Clinician, Instance, disjoint, inside
from .solution import Appointment, Schedule, Session


class Calendar:
    def __init__(self) -> None:
        self.spans: dict[tuple[str, int], list[tuple[int, int]]] = defaultdict(list)
        self.load: dict[str, int] = defaultdict(int)
        self.day_minutes: dict[tuple[str, int], int] = defaultdict(int)
        self.counts: dict[tuple[str, str], int] = defaultdict(int)
        # cover: clinician -> (busy spans per day, weekly minutes) in the schedule as given
        self.reserve: dict[str, tuple[dict[int, list[tuple[int, int]]], int]] | None = None

    def free(self, ident: str, day: int, start: int, end: int) -> bool:
        return disjoint(self.spans[ident, day], start, end)

    def book(self, ident: str, day: int, start: int, end: int) -> None:
        self.spans[ident, day].append((start, end))


def sanitize(instance: Instance, schedule: Schedule, *, cover: bool = False) -> Schedule:
    """The largest prefix-greedy valid sub-schedule; pinned bookings are considered first.

    With `cover` (repair), a movable session that lost every qualified facilitator (an absence)
    gets a qualified clinician of the site who is free in the whole given schedule and has the
    weekly minutes to spare, so its patients keep their bookings.
    """
    cal = Calendar()
    if cover:
        cal.reserve = _reserved(instance, schedule)
    kept = Schedule()
    ids: set[str] = set()
    sessions = sorted(schedule.sessions, key=lambda s: not s.pinned)
    appointments = sorted(schedule.appointments, key=lambda a: not a.pinned)
    for s in sessions:
        if s.id not in ids and (session := _session(instance, cal, s)) is not None:
            kept.sessions.append(session)
            ids.add(s.id)
    for a in appointments:
        if a.id not in ids and _appointment(instance, cal, a):
            kept.appointments.append(a)
            ids.add(a.id)
    return kept


def _session(instance: Instance, cal: Calendar, s: Session) -> Session | None:
    gtype = instance.group_types.get(s.type)
    site = instance.sites.get(s.site)
    room = instance.rooms.get(s.room)
    if gtype is None or site is None or room is None or room.site != s.site:
        return None
    day, start, end = s.day, s.start, s.start + gtype.minutes
    if start % instance.slot or not inside(site.hours, day, start, end):
        return None
    if (
        room.kind != "group"
        or room.capacity < gtype.min_size
        or not cal.free(room.id, day, start, end)
    ):
        return None
    staff = []
    for cid in dict.fromkeys(s.facilitators):
        c = instance.clinicians.get(cid)
        if (
            c is not None
            and c.site == s.site
            and inside(c.availability, day, start, end)
            and cal.free(cid, day, start, end)
            and cal.load[cid] + gtype.minutes <= c.max_minutes
        ):
            staff.append(c)
    lead = next((c for c in staff if gtype.requires <= c.competencies), None)
    if lead is None and cal.reserve is not None and not s.pinned:
        lead = _cover(instance, cal, s, gtype.requires, gtype.minutes)
        staff = [lead] if lead is not None else []
    if lead is None:
        return None
    staff = [lead] + [c for c in staff if c is not lead]
    limit = min(gtype.max_size, room.capacity)
    chosen: list[str] = []
    for pid in dict.fromkeys(s.patients):
        p = instance.patients.get(pid)
        if (
            p is not None
            and len(chosen) < limit
            and p.site == s.site
            and p.population in gtype.populations
            and inside(p.availability, day, start, end)
            and cal.free(pid, day, start, end)
            and cal.day_minutes[pid, day] + gtype.minutes <= p.plan.max_day_minutes
            and not any(frozenset((pid, q)) in instance.avoid_pairs for q in chosen)
        ):
            chosen.append(pid)
    if len(chosen) < gtype.min_size:
        return None
    if s.pinned and (len(chosen) != len(s.patients) or len(staff) != len(s.facilitators)):
        return None
    cal.book(room.id, day, start, end)
    for c in staff:
        cal.book(c.id, day, start, end)
        cal.load[c.id] += gtype.minutes
    for pid in chosen:
        cal.book(pid, day, start, end)
        cal.day_minutes[pid, day] += gtype.minutes
    return Session(
        s.id, s.type, s.site, day, start, room.id, [c.id for c in staff], chosen, s.pinned
    )


def _reserved(
    instance: Instance, schedule: Schedule
) -> dict[str, tuple[dict[int, list[tuple[int, int]]], int]]:
    spans: dict[str, dict[int, list[tuple[int, int]]]] = defaultdict(lambda: defaultdict(list))
    minutes: dict[str, int] = defaultdict(int)
    for s in schedule.sessions:
        length = instance.group_types[s.type].minutes if s.type in instance.group_types else 0
        for cid in s.facilitators:
            spans[cid][s.day].append((s.start, s.start + length))
            minutes[cid] += length
    for a in schedule.appointments:
        spans[a.clinician][a.day].append((a.start, a.start + a.minutes))
        minutes[a.clinician] += a.minutes
    return {c: (spans[c], minutes[c]) for c in instance.clinicians}


def _cover(
    instance: Instance, cal: Calendar, s: Session, requires: frozenset[str], minutes: int
) -> Clinician | None:
    """A qualified clinician free now and in the given week, with minutes to spare."""
    assert cal.reserve is not None  # noqa: S101 - only called in cover mode
    end = s.start + minutes
    for c in sorted(instance.clinicians.values(), key=lambda c: c.id):
        busy, load = cal.reserve[c.id]
        if (
            c.site == s.site
            and requires <= c.competencies
            and inside(c.availability, s.day, s.start, end)
            and cal.free(c.id, s.day, s.start, end)
            and all(e <= s.start or end <= b for b, e in busy.get(s.day, ()))
            and max(load, cal.load[c.id]) + minutes <= c.max_minutes
        ):
            cal.reserve[c.id] = (busy, load + minutes)
            return c
    return None


def _appointment(instance: Instance, cal: Calendar, a: Appointment) -> bool:
    p = instance.patients.get(a.patient)
    c = instance.clinicians.get(a.clinician)
    room = instance.rooms.get(a.room)
    site = instance.sites.get(a.site)
    if p is None or c is None or room is None or site is None:
        return False
    need = (
        p.plan.individual
        if a.kind == "individual"
        else p.plan.family
        if a.kind == "family"
        else None
    )
    if need is None or a.minutes != need.minutes or cal.counts[p.id, a.kind] >= need.count:
        return False
    if {p.site, c.site, room.site} != {a.site}:
        return False
    day, start, end = a.day, a.start, a.start + a.minutes
    if start % instance.slot or not inside(site.hours, day, start, end):
        return False
    if a.kind == "individual" and p.plan.individual and a.clinician != p.plan.individual.clinician:
        return False
    if a.kind == "family":
        fam = p.plan.family
        if "family" not in c.competencies or fam is None:
            return False
        if not inside(fam.availability, day, start, end):
            return False
    if room.capacity < (2 if a.kind == "individual" else 4):
        return False
    if not (inside(p.availability, day, start, end) and inside(c.availability, day, start, end)):
        return False
    if not all(cal.free(ident, day, start, end) for ident in (p.id, c.id, room.id)):
        return False
    if cal.load[c.id] + a.minutes > c.max_minutes:
        return False
    if cal.day_minutes[p.id, day] + a.minutes > p.plan.max_day_minutes:
        return False
    for ident in (p.id, c.id, room.id):
        cal.book(ident, day, start, end)
    cal.load[c.id] += a.minutes
    cal.day_minutes[p.id, day] += a.minutes
    cal.counts[p.id, a.kind] += 1
    return True
