"""Plan and review due dates (pure)."""

from typing import Any

from trellis.plans.due import INITIAL, REVIEW, plan_due

from .conftest import day


def due(**kw):
    args: dict[str, Any] = {
        "admitted_on": day("2027-01-04"),
        "first_signed_on": None,
        "last_review_on": None,
        "interval_days": 30,
        "due_days_after_admission": 7,
    }
    args.update(kw)
    return plan_due(**args)


def test_first_plan_due_seven_days_after_admission():
    d = due()
    assert d is not None
    assert d.kind == INITIAL
    assert d.on == day("2027-01-11")
    assert due(admitted_on=None) is None


def test_review_due_across_months_and_years():
    assert due(first_signed_on=day("2027-01-31")).on == day("2027-03-02")
    assert due(first_signed_on=day("2028-01-31")).on == day("2028-03-01")  # leap year
    assert due(first_signed_on=day("2027-12-15")).on == day("2028-01-14")
    assert due(first_signed_on=day("2027-01-31")).kind == REVIEW


def test_review_clock_restarts_at_the_last_review():
    d = due(first_signed_on=day("2027-01-10"), last_review_on=day("2027-02-20"))
    assert d is not None
    assert d.on == day("2027-03-22")


def test_configurable_interval_and_overdue():
    d = due(first_signed_on=day("2027-01-10"), interval_days=14)
    assert d is not None
    assert d.on == day("2027-01-24")
    assert d.is_overdue(day("2027-01-25"))
    assert not d.is_overdue(day("2027-01-24"))
    assert d.days_left(day("2027-01-20")) == 4
