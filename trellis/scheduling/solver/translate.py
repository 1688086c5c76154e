"""Between model values and bookings: extraction (values to schedule) and hints (back)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from ortools.sat.python import cp_model

from .candidates import AppointmentSlot
from .instance import DAYS, Instance, Room, disjoint
from .model import SiteModel, write_hint
from .solution import Schedule, Session

Value = Callable[[cp_model.IntVar], int]


def _split(
    instance: Instance, patients: list[str], rooms: list[Room], low: int, high: int
) -> list[list[str]]:
    """Share attendees over rooms: each part low..min(capacity, high), avoid pairs apart."""
    caps = [min(r.capacity, high) for r in rooms]
    sizes = [low] * len(rooms)
    spare = len(patients) - low * len(rooms)
    for i, cap in enumerate(caps):
        extra = max(0, min(spare, cap - sizes[i]))
        sizes[i] += extra
        spare -= extra
    parts: list[list[str]] = [[] for _ in rooms]
    avoiders = [p for p in patients if instance.patients[p].avoid or _avoided(instance, p)]
    ordered = avoiders + [p for p in patients if p not in avoiders]
    for pid in ordered:
        options = [
            i
            for i, part in enumerate(parts)
            if len(part) < sizes[i]
            and not any(frozenset((pid, q)) in instance.avoid_pairs for q in part)
        ]
        if options:
            best = max(options, key=lambda i: sizes[i] - len(parts[i]))
            parts[best].append(pid)
    return parts


def _avoided(instance: Instance, pid: str) -> bool:
    return any(pid in pair for pair in instance.avoid_pairs)


def extract(
    instance: Instance, sm: SiteModel, value: Value, *, fresh_id: Callable[[str], str]
) -> Schedule:
    cands = sm.cands
    schedule = Schedule()
    options: list[list[Room]] = []  # per session, the rooms it could run in
    for g in cands.groups:
        rooms = [r for r in g.rooms if value(sm.z[g.index, r.id])]
        if not rooms:
            continue
        staff = [c for c in g.clinicians if value(sm.f[g.index, c])]
        attendees = [p for p in g.patients if value(sm.x[g.index, p])]
        parts = _split(instance, attendees, rooms, g.type.min_size, g.type.max_size)
        for room, cid, part in zip(rooms, staff, parts, strict=False):
            schedule.sessions.append(
                Session(fresh_id("g"), g.type.id, cands.site, g.day, g.start, room.id, [cid], part)
            )
            options.append([r for r in g.rooms if r.capacity >= len(part)])
    chosen = [ap for ap in cands.appointments if value(sm.a[ap.index])]
    rooms = sorted(cands.rooms_any, key=lambda r: (r.kind != "office", r.capacity))
    fixed: dict[int, dict[str, list[tuple[int, int]]]] = defaultdict(lambda: defaultdict(list))
    for room in rooms:  # pinned bookings' rooms, per day
        for day, start, end in cands.pinned.busy.get(room.id, ()):
            fixed[day][room.id].append((start, end))
    minutes = {gt.id: gt.minutes for gt in instance.group_types.values()}
    room_plan = RoomPlan(minutes, schedule.sessions, options, rooms, fixed)
    for ap, room in room_plan.place(chosen):
        schedule.appointments.append(ap.booked(fresh_id("a"), cands.site, room.id))
    return schedule


class RoomPlan:
    """Rooms for a site's appointments, moving group sessions between rooms where that helps.

    The model counts appointment rooms per instant (any room; rooms big enough for a family),
    which a room-by-room assignment cannot always follow: a family hour 17:00-18:00 fits the
    counts when one group room is busy until 17:30 and the other from 17:30, but no room is
    free for the whole hour. So each day is first assigned by first fit (sessions in the rooms
    the model chose; appointments by start time, offices and smaller rooms first); a day that
    leaves an appointment without a room is assigned exactly — a small CP-SAT model in which
    every session takes one of its possible rooms and as many appointments as possible get one
    (found on a repair in which an admission's group seat cost a frozen patient a family
    session). Pinned bookings keep their rooms.
    """

    def __init__(
        self,
        minutes: dict[str, int],
        sessions: list[Session],
        options: list[list[Room]],
        rooms: list[Room],
        fixed: dict[int, dict[str, list[tuple[int, int]]]],
    ) -> None:
        self.minutes = minutes  # per group type
        self.sessions, self.options, self.rooms, self.fixed = sessions, options, rooms, fixed

    def place(self, chosen: list[AppointmentSlot]) -> list[tuple[AppointmentSlot, Room]]:
        placed: list[tuple[AppointmentSlot, Room]] = []
        by_day: dict[int, list[AppointmentSlot]] = defaultdict(list)
        for ap in sorted(chosen, key=lambda ap: (ap.day, ap.start, ap.kind != "family")):
            by_day[ap.day].append(ap)
        for day, todays in sorted(by_day.items()):
            found = self._first_fit(day, todays)
            if len(found) < len(todays):
                exact = self._exactly(day, todays)
                if exact is not None and len(exact[0]) > len(found):
                    found = exact[0]
                    for session, room in exact[1]:
                        session.room = room.id
            placed += found
        return placed

    def _span(self, s: Session) -> tuple[int, int]:
        return s.start, s.start + self.minutes[s.type]

    def _first_fit(
        self, day: int, todays: list[AppointmentSlot]
    ) -> list[tuple[AppointmentSlot, Room]]:
        taken = defaultdict(list, {rid: list(v) for rid, v in self.fixed.get(day, {}).items()})
        for s in self.sessions:
            if s.day == day:
                taken[s.room].append(self._span(s))
        found = []
        for ap in todays:
            for room in self.rooms:
                if room.capacity >= ap.room_need and disjoint(taken[room.id], ap.start, ap.end):
                    taken[room.id].append((ap.start, ap.end))
                    found.append((ap, room))
                    break
        return found

    def _exactly(
        self, day: int, todays: list[AppointmentSlot]
    ) -> tuple[list[tuple[AppointmentSlot, Room]], list[tuple[Session, Room]]] | None:
        """The day's appointments with rooms, and every session's room, or None."""
        model = cp_model.CpModel()
        per_room: dict[str, list[cp_model.IntervalVar]] = defaultdict(list)
        for rid, spans in self.fixed.get(day, {}).items():
            per_room[rid] += [model.new_fixed_size_interval_var(a, b - a, "") for a, b in spans]
        moves: list[tuple[Session, Room, cp_model.IntVar]] = []
        for s, options in zip(self.sessions, self.options, strict=True):
            if s.day != day:
                continue
            start, end = self._span(s)
            here = []
            for room in options:
                v = model.new_bool_var("")
                here.append(v)
                moves.append((s, room, v))
                model.add_hint(v, room.id == s.room)
                per_room[room.id].append(
                    model.new_optional_fixed_size_interval_var(start, end - start, v, "")
                )
            model.add_exactly_one(here)
        use: list[tuple[AppointmentSlot, Room, cp_model.IntVar]] = []
        for ap in todays:
            here = []
            for room in self.rooms:
                if room.capacity >= ap.room_need:
                    v = model.new_bool_var("")
                    here.append(v)
                    use.append((ap, room, v))
                    per_room[room.id].append(
                        model.new_optional_fixed_size_interval_var(
                            ap.start, ap.end - ap.start, v, ""
                        )
                    )
            model.add_at_most_one(here)
        for intervals in per_room.values():
            model.add_no_overlap(intervals)
        # Most appointments placed; among those, the fewest sessions out of the model's room.
        stay = [v for s, room, v in moves if room.id == s.room]
        model.maximize((len(stay) + 1) * sum(v for _, _, v in use) + sum(stay))
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        solver.parameters.catch_sigint_signal = False  # Ctrl-C is the caller's (cli.py)
        solver.parameters.max_deterministic_time = 2.0
        solver.parameters.max_time_in_seconds = 10.0  # a runaway guard only
        if solver.solve(model) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return None
        rooms = [(s, room) for s, room, v in moves if solver.value(v)]
        return [(ap, room) for ap, room, v in use if solver.value(v)], rooms


def tallies(
    instance: Instance, schedule: Schedule
) -> dict[str, tuple[int, dict[int, int], dict[str, int]]]:
    """Per patient: total minutes, minutes per day, counts per group type / appointment kind."""
    table: dict[str, tuple[int, dict[int, int], dict[str, int]]] = {}
    minutes: dict[str, int] = defaultdict(int)
    days: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for s in schedule.sessions:
        length = instance.group_types[s.type].minutes
        for pid in s.patients:
            minutes[pid] += length
            days[pid][s.day] += length
            counts[pid][s.type] += 1
    for a in schedule.appointments:
        minutes[a.patient] += a.minutes
        days[a.patient][a.day] += a.minutes
        counts[a.patient][a.kind] += 1
    for pid in instance.patients:
        table[pid] = (minutes[pid], dict(days[pid]), dict(counts[pid]))
    return table


def plan_met(
    instance: Instance, pid: str, tally: tuple[int, dict[int, int], dict[str, int]]
) -> bool:
    plan = instance.patients[pid].plan
    total, days, counts = tally
    good_days = sum(1 for m in days.values() if m >= plan.min_day_minutes)
    return (
        total >= plan.min_minutes
        and good_days >= plan.min_days
        and all(counts.get(t, 0) >= n for t, n in plan.groups.items())
        and all(
            need is None or counts.get(kind, 0) >= need.count
            for kind, need in (("individual", plan.individual), ("family", plan.family))
        )
    )


def booking_sets(schedule: Schedule) -> dict[str, set[tuple[str, int, int]]]:
    table: dict[str, set[tuple[str, int, int]]] = defaultdict(set)
    for s in schedule.sessions:
        for pid in s.patients:
            table[pid].add((s.type, s.day, s.start))
    for a in schedule.appointments:
        table[a.patient].add((a.kind, a.day, a.start))
    return table


def hint(instance: Instance, sm: SiteModel, schedule: Schedule, previous: Schedule | None) -> int:
    """Hint every variable from a valid schedule of this site; return how many bookings missed."""
    cands = sm.cands
    values: dict[int, int] = {v.index: 0 for v in sm.all_vars()}
    slots = {(g.type.id, g.day, g.start): g.index for g in cands.groups}
    appts = {
        (ap.kind, ap.patient, ap.clinician, ap.day, ap.start): ap.index for ap in cands.appointments
    }
    missed = 0
    movable = Schedule(
        [s for s in schedule.sessions if not s.pinned and s.site == cands.site],
        [a for a in schedule.appointments if not a.pinned and a.site == cands.site],
    )
    for s in movable.sessions:
        gi = slots.get((s.type, s.day, s.start))
        if gi is None or (gi, s.room) not in sm.z:
            missed += 1
            continue
        values[sm.z[gi, s.room].index] = 1
        lead = next((c for c in s.facilitators if (gi, c) in sm.f), None)
        if lead is not None:
            values[sm.f[gi, lead].index] = 1
        for pid in s.patients:
            if (gi, pid) in sm.x:
                values[sm.x[gi, pid].index] = 1
    for a in movable.appointments:
        ai = appts.get((a.kind, a.patient, a.clinician, a.day, a.start))
        if ai is None:
            missed += 1
        else:
            values[sm.a[ai].index] = 1
    full = Schedule(
        [s for s in schedule.sessions if s.site == cands.site],
        [a for a in schedule.appointments if a.site == cands.site],
    )
    table = tallies(instance, full)
    for p in cands.patients:
        total, days, _ = table[p.id]
        values[sm.met[p.id].index] = int(plan_met(instance, p.id, table[p.id]))
        values[sm.shortfall[p.id].index] = max(0, p.plan.min_minutes - total)
        for d in range(len(DAYS)):
            if (p.id, d) in sm.day_met:
                values[sm.day_met[p.id, d].index] = int(days.get(d, 0) >= p.plan.min_day_minutes)
    if previous is not None and sm.keep:
        now, before = booking_sets(full), booking_sets(previous)
        for p in cands.patients:
            values[sm.keep[p.id].index] = int(now.get(p.id, set()) == before.get(p.id, set()))
    write_hint(sm.model, sm.all_vars(), values)
    return missed
