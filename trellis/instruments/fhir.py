"""FHIR R4 export: Questionnaire, QuestionnaireResponse and a US Core screening Observation.

Plain dicts built with the standard library only; ``fhir.resources`` (R4B models, which are
wire-compatible with R4 for these resources) validates them in the tests.

Codes that were not verified at the source (``Code.verified is False``) are left out of the
exports unless ``include_unverified_codes=True``: a wrong LOINC code is worse than none.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from . import get
from .base import Answer, Code, EnableWhen, Instrument, Item, ItemKind, Result

DEFAULT_BASE_URL = "http://trellis.example.org/fhir"
"""Canonical base for Trellis-defined resources and code systems; deployments pass their own."""

US_CORE_SCREENING_PROFILE = (
    "http://hl7.org/fhir/us/core/StructureDefinition/us-core-observation-screening-assessment"
)
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
ORDINAL_VALUE = "http://hl7.org/fhir/StructureDefinition/ordinalValue"
MIN_VALUE = "http://hl7.org/fhir/StructureDefinition/minValue"
MAX_VALUE = "http://hl7.org/fhir/StructureDefinition/maxValue"

Resource = dict[str, Any]
_FHIR_ID = re.compile(r"^[A-Za-z0-9\-.]{1,64}$")


def questionnaire_url(code: str, *, base_url: str = DEFAULT_BASE_URL) -> str:
    return f"{base_url}/Questionnaire/{get(code).code}"


def _code_system(base_url: str, instrument: Instrument, what: str) -> str:
    return f"{base_url}/CodeSystem/{instrument.code}-{what}"


def _option_code(item: Item, index: int) -> str:
    return f"{item.key}-{index}"


def _check_id(value: str | None, what: str) -> None:
    if value is not None and not _FHIR_ID.match(value):
        raise ValueError(f"{what} {value!r} is not a valid FHIR id (A-Z a-z 0-9 - ., 1-64).")


def _instant(value: datetime, what: str) -> str:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{what} must be timezone-aware.")
    return value.isoformat()


def _enable_when(condition: EnableWhen) -> dict[str, Any]:
    key = "answerBoolean" if isinstance(condition.answer, bool) else "answerInteger"
    return {"question": condition.question, "operator": condition.operator, key: condition.answer}


def _questionnaire_item(instrument: Instrument, item: Item, base_url: str) -> dict[str, Any]:
    entry: dict[str, Any] = {"linkId": item.key, "text": item.text, "required": True}
    if item.kind is ItemKind.BOOLEAN:
        entry["type"] = "boolean"
    elif item.kind is ItemKind.DAYS:
        entry["type"] = "integer"
        entry["extension"] = [
            {"url": MIN_VALUE, "valueInteger": 0},
            {"url": MAX_VALUE, "valueInteger": item.max_days},
        ]
    else:
        entry["type"] = "choice"
        entry["answerOption"] = [
            {
                "valueCoding": {
                    "system": _code_system(base_url, instrument, "answers"),
                    "code": _option_code(item, index),
                    "display": option.label,
                    "extension": [{"url": ORDINAL_VALUE, "valueDecimal": option.score}],
                }
            }
            for index, option in enumerate(item.options)
        ]
    if item.enable_when is not None:
        entry["enableWhen"] = [_enable_when(item.enable_when)]
    return entry


def _coding(code: Code | None, include_unverified: bool) -> list[dict[str, str]]:
    if code is None or not (code.verified or include_unverified):
        return []
    return [{"system": code.system, "code": code.code, "display": code.display}]


def to_fhir_questionnaire(
    code: str, *, base_url: str = DEFAULT_BASE_URL, include_unverified_codes: bool = False
) -> Resource:
    """The instrument as a FHIR R4 ``Questionnaire`` (items, options with scores, skip logic)."""
    instrument = get(code)
    items: list[dict[str, Any]] = []
    groups: dict[str, dict[str, Any]] = {}
    for item in instrument.items:
        entry = _questionnaire_item(instrument, item, base_url)
        if item.group is None:
            items.append(entry)
            continue
        if item.group not in groups:
            group = instrument.group(item.group)
            groups[item.group] = {
                "linkId": group.key,
                "text": group.text,
                "type": "group",
                "required": True,
                "item": [],
            }
            if group.enable_when is not None:
                groups[item.group]["enableWhen"] = [_enable_when(group.enable_when)]
            items.append(groups[item.group])
        groups[item.group]["item"].append(entry)
    resource: Resource = {
        "resourceType": "Questionnaire",
        "id": instrument.code,
        "url": questionnaire_url(code, base_url=base_url),
        "name": re.sub(r"[^A-Za-z0-9]", "", instrument.name.title()),
        "title": instrument.title,
        "status": "active",
        "subjectType": ["Patient"],
        "description": f"{instrument.instructions} (Look-back: {instrument.lookback}.)",
        "copyright": instrument.copyright,
        "item": items,
    }
    coding = _coding(instrument.panel_code, include_unverified_codes)
    if coding:
        resource["code"] = coding
    return resource


def _answer_value(
    instrument: Instrument, item: Item, answer: Answer, base_url: str
) -> dict[str, Any]:
    if item.kind is ItemKind.BOOLEAN:
        return {"valueBoolean": bool(answer)}
    if item.kind is ItemKind.DAYS:
        return {"valueInteger": int(answer)}
    return {
        "valueCoding": {
            "system": _code_system(base_url, instrument, "answers"),
            "code": _option_code(item, int(answer)),
            "display": item.option_for(answer).label,
        }
    }


def to_fhir_questionnaire_response(
    result: Result,
    *,
    patient: str,
    authored: datetime,
    resource_id: str | None = None,
    author: str | None = None,
    base_url: str = DEFAULT_BASE_URL,
) -> Resource:
    """The answers as a completed FHIR R4 ``QuestionnaireResponse``.

    ``patient`` and ``author`` are references ("Patient/123"); ``authored`` must be aware.
    """
    _check_id(resource_id, "resource_id")
    instrument = get(result.instrument)
    items: list[dict[str, Any]] = []
    groups: dict[str, dict[str, Any]] = {}
    for item in instrument.items:
        if item.key not in result.answers:
            continue
        entry = {
            "linkId": item.key,
            "text": item.text,
            "answer": [_answer_value(instrument, item, result.answers[item.key], base_url)],
        }
        if item.group is None:
            items.append(entry)
            continue
        if item.group not in groups:
            group = instrument.group(item.group)
            groups[item.group] = {"linkId": group.key, "text": group.text, "item": []}
            items.append(groups[item.group])
        groups[item.group]["item"].append(entry)
    resource: Resource = {
        "resourceType": "QuestionnaireResponse",
        "questionnaire": questionnaire_url(instrument.code, base_url=base_url),
        "status": "completed",
        "subject": {"reference": patient},
        "authored": _instant(authored, "authored"),
        "item": items,
    }
    if resource_id is not None:
        resource["id"] = resource_id
    if author is not None:
        resource["author"] = {"reference": author}
    return resource


def to_fhir_observation(
    result: Result,
    *,
    patient: str,
    effective: datetime,
    resource_id: str | None = None,
    derived_from: str | None = None,
    performer: str | None = None,
    base_url: str = DEFAULT_BASE_URL,
    include_unverified_codes: bool = False,
) -> Resource:
    """The score as a US Core screening-assessment ``Observation``.

    Total score as ``valueInteger`` (LOINC total code where verified); where there is no total
    (C-SSRS) the risk level is ``valueCodeableConcept``; BAM has no value, only components.
    Subscales and flags are ``component`` entries. ``derived_from`` references the
    QuestionnaireResponse ("QuestionnaireResponse/abc").
    """
    _check_id(resource_id, "resource_id")
    instrument = get(result.instrument)
    bands_system = _code_system(base_url, instrument, "bands")
    if result.total is not None:
        code_coding = _coding(instrument.total_code, include_unverified_codes)
        code_text = f"{instrument.name} total score"
    else:
        code_coding = _coding(instrument.panel_code, include_unverified_codes)
        code_text = instrument.title
    code: dict[str, Any] = {"text": code_text}
    if code_coding:
        code["coding"] = code_coding
    resource: Resource = {
        "resourceType": "Observation",
        "meta": {"profile": [US_CORE_SCREENING_PROFILE]},
        "status": "final",
        "category": [
            {"coding": [{"system": OBSERVATION_CATEGORY, "code": "survey", "display": "Survey"}]}
        ],
        "code": code,
        "subject": {"reference": patient},
        "effectiveDateTime": _instant(effective, "effective"),
    }
    if resource_id is not None:
        resource["id"] = resource_id
    if performer is not None:
        resource["performer"] = [{"reference": performer}]
    band_concept: dict[str, Any] | None = None
    if result.band is not None:
        band = instrument.band(result.band)
        band_concept = {
            "coding": [{"system": bands_system, "code": band.slug, "display": band.label}],
            "text": result.interpretation,
        }
    if result.total is not None:
        resource["valueInteger"] = result.total
    elif band_concept is not None:
        resource["valueCodeableConcept"] = band_concept
    if band_concept is not None:
        resource["interpretation"] = [band_concept]
    else:
        resource["note"] = [{"text": result.interpretation}]
    components: list[dict[str, Any]] = []
    for subscale in instrument.subscales:
        components.append(
            {
                "code": {
                    "coding": [
                        {
                            "system": _code_system(base_url, instrument, "subscales"),
                            "code": subscale.slug,
                            "display": subscale.label,
                        }
                    ],
                    "text": subscale.label,
                },
                "valueInteger": result.subscales[subscale.slug],
            }
        )
    for flag in instrument.flags:
        if flag.slug in result.flags:
            components.append(
                {
                    "code": {
                        "coding": [
                            {
                                "system": _code_system(base_url, instrument, "flags"),
                                "code": flag.slug,
                            }
                        ],
                        "text": flag.description,
                    },
                    "valueBoolean": True,
                }
            )
    if components:
        resource["component"] = components
    if derived_from is not None:
        resource["derivedFrom"] = [{"reference": derived_from}]
    return resource


__all__ = [
    "DEFAULT_BASE_URL",
    "US_CORE_SCREENING_PROFILE",
    "questionnaire_url",
    "to_fhir_observation",
    "to_fhir_questionnaire",
    "to_fhir_questionnaire_response",
]
