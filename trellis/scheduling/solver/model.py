"""The CP-SAT model of one site's week over its candidates.

Variables per group slot g = (type, day, start): `z[g, room]` (a session runs in that room),
`f[g, clinician]` (one facilitator per running session), `x[g, patient]` (the patient attends
one of the sessions). Per appointment candidate: `a[i]`. Per patient: `met`, `day_met`,
`shortfall`, and in repair mode `keep` (bookings identical to last week's).

Session sizes are checked in aggregate — min_size·n ≤ Σx ≤ Σ min(capacity, max_size)·z —
and the extractor splits the attendees over the n rooms; avoid pairs are `x_p + x_q ≤ n`, so
they may share a slot only when it runs in two or more rooms. Appointment rooms are counted
per instant (rooms able to hold them minus rooms taken by sessions) and assigned afterwards.
Over a complete candidate set this is a relaxation of the true week, so CP-SAT's objective
bound on it is a valid bound on plans met; the solver reports the isolation bound instead
(bound.py), which is as tight on every generated week and far cheaper (docs/scheduling.md).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from .candidates import SiteCandidates
from .instance import DAYS, Instance
from .solution import Schedule

Var = cp_model.IntVar


@dataclass
class SiteModel:
    cands: SiteCandidates
    model: cp_model.CpModel
    z: dict[tuple[int, str], Var] = field(default_factory=dict)
    f: dict[tuple[int, str], Var] = field(default_factory=dict)
    x: dict[tuple[int, str], Var] = field(default_factory=dict)
    a: dict[int, Var] = field(default_factory=dict)
    met: dict[str, Var] = field(default_factory=dict)
    day_met: dict[tuple[str, int], Var] = field(default_factory=dict)
    shortfall: dict[str, Var] = field(default_factory=dict)
    keep: dict[str, Var] = field(default_factory=dict)
    unbooked: set[str] = field(default_factory=set)  # repair: no movable booking last week
    clinician_load: dict[str, list[tuple[int, Var]]] = field(default_factory=dict)

    def counted_moves(self, protected: dict[str, int]) -> list[tuple[int, Var]]:
        """(move cost, keep) of the patients whose move counts: protected, booked last week."""
        return [
            (protected[pid], k)
            for pid, k in self.keep.items()
            if pid in protected and pid not in self.unbooked
        ]

    def all_vars(self) -> list[Var]:
        found: list[Var] = []
        for table in (self.z, self.f, self.x, self.met, self.day_met, self.shortfall, self.keep):
            found.extend(table.values())
        found.extend(self.a.values())
        return found


def write_hint(model: cp_model.CpModel, variables: list[Var], values: Mapping[int, int]) -> None:
    """Replace `model`'s hint: each of `variables` at `values[variable index]`.

    Written into the proto's two repeated fields at once. `CpModel.add_hint` appends one pair
    a call (about 6 µs), which on main-1 cost ~3 s of a 60-s solve: a site model has 30,000-
    55,000 variables and is hinted before every timetable step.
    """
    model.clear_hints()  # type: ignore[no-untyped-call]
    hint = model.proto.solution_hint
    indices = [v.index for v in variables]
    hint.vars.extend(indices)
    hint.values.extend([values[i] for i in indices])


def at_most_one_over_time(
    model: cp_model.CpModel, spans: list[tuple[int, int, int, Var]], capacity: int = 1
) -> None:
    """At every instant at most `capacity` of the spans run (checked where a span starts)."""
    by_day: dict[int, list[tuple[int, int, Var]]] = defaultdict(list)
    for day, start, end, var in spans:
        by_day[day].append((start, end, var))
    for items in by_day.values():
        points = sorted({s for s, _, _ in items})
        seen: set[tuple[int, ...]] = set()
        for t in points:
            covering = [v for s, e, v in items if s <= t < e]
            key = tuple(sorted(v.index for v in covering))
            if len(covering) <= capacity or key in seen:
                continue
            seen.add(key)
            if capacity == 1:
                model.add_at_most_one(covering)
            else:
                model.add(sum(covering) <= capacity)


def build_model(
    instance: Instance,
    cands: SiteCandidates,
    previous: Schedule | None = None,
) -> SiteModel:
    model = cp_model.CpModel()
    sm = SiteModel(cands, model)
    pinned = cands.pinned
    busy: dict[str, list[tuple[int, int, int, Var]]] = defaultdict(list)
    patient_vars: dict[str, list[tuple[int, int, Var, str]]] = defaultdict(list)
    clinician_load: dict[str, list[tuple[int, Var]]] = defaultdict(list)
    room_any_spans: list[tuple[int, int, int, Var]] = []
    room_family_spans: list[tuple[int, int, int, Var]] = []
    any_ids = {r.id for r in cands.rooms_any}
    family_ids = {r.id for r in cands.rooms_family}
    for g in cands.groups:
        gt = g.type
        zs = []
        for room in g.rooms:
            v = model.new_bool_var(f"z{g.index}_{room.id}")
            sm.z[g.index, room.id] = v
            zs.append((room, v))
            busy[room.id].append((g.day, g.start, g.end, v))
            if room.id in any_ids:
                room_any_spans.append((g.day, g.start, g.end, v))
            if room.id in family_ids:
                room_family_spans.append((g.day, g.start, g.end, v))
        fs = []
        for cid in g.clinicians:
            v = model.new_bool_var(f"f{g.index}_{cid}")
            sm.f[g.index, cid] = v
            fs.append(v)
            busy[cid].append((g.day, g.start, g.end, v))
            clinician_load[cid].append((gt.minutes, v))
        xs = []
        for pid in g.patients:
            v = model.new_bool_var(f"x{g.index}_{pid}")
            sm.x[g.index, pid] = v
            xs.append(v)
            busy[pid].append((g.day, g.start, g.end, v))
            patient_vars[pid].append((g.day, gt.minutes, v, gt.id))
        n = sum(v for _, v in zs)
        model.add(sum(fs) == n)
        model.add(sum(xs) >= gt.min_size * n)
        model.add(sum(xs) <= sum(min(r.capacity, gt.max_size) * v for r, v in zs))
        if len(zs) > 1:
            model.add(sum(xs) >= gt.min_size * zs[0][1])
        for pair in instance.avoid_pairs:
            p, q = sorted(pair)
            if (g.index, p) in sm.x and (g.index, q) in sm.x:
                model.add(sm.x[g.index, p] + sm.x[g.index, q] <= n)
    family_spans: list[tuple[int, int, int, Var]] = []
    for ap in cands.appointments:
        v = model.new_bool_var(f"a{ap.index}")
        sm.a[ap.index] = v
        span = (ap.day, ap.start, ap.end, v)
        busy[ap.patient].append(span)
        busy[ap.clinician].append(span)
        clinician_load[ap.clinician].append((ap.end - ap.start, v))
        patient_vars[ap.patient].append((ap.day, ap.end - ap.start, v, ap.kind))
        room_any_spans.append(span)
        if ap.kind == "family":
            family_spans.append(span)
            room_family_spans.append(span)
    for spans in busy.values():
        at_most_one_over_time(model, spans)
    _room_counts(model, cands, room_any_spans, any_ids)
    _room_counts(model, cands, room_family_spans, family_ids)
    for c in cands.clinicians:
        load = clinician_load.get(c.id)
        if load:
            model.add(sum(m * v for m, v in load) <= c.max_minutes - pinned.clinician_minutes[c.id])
    _patients(instance, sm, patient_vars)
    if previous is not None:
        _keep(sm, previous)
    sm.clinician_load = dict(clinician_load)
    primary_objective(sm, {})
    return sm


def _room_counts(
    model: cp_model.CpModel,
    cands: SiteCandidates,
    spans: list[tuple[int, int, int, Var]],
    ids: set[str],
) -> None:
    """At each instant: bookings needing a room of `ids` ≤ rooms of `ids` not pinned there."""
    by_day: dict[int, list[tuple[int, int, Var]]] = defaultdict(list)
    for day, start, end, var in spans:
        by_day[day].append((start, end, var))
    for day, items in by_day.items():
        for t in sorted({s for s, _, _ in items}):
            covering = [v for s, e, v in items if s <= t < e]
            free = sum(1 for r in ids if cands.pinned.free(r, day, t, t + 1))
            if len(covering) > free:
                model.add(sum(covering) <= free)


def _patients(
    instance: Instance,
    sm: SiteModel,
    patient_vars: dict[str, list[tuple[int, int, Var, str]]],
) -> None:
    model, pinned = sm.model, sm.cands.pinned
    for p in sm.cands.patients:
        plan = p.plan
        items = patient_vars.get(p.id, [])
        met = model.new_bool_var(f"met_{p.id}")
        sm.met[p.id] = met
        base = sum(pinned.day_minutes[p.id, d] for d in range(len(DAYS)))
        total = sum(m * v for _, m, v, _ in items) + base
        short = model.new_int_var(0, plan.min_minutes, f"sf_{p.id}")
        sm.shortfall[p.id] = short
        model.add(short >= plan.min_minutes - total)
        # Linear forms of `met ⇒ …` (not only_enforce_if): CP-SAT's LP relaxation and its
        # linear neighbourhoods see them.
        model.add(total >= plan.min_minutes * met)
        day_flags = []
        for d in range(len(DAYS)):
            day_items = [(m, v) for day, m, v, _ in items if day == d]
            fixed = pinned.day_minutes[p.id, d]
            if not day_items and not fixed:
                continue
            minutes = sum(m * v for m, v in day_items) + fixed
            model.add(minutes <= plan.max_day_minutes)
            flag = model.new_bool_var(f"dm_{p.id}_{d}")
            sm.day_met[p.id, d] = flag
            model.add(minutes >= plan.min_day_minutes * flag)
            day_flags.append(flag)
        if plan.min_days > 0:
            model.add(sum(day_flags) >= plan.min_days * met)
        for tid, count in plan.groups.items():
            have = pinned.groups[p.id, tid]
            if count > have:
                model.add(sum(v for _, _, v, t in items if t == tid) >= (count - have) * met)
        for kind, need in (("individual", plan.individual), ("family", plan.family)):
            if need is None:
                continue
            have = pinned.appointments[p.id, kind]
            booked = [v for _, _, v, t in items if t == kind]
            if booked:
                model.add(sum(booked) <= need.count - have)
            if need.count > have:
                model.add(sum(booked) >= (need.count - have) * met)


def booking_keys(sm: SiteModel) -> dict[str, list[tuple[tuple[str, int, int], Var]]]:
    """Per patient: (type or kind, day, start) of each of its booking variables."""
    keys: dict[str, list[tuple[tuple[str, int, int], Var]]] = defaultdict(list)
    groups = sm.cands.groups
    for (gi, pid), v in sm.x.items():
        g = groups[gi]
        keys[pid].append(((g.type.id, g.day, g.start), v))
    for ai, v in sm.a.items():
        ap = sm.cands.appointments[ai]
        keys[ap.patient].append(((ap.kind, ap.day, ap.start), v))
    return keys


def _keep(sm: SiteModel, previous: Schedule) -> None:
    """keep_p ⇒ the patient's movable bookings are exactly last week's (same type, day, start)."""
    model = sm.model
    before: dict[str, set[tuple[str, int, int]]] = defaultdict(set)
    for s in previous.sessions:
        if not s.pinned:
            for pid in s.patients:
                before[pid].add((s.type, s.day, s.start))
    for a in previous.appointments:
        if not a.pinned:
            before[a.patient].add((a.kind, a.day, a.start))
    keys = booking_keys(sm)
    for p in sm.cands.patients:
        keep = model.new_bool_var(f"keep_{p.id}")
        sm.keep[p.id] = keep
        if not before[p.id]:
            sm.unbooked.add(p.id)
        mine = keys.get(p.id, [])
        for key in before[p.id]:
            matching = [v for k, v in mine if k == key]
            if matching:
                model.add(sum(matching) >= 1).only_enforce_if(keep)
            else:
                model.add(keep == 0)
        others = [v for k, v in mine if k not in before[p.id]]
        for v in others:
            model.add_implication(keep, v.Not())


def primary_objective(sm: SiteModel, protected: dict[str, int]) -> None:
    """Repair's search objective: plans met, then patients moved, then admissions' minutes.

    A plan met weighs two moves, so moving one patient to meet one more plan pays. Booking a
    patient who had no bookings last week (an admission) moves nobody's week: it costs no
    move, and below the moves their minutes short count, so an admission whose plan cannot be
    met is still booked for what the week has room for instead of left without a session.
    """
    moved = [cost * (1 - k) for cost, k in sm.counted_moves(protected)]
    short = [sm.shortfall[pid] for pid in sorted(sm.unbooked)]
    weight = 1 + sum(p.plan.min_minutes for p in sm.cands.patients if p.id in sm.unbooked)
    sm.model.maximize(weight * (2 * sum(sm.met.values()) - sum(moved)) - sum(short))


def secondary_objective(
    instance: Instance,
    sm: SiteModel,
    met_floor: int,
    protected: dict[str, int],
    moved_cap: int,
    model: cp_model.CpModel | None = None,
) -> None:
    """With plans met held: minimise shortfall, sessions missing, patients moved, clinician time.

    `model` is the site model (default) or a copy of it with some variables fixed. In repair
    at most `moved_cap` patients who had bookings last week may move (the search's count), so
    the polish trades no one's week for minutes; a patient with none (an admission whose plan
    cannot be met) is outside the cap and gets every minute the week has room for.

    Sessions missing count, per patient, the group sessions of each type and the individual
    and family appointments the plan asks for and the week does not hold (`missing_sessions`).
    Below the minutes they decide between weeks equally short: a patient whose plan cannot be
    met, whose minutes are already made up by other groups, still gets the individual session
    with their clinician when the clinician has a free hour (docs/scheduling.md).
    """
    slot = instance.slot
    model = sm.model if model is None else model
    missing = missing_sessions(sm, model)
    loads = [(m // slot, v) for load in sm.clinician_load.values() for m, v in load]
    max_cost = sum(m for m, _ in loads) + 1
    moved_w = max_cost
    missing_w = (len(sm.keep) + 1) * moved_w
    shortfall_w = (sum(n for n, _ in missing) + 1) * missing_w
    model.add(sum(sm.met.values()) >= met_floor)
    if sm.keep:
        model.add(sum(1 - k for _, k in sm.counted_moves(protected)) <= moved_cap)
    model.minimize(
        shortfall_w * sum(sm.shortfall.values())
        + missing_w * sum(v for _, v in missing)
        + moved_w * sum(1 - k for k in sm.keep.values())
        + sum(m * v for m, v in loads)
    )


def missing_sessions(sm: SiteModel, model: cp_model.CpModel) -> list[tuple[int, Var]]:
    """(most missing, variable) per patient and requirement: sessions the plan asks for, not held.

    One variable for each group type of a plan and for its individual and family
    appointments, added to `model` (the site model or a copy of it): at least the sessions
    still needed (the plan's count less the pinned ones) less those the week books, and at
    least zero. A requirement the pinned bookings already cover gets none.
    """
    pinned = sm.cands.pinned
    booked: dict[tuple[str, str], list[Var]] = defaultdict(list)
    for pid, items in booking_keys(sm).items():
        for (type_or_kind, _, _), v in items:
            booked[pid, type_or_kind].append(v)
    found: list[tuple[int, Var]] = []
    for p in sm.cands.patients:
        plan = p.plan
        needs = [(tid, count - pinned.groups[p.id, tid]) for tid, count in plan.groups.items()]
        for kind, need in (("individual", plan.individual), ("family", plan.family)):
            if need is not None:
                needs.append((kind, need.count - pinned.appointments[p.id, kind]))
        for what, count in needs:
            if count <= 0:
                continue
            short = model.new_int_var(0, count, f"ms_{p.id}_{what}")
            model.add(short >= count - sum(booked.get((p.id, what), [])))
            found.append((count, short))
    return found
