"""A constructive first week for one site: first-fit over the candidates, in well under a second.

It is the first valid schedule the solver reports and the complete hint of the CP-SAT search.
Group slots are visited in one of a few orders (the best week is kept); a session opens when
at least `min_size` free patients still need its type and a qualified facilitator and a group
room are free; it is then topped up with patients short of minutes or days. Individual and
family appointments follow, each at its first free candidate with a free room. `sanitize`
re-checks the result, so a slip here costs quality, never validity.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from .candidates import GroupSlot, SiteCandidates
from .instance import Instance, disjoint
from .sanitize import sanitize
from .solution import Schedule, Session
from .translate import plan_met, tallies


class _Week:
    def __init__(self, instance: Instance, cands: SiteCandidates) -> None:
        self.instance = instance
        self.cands = cands
        self.spans: dict[tuple[str, int], list[tuple[int, int]]] = defaultdict(list)
        for ident, busy in cands.pinned.busy.items():
            for day, start, end in busy:
                self.spans[ident, day].append((start, end))
        self.load: dict[str, int] = defaultdict(int, cands.pinned.clinician_minutes)
        self.day_minutes: dict[tuple[str, int], int] = defaultdict(int, cands.pinned.day_minutes)
        self.counts: dict[tuple[str, str], int] = defaultdict(int)
        for key, n in cands.pinned.groups.items():
            self.counts[key] += n
        for key, n in cands.pinned.appointments.items():
            self.counts[key] += n
        self.minutes: dict[str, int] = defaultdict(int)
        for (pid, _), m in cands.pinned.day_minutes.items():
            self.minutes[pid] += m

    def free(self, ident: str, day: int, start: int, end: int) -> bool:
        return disjoint(self.spans[ident, day], start, end)

    def book(self, ident: str, day: int, start: int, end: int) -> None:
        self.spans[ident, day].append((start, end))

    def patient_can(self, pid: str, day: int, start: int, end: int) -> bool:
        cap = self.instance.patients[pid].plan.max_day_minutes
        return self.free(pid, day, start, end) and self.day_minutes[pid, day] + end - start <= cap

    def needs_type(self, pid: str, tid: str) -> bool:
        return self.counts[pid, tid] < self.instance.patients[pid].plan.groups.get(tid, 0)

    def needs_time(self, pid: str) -> bool:
        plan = self.instance.patients[pid].plan
        owed = sum(
            max(0, need.count - self.counts[pid, kind]) * need.minutes
            for kind, need in (("individual", plan.individual), ("family", plan.family))
            if need is not None
        )
        days = sum(1 for d in range(7) if self.day_minutes[pid, d] >= plan.min_day_minutes)
        return self.minutes[pid] + owed < plan.min_minutes or days < plan.min_days


def _session(week: _Week, g: GroupSlot, fresh_id: Callable[[str], str]) -> Session | None:
    inst, gt = week.instance, g.type
    free = [p for p in g.patients if week.patient_can(p, g.day, g.start, g.end)]
    needing = [p for p in free if week.needs_type(p, gt.id)]
    if len(needing) < gt.min_size:
        return None
    room = next((r for r in g.rooms if week.free(r.id, g.day, g.start, g.end)), None)
    staff = [
        c
        for c in g.clinicians
        if week.free(c, g.day, g.start, g.end)
        and week.load[c] + gt.minutes <= inst.clinicians[c].max_minutes
    ]
    if room is None or not staff:
        return None
    lead = max(staff, key=lambda c: inst.clinicians[c].max_minutes - week.load[c])
    limit = min(gt.max_size, room.capacity)
    chosen: list[str] = []
    topping = [p for p in free if p not in needing and week.needs_time(p)]
    for pid in needing + topping:
        if len(chosen) < limit and not any(frozenset((pid, q)) in inst.avoid_pairs for q in chosen):
            chosen.append(pid)
    if len(chosen) < gt.min_size:
        return None
    week.book(room.id, g.day, g.start, g.end)
    week.book(lead, g.day, g.start, g.end)
    week.load[lead] += gt.minutes
    for pid in chosen:
        week.book(pid, g.day, g.start, g.end)
        week.day_minutes[pid, g.day] += gt.minutes
        week.minutes[pid] += gt.minutes
        week.counts[pid, gt.id] += 1
    return Session(fresh_id("g"), gt.id, week.cands.site, g.day, g.start, room.id, [lead], chosen)


ORDERS: tuple[Callable[[GroupSlot], tuple[int, ...]], ...] = (
    lambda g: (g.day, g.start, -g.type.minutes),  # morning first
    lambda g: (g.day, -g.start, -g.type.minutes),  # evening first
    lambda g: (len(g.patients), g.day, g.start),  # fewest eligible patients first
)


def construct(
    instance: Instance, cands: SiteCandidates, fresh_id: Callable[[str], str]
) -> Schedule:
    """The best (most plans met, then least shortfall) of a few first-fit weeks of the site."""
    best: tuple[tuple[int, int], Schedule] | None = None
    for order in ORDERS:
        week = first_fit(instance, cands, fresh_id, order)
        table = tallies(instance, week)
        met = sum(1 for p in cands.patients if plan_met(instance, p.id, table[p.id]))
        short = sum(max(0, p.plan.min_minutes - table[p.id][0]) for p in cands.patients)
        if best is None or (met, -short) > best[0]:
            best = ((met, -short), week)
    assert best is not None  # noqa: S101 - ORDERS is not empty
    return best[1]


def first_fit(
    instance: Instance,
    cands: SiteCandidates,
    fresh_id: Callable[[str], str],
    key: Callable[[GroupSlot], tuple[int, ...]],
) -> Schedule:
    """A valid first-fit week of the site, visiting group slots in `key` order."""
    week = _Week(instance, cands)
    schedule = Schedule()
    order = sorted(cands.groups, key=key)
    for g in order:
        while (session := _session(week, g, fresh_id)) is not None:
            schedule.sessions.append(session)
    rooms = sorted(cands.rooms_any, key=lambda r: (r.kind != "office", r.capacity))
    for ap in cands.appointments:
        plan = instance.patients[ap.patient].plan
        need = plan.individual if ap.kind == "individual" else plan.family
        if need is None or week.counts[ap.patient, ap.kind] >= need.count:
            continue
        length = ap.end - ap.start
        if not (
            week.patient_can(ap.patient, ap.day, ap.start, ap.end)
            and week.free(ap.clinician, ap.day, ap.start, ap.end)
            and week.load[ap.clinician] + length <= instance.clinicians[ap.clinician].max_minutes
        ):
            continue
        room = next(
            (
                r
                for r in rooms
                if r.capacity >= ap.room_need and week.free(r.id, ap.day, ap.start, ap.end)
            ),
            None,
        )
        if room is None:
            continue
        for ident in (ap.patient, ap.clinician, room.id):
            week.book(ident, ap.day, ap.start, ap.end)
        week.load[ap.clinician] += length
        week.day_minutes[ap.patient, ap.day] += length
        week.minutes[ap.patient] += length
        week.counts[ap.patient, ap.kind] += 1
        schedule.appointments.append(ap.booked(fresh_id("a"), cands.site, room.id))
    return sanitize(instance, schedule)
