"""FHIR exports validate against the fhir.resources R4B models (R4-compatible resources)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

from trellis.instruments import INSTRUMENTS, score
from trellis.instruments.fhir import (
    US_CORE_SCREENING_PROFILE,
    to_fhir_observation,
    to_fhir_questionnaire,
    to_fhir_questionnaire_response,
)

from .helpers import answers_for_total

WHEN = datetime(2025, 3, 4, 10, 30, tzinfo=timezone(timedelta(hours=-5)))

SAMPLES: dict[str, tuple[dict[str, Any], str | None]] = {
    "phq9": ({**answers_for_total("phq9", 12), "9": 1}, None),
    "gad7": (answers_for_total("gad7", 15), None),
    "audit": (answers_for_total("audit", 18), None),
    "auditc": (answers_for_total("auditc", 5), "female"),
    "dast10": (answers_for_total("dast10", 4), None),
    "cssrs": ({"1": True, "2": True, "3": True, "4": False, "5": False, "6": True, "6b": False},
              None),
    "bam": ({"1": 2, "2": 3, "3": 5, "4": 1, "5": 0, "6": 2, "7a": 2, "7b": 0, "7c": 0, "7d": 0,
             "7e": 1, "7f": 0, "7g": 0, "8": 2, "9": 3, "10": 8, "11": 2, "12": 1, "13": 12,
             "14": True, "15": 1, "16": 20, "17": 3}, None),
    "pcl5": (answers_for_total("pcl5", 40), None),
}  # fmt: skip


@pytest.mark.parametrize("code", list(INSTRUMENTS))
def test_questionnaire_validates(code: str) -> None:
    data = to_fhir_questionnaire(code)
    model = Questionnaire.model_validate(data)
    assert model.status == "active"
    assert model.item


def test_questionnaire_carries_options_scores_and_skip_logic() -> None:
    audit = to_fhir_questionnaire("audit")
    item9 = next(i for i in audit["item"] if i["linkId"] == "9")
    scores = [o["valueCoding"]["extension"][0]["valueDecimal"] for o in item9["answerOption"]]
    assert scores == [0, 2, 4]
    assert "code" not in audit  # no verified AUDIT panel code
    cssrs = to_fhir_questionnaire("cssrs")
    item3 = next(i for i in cssrs["item"] if i["linkId"] == "3")
    assert item3["enableWhen"] == [{"question": "2", "operator": "=", "answerBoolean": True}]
    bam = to_fhir_questionnaire("bam")
    group = next(i for i in bam["item"] if i["linkId"] == "7")
    assert group["type"] == "group"
    assert [i["linkId"] for i in group["item"]] == [f"7{x}" for x in "abcdefg"]
    assert group["enableWhen"] == [{"question": "6", "operator": ">", "answerInteger": 0}]


def test_phq9_questionnaire_has_loinc_panel() -> None:
    data = to_fhir_questionnaire("phq9")
    assert data["code"] == [
        {"system": "http://loinc.org", "code": "44249-1", "display": data["code"][0]["display"]}
    ]


@pytest.mark.parametrize("code", list(INSTRUMENTS))
def test_response_and_observation_validate(code: str) -> None:
    answers, sex = SAMPLES[code]
    result = score(code, answers, sex=sex)
    response = to_fhir_questionnaire_response(
        result, patient="Patient/p1", authored=WHEN, resource_id="qr-1", author="Practitioner/x"
    )
    qr = QuestionnaireResponse.model_validate(response)
    assert qr.status == "completed"
    observation = to_fhir_observation(
        result,
        patient="Patient/p1",
        effective=WHEN,
        resource_id="obs-1",
        derived_from="QuestionnaireResponse/qr-1",
    )
    obs = Observation.model_validate(observation)
    assert obs.status == "final"
    assert observation["meta"]["profile"] == [US_CORE_SCREENING_PROFILE]
    assert observation["derivedFrom"] == [{"reference": "QuestionnaireResponse/qr-1"}]
    if result.total is not None:
        assert observation["valueInteger"] == result.total
    for slug, value in result.subscales.items():
        assert {"code": slug, "value": value} in [
            {"code": c["code"]["coding"][0]["code"], "value": c.get("valueInteger")}
            for c in observation.get("component", [])
        ]


def test_observation_total_code_and_interpretation() -> None:
    result = score("phq9", SAMPLES["phq9"][0])
    observation = to_fhir_observation(result, patient="Patient/p1", effective=WHEN)
    assert observation["code"]["coding"][0]["code"] == "44261-6"
    assert observation["interpretation"][0]["coding"][0]["code"] == "moderate"
    flags = [c["code"]["coding"][0]["code"] for c in observation["component"]]
    assert flags == ["suicide_risk"]


def test_unverified_loinc_left_out_unless_asked() -> None:
    result = score("audit", SAMPLES["audit"][0])
    plain = to_fhir_observation(result, patient="Patient/p1", effective=WHEN)
    assert "coding" not in plain["code"]
    opted = to_fhir_observation(
        result, patient="Patient/p1", effective=WHEN, include_unverified_codes=True
    )
    assert opted["code"]["coding"][0]["code"] == "75624-7"
    Observation.model_validate(opted)


def test_cssrs_observation_has_risk_level_value() -> None:
    result = score("cssrs", SAMPLES["cssrs"][0])
    observation = to_fhir_observation(result, patient="Patient/p1", effective=WHEN)
    assert observation["valueCodeableConcept"]["coding"][0]["code"] == "moderate"
    assert "valueInteger" not in observation


def test_response_nests_bam_item_7_and_omits_skipped_items() -> None:
    bam = to_fhir_questionnaire_response(
        score("bam", SAMPLES["bam"][0]), patient="Patient/p1", authored=WHEN
    )
    group = next(i for i in bam["item"] if i["linkId"] == "7")
    assert len(group["item"]) == 7
    cssrs = to_fhir_questionnaire_response(
        score("cssrs", {"1": False, "2": False, "6": False}), patient="Patient/p1", authored=WHEN
    )
    assert [i["linkId"] for i in cssrs["item"]] == ["1", "2", "6"]
    QuestionnaireResponse.model_validate(cssrs)


def test_naive_datetime_rejected() -> None:
    result = score("gad7", SAMPLES["gad7"][0])
    with pytest.raises(ValueError, match="timezone"):
        to_fhir_questionnaire_response(result, patient="Patient/1", authored=datetime(2025, 1, 1))  # noqa: DTZ001
    with pytest.raises(ValueError, match="timezone"):
        to_fhir_observation(result, patient="Patient/1", effective=datetime(2025, 1, 1))  # noqa: DTZ001


def test_bad_id_rejected() -> None:
    result = score("gad7", SAMPLES["gad7"][0])
    with pytest.raises(ValueError, match="FHIR id"):
        to_fhir_observation(
            result, patient="Patient/1", effective=datetime.now(UTC), resource_id="a b"
        )
