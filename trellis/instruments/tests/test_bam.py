from __future__ import annotations

import pytest

from trellis.instruments import InvalidResponse, score

# Item 14 (enough income) is yes/no; the rest are 0-4 choices or day counts (0-30).
BASE: dict[str, int | bool] = {
    "1": 0, "2": 0, "3": 0, "4": 0, "5": 0, "6": 0, "8": 0, "9": 0, "10": 0,
    "11": 0, "12": 0, "13": 0, "14": False, "15": 0, "16": 0, "17": 0,
}  # fmt: skip
DRUGS = {f"7{letter}": 0 for letter in "abcdefg"}


def test_subscales_from_published_item_groups() -> None:
    answers = {
        **BASE,
        # Use: 4, 5, 6 (days -> 0-4)
        "4": 2, "5": 0, "6": 5,  # 1 + 0 + 2 = 3
        # Risk: 1, 2, 3, 8, 11, 15
        "1": 3, "2": 10, "3": 20, "8": 1, "11": 0, "15": 0,  # 3 + 3 + 4 + 1 + 0 + 0 = 11
        # Protective: 9, 10, 12, 13, 14, 16
        "9": 4, "10": 0, "12": 2, "13": 30, "14": True, "16": 1,  # 4 + 0 + 2 + 4 + 4 + 1 = 15
        **DRUGS, "7a": 5,
    }  # fmt: skip
    result = score("bam", answers)
    assert result.subscales == {"use": 3, "risk": 11, "protective": 15}
    assert result.total is None
    assert result.band is None
    assert "lapse" in result.flags


@pytest.mark.parametrize(
    ("days", "points"),
    [(0, 0), (1, 1), (3, 1), (4, 2), (8, 2), (9, 3), (15, 3), (16, 4), (30, 4)],
)
def test_day_counts_binned_0_to_4(days: int, points: int) -> None:
    result = score("bam", {**BASE, "2": days})
    assert result.item_scores["2"] == points
    assert result.subscales["risk"] == points


def test_no_use_no_lapse() -> None:
    result = score("bam", BASE)
    assert result.flags == frozenset()
    assert result.subscales == {"use": 0, "risk": 0, "protective": 0}


@pytest.mark.parametrize("item", ["4", "5"])
def test_any_alcohol_use_is_a_lapse(item: str) -> None:
    assert score("bam", {**BASE, item: 1}).flags == frozenset({"lapse"})


def test_drug_use_is_a_lapse_and_needs_item_7() -> None:
    with pytest.raises(InvalidResponse) as caught:
        score("bam", {**BASE, "6": 1})
    assert caught.value.item == "7a"
    result = score("bam", {**BASE, "6": 1, **DRUGS, "7e": 1})
    assert result.flags == frozenset({"lapse"})
    assert result.subscales["use"] == 1


def test_item_7_use_counts_as_lapse_even_if_item_6_is_zero() -> None:
    result = score("bam", {**BASE, "7c": 2})
    assert result.flags == frozenset({"lapse"})
    assert result.subscales["use"] == 0


def test_income_yes_scores_four() -> None:
    assert score("bam", {**BASE, "14": True}).subscales["protective"] == 4


def test_days_above_30_rejected() -> None:
    with pytest.raises(InvalidResponse) as caught:
        score("bam", {**BASE, "10": 31})
    assert caught.value.item == "10"
