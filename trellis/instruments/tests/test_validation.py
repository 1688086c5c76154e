"""Invalid answers raise InvalidResponse naming the item; nothing is returned partially."""

from __future__ import annotations

from typing import Any

import pytest

from trellis.instruments import INSTRUMENTS, InvalidResponse, ItemKind, get, score

from .helpers import lowest

CODES = list(INSTRUMENTS)


def raises_for(code: str, answers: Any, item: str, **kwargs: Any) -> InvalidResponse:
    with pytest.raises(InvalidResponse) as caught:
        score(code, answers, **kwargs)
    assert caught.value.item == item
    assert item in str(caught.value)
    assert caught.value.message
    return caught.value


@pytest.mark.parametrize("code", CODES)
def test_lowest_answers_are_valid(code: str) -> None:
    score(code, lowest(get(code)))


@pytest.mark.parametrize("code", CODES)
def test_missing_required_item(code: str) -> None:
    instrument = get(code)
    for key in sorted(instrument.required_items):
        answers = lowest(instrument)
        del answers[key]
        error = raises_for(code, answers, key)
        assert "required" in error.message


@pytest.mark.parametrize("code", CODES)
def test_unknown_item(code: str) -> None:
    answers: dict[str, Any] = {**lowest(get(code)), "99": 0}
    raises_for(code, answers, "99")


@pytest.mark.parametrize("code", CODES)
def test_integer_key_is_unknown(code: str) -> None:
    answers: dict[Any, Any] = {**lowest(get(code)), 1: 0}
    raises_for(code, answers, "1")


@pytest.mark.parametrize("code", CODES)
def test_wrong_types_and_out_of_range(code: str) -> None:
    instrument = get(code)
    for item in instrument.items:
        if item.kind is ItemKind.BOOLEAN:
            bad: list[Any] = [1, 0, "yes", None, "True"]
        elif item.kind is ItemKind.DAYS:
            bad = [-1, item.max_days + 1, True, False, "3", 2.0, None]
        else:
            bad = [-1, len(item.options), True, False, "1", 1.0, None]
        for value in bad:
            raises_for(code, {**lowest(instrument), item.key: value}, item.key)


def test_phq9_rejects_4_and_true() -> None:
    answers = {str(n): 0 for n in range(1, 10)}
    raises_for("phq9", {**answers, "3": 4}, "3")
    raises_for("phq9", {**answers, "3": True}, "3")
    raises_for("phq9", {**answers, "3": "2"}, "3")


def test_answers_must_be_a_mapping() -> None:
    with pytest.raises(InvalidResponse):
        score("phq9", [0] * 9)  # type: ignore[arg-type]


def test_auditc_rejects_unknown_sex() -> None:
    raises_for("auditc", {"1": 0, "2": 0, "3": 0}, "sex", sex="unknown")


def test_unknown_instrument() -> None:
    with pytest.raises(KeyError, match="phq9"):
        score("phq8", {})


def test_invalid_response_is_a_value_error() -> None:
    assert issubclass(InvalidResponse, ValueError)
