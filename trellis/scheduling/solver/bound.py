"""Proven bounds on the plans one site's week can meet.

*Isolation*: patients whose plan could be met if each were alone.

Each patient's week is solved exactly on its own, over the site's candidates: the group slots
and appointments it could attend (candidates.py keeps every one a valid week could use), with
its own rules — never two bookings at once, the daily cap, minutes, days, group counts and
appointment counts. Group minimum sizes, other patients, clinicians' weekly caps and rooms
shared with others are ignored, so every valid week meets at most this many plans: a patient
whose plan is met in it has, in its own bookings, a solution of its isolated week.

On the generated instances this equals the objective bound CP-SAT's LP reaches on the full
site model (docs/scheduling.md, *The proven bound*), but it costs milliseconds per patient
instead of a whole worker's time, so the search can spend both cores looking for weeks.

*Appointments together* (`appointment_bound`): of the patients possible alone, how many can
have every individual and family appointment their plan asks for in one week, when those
appointments share the clinicians' hours and weekly caps, the patients' own time and the rooms.
A clinician seen by several patients only in a short overlap (a day-shift clinician with
evening-only patients: one hour a day) caps how many of them can meet their plan, which the
isolation bound cannot see. Dropping every group session is a relaxation, so every valid week
meets at most this many plans.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable

from ortools.sat.python import cp_model

from .candidates import SiteCandidates
from .instance import Patient
from .model import at_most_one_over_time

Item = tuple[int, int, int, str]  # day, start, end, type id or appointment kind

# A patient's isolated week is a few hundred Booleans; CP-SAT settles it in milliseconds. An
# answer not reached in this time counts the patient as possible (the bound stays valid).
PER_PATIENT_SECONDS = 5.0


def patient_items(cands: SiteCandidates) -> dict[str, list[Item]]:
    """Per patient: every booking it could have at this site."""
    items: dict[str, list[Item]] = defaultdict(list)
    for g in cands.groups:
        for pid in g.patients:
            items[pid].append((g.day, g.start, g.end, g.type.id))
    for ap in cands.appointments:
        items[ap.patient].append((ap.day, ap.start, ap.end, ap.kind))
    return items


def could_meet_alone(patient: Patient, items: Iterable[Item]) -> bool:
    """Whether some set of `items` meets the patient's plan on its own."""
    plan = patient.plan
    model = cp_model.CpModel()
    chosen = [(item, model.new_bool_var("")) for item in sorted(set(items))]
    at_most_one_over_time(model, [(d, s, e, v) for (d, s, e, _), v in chosen])
    by_day: dict[int, list[tuple[Item, cp_model.IntVar]]] = defaultdict(list)
    for item, v in chosen:
        by_day[item[0]].append((item, v))
    day_flags = []
    total = []
    for entries in by_day.values():
        minutes = sum((e - s) * v for (_, s, e, _), v in entries)
        model.add(minutes <= plan.max_day_minutes)
        flag = model.new_bool_var("")
        model.add(minutes >= plan.min_day_minutes * flag)
        day_flags.append(flag)
        total.append(minutes)
    model.add(sum(total) >= plan.min_minutes)
    model.add(sum(day_flags) >= plan.min_days)
    for tid, count in plan.groups.items():
        model.add(sum(v for (_, _, _, t), v in chosen if t == tid) >= count)
    for kind, need in (("individual", plan.individual), ("family", plan.family)):
        if need is not None:
            model.add(sum(v for (_, _, _, t), v in chosen if t == kind) == need.count)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.catch_sigint_signal = False  # Ctrl-C is the caller's (cli.py)
    solver.parameters.max_time_in_seconds = PER_PATIENT_SECONDS
    return solver.solve(model) != cp_model.INFEASIBLE


def isolation_bound(cands: SiteCandidates) -> int:
    """Patients of the site who could meet their plan alone: an upper bound on plans met.

    Only for a fresh week (nothing pinned): pinned bookings would have to be given to each
    patient's isolated week, and repair claims no bound.
    """
    items = patient_items(cands)
    return sum(1 for p in cands.patients if could_meet_alone(p, items.get(p.id, ())))


def appointment_bound(
    cands: SiteCandidates, patients: Iterable[Patient], seconds: float, seed: int
) -> int:
    """At most this many of `patients` can meet their plan in one week (see the module text).

    An exact CP-SAT model over the site's appointment candidates; when it is not settled in
    `seconds` its proven objective bound is used, which stays valid.
    """
    wanted = {p.id: p for p in patients}
    model = cp_model.CpModel()
    busy: dict[str, list[tuple[int, int, int, cp_model.IntVar]]] = defaultdict(list)
    load: dict[str, list[tuple[int, cp_model.IntVar]]] = defaultdict(list)
    booked: dict[tuple[str, str], list[cp_model.IntVar]] = defaultdict(list)
    any_room: list[tuple[int, int, int, cp_model.IntVar]] = []
    family_room: list[tuple[int, int, int, cp_model.IntVar]] = []
    for ap in cands.appointments:
        if ap.patient not in wanted:
            continue
        v = model.new_bool_var("")
        span = (ap.day, ap.start, ap.end, v)
        busy[ap.patient].append(span)
        busy[ap.clinician].append(span)
        load[ap.clinician].append((ap.end - ap.start, v))
        booked[ap.patient, ap.kind].append(v)
        any_room.append(span)
        if ap.kind == "family":
            family_room.append(span)
    for spans in busy.values():
        at_most_one_over_time(model, spans)
    at_most_one_over_time(model, any_room, len(cands.rooms_any))
    at_most_one_over_time(model, family_room, len(cands.rooms_family))
    for c in cands.clinicians:
        if load[c.id]:
            model.add(sum(m * v for m, v in load[c.id]) <= c.max_minutes)
    met = []
    for p in wanted.values():
        ok = model.new_bool_var("")
        met.append(ok)
        for kind, need in (("individual", p.plan.individual), ("family", p.plan.family)):
            if need is not None:
                model.add(sum(booked[p.id, kind]) >= need.count * ok)
    model.maximize(sum(met))
    # One worker with the full linear relaxation proves it fastest, whatever the search uses:
    # main-2 site s2 (147 patients, optimum 140) 0.55 s, against 4.4 s with the default
    # linearization and 2.1-2.7 s with two workers; every generated site 0.3-0.7 s.
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.catch_sigint_signal = False  # Ctrl-C is the caller's (cli.py)
    solver.parameters.linearization_level = 2
    solver.parameters.random_seed = seed
    solver.parameters.max_deterministic_time = max(0.1, seconds)
    solver.parameters.max_time_in_seconds = max(5.0, 20 * seconds)  # a runaway guard only
    status = solver.solve(model)
    if status == cp_model.OPTIMAL:
        return round(solver.objective_value)
    if status == cp_model.FEASIBLE:
        return min(len(wanted), math.floor(solver.best_objective_bound + 1e-6))
    return len(wanted)
