"""Hypothesis invariants: totals in range, monotone in each item's score."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from trellis.instruments import INSTRUMENTS, Answer, Instrument, Item, ItemKind, Result, score

from .helpers import answer_for_score, item_score_set

CODES = sorted(INSTRUMENTS)
CSSRS_ORDER = ["none", "low", "moderate", "high"]


def item_answer(item: Item) -> st.SearchStrategy[Answer]:
    if item.kind is ItemKind.BOOLEAN:
        return st.booleans()
    if item.kind is ItemKind.DAYS:
        return st.integers(0, item.max_days)
    return st.integers(0, len(item.options) - 1)


def full_answers(instrument: Instrument) -> st.SearchStrategy[dict[str, Answer]]:
    """Every item answered (answering skipped items is allowed and never lowers risk)."""
    return st.fixed_dictionaries({item.key: item_answer(item) for item in instrument.items})


@st.composite
def scored_case(draw: st.DrawFn) -> tuple[str, dict[str, Answer], str | None]:
    code = draw(st.sampled_from(CODES))
    sex = draw(st.sampled_from(["female", "male", None]))
    return code, draw(full_answers(INSTRUMENTS[code])), sex


def band_rank(instrument: Instrument, result: Result) -> int:
    if result.band is None:
        return 0
    if instrument.code == "auditc":
        return 1 if result.band == "positive" else 0
    if instrument.code == "cssrs":
        return CSSRS_ORDER.index(result.band)
    return [band.slug for band in instrument.bands].index(result.band)


@given(scored_case())
def test_total_and_subscales_within_range(case: tuple[str, dict[str, Answer], str | None]) -> None:
    code, answers, sex = case
    instrument = INSTRUMENTS[code]
    result = score(code, answers, sex=sex)
    if instrument.total_range is None:
        assert result.total is None
    else:
        low, high = instrument.total_range
        assert result.total is not None
        assert low <= result.total <= high
        assert result.total == sum(result.item_scores.values())
        if code != "auditc":
            assert result.band is not None
            assert instrument.band(result.band).contains(result.total)
    for subscale in instrument.subscales:
        maximum = sum(item_score_set(instrument.item(k))[-1] for k in subscale.items)
        assert 0 <= result.subscales[subscale.slug] <= maximum
    assert result.flags <= {flag.slug for flag in instrument.flags}


@st.composite
def raised_item(draw: st.DrawFn) -> tuple[str, dict[str, Answer], str, Answer, str | None]:
    """Answers, one item, and a different answer to it with a higher or equal item score."""
    code, answers, sex = draw(scored_case())
    item = draw(st.sampled_from(INSTRUMENTS[code].items))
    current = item.score_of(answers[item.key])
    higher = draw(st.sampled_from([s for s in item_score_set(item) if s >= current]))
    return code, answers, item.key, answer_for_score(item, higher), sex


@given(raised_item())
def test_monotone_in_each_item_score(case: tuple[Any, ...]) -> None:
    code, answers, key, new_answer, sex = case
    instrument = INSTRUMENTS[code]
    before = score(code, answers, sex=sex)
    after = score(code, {**answers, key: new_answer}, sex=sex)
    if before.total is not None:
        assert after.total is not None
        assert after.total >= before.total
    for slug, value in before.subscales.items():
        assert after.subscales[slug] >= value
    assert band_rank(instrument, after) >= band_rank(instrument, before)
    risk_flags = {"suicide_risk", "suicide_risk_high", "lapse", "probable_ptsd", "positive_screen"}
    assert before.flags & risk_flags <= after.flags


@given(full_answers(INSTRUMENTS["phq9"]))
def test_phq9_suicide_flag_iff_item9(answers: dict[str, Answer]) -> None:
    result = score("phq9", answers)
    assert ("suicide_risk" in result.flags) is (answers["9"] != 0)


@given(full_answers(INSTRUMENTS["pcl5"]))
def test_pcl5_clusters_sum_to_total(answers: dict[str, Answer]) -> None:
    result = score("pcl5", answers)
    assert sum(result.subscales.values()) == result.total
    assert ("probable_ptsd" in result.flags) is (result.total is not None and result.total >= 33)


@given(full_answers(INSTRUMENTS["dast10"]))
def test_dast10_total_counts_problem_answers(answers: dict[str, Answer]) -> None:
    problems = sum(1 for k, v in answers.items() if v is (k != "3"))
    assert score("dast10", answers).total == problems
