"""The rule table: profiles, explanations, configuration."""

from __future__ import annotations

import pytest

from trellis.assessments.placement import (
    DEFAULT_RULES,
    InstrumentResult,
    PlacementConfigError,
    PlacementInput,
    recommend,
)


def dims(*ratings: int) -> dict[int, int | None]:
    return dict(enumerate(ratings, start=1))


def test_withdrawal_dimension_1_rated_4_gives_withdrawal_management() -> None:
    rec = recommend(PlacementInput(dimensions=dims(4, 1, 1, 1, 1, 1)))
    assert rec.level == "WM"
    assert "d1-withdrawal" in [r.id for r in rec.fired]
    assert "withdrawal" in rec.fired[0].explanation.lower()


def test_dimension_3_rated_3_gives_residential() -> None:
    rec = recommend(PlacementInput(dimensions=dims(1, 1, 3, 2, 2, 1)))
    assert rec.level == "3.7"
    ids = [r.id for r in rec.fired]
    assert "d3-severe" in ids
    assert "moderate-needs" in ids


def test_cssrs_high_gives_residential_even_with_low_dimensions() -> None:
    rec = recommend(
        PlacementInput(
            dimensions=dims(1, 1, 1, 1, 1, 1),
            instruments={"cssrs": InstrumentResult(band="high")},
            flags=frozenset({"suicide_risk", "suicide_risk_high"}),
        )
    )
    assert rec.level == "3.7"
    assert {"cssrs-high", "suicide-risk"} <= {r.id for r in rec.fired}
    assert "low-needs" not in {r.id for r in rec.fired}


def test_moderate_profile_gives_iop_and_low_profile_outpatient() -> None:
    assert recommend(PlacementInput(dimensions=dims(1, 0, 2, 2, 2, 1))).level == "2.1"
    low = recommend(PlacementInput(dimensions=dims(0, 1, 1, 0, 1, 1)))
    assert low.level == "1"
    assert [r.id for r in low.fired] == ["low-needs"]


def test_relapse_potential_3_gives_partial_hospitalization() -> None:
    assert recommend(PlacementInput(dimensions=dims(1, 1, 2, 2, 3, 2))).level == "2.5"


def test_no_ratings_no_rule_fires_default_is_iop() -> None:
    rec = recommend(PlacementInput())
    assert rec.level == "2.1"
    assert rec.default_used
    assert rec.fired == ()


def test_most_intensive_level_wins() -> None:
    rec = recommend(PlacementInput(dimensions=dims(4, 4, 3, 2, 3, 4)))
    assert rec.level == "4"
    assert len(rec.fired) >= 4


def test_custom_rules_and_bad_configuration() -> None:
    rules = [
        {
            "id": "dast",
            "level": "2.5",
            "explanation": "DAST-10 substantial or severe.",
            "when": {"instrument": "dast10", "total_at_least": 6},
        },
    ]
    data = PlacementInput(instruments={"dast10": InstrumentResult(band="substantial", total=7)})
    rec = recommend(data, rules=rules)
    assert rec.level == "2.5"
    assert rec.fired[0].explanation == "DAST-10 substantial or severe."
    with pytest.raises(PlacementConfigError):
        recommend(data, rules=[{**rules[0], "level": "9.9"}])
    with pytest.raises(PlacementConfigError):
        recommend(data, rules=[{**rules[0], "when": {"bogus": 1}}])


def test_every_default_rule_has_plain_words() -> None:
    for rule in DEFAULT_RULES:
        assert len(str(rule["explanation"])) > 30
