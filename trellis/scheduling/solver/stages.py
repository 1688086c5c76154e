"""One site's solve, in stages over the site's model.

0. `construct` (a fresh week): a first-fit week (construct.py), the first valid schedule and
   the complete hint of the search. In repair the start is last week's valid part, and every
   patient whose bookings survived the change is frozen (kept exactly) in the model.
1. `search`: objective plans met (less moves in repair). A fresh week is searched by
   `timetable` steps from the constructed week on: each frees the group slots of two days
   and every patient's bookings at once, the rest of the timetable fixed; then the proven
   bound (the isolation bound of the patients still unmet, bound.py) and steps with what it
   left. In repair: CP-SAT's own neighbourhood search over the site model.
2. `polish`: plans met held, minimise shortfall, sessions missing, patients moved, clinician
   minutes.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ortools.sat.python import cp_model

from .bound import appointment_bound, could_meet_alone, patient_items
from .candidates import Pinned, SiteCandidates, build_candidates, grid_step, pinned_usage
from .construct import construct
from .instance import Instance
from .model import SiteModel, build_model, primary_objective, secondary_objective, write_hint
from .sanitize import sanitize
from .solution import Schedule
from .translate import booking_sets, extract, hint, plan_met, tallies

Report = Callable[[str, int, int, str], None]

# The search stage of a fresh week: timetable steps (`_timetable_lns`) of about STEP_SECONDS
# each, freeing the group slots of FREED_DAYS days, from the constructed week on. Measured in
# docs/performance.md (small-1, main-1, network-1).
STEP_SECONDS = 4.0
FREED_DAYS = 2
# The proven bound runs inside the search stage's budget, so the command keeps its limit: the
# isolation solves of the unmet patients (about 30 ms a patient) and the appointments-together
# bound (0.3-0.7 s on every generated site, bound.py; past its time its proven objective bound
# is used). Its reserve is BOUND_SECONDS plus BOUND_SHARE of the stage, at most a quarter.
# On main-1 in 30 s, with 30-60 patients unmet per site, the bound took 1.8 s against a
# reserve of 1.3 s (BOUND_SECONDS 1.0), and the overrun came out of the polish.
BOUND_SECONDS = 1.5
BOUND_SHARE = 0.03
# A timetable step's own work around CP-SAT (cloning the model, the hint, extraction): main-1
# 0.3-0.5 s, and ~0.2 s since hints are written in one go (`write_hint`); kept out of the
# step's CP-SAT limit so the steps end inside their budget, with the rest as a margin.
STEP_OVERHEAD = 0.4


def cp_solver(time_limit: float, workers: int, seed: int) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    params = solver.parameters
    params.max_time_in_seconds = max(0.2, time_limit)
    if workers == 1:
        # Reproducible: stop on CP-SAT's deterministic clock. Wall time only stops a runaway;
        # it is far off, because a loaded machine (CI) runs the same work in several times the
        # wall time, and a 3x backstop once ended a stage early there and changed the week.
        params.max_deterministic_time = max(0.2, time_limit)
        params.max_time_in_seconds = max(5.0, 20 * time_limit)
    params.num_workers = workers
    params.random_seed = seed
    # Ctrl-C is the caller's: by default CP-SAT takes it for itself and ends only the solve
    # under way, so the command (and a worker being shut down) ran on regardless. The command
    # line stops the whole search instead (cli.py).
    params.catch_sigint_signal = False
    if workers > 1:
        # Every worker searches by neighbourhoods around the best week. The full-problem worker
        # (default_lp) finds no weeks here and its LP bound is never better than the isolation
        # bound (bound.py), which costs milliseconds: measured on small-1, 105-111 plans met in
        # 40 s against 104 with it.
        params.use_lns_only = True
    # Measured on these models: full presolve and symmetry detection cost ~10 s before the
    # first solution and buy nothing; one presolve pass keeps the first solution at ~2 s.
    params.max_presolve_iterations = 1
    params.symmetry_level = 0
    # Probing and the search for shared linear blocks took 2-3 of the 4 s of presolve on
    # main-1 site s2 (one core idle meanwhile) and changed nothing found after it.
    params.cp_model_probing_level = 0
    params.find_big_linear_overlap = False
    return solver


def _never() -> bool:
    return False


class _Watcher(cp_model.CpSolverSolutionCallback):
    """Reports each better week's plans met; ends the search when the caller asks to stop."""

    def __init__(
        self,
        sm: SiteModel,
        report: Callable[[int], None],
        should_stop: Callable[[], bool] = _never,
    ) -> None:
        super().__init__()
        self.sm = sm
        self.report = report
        self.should_stop = should_stop

    def on_solution_callback(self) -> None:
        self.report(sum(self.value(v) for v in self.sm.met.values()))
        if self.should_stop():
            self.stop_search()


@dataclass
class SiteRun:
    instance: Instance
    site: str
    base: Schedule | None  # last week's valid part, in repair mode
    original: Schedule | None  # last week as given
    workers: int
    seed: int
    report: Report
    fresh_id: Callable[[str], str]
    pinned: Pinned = field(init=False)
    frozen: dict[str, set[tuple[str, int, int]]] = field(init=False)
    cands: SiteCandidates = field(init=False)
    sm: SiteModel = field(init=False)
    protected: dict[str, int] = field(default_factory=dict)  # repair: free patient -> move cost
    values: dict[int, int] | None = None
    schedule: Schedule = field(default_factory=Schedule)
    met: int = 0
    bound: int = 0
    bound_proven: bool = False  # the bound stage ran; until then `bound` is the patient count
    stages: list[dict[str, Any]] = field(default_factory=list)
    steps_taken: int = 0  # timetable steps so far; a later call continues their seeds
    rng: random.Random = field(init=False)
    # Asked between timetable steps and on each better week: True ends the search early (a
    # coordinator stopped the run); the bound and the polish still run on the week found.
    should_stop: Callable[[], bool] = _never
    searching: cp_model.CpSolver | None = None  # the search's CP-SAT solve under way, if any

    def stop_search(self) -> None:
        """End the search's CP-SAT solve under way now (from another thread; thread-safe)."""
        solver = self.searching
        if solver is not None:
            solver.stop_search()

    def __post_init__(self) -> None:
        """Candidates and the start week (constructed, or last week's valid part in repair)."""
        inst = self.instance
        self.rng = random.Random(self.seed)  # noqa: S311 - search diversity, not secrets
        self.pinned = pinned_usage(inst, self.base or Schedule(), self.site)
        self.frozen = self._frozen()
        starts = self.base
        if self.base is not None and self.original is not None:
            # Last week's times as given are candidates too, so a session that lost its
            # facilitator can be restaffed at its old time (keep_p refers to last week).
            starts = Schedule(
                self.base.sessions + self.original.sessions,
                self.base.appointments + self.original.appointments,
            )
        self.cands = build_candidates(
            inst, self.site, grid_step(inst, self.site), self.pinned, starts, self.frozen
        )
        self.bound = len(self.cands.patients)
        if self.base is not None:
            self.protected = {p.id: 1 for p in self.cands.patients if p.id not in self.frozen}
            self.schedule = self._mine(self.base)
            stage = "start"
        else:
            self.schedule = construct(inst, self.cands, self.fresh_id)
            stage = "construct"
        self.met = self._count(self.schedule)
        self.stages.append({"stage": stage, "plans_met": self.met})
        self.report(self.site, self.met, self.bound, stage)

    def build(self) -> None:
        """The CP-SAT model, hinted with the start week (complete: every variable)."""
        inst = self.instance
        # In repair, keep_p means the patient's bookings are exactly last week's as given: a
        # patient whose session lost its facilitator stays put if the model can restaff it
        # (another clinician, or a swap among the kept sessions), and counts as moved if not.
        self.sm = build_model(inst, self.cands, previous=self.original)
        if self.base is not None:
            for pid in self.frozen:
                self.sm.model.add(self.sm.keep[pid] == 1)
            primary_objective(self.sm, self.protected)
            hint(inst, self.sm, self.base, self.original)
        else:
            hint(inst, self.sm, self.schedule, None)

    @property
    def patients(self) -> int:
        return len(self.cands.patients)

    @property
    def weight(self) -> int:
        """Share of the time: patients to schedule (in repair only those not frozen)."""
        return 1 + (len(self.protected) if self.base is not None else self.patients)

    def _frozen(self) -> dict[str, set[tuple[str, int, int]]]:
        """Repair: patients whose bookings all survived the change keep them exactly.

        Only patients whose bookings broke (an absent clinician, a dropped session) and
        patients with no bookings last week (an admission) are re-solved.
        """
        if self.original is None or self.base is None:
            return {}
        before, now = booking_sets(self.original), booking_sets(self.base)
        pinned = booking_sets(
            Schedule(
                [s for s in self.base.sessions if s.pinned],
                [a for a in self.base.appointments if a.pinned],
            )
        )
        return {
            p.id: now[p.id] - pinned.get(p.id, set())
            for p in self.instance.patients.values()
            if p.site == self.site and before.get(p.id) and before[p.id] == now.get(p.id)
        }

    def _mine(self, schedule: Schedule) -> Schedule:
        return Schedule(
            [s for s in schedule.sessions if s.site == self.site],
            [a for a in schedule.appointments if a.site == self.site],
        )

    def _count(self, schedule: Schedule) -> int:
        table = tallies(self.instance, schedule)
        return sum(1 for p in self.cands.patients if plan_met(self.instance, p.id, table[p.id]))

    def _run(self, stage: str, budget: float, model: cp_model.CpModel | None = None) -> None:
        started = time.monotonic()
        sm = self.sm
        model = sm.model if model is None else model
        if self.values is not None:
            self._hint(model)
        solver = cp_solver(budget, self.workers, self.seed)
        stop = self.should_stop if stage == "search" else _never
        watcher = _Watcher(sm, lambda met: self.report(self.site, met, self.bound, stage), stop)
        if stage == "search":
            self.searching = solver
        try:
            status = solver.solve(model, watcher)
        finally:
            self.searching = None
        entry: dict[str, Any] = {
            "stage": stage,
            "status": solver.status_name(status),
            "seconds": round(time.monotonic() - started, 3),
        }
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            self._take(solver)
        entry["plans_met"] = self.met
        self.stages.append(entry)
        self.report(self.site, self.met, self.bound, stage)

    def _hint(self, model: cp_model.CpModel) -> None:
        """Hint every variable of `model` (the site model or a copy) with the current week."""
        assert self.values is not None  # noqa: S101 - called after a solve or a hint
        write_hint(model, self.sm.all_vars(), self.values)

    def _take(self, solver: cp_model.CpSolver) -> None:
        """The solver's values become the current ones; their week is kept if it loses no plan.

        The model counts appointment rooms and splits parallel sessions only in aggregate, so an
        extracted week can meet a plan fewer than the model says; a week is taken only when it
        loses no plan (the polish once cost one on main-1, 300 s).
        """
        # Read from the response at once: `solver.value` per variable cost main-1 ~0.7 s a solve.
        response = solver.response_proto
        solution = response.solution
        self.values = {i: solution[i] for i in (v.index for v in self.sm.all_vars())}
        schedule = self._extract()
        met = self._count(schedule)
        if met >= self.met:
            self.schedule, self.met = schedule, met

    def _extract(self) -> Schedule:
        assert self.values is not None  # noqa: S101 - called after a solve
        values = self.values
        found = extract(self.instance, self.sm, lambda v: values[v.index], fresh_id=self.fresh_id)
        fixed = self._mine(self.base) if self.base is not None else Schedule()
        found.sessions = [s for s in fixed.sessions if s.pinned] + found.sessions
        found.appointments = [a for a in fixed.appointments if a.pinned] + found.appointments
        return sanitize(self.instance, found)

    def search(self, budget: float) -> None:
        if self.base is None:
            # The bound is solved inside the stage's budget, so the command keeps its limit.
            started = time.monotonic()
            reserve = min(budget / 4, BOUND_SECONDS + BOUND_SHARE * budget)
            if self.values is None:
                # The constructed week is the complete hint: the steps start from it.
                hinted = self.sm.model.proto.solution_hint
                self.values = dict(zip(hinted.vars, hinted.values, strict=True))
            self._timetable_lns(budget - reserve)
            left = budget - (time.monotonic() - started)
            long = self.workers > 1 and not self.should_stop()
            self._prove_bound(max(reserve, left) if long else reserve)
            left = budget - (time.monotonic() - started)
            if self.workers > 1 and left >= 1.0 + STEP_OVERHEAD and not self.should_stop():
                # The bound mostly settles well inside its reserve: search on with the rest.
                self._timetable_lns(left)
        else:
            self._run("search", budget)

    def _timetable_lns(self, budget: float) -> None:
        """Neighbourhood search over the timetable, every patient's bookings free each time.

        CP-SAT's own neighbourhoods free a random part of the variables, so a better week that
        needs many patients to change sessions at once is rarely inside one. Here each step
        keeps the group slots of all but two random days exactly as they are (rooms and
        facilitators; a closed slot stays closed) and frees the timetable of those two days
        together with every patient's sessions and appointments, all week; presolve drops the
        closed slots' patient variables, so the step's model is small. A step's week is taken
        when it meets at least as many plans. Measured in docs/performance.md.
        """
        if self.values is None:
            return
        sm = self.sm
        started = time.monotonic()
        rng = self.rng
        steps = max(1, round(budget / STEP_SECONDS))
        per = budget / steps
        tried = improved = 0
        slot_vars = [(gi, v) for table in (sm.z, sm.f) for (gi, _), v in table.items()]
        for _ in range(steps):
            left = budget - (time.monotonic() - started) - STEP_OVERHEAD
            if (self.workers > 1 and left < per / 2) or self.should_stop():
                break
            freed = self._freed(rng)
            model = sm.model.clone()
            for gi, v in slot_vars:
                if gi not in freed:
                    domain = model.proto.variables[v.index].domain
                    domain[0] = domain[1] = self.values[v.index]
            self._hint(model)
            limit = per if self.workers == 1 else min(per, left)  # one worker: by plan
            self.steps_taken += 1
            # CP-SAT's seed is 32 bits: a seed near the top wraps rather than fails.
            solver = cp_solver(limit, self.workers, (self.seed + self.steps_taken) % 2**31)

            # Progress as the step finds weeks, not only when it ends.
            def found(met: int) -> None:
                self.report(self.site, met, self.bound, "timetable")

            watcher = _Watcher(sm, found, self.should_stop)
            self.searching = solver
            try:
                status = solver.solve(model, watcher)
            finally:
                self.searching = None
            tried += 1
            # The complete hint is a week of the step's model, so what comes back is no worse.
            if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                before = self.met
                self._take(solver)
                improved += self.met > before
                self.report(self.site, self.met, self.bound, "timetable")
        self.stages.append(
            {
                "stage": "timetable",
                "steps": tried,
                "improved": improved,
                "plans_met": self.met,
                "seconds": round(time.monotonic() - started, 3),
            }
        )

    def _freed(self, rng: random.Random) -> set[int]:
        """The group slots a timetable step frees: every slot of FREED_DAYS random days."""
        days = sorted({g.day for g in self.cands.groups})
        chosen = set(rng.sample(days, min(FREED_DAYS, len(days))))
        return {g.index for g in self.cands.groups if g.day in chosen}

    def _prove_bound(self, seconds: float) -> None:
        """The proven bound (bound.py): isolation, then appointments together.

        A patient whose plan is met in a valid week can meet it alone, so the isolation bound
        is the plans met plus the unmet patients who could meet theirs alone (only those are
        solved). Of these possible patients, at most `appointment_bound` can also have their
        individual and family appointments in one week. Outside repair nothing is pinned and
        the candidates lose no valid week (docs/scheduling.md), so both are proven.
        """
        started = time.monotonic()
        table = tallies(self.instance, self.schedule)
        items = patient_items(self.cands)
        possible = [
            p
            for p in self.cands.patients
            if plan_met(self.instance, p.id, table[p.id])
            or could_meet_alone(p, items.get(p.id, ()))
        ]
        isolation = len(possible)
        if self.workers > 1:  # one worker: the plan's seconds, so the bound is reproducible
            seconds = max(0.1, seconds - (time.monotonic() - started))
        together = appointment_bound(self.cands, possible, seconds, self.seed)
        self.bound = min(self.bound, isolation, together)
        self.bound_proven = True
        self.stages.append(
            {
                "stage": "bound",
                "bound": self.bound,
                "isolation": isolation,
                "appointments": together,
                "seconds": round(time.monotonic() - started, 3),
            }
        )
        self.report(self.site, self.met, self.bound, "bound")

    def polish(self, budget: float) -> None:
        if self.values is None:
            return
        started = time.monotonic()
        moved = sum(1 - self.values[k.index] for _, k in self.sm.counted_moves(self.protected))
        model = self._polish_part()
        secondary_objective(self.instance, self.sm, self.met, self.protected, moved, model)
        if self.workers > 1:
            # The copy of the model, its hint and the week's extraction are inside the budget.
            budget = max(0.2, budget - (time.monotonic() - started) - STEP_OVERHEAD)
        self._run("polish", budget, model)

    def _polish_part(self) -> cp_model.CpModel:
        """A copy of the site model in which the patients the polish cannot help keep their week.

        These are the patients whose plan is met: a met plan has no shortfall, so the polish
        only has to place the unmet patients in free seats and appointment times, and close or
        re-staff sessions nobody met needs. In repair the frozen patients keep theirs too (the
        model holds them to last week's anyway). Presolve removes the fixed part, so the polish
        searches from its first second instead of spending its budget presolving the whole
        site: main-1's fresh polish had used its 4 s doing that; a repair after an admission
        now settles in a second where it had used all its time, and after an absence in
        0.1-0.2 s with half the shortfall, where it had returned nothing or little
        (docs/performance.md). The search before it already weighed moves against plans, so
        the met patients it moved stay moved.
        """
        assert self.values is not None  # noqa: S101 - called after a solve
        sm, values = self.sm, self.values
        model = sm.model.clone()
        domains = model.proto.variables

        def fix(v: cp_model.IntVar) -> None:
            domain = domains[v.index].domain
            domain[0] = domain[1] = values[v.index]

        kept = {pid for pid, v in sm.met.items() if values[v.index]}
        if self.base is not None:
            kept |= set(self.frozen)
        kept_slots = set()
        for (gi, pid), v in sm.x.items():
            if pid in kept:
                fix(v)
                if values[v.index]:
                    kept_slots.add(gi)
        for ap in sm.cands.appointments:
            if ap.patient in kept:
                fix(sm.a[ap.index])
        # A frozen patient whose plan the search left uncounted (met = 0) keeps its `met`,
        # days and shortfall free: fixed at 0 they could make the polish's floor on plans met
        # unreachable. Its bookings are fixed, so presolve settles them.
        counted = {pid for pid in kept if values[sm.met[pid].index]}
        for pid in kept:
            if pid in sm.keep:
                fix(sm.keep[pid])
        for pid in counted:
            fix(sm.met[pid])
            fix(sm.shortfall[pid])
        for (pid, _), v in sm.day_met.items():
            if pid in counted:
                fix(v)
        for table in (sm.z, sm.f):
            for (gi, _), v in table.items():
                if gi in kept_slots:
                    fix(v)
        return model
