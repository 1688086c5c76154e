"""Weekly requirement arithmetic and level-of-care warnings (pure, no database)."""

from decimal import Decimal

from trellis.plans.requirement import Band, Line, band_warnings, weekly_requirement

ADULT_IOP = Band("Intensive outpatient (adult)", Decimal(9), Decimal(19))
TEEN_IOP = Band("Intensive outpatient (adolescent)", Decimal(6), Decimal(19))


def lines():
    return [
        Line("group", 2, 180, group_type="process-sud"),
        Line("group", 1, 90, group_type="rp"),
        Line("individual", 1, 60, clinician="c-1"),
        Line("family", 1, 60),
        Line("other", 3, 60),  # 12-step meetings: part of the plan, not of the program's hours
        Line("other", 0, 30),  # medication management, monthly
    ]


def test_format_plan_object():
    req = weekly_requirement(lines(), days_per_week=3, max_day_minutes=240)
    assert req.plan == {
        "min_minutes": 360 + 90 + 60 + 60,
        "min_days": 3,
        "min_day_minutes": 570 // 3 // 15 * 15,  # 190 → 180 on the 15-minute grid
        "max_day_minutes": 240,
        "groups": {"process-sud": 2, "rp": 1},
        "individual": {"clinician": "c-1", "count": 1, "minutes": 60},
        "family": {"count": 1, "minutes": 60},
    }
    assert req.weekly_minutes == 570
    assert req.warnings == []


def test_same_group_type_from_two_interventions_adds_up():
    req = weekly_requirement(
        [Line("group", 1, 90, group_type="rp"), Line("group", 2, 90, group_type="rp")],
        days_per_week=3,
        max_day_minutes=240,
    )
    assert req.plan is not None
    assert req.plan["groups"] == {"rp": 3}
    assert req.plan["individual"] is None
    assert req.plan["family"] is None


def test_individual_sessions_combine_and_fall_back_to_the_primary_clinician():
    req = weekly_requirement(
        [Line("individual", 1, 60), Line("individual", 1, 45)],
        days_per_week=2,
        max_day_minutes=240,
        default_clinician="primary",
    )
    assert req.plan is not None
    assert req.plan["individual"] == {"clinician": "primary", "count": 2, "minutes": 60}


def test_no_scheduled_sessions_gives_no_plan_object():
    req = weekly_requirement([Line("other", 3, 60)], days_per_week=3, max_day_minutes=240)
    assert req.plan is None
    assert req.warnings


def test_too_much_for_the_days_is_warned_and_capped():
    req = weekly_requirement(
        [Line("group", 4, 180, group_type="process-sud")], days_per_week=2, max_day_minutes=240
    )
    assert req.plan is not None
    assert req.plan["min_day_minutes"] == 240
    assert any("daily cap" in w for w in req.warnings)


def test_session_longer_than_a_day_is_warned():
    req = weekly_requirement(
        [Line("group", 1, 300, group_type="x")], days_per_week=1, max_day_minutes=240
    )
    assert any("longer than the daily cap" in w for w in req.warnings)


def test_level_of_care_band():
    assert band_warnings(9 * 60, ADULT_IOP) == []
    assert band_warnings(19 * 60, ADULT_IOP) == []
    below = band_warnings(8 * 60 + 30, ADULT_IOP)
    assert len(below) == 1
    assert "below" in below[0]
    assert below[0].startswith("8 h 30 min a week is below")
    # Three minutes short reads as short, not as "9 hours ... below the minimum of 9 hours".
    (short,) = band_warnings(9 * 60 - 3, ADULT_IOP)
    assert short.startswith("8 h 57 min a week is below")
    assert "minimum of 9 hours" in short
    above = band_warnings(20 * 60, ADULT_IOP)
    assert len(above) == 1
    assert "above" in above[0]
    assert "19 hours" in above[0]
    # 7 hours: below the adult band, inside the adolescent one
    assert band_warnings(7 * 60, ADULT_IOP)
    assert band_warnings(7 * 60, TEEN_IOP) == []
    assert band_warnings(7 * 60, None) == []
    assert band_warnings(100 * 60, Band("PHP", Decimal(20), None)) == []
