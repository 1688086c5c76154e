"""unmet_reasons re-checks the week's bookings against the hard rules (no database)."""

from __future__ import annotations

from typing import Any

from trellis.scheduling.review import unmet_reasons


def _instance() -> dict[str, Any]:
    return {
        "slot_minutes": 15,
        "sites": [{"id": "s1", "name": "North", "hours": {"mon": [["08:00", "21:00"]]}}],
        "rooms": [{"id": "o1", "site": "s1", "kind": "office", "capacity": 3}],
        "group_types": [],
        "clinicians": [
            {
                "id": "c1",
                "site": "s1",
                "competencies": ["mh"],
                "max_minutes": 600,
                "availability": {"mon": [["09:00", "12:00"]]},
            }
        ],
        "patients": [
            {
                "id": "p1",
                "site": "s1",
                "population": "adult-mh",
                "availability": {"mon": [["09:00", "18:00"]]},
                "plan": {
                    "min_minutes": 60,
                    "min_days": 1,
                    "min_day_minutes": 60,
                    "max_day_minutes": 240,
                    "groups": {},
                    "individual": {"clinician": "c1", "count": 1, "minutes": 60},
                },
            }
        ],
    }


def _week(start: str) -> dict[str, Any]:
    appointment = {
        "id": "a1",
        "kind": "individual",
        "patient": "p1",
        "clinician": "c1",
        "site": "s1",
        "day": "mon",
        "start": start,
        "minutes": 60,
        "room": "o1",
    }
    return {"sessions": [], "appointments": [appointment]}


def test_a_valid_week_that_meets_the_plan_lists_nobody() -> None:
    assert unmet_reasons(_instance(), _week("10:00")) == {}


def test_a_booking_moved_outside_the_clinicians_hours_is_reported_in_plain_words() -> None:
    names = {"p1": "Erin Marsh", "c1": "Gus Grant", "o1": "Office 1"}
    reasons = unmet_reasons(_instance(), _week("15:00"), names=names)["p1"]
    assert reasons[0] == (
        "Individual session, Monday 15:00 breaks a rule: "
        "Gus Grant is not available Monday 15:00–16:00."
    )
    # It does not count towards the plan, so the plan is reported as not met too; Gus's
    # morning is free, so the week could still hold it.
    assert (
        "no individual session booked, though they and their clinician are both free for one"
        in reasons
    )


def test_an_individual_session_missing_says_whether_the_clinician_has_the_time() -> None:
    instance = _instance()
    other = {**instance["patients"][0], "id": "p2"}
    instance["patients"].append(other)

    def booked(patient: str, start: str) -> dict[str, Any]:
        return {**_week(start)["appointments"][0], "id": f"a-{patient}-{start}", "patient": patient}

    # Gus's three morning hours go to p2 (a second and third session are over the plan's
    # count, but the week is what it is): no hour is left for p1.
    week = {"sessions": [], "appointments": [booked("p2", t) for t in ("09:00", "10:00", "11:00")]}
    reasons = unmet_reasons(instance, week, check_rules=False)["p1"]
    assert reasons == ["their clinician's free hours are already taken"]
    # One of those hours freed (a cancellation): the time is there, nobody booked it.
    week["appointments"].pop()
    reasons = unmet_reasons(instance, week, check_rules=False)["p1"]
    assert reasons == [
        "no individual session booked, though they and their clinician are both free for one"
    ]


def test_the_solver_preview_can_skip_the_check() -> None:
    assert unmet_reasons(_instance(), _week("15:00"), check_rules=False) == {}
