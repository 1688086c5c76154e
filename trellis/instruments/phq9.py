"""PHQ-9: Patient Health Questionnaire, depression module (Kroenke, Spitzer & Williams 2001)."""

from __future__ import annotations

import dataclasses

from .base import (
    FREQUENCY_2_WEEKS,
    Answer,
    Band,
    Code,
    Context,
    Flag,
    Instrument,
    Item,
    ItemKind,
    Result,
    sum_scored,
)

_TEXTS = (
    "Little interest or pleasure in doing things",
    "Feeling down, depressed, or hopeless",
    "Trouble falling or staying asleep, or sleeping too much",
    "Feeling tired or having little energy",
    "Poor appetite or overeating",
    "Feeling bad about yourself — or that you are a failure or have let yourself or your "
    "family down",
    "Trouble concentrating on things, such as reading the newspaper or watching television",
    "Moving or speaking so slowly that other people could have noticed? Or the opposite — "
    "being so fidgety or restless that you have been moving around a lot more than usual",
    "Thoughts that you would be better off dead or of hurting yourself in some way",
)

SUICIDE_ITEM = "9"


def _score(instrument: Instrument, answers: dict[str, Answer], context: Context) -> Result:
    result = sum_scored(instrument, answers, context)
    if result.item_scores[SUICIDE_ITEM] >= 1:
        return dataclasses.replace(result, flags=frozenset({"suicide_risk"}))
    return result


PHQ9 = Instrument(
    code="phq9",
    name="PHQ-9",
    title="Patient Health Questionnaire-9 (PHQ-9)",
    instructions=(
        "Over the last 2 weeks, how often have you been bothered by any of the following problems?"
    ),
    lookback="last 2 weeks",
    items=tuple(
        Item(key=str(n), text=text, kind=ItemKind.CHOICE, options=FREQUENCY_2_WEEKS)
        for n, text in enumerate(_TEXTS, start=1)
    ),
    bands=(
        Band("minimal", "Minimal depression", 0, 4),
        Band("mild", "Mild depression", 5, 9),
        Band("moderate", "Moderate depression", 10, 14),
        Band("moderately_severe", "Moderately severe depression", 15, 19),
        Band("severe", "Severe depression", 20, 27),
    ),
    flags=(
        Flag(
            "suicide_risk",
            "Item 9 (thoughts of being better off dead or of self-harm) answered 'Several days' "
            "or more: needs immediate follow-up whatever the total.",
        ),
    ),
    subscales=(),
    total_range=(0, 27),
    panel_code=Code("44249-1", "PHQ-9 quick depression assessment panel", verified=True),
    total_code=Code("44261-6", "Patient Health Questionnaire 9 item (PHQ-9) total score", True),
    copyright=(
        "Developed by Drs. Robert L. Spitzer, Janet B.W. Williams, Kurt Kroenke and colleagues, "
        "with an educational grant from Pfizer Inc. No permission required to reproduce, "
        "translate, display or distribute."
    ),
    sources=(
        "Kroenke K, Spitzer RL, Williams JB. The PHQ-9: validity of a brief depression severity "
        "measure. J Gen Intern Med. 2001;16(9):606-613.",
        "PHQ Screeners, https://www.phqscreeners.com/",
    ),
    scorer=_score,
    required_items=frozenset(str(n) for n in range(1, 10)),
    options_note=(
        "The optional tenth (functional difficulty) question is not scored and not included."
    ),
)
