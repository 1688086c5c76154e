"""One worker and a seed give the same week every time; the timetable steps keep every plan."""

from __future__ import annotations

from trellis.scheduling.solver import solve

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
