"""One worker and a seed give the same week every time; the timetable steps start from the
constructed week and keep every plan; the polish only adds to the weeks of unmet patients;
hints replace the model's hint whole; a site's unused time goes to the sites after it."""

from __future__ import annotations

import itertools

import pytest
from ortools.sat.python import cp_model

from trellis.scheduling.solver import solve
from trellis.scheduling.solver.instance import Instance, parse_instance
from trellis.scheduling.solver.model import write_hint
from trellis.scheduling.solver.solution import schedule_to_dict
from trellis.scheduling.solver.solve import POLISH_SECONDS, search_share, turn_budget
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
    assert stages["timetable"]["plans_met"] >= stages["construct"]["plans_met"]
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
    polish_model = run._polish_part()
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


def _site_run(instance: Instance, workers: int = 1) -> SiteRun:
    counter = itertools.count(1)
    run = SiteRun(
        instance, "s1", None, None, workers, 0, lambda *_: None, lambda p: f"{p}{next(counter)}"
    )
    run.build()
    return run


def test_a_fresh_search_steps_on_from_the_constructed_week() -> None:
    instance = parse_instance(tiny_instance(11, patients=30))
    run = _site_run(instance)
    constructed = run.met
    assert run.values is None
    run.search(3.0)
    names = [s["stage"] for s in run.stages]
    assert names[:3] == ["construct", "timetable", "bound"]
    assert "search" not in names  # CP-SAT's own neighbourhoods only in repair
    # The constructed week hinted every variable of the site's model; the steps went on from it.
    assert run.values is not None
    assert set(run.values) == {v.index for v in run.sm.all_vars()}
    assert run.stages[1]["steps"] >= 1
    assert run.met >= constructed
    week = schedule_to_dict(instance, run.schedule, {})
    figures = shared_module("check").check(tiny_instance(11, patients=30), week)
    assert figures["valid"], figures["violations"]
    assert figures["plan_met"] == run.met


def test_the_polish_gets_at_least_its_seconds_a_site_on_a_short_run() -> None:
    assert search_share(100.0, 2, repair=False) == 0.95  # 5 % is already enough
    short = search_share(25.0, 2, repair=False)
    assert 25.0 * (1 - short) == pytest.approx(2 * POLISH_SECONDS)
    assert search_share(2.0, 6, repair=False) == 0.5  # never less than half for the search
    assert search_share(25.0, 2, repair=True) == 0.85


def test_write_hint_replaces_the_hint_and_the_solver_follows_it() -> None:
    model = cp_model.CpModel()
    xs = [model.new_bool_var(f"x{i}") for i in range(6)]
    model.add(sum(xs) == 3)
    for v in xs:
        model.add_hint(v, 1)  # an earlier hint, to be replaced
    wanted = {v.index: int(i % 2 == 0) for i, v in enumerate(xs)}
    write_hint(model, xs, wanted)
    hint = model.proto.solution_hint
    assert list(hint.vars) == [v.index for v in xs]
    assert list(hint.values) == [wanted[v.index] for v in xs]
    solver = cp_model.CpSolver()
    solver.parameters.fix_variables_to_their_hinted_value = True
    assert solver.solve(model) == cp_model.OPTIMAL
    assert [solver.value(v) for v in xs] == [1, 0, 1, 0, 1, 0]


def test_a_site_that_ends_early_leaves_its_time_to_the_next() -> None:
    # Two sites of weights 1 and 3 share 10 s: the plan is 2.5 s and 7.5 s.
    assert turn_budget(10.0, 0.0, 1, 4) == pytest.approx(2.5)
    assert turn_budget(10.0, 2.5, 3, 3) == pytest.approx(7.5)
    # The first took 1 s of its 2.5: the second gets the rest of the stage.
    assert turn_budget(10.0, 1.0, 3, 3) == pytest.approx(9.0)
    # The first overran to 4 s: the second still ends with the stage.
    assert turn_budget(10.0, 4.0, 3, 3) == pytest.approx(6.0)
    assert turn_budget(10.0, 12.0, 3, 3) == pytest.approx(0.1)  # never nothing
