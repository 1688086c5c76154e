"""One worker and a seed give the same week every time; the timetable steps keep every plan;
the polish only adds to the weeks of unmet patients."""

from __future__ import annotations

import itertools

from trellis.scheduling.solver import solve
from trellis.scheduling.solver.instance import parse_instance
from trellis.scheduling.solver.stages import SiteRun
from trellis.scheduling.solver.translate import booking_sets, plan_met, tallies

from .support import shared_module, tiny_instance


def test_one_worker_is_deterministic() -> None:
    instance = tiny_instance(5, patients=16)
    first = solve(instance, time_limit=2, workers=1, seed=3)
    second = solve(instance, time_limit=2, workers=1, seed=3)
    assert first["sessions"] == second["sessions"]
    assert first["appointments"] == second["appointments"]


def test_timetable_steps_run_and_never_lose_a_plan() -> None:
    instance = tiny_instance(11, patients=30)
    solution = solve(instance, time_limit=6, workers=1, seed=2)
    stages = {s["stage"]: s for s in solution["stats"]["sites"][0]["stages"]}
    assert stages["timetable"]["steps"] >= 1
    assert stages["timetable"]["plans_met"] >= stages["search"]["plans_met"]
    figures = shared_module("check").check(instance, solution)
    assert figures["valid"], figures["violations"]
    assert figures["plan_met"] == solution["stats"]["plans_met"]


def test_polish_lowers_shortfall_and_leaves_met_weeks_alone() -> None:
    instance = parse_instance(tiny_instance(4, patients=30))
    counter = itertools.count(1)

    def fresh_id(prefix: str) -> str:
        return f"{prefix}{next(counter)}"

    run = SiteRun(instance, "s1", None, None, 1, 0, lambda *_: None, fresh_id)
    run.build()
    run.search(2.0)
    before = tallies(instance, run.schedule)
    shortfall_before = sum(max(0, p.plan.min_minutes - before[p.id][0]) for p in run.cands.patients)
    met = {p.id for p in run.cands.patients if plan_met(instance, p.id, before[p.id])}
    weeks = booking_sets(run.schedule)
    # The polish searches a copy in which the met patients' weeks are fixed (and so small).
    polish_model = run._unmet_part()
    domains = polish_model.proto.variables
    fixed = [list(domains[v.index].domain) for (_, pid), v in run.sm.x.items() if pid in met]
    assert fixed
    assert all(lo == hi for lo, hi in fixed)
    run.polish(2.0)
    after = tallies(instance, run.schedule)
    assert run.stages[-1]["status"] in ("OPTIMAL", "FEASIBLE")
    assert sum(max(0, p.plan.min_minutes - after[p.id][0]) for p in run.cands.patients) <= (
        shortfall_before
    )
    assert {p.id for p in run.cands.patients if plan_met(instance, p.id, after[p.id])} >= met
    assert all(booking_sets(run.schedule)[pid] == weeks[pid] for pid in met)
