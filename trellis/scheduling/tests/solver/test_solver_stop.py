"""Stopping a solve early: the search ends, the week found so far is polished, valid, returned."""

from __future__ import annotations

from trellis.scheduling.solver import solve

from .support import shared_module, tiny_instance


def _steps(solution: dict) -> int:
    return sum(
        stage.get("steps", 0)
        for site in solution["stats"]["sites"]
        for stage in site["stages"]
        if stage["stage"] == "timetable"
    )


def test_a_stop_asked_at_once_returns_the_constructed_week_polished_and_valid() -> None:
    instance = tiny_instance(5, patients=40)
    solution = solve(instance, time_limit=120, seed=1, should_stop=lambda: True)
    figures = shared_module("check").check(instance, solution)
    assert figures["valid"], figures["violations"]
    stats = solution["stats"]
    assert stats["stopped"] is True
    assert _steps(solution) == 0
    assert stats["seconds"] < 60  # the 120 s were not used
    stages = [stage["stage"] for stage in stats["sites"][0]["stages"]]
    assert "bound" in stages
    assert "polish" in stages
    assert stats["bound_proven"] is True


def test_a_stop_during_the_search_keeps_the_best_week_found() -> None:
    instance = tiny_instance(5, patients=40)
    asked = [0]

    def after_a_few_questions() -> bool:
        asked[0] += 1
        return asked[0] > 3

    solution = solve(instance, time_limit=120, seed=1, should_stop=after_a_few_questions)
    figures = shared_module("check").check(instance, solution)
    assert figures["valid"], figures["violations"]
    assert solution["stats"]["stopped"] is True
    assert _steps(solution) >= 1
    constructed = solution["stats"]["sites"][0]["stages"][0]
    assert constructed["stage"] == "construct"
    assert figures["plan_met"] >= constructed["plans_met"]


def test_a_solve_nobody_stops_says_nothing_about_stopping() -> None:
    instance = tiny_instance(5, patients=12)
    solution = solve(instance, time_limit=2, seed=1, should_stop=lambda: False)
    assert "stopped" not in solution["stats"]
