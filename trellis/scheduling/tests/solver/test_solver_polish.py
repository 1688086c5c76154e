"""The polish: below plans met and minutes, a patient gets the sessions the plan names."""

from __future__ import annotations

from typing import Any

from trellis.scheduling.solver import solve

from .support import shared_module

EVENINGS = {"mon": [["17:00", "21:00"]], "tue": [["17:00", "21:00"]]}
STAFF_DAYS = {day: [["08:00", "21:00"]] for day in ("mon", "tue", "wed")}


def _two_evenings() -> dict[str, Any]:
    """Two patients free two evenings whose plans need three days: no plan can be met.

    Each evening holds 240 minutes: the 180-minute group and one hour more. That hour can be
    the 60-minute skills group (one session serves both patients: fewer clinician minutes) or
    each patient's individual session with c1 (what the plans ask for). The minutes are the
    same either way.
    """
    plan = {
        "min_minutes": 540,
        "min_days": 3,
        "min_day_minutes": 180,
        "max_day_minutes": 240,
        "groups": {"pg": 2},
        "individual": {"clinician": "c1", "count": 1, "minutes": 60},
        "family": None,
    }
    group = {"modality": "group", "min_size": 1, "max_size": 12, "requires": ["group"]}
    return {
        "format": "trellis-week/1",
        "name": "two-evenings",
        "week_start": "2027-01-04",
        "slot_minutes": 15,
        "sites": [{"id": "s1", "name": "One", "hours": STAFF_DAYS}],
        "rooms": [
            {"id": "r1", "site": "s1", "capacity": 12, "kind": "group"},
            {"id": "r2", "site": "s1", "capacity": 12, "kind": "group"},
            {"id": "o1", "site": "s1", "capacity": 2, "kind": "office"},
        ],
        "clinicians": [
            {
                "id": c,
                "site": "s1",
                "competencies": ["group", "sud"],
                "max_minutes": 2400,
                "availability": STAFF_DAYS,
            }
            for c in ("c1", "c2")
        ],
        "group_types": [
            {"id": "pg", "name": "Process", "minutes": 180, "populations": ["adult-sud"], **group},
            {"id": "ed", "name": "Skills", "minutes": 60, "populations": ["adult-sud"], **group},
        ],
        "patients": [
            {
                "id": p,
                "site": "s1",
                "population": "adult-sud",
                "availability": EVENINGS,
                "avoid": [],
                "plan": plan,
            }
            for p in ("p1", "p2")
        ],
    }


def test_an_unmet_plan_still_gets_its_individual_session_at_equal_minutes() -> None:
    instance = _two_evenings()
    solution = solve(instance, time_limit=5, seed=1, workers=1)
    figures = shared_module("check").check(instance, solution)
    assert figures["valid"], figures["violations"]
    assert figures["plan_met"] == 0
    assert figures["shortfall_minutes"] == 2 * (540 - 480)
    individual = sorted(a["patient"] for a in solution["appointments"])
    assert individual == ["p1", "p2"]
