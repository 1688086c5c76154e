from __future__ import annotations

import pytest

from trellis.instruments import InvalidResponse, score


def audit(**items: int) -> dict[str, int]:
    answers = {str(n): 0 for n in range(1, 11)}
    answers.update({key.lstrip("i"): value for key, value in items.items()})
    return answers


@pytest.mark.parametrize("item", ["9", "10"])
@pytest.mark.parametrize(("index", "points"), [(0, 0), (1, 2), (2, 4)])
def test_audit_items_9_and_10_score_0_2_4(item: str, index: int, points: int) -> None:
    result = score("audit", audit(**{f"i{item}": index}))
    assert result.total == points
    assert result.item_scores[item] == points


@pytest.mark.parametrize("item", ["9", "10"])
def test_audit_items_9_and_10_have_three_options(item: str) -> None:
    with pytest.raises(InvalidResponse, match=f"Item {item}"):
        score("audit", audit(**{f"i{item}": 3}))


def test_audit_subscales() -> None:
    result = score("audit", audit(i1=4, i2=1, i3=2, i4=1, i6=3, i7=1, i9=2, i10=1))
    assert result.subscales == {"consumption": 7, "dependence": 4, "harm": 7}
    assert result.total == 18
    assert result.band == "harmful"


def test_auditc_uses_audit_items_1_to_3() -> None:
    result = score("auditc", {"1": 4, "2": 4, "3": 4}, sex="female")
    assert result.total == 12


def dast(yes: set[int]) -> dict[str, bool]:
    return {str(n): n in yes for n in range(1, 11)}


def test_dast10_item3_reversed_no_scores_one() -> None:
    # "Are you always able to stop using drugs when you want to?" — No is the problem answer.
    result = score("dast10", dast(set()))
    assert result.item_scores["3"] == 1
    assert result.total == 1
    assert result.band == "low"


def test_dast10_item3_reversed_yes_scores_zero() -> None:
    result = score("dast10", dast({3}))
    assert result.item_scores["3"] == 0
    assert result.total == 0
    assert result.band == "none"


def test_dast10_other_items_yes_scores_one() -> None:
    result = score("dast10", dast({1, 2, 4, 5, 6, 7, 8, 9, 10}))
    assert result.total == 10
    assert result.band == "severe"
