"""Hours read "2 h 30 min" everywhere, and a plan not met is explained in plain words."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.urls import reverse

from trellis.core.durations import hours_minutes
from trellis.scheduling.review import unmet_reasons

pytestmark = pytest.mark.django_db


# --- hours read "2 h 30 min" everywhere --------------------------------------------------------
@pytest.mark.parametrize(
    ("minutes", "shown"),
    [(0, "0 h"), (30, "30 min"), (60, "1 h"), (90, "1 h 30 min"), (540, "9 h"), (545, "9 h 5 min")],
)
def test_minutes_read_as_hours_and_minutes(minutes, shown) -> None:
    assert hours_minutes(minutes) == shown
    assert (
        Template("{% load trellis_tags %}{{ m|hours_minutes }}").render(Context({"m": minutes}))
        == shown
    )


def test_the_unmet_page_shows_a_half_hour(cast, week, booked, login) -> None:
    # Relapse prevention is 90 minutes: "1 h 30 min", not a rounded "2 h" or "1.5 h".
    url = reverse("scheduling:unmet") + f"?site={cast.site_a.code}&week={week.monday}"
    body = login(cast.charlie).get(url).content.decode()
    row = body[body.index(cast.olive.display_name) :]
    assert '"nowrap">1 h 30 min</span> / <span class="nowrap">9 h<' in row[: row.index("</tr>")]


def test_unmet_reasons_give_hours_and_minutes() -> None:
    instance = {
        "sites": [{"id": "s1", "hours": {"mon": [["08:00", "21:00"]]}}],
        "group_types": [],
        "clinicians": [],
        "patients": [
            {
                "id": "p1",
                "site": "s1",
                "population": "adult-sud",
                "availability": {"mon": [["17:00", "19:30"]]},
                "plan": {"min_minutes": 270, "min_days": 1, "min_day_minutes": 60},
            }
        ],
    }
    reasons = unmet_reasons(instance, {"sessions": [], "appointments": []})["p1"]
    assert "available 2 h 30 min a week; needs 4 h 30 min" in reasons


# --- why a plan is not met, in plain words ----------------------------------------------------
@pytest.mark.parametrize(
    ("count", "said"), [(1, "0 of 1 session booked"), (2, "0 of 2 sessions booked")]
)
def test_unmet_reasons_count_sessions_in_plain_words(count, said) -> None:
    instance = {
        "sites": [{"id": "s1", "hours": {"mon": [["08:00", "21:00"]]}}],
        "group_types": [
            {
                "id": "rp",
                "name": "Relapse prevention",
                "minutes": 90,
                "requires": ["group"],
                "populations": ["adult-sud"],
            }
        ],
        "clinicians": [
            {
                "id": "c1",
                "site": "s1",
                "competencies": ["group"],
                "availability": {"mon": [["17:00", "21:00"]]},
            }
        ],
        "patients": [
            {
                "id": "p1",
                "site": "s1",
                "population": "adult-sud",
                "availability": {"mon": [["17:00", "21:00"]]},
                "plan": {"min_minutes": 90, "min_days": 1, "groups": {"rp": count}},
            }
        ],
    }
    reasons = unmet_reasons(instance, {"sessions": [], "appointments": []})["p1"]
    assert f"Relapse prevention: {said}" in reasons


def _evening_patient(**plan: int) -> dict:
    hours = {d: [["08:00", "21:00"]] for d in ("mon", "tue", "wed")}
    return {
        "sites": [{"id": "s1", "hours": hours}],
        "group_types": [],
        "clinicians": [],
        "patients": [
            {
                "id": "p1",
                "site": "s1",
                "population": "adult-sud",
                "availability": {d: [["17:00", "21:00"]] for d in ("mon", "tue", "wed")},
                "plan": plan,
            }
        ],
    }


def _appointment(day: str, minutes: int) -> dict:
    return {"patient": "p1", "kind": "individual", "day": day, "start": "17:00", "minutes": minutes}


def test_an_unmet_plan_short_only_of_days_says_days_not_hours() -> None:
    # 11 hours booked of 9 needed, but only two days long enough: the reason is the days.
    instance = _evening_patient(min_minutes=540, min_days=3, min_day_minutes=120)
    week = {
        "sessions": [],
        "appointments": [
            _appointment("mon", 240),
            _appointment("tue", 240),
            _appointment("wed", 60),
        ],
    }
    assert unmet_reasons(instance, week, check_rules=False)["p1"] == [
        "booked for at least 2 h on 2 days; needs 3 such days"
    ]


def test_an_unmet_plan_short_of_hours_says_hours() -> None:
    instance = _evening_patient(min_minutes=540, min_days=2, min_day_minutes=60)
    week = {"sessions": [], "appointments": [_appointment("mon", 120), _appointment("tue", 120)]}
    assert unmet_reasons(instance, week, check_rules=False)["p1"] == [
        "the groups that fit their hours are full or too small (4 h of 9 h booked)"
    ]
