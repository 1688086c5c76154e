from __future__ import annotations

from trellis.instruments import score

from .helpers import answers_for_total


def phq9(**items: int) -> dict[str, int]:
    answers = {str(n): 0 for n in range(1, 10)}
    answers.update({key.lstrip("i"): value for key, value in items.items()})
    return answers


def test_item9_flag_at_total_1() -> None:
    result = score("phq9", phq9(i9=1))
    assert result.total == 1
    assert result.band == "minimal"
    assert result.flags == frozenset({"suicide_risk"})


def test_item9_flag_at_every_answer_above_zero() -> None:
    for value in (1, 2, 3):
        assert "suicide_risk" in score("phq9", phq9(i9=value)).flags


def test_no_flag_when_item9_is_zero_even_when_severe() -> None:
    answers = phq9(i1=3, i2=3, i3=3, i4=3, i5=3, i6=3, i7=3, i8=3)
    result = score("phq9", answers)
    assert result.total == 24
    assert result.band == "severe"
    assert result.flags == frozenset()


def test_result_carries_code_answers_and_item_scores() -> None:
    answers = phq9(i1=2, i2=1)
    result = score("phq9", answers)
    assert result.instrument == "phq9"
    assert result.answers == answers
    assert result.item_scores["1"] == 2
    assert result.subscales == {}


def test_gad7_has_no_flags() -> None:
    result = score("gad7", answers_for_total("gad7", 21))
    assert result.total == 21
    assert result.flags == frozenset()
