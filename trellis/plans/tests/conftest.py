from __future__ import annotations

import datetime
from typing import Any

import pytest

from trellis.plans import services


def content(**over: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "problems": [
            {
                "key": "P1",
                "statement": "Alcohol use",
                "findings": "AUDIT zone III",
                "diagnoses": ["F10.20"],
            }
        ],
        "goals": [
            {
                "key": "G1",
                "problem": "P1",
                "patient_words": "Stop drinking",
                "clinical": "Abstinence",
            }
        ],
        "objectives": [
            {
                "key": "O1",
                "goal": "G1",
                "text": "Names triggers",
                "measure": "Names 3 coping skills",
                "target_date": "2030-01-31",
            }
        ],
        "interventions": [
            {
                "key": "I1",
                "objective": "O1",
                "code": "group-process-sud",
                "name": "Process",
                "kind": "group",
                "group_type": "process-sud",
                "per_week": 2,
                "minutes": 180,
                "weeks": None,
                "responsible": "",
                "responsible_name": "",
                "notes": "",
            },
            {
                "key": "I2",
                "objective": "O1",
                "code": "group-rp",
                "name": "RP",
                "kind": "group",
                "group_type": "rp",
                "per_week": 1,
                "minutes": 90,
                "weeks": None,
                "responsible": "",
                "responsible_name": "",
                "notes": "",
            },
        ],
        "strengths": "Motivated",
        "discharge_criteria": "Objectives met",
        "days_per_week": 3,
        "max_day_minutes": 240,
    }
    base.update(over)
    return base


@pytest.fixture
def make_content():
    return content


@pytest.fixture
def signed_plan(cast):
    """Version 1 of erin's plan, written and signed by alice (licensed)."""
    v1 = services.plan_version_save(
        actor=cast.alice,
        episode=cast.erin_episode,
        content=content(),
        reason="Initial plan",
        based_on=None,
    )
    services.plan_sign(actor=cast.alice, version=v1)
    return v1


def day(s: str) -> datetime.date:
    return datetime.date.fromisoformat(s)
