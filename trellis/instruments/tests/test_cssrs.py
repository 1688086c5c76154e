from __future__ import annotations

import pytest

from trellis.instruments import InvalidResponse, score

NO_THOUGHTS = {"1": False, "2": False, "6": False}
THOUGHTS = {"1": True, "2": True, "3": False, "4": False, "5": False, "6": False}


@pytest.mark.parametrize(
    ("answers", "band", "flags"),
    [
        pytest.param(NO_THOUGHTS, "none", set(), id="none"),
        pytest.param({**NO_THOUGHTS, "1": True}, "low", set(), id="low-via-1-only"),
        pytest.param({**NO_THOUGHTS, "2": True, "3": False, "4": False, "5": False}, "low",
                     set(), id="low-via-2-only"),
        pytest.param({**THOUGHTS, "3": True}, "moderate", {"suicide_risk"}, id="moderate-via-3"),
        pytest.param({**NO_THOUGHTS, "6": True, "6b": False}, "moderate", {"suicide_risk"},
                     id="moderate-via-lifetime-behaviour-only"),
        pytest.param({**THOUGHTS, "4": True}, "high", {"suicide_risk", "suicide_risk_high"},
                     id="high-via-4"),
        pytest.param({**THOUGHTS, "5": True}, "high", {"suicide_risk", "suicide_risk_high"},
                     id="high-via-5"),
        pytest.param({**NO_THOUGHTS, "6": True, "6b": True}, "high",
                     {"suicide_risk", "suicide_risk_high"}, id="high-via-6b"),
        pytest.param({**THOUGHTS, "3": True, "6": True, "6b": False}, "moderate",
                     {"suicide_risk"}, id="moderate-via-3-and-old-behaviour"),
    ],
)  # fmt: skip
def test_triage(answers: dict[str, bool], band: str, flags: set[str]) -> None:
    result = score("cssrs", answers)
    assert result.band == band
    assert result.flags == frozenset(flags)
    assert result.total is None
    assert result.interpretation


def test_items_3_to_5_may_be_omitted_when_2_is_no() -> None:
    result = score("cssrs", {"1": True, "2": False, "6": False})
    assert result.band == "low"
    assert set(result.answers) == {"1", "2", "6"}


def test_6b_may_be_omitted_when_6_is_no() -> None:
    assert score("cssrs", NO_THOUGHTS).band == "none"


@pytest.mark.parametrize("item", ["3", "4", "5"])
def test_items_3_to_5_required_when_2_is_yes(item: str) -> None:
    answers = dict(THOUGHTS)
    del answers[item]
    with pytest.raises(InvalidResponse) as caught:
        score("cssrs", answers)
    assert caught.value.item == item


def test_6b_required_when_6_is_yes() -> None:
    with pytest.raises(InvalidResponse) as caught:
        score("cssrs", {**NO_THOUGHTS, "6": True})
    assert caught.value.item == "6b"


@pytest.mark.parametrize("item", ["1", "2", "6"])
def test_always_asked_items_are_required(item: str) -> None:
    answers = dict(NO_THOUGHTS)
    del answers[item]
    with pytest.raises(InvalidResponse) as caught:
        score("cssrs", answers)
    assert caught.value.item == item


@pytest.mark.parametrize(("item", "band"), [("3", "moderate"), ("4", "high"), ("5", "high")])
def test_yes_to_a_skipped_item_is_never_dropped(item: str, band: str) -> None:
    result = score("cssrs", {**NO_THOUGHTS, item: True})
    assert result.band == band
    assert "suicide_risk" in result.flags
    assert "inconsistent_answers" in result.flags


def test_recent_behaviour_with_no_to_6_still_counts() -> None:
    result = score("cssrs", {**NO_THOUGHTS, "6b": True})
    assert result.band == "high"
    assert {"suicide_risk_high", "inconsistent_answers"} <= result.flags


def test_no_to_skipped_items_is_consistent() -> None:
    result = score("cssrs", {**NO_THOUGHTS, "3": False, "4": False, "5": False, "6b": False})
    assert result.band == "none"
    assert result.flags == frozenset()
