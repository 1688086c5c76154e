"""One site's solve, in stages over a coarse-grid model, plus a bound on a complete one.

1. `quick`: a few seconds of CP-SAT for a first valid week (hinted with last week in repair).
2. `search`: the main CP-SAT search, hinted with everything found so far (plans met first).
3. `polish`: plans met held, minimise shortfall, patients moved, clinician minutes.
4. `prove`: the same model over *every* slot-grid start (a relaxation of the week), maximising
   plans met; its CP-SAT objective bound is the proven upper bound reported.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ortools.sat.python import cp_model

from .candidates import Pinned, build_candidates, grid_step, pinned_usage
from .instance import Instance
from .model import SiteModel, build_model, primary_objective, secondary_objective
from .sanitize import sanitize
from .solution import Schedule
from .translate import booking_sets, extract, hint, plan_met, tallies

Report = Callable[[str, int, int, str], None]


def cp_solver(time_limit: float, workers: int, seed: int) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    params = solver.parameters
    params.max_time_in_seconds = max(0.2, time_limit)
    if workers == 1:
        # Reproducible: stop on CP-SAT's deterministic clock, with wall time as a backstop.
        params.max_deterministic_time = max(0.2, time_limit)
        params.max_time_in_seconds = max(0.2, 3 * time_limit)
    params.num_workers = workers
    params.random_seed = seed
    # Measured on these models: full presolve and symmetry detection cost ~10 s before the
    # first solution and buy nothing; one presolve pass keeps the first solution at ~2 s.
    params.max_presolve_iterations = 1
    params.symmetry_level = 0
    return solver


class _Watcher(cp_model.CpSolverSolutionCallback):
    def __init__(self, sm: SiteModel, report: Callable[[int], None]) -> None:
        super().__init__()
        self.sm = sm
        self.report = report

    def on_solution_callback(self) -> None:
        self.report(sum(self.value(v) for v in self.sm.met.values()))


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
    sm: SiteModel = field(init=False)
    protected: dict[str, int] = field(default_factory=dict)
    values: dict[int, int] | None = None
    schedule: Schedule = field(default_factory=Schedule)
    met: int = 0
    bound: int = 0
    stages: list[dict[str, Any]] = field(default_factory=list)

    def __post_init__(self) -> None:
        inst = self.instance
        self.pinned = pinned_usage(inst, self.base or Schedule(), self.site)
        step = grid_step(inst, self.site)
        cands = build_candidates(inst, self.site, step, self.pinned, extra=self.base)
        self.sm = build_model(inst, cands, previous=self.base)
        self.bound = len(cands.patients)
        if self.base is not None:
            self.protected = self._protected()
            primary_objective(self.sm, self.protected)
            self.schedule = self._mine(self.base)
            self.met = self._count(self.schedule)
            hint(inst, self.sm, self.base, self.base)
        else:
            hint(inst, self.sm, Schedule(), None)  # the empty week: a complete, valid start

    @property
    def patients(self) -> int:
        return len(self.sm.cands.patients)

    def _protected(self) -> dict[str, int]:
        """Cost of moving each patient whose bookings survived the change (see the model)."""
        if self.original is None or self.base is None:
            return {}
        before, now = booking_sets(self.original), booking_sets(self.base)
        return {
            p.id: 4 if before.get(p.id) else 1
            for p in self.sm.cands.patients
            if before.get(p.id, set()) == now.get(p.id, set())
        }

    def _mine(self, schedule: Schedule) -> Schedule:
        return Schedule(
            [s for s in schedule.sessions if s.site == self.site],
            [a for a in schedule.appointments if a.site == self.site],
        )

    def _count(self, schedule: Schedule) -> int:
        table = tallies(self.instance, schedule)
        return sum(1 for p in self.sm.cands.patients if plan_met(self.instance, p.id, table[p.id]))

    def _run(self, stage: str, budget: float, *, record_bound: bool = False) -> None:
        started = time.monotonic()
        sm = self.sm
        if self.values is not None:
            sm.model.clear_hints()  # type: ignore[no-untyped-call]
            for v in sm.all_vars():
                sm.model.add_hint(v, self.values[v.index])
        solver = cp_solver(budget, self.workers, self.seed)
        watcher = _Watcher(sm, lambda met: self.report(self.site, met, self.bound, stage))
        status = solver.solve(sm.model, watcher)
        entry: dict[str, Any] = {
            "stage": stage,
            "status": solver.status_name(status),
            "seconds": round(time.monotonic() - started, 3),
        }
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            self.values = {v.index: solver.value(v) for v in sm.all_vars()}
            schedule = self._extract()
            met = self._count(schedule)
            if met >= self.met or stage == "polish":
                self.schedule, self.met = schedule, met
            if record_bound:
                proven = math.ceil(solver.best_objective_bound / 2 - 1e-6)
                self.bound = min(self.bound, proven)
        entry["plans_met"] = self.met
        self.stages.append(entry)
        self.report(self.site, self.met, self.bound, stage)

    def _extract(self) -> Schedule:
        assert self.values is not None  # noqa: S101 - called after a solve
        values = self.values
        found = extract(self.instance, self.sm, lambda v: values[v.index], fresh_id=self.fresh_id)
        fixed = self._mine(self.base) if self.base is not None else Schedule()
        found.sessions = [s for s in fixed.sessions if s.pinned] + found.sessions
        found.appointments = [a for a in fixed.appointments if a.pinned] + found.appointments
        return sanitize(self.instance, found)

    def quick(self, budget: float) -> None:
        self._run("quick", budget)

    def search(self, budget: float) -> None:
        self._run(
            "search",
            budget,
            record_bound=self.base is None and self.sm.cands.step == self.instance.slot,
        )

    def polish(self, budget: float) -> None:
        if self.values is None:
            return
        moved = sum(
            1 - self.values[k.index] for p, k in self.sm.keep.items() if p in self.protected
        )
        secondary_objective(self.instance, self.sm, self.met, self.protected, moved)
        self._run("polish", budget)

    def prove(self, budget: float) -> None:
        """Bound plans met with the complete (slot-grid, all starts) relaxation."""
        started = time.monotonic()
        if budget < 2.5:
            return  # building the complete model alone takes about that long
        inst = self.instance
        cands = build_candidates(inst, self.site, inst.slot, self.pinned, extra=self.base)
        sm = build_model(inst, cands)
        hint(inst, sm, self.schedule, None)
        left = budget if self.workers == 1 else budget - (time.monotonic() - started)
        solver = cp_solver(left, self.workers, self.seed)
        status = solver.solve(sm.model)
        # CP-SAT's objective bound is proven whatever the status; one below what we already
        # hold would be a bug, so it is ignored rather than trusted.
        proven = math.ceil(solver.best_objective_bound / 2 - 1e-6)  # the objective is 2·met
        if proven >= self.met:
            self.bound = min(self.bound, proven)
        self.stages.append(
            {
                "stage": "prove",
                "status": solver.status_name(status),
                "bound": self.bound,
                "seconds": round(time.monotonic() - started, 3),
            }
        )
        self.report(self.site, self.met, self.bound, "prove")
