"""The proven bound: the isolation bound, solved exactly, as check.py solves it independently;
then the appointments every possible patient needs, together in one week."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from trellis.scheduling.solver import solve
from trellis.scheduling.solver.bound import (
    appointment_bound,
    could_meet_alone,
    isolation_bound,
    patient_items,
)
from trellis.scheduling.solver.candidates import Pinned, build_candidates, grid_step
from trellis.scheduling.solver.instance import parse_instance
from trellis.scheduling.solver.solve import Progress

from .support import shared_module, tiny_instance


@settings(
    max_examples=4,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(seed=st.integers(min_value=0, max_value=10_000))
def test_isolation_bound_lies_between_valid_weeks_and_check_py(seed: int) -> None:
    """Never below a valid week (ours, greedy's); never above check.py's isolation bound,
    which also offers a patient group slots that too few patients could attend."""
    raw = tiny_instance(seed, patients=30)
    instance = parse_instance(raw)
    ours = sum(
        isolation_bound(build_candidates(instance, site, grid_step(instance, site), Pinned()))
        for site in instance.sites
    )
    check = shared_module("check").check
    greedy = shared_module("greedy").solve(raw)
    solved = solve(raw, time_limit=2, workers=2, seed=seed)
    best = max(check(raw, greedy)["plan_met"], check(raw, solved)["plan_met"])
    assert best <= ours
    assert ours <= check(raw, greedy)["isolation_bound"]
    assert best <= solved["stats"]["proven_bound"] <= ours
    together = 0
    for site in instance.sites:
        cands = build_candidates(instance, site, grid_step(instance, site), Pinned())
        together += appointment_bound(cands, cands.patients, 5.0, 0)
    assert best <= together


def _patient(availability: dict[str, list[list[str]]], **plan: object) -> dict[str, object]:
    base: dict[str, object] = {
        "min_minutes": 360,
        "min_days": 2,
        "min_day_minutes": 180,
        "max_day_minutes": 240,
        "groups": {"rp": 2},
        "individual": None,
        "family": None,
    }
    base.update(plan)
    return {
        "id": "p1",
        "site": "s1",
        "population": "adult-sud",
        "availability": availability,
        "avoid": [],
        "plan": base,
    }


def _week(patients: list[dict[str, object]], counsellor: dict[str, list[list[str]]]) -> dict:
    """Three days, one group room and one office; c1 leads rp all day, c2 sees patients 1:1."""
    day = {d: [["09:00", "21:00"]] for d in ("mon", "tue", "wed")}
    return {
        "format": "trellis-week/1",
        "name": "alone",
        "slot_minutes": 15,
        "sites": [{"id": "s1", "name": "S", "hours": day}],
        "rooms": [
            {"id": "r1", "site": "s1", "capacity": 12, "kind": "group"},
            {"id": "r2", "site": "s1", "capacity": 4, "kind": "office"},
        ],
        "clinicians": [
            {
                "id": "c1",
                "site": "s1",
                "competencies": ["group", "sud"],
                "max_minutes": 2400,
                "availability": day,
            },
            {
                "id": "c2",
                "site": "s1",
                "competencies": ["sud"],
                "max_minutes": 2400,
                "availability": counsellor,
            },
        ],
        "group_types": [
            {
                "id": "rp",
                "name": "RP",
                "minutes": 90,
                "min_size": 1,
                "max_size": 12,
                "requires": ["group", "sud"],
                "populations": ["adult-sud"],
            }
        ],
        "patients": patients,
    }


def _alone(patient: dict[str, object]) -> bool:
    instance = parse_instance(_week([patient], {"mon": [["09:00", "10:00"]]}))
    cands = build_candidates(instance, "s1", grid_step(instance, "s1"), Pinned())
    return could_meet_alone(instance.patients["p1"], patient_items(cands)["p1"])


def test_a_plan_that_fits_one_patients_week_is_possible_alone() -> None:
    # Two days of 2 x 90 minutes: 360 minutes, 2 days of 180, two sessions or more of rp.
    assert _alone(_patient({"mon": [["17:00", "20:00"]], "tue": [["17:00", "20:00"]]}))


def test_too_few_days_or_a_daily_cap_make_a_plan_impossible_alone() -> None:
    assert not _alone(_patient({"mon": [["09:00", "21:00"]]}))  # one day, needs two
    assert not _alone(
        _patient({"mon": [["17:00", "20:00"]], "tue": [["17:00", "20:00"]]}, max_day_minutes=150)
    )
    assert not _alone(
        _patient({"mon": [["17:00", "20:00"]], "tue": [["17:00", "20:00"]]}, min_minutes=400)
    )


def test_generated_weeks_have_patients_who_cannot_meet_their_plan_alone() -> None:
    """Keeps the test above meaningful: the generator does make impossible plans."""
    generate = shared_module("generate")
    raw = generate.make_instance("small", 1, patients=120)
    instance = parse_instance(raw)
    site = next(iter(instance.sites))
    bound = isolation_bound(build_candidates(instance, site, grid_step(instance, site), Pinned()))
    assert bound < len(instance.patients)


def test_patients_sharing_one_hour_of_their_clinician_cannot_all_meet_their_plans() -> None:
    """Each patient alone could meet the plan; c2 has one evening hour for both."""
    evenings = {"mon": [["17:00", "21:00"]], "tue": [["17:00", "21:00"]]}
    patients = []
    for ident in ("p1", "p2"):
        patient = _patient(
            evenings, individual={"clinician": "c2", "count": 1, "minutes": 60}, min_minutes=420
        )
        patient["id"] = ident
        patients.append(patient)
    raw = _week(patients, {"mon": [["17:00", "18:00"]]})
    instance = parse_instance(raw)
    cands = build_candidates(instance, "s1", grid_step(instance, "s1"), Pinned())
    assert isolation_bound(cands) == 2
    assert appointment_bound(cands, cands.patients, 5.0, 0) == 1
    solved = solve(raw, time_limit=3, workers=1, seed=0)
    assert solved["stats"]["plans_met"] == 1
    assert solved["stats"]["proven_bound"] == 1


def test_a_repair_says_its_bound_was_not_computed() -> None:
    """Repair proves no bound: its `proven_bound` is the patient count, and stats say so."""
    instance = tiny_instance(3, patients=12)
    seen: list[Progress] = []
    fresh = solve(instance, time_limit=2, workers=1, on_progress=seen.append)
    assert fresh["stats"]["bound_proven"] is True
    assert seen[0].bound_proven is False  # the constructed week comes before any bound
    assert seen[-1].bound_proven is True
    repaired: list[bool] = []
    again = solve(
        instance,
        time_limit=2,
        workers=1,
        previous=fresh,
        on_progress=lambda p: repaired.append(p.bound_proven),
    )
    assert again["stats"]["bound_proven"] is False
    assert again["stats"]["proven_bound"] == len(instance["patients"])
    assert not any(repaired)
