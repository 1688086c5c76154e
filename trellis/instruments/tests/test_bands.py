"""Every band boundary of every summed instrument, both sides of each cut-off.

Expected bands are written out here from REFERENCE.md, not derived from the instrument data.
"""

from __future__ import annotations

import pytest

from trellis.instruments import score

from .helpers import answers_for_total

CASES = {
    "phq9": [
        (0, "minimal"),
        (4, "minimal"),
        (5, "mild"),
        (9, "mild"),
        (10, "moderate"),
        (14, "moderate"),
        (15, "moderately_severe"),
        (19, "moderately_severe"),
        (20, "severe"),
        (27, "severe"),
    ],
    "gad7": [
        (0, "minimal"),
        (4, "minimal"),
        (5, "mild"),
        (9, "mild"),
        (10, "moderate"),
        (14, "moderate"),
        (15, "severe"),
        (21, "severe"),
    ],
    "audit": [
        (0, "low_risk"),
        (7, "low_risk"),
        (8, "hazardous"),
        (15, "hazardous"),
        (16, "harmful"),
        (19, "harmful"),
        (20, "possible_dependence"),
        (40, "possible_dependence"),
    ],
    "dast10": [
        (0, "none"),
        (1, "low"),
        (2, "low"),
        (3, "moderate"),
        (5, "moderate"),
        (6, "substantial"),
        (8, "substantial"),
        (9, "severe"),
        (10, "severe"),
    ],
    "pcl5": [
        (0, "below_threshold"),
        (32, "below_threshold"),
        (33, "probable_ptsd"),
        (80, "probable_ptsd"),
    ],
}


@pytest.mark.parametrize(
    ("code", "total", "band"),
    [(code, total, band) for code, cases in CASES.items() for total, band in cases],
)
def test_band_at_boundary(code: str, total: int, band: str) -> None:
    result = score(code, answers_for_total(code, total))
    assert result.total == total
    assert result.band == band
    assert result.interpretation


@pytest.mark.parametrize(
    ("total", "sex", "band"),
    [
        (2, "female", "negative"),
        (3, "female", "positive"),
        (3, "male", "negative"),
        (4, "male", "positive"),
        (4, "female", "positive"),
        (0, "male", "negative"),
        (12, "male", "positive"),
        (2, None, "negative"),
        (3, None, "positive"),
    ],
)
def test_auditc_threshold_by_sex(total: int, sex: str | None, band: str) -> None:
    result = score("auditc", answers_for_total("auditc", total), sex=sex)
    assert result.total == total
    assert result.band == band
    assert ("positive_screen" in result.flags) is (band == "positive")


def test_auditc_interpretation_names_the_threshold() -> None:
    result = score("auditc", answers_for_total("auditc", 3), sex="male")
    assert "threshold 4" in result.interpretation
