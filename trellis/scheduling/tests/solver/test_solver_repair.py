"""Repair: nothing changed moves nobody; pinned bookings never move; changes stay valid."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from trellis.scheduling.solver import SolutionError, solve

from .support import shared_module, tiny_instance

Week = tuple[dict[str, Any], dict[str, Any]]


@pytest.fixture(scope="module")
def week() -> Week:
    instance = tiny_instance(7, patients=30)
    return instance, solve(instance, time_limit=4, seed=1)


def test_nothing_changed_moves_nobody(week: Week) -> None:
    instance, first = week
    again = solve(instance, time_limit=3, previous=first)
    figures = shared_module("check").check(instance, again, first)
    assert figures["valid"], figures["violations"]
    assert figures["moved"] == 0
    assert again["stats"]["moved"] == 0
    assert figures["plan_met"] >= first["stats"]["plans_met"]


def test_pinned_sessions_stay_put_after_an_absence(
    week: Week,
) -> None:
    instance, first = week
    previous = copy.deepcopy(first)
    pinned = previous["sessions"][0]
    pinned["pinned"] = True
    changed = copy.deepcopy(instance)
    absent = next(
        c
        for c in changed["clinicians"]
        if c["id"] not in pinned["facilitators"]
        and any(c["id"] in s["facilitators"] for s in previous["sessions"])
    )
    absent["availability"] = {}
    repaired = solve(changed, time_limit=3, previous=previous)
    figures = shared_module("check").check(changed, repaired, previous)
    assert figures["valid"], figures["violations"]
    kept = next(s for s in repaired["sessions"] if s["id"] == pinned["id"])
    assert {k: kept[k] for k in pinned} == pinned
    assert all(absent["id"] not in s["facilitators"] for s in repaired["sessions"])


def test_pin_by_id_and_admission(week: Week) -> None:
    instance, first = week
    changed = copy.deepcopy(instance)
    newcomer = copy.deepcopy(changed["patients"][0])
    newcomer["id"] = "p-new"
    newcomer["avoid"] = []
    changed["patients"].append(newcomer)
    ident = first["appointments"][0]["id"]
    repaired = solve(changed, time_limit=3, previous=first, pinned=[ident])
    figures = shared_module("check").check(changed, repaired, first)
    assert figures["valid"], figures["violations"]
    before = next(a for a in first["appointments"] if a["id"] == ident)
    after = next(a for a in repaired["appointments"] if a["id"] == ident)
    assert {k: after[k] for k in before} == before


def test_unknown_pinned_id_is_rejected(week: Week) -> None:
    instance, first = week
    with pytest.raises(SolutionError, match="nope"):
        solve(instance, time_limit=1, previous=first, pinned=["nope"])


def _bookings(solution: dict[str, Any]) -> dict[str, set[tuple[str, str, str]]]:
    table: dict[str, set[tuple[str, str, str]]] = {}
    for s in solution["sessions"]:
        for pid in s["patients"]:
            table.setdefault(pid, set()).add((s["type"], s["day"], s["start"]))
    for a in solution["appointments"]:
        table.setdefault(a["patient"], set()).add((a["kind"], a["day"], a["start"]))
    return table


def test_absence_moves_only_patients_it_touched(week: Week) -> None:
    instance, first = week
    changed = copy.deepcopy(instance)
    busiest = max(
        changed["clinicians"],
        key=lambda c: sum(c["id"] in s["facilitators"] for s in first["sessions"]),
    )
    busiest["availability"] = {}
    touched = {
        p for s in first["sessions"] if busiest["id"] in s["facilitators"] for p in s["patients"]
    }
    touched |= {a["patient"] for a in first["appointments"] if a["clinician"] == busiest["id"]}
    repaired = solve(changed, time_limit=3, previous=first)
    figures = shared_module("check").check(changed, repaired, first)
    assert figures["valid"], figures["violations"]
    before, after = _bookings(first), _bookings(repaired)
    for pid, booked in before.items():
        if pid not in touched:
            assert after.get(pid) == booked, pid
    assert repaired["stats"]["moved"] == figures["moved"]
