"""C-SSRS screener: Columbia-Suicide Severity Rating Scale, screen version (lifetime/recent).

Triage, not a sum. Skip logic as published: items 3-5 are asked only when item 2 is yes;
6b ("within the past 3 months?") only when item 6 is yes. Trellis never drops a risk answer:
a yes given to a skipped item still counts, and the result carries ``inconsistent_answers``.
"""

from __future__ import annotations

from .base import (
    Answer,
    Band,
    Context,
    EnableWhen,
    Flag,
    Instrument,
    Item,
    ItemKind,
    Result,
    item_scores,
    require,
    yes_no,
)

IDEATION_GATE = "2"
GATED_ITEMS = ("3", "4", "5")
BEHAVIOUR = "6"
BEHAVIOUR_RECENT = "6b"
_ASKED_IF_THOUGHTS = EnableWhen(IDEATION_GATE, "=", True)

_ITEMS = (
    Item(
        key="1",
        text="Wish to be dead: Have you wished you were dead or wished you could go to sleep and "
        "not wake up?",
        kind=ItemKind.BOOLEAN,
        options=yes_no(),
    ),
    Item(
        key="2",
        text="Suicidal thoughts: Have you actually had any thoughts of killing yourself?",
        kind=ItemKind.BOOLEAN,
        options=yes_no(),
    ),
    Item(
        key="3",
        text="Suicidal thoughts with method (without specific plan or intent to act): Have you "
        "been thinking about how you might do this?",
        kind=ItemKind.BOOLEAN,
        options=yes_no(),
        enable_when=_ASKED_IF_THOUGHTS,
    ),
    Item(
        key="4",
        text="Suicidal intent (without specific plan): Have you had these thoughts and had some "
        "intention of acting on them?",
        kind=ItemKind.BOOLEAN,
        options=yes_no(),
        enable_when=_ASKED_IF_THOUGHTS,
    ),
    Item(
        key="5",
        text="Suicide intent with specific plan: Have you started to work out or worked out the "
        "details of how to kill yourself? Do you intend to carry out this plan?",
        kind=ItemKind.BOOLEAN,
        options=yes_no(),
        enable_when=_ASKED_IF_THOUGHTS,
    ),
    Item(
        key="6",
        text="Suicide behavior: Have you ever done anything, started to do anything, or prepared "
        "to do anything to end your life? Examples: collected pills, obtained a gun, gave away "
        "valuables, wrote a will or suicide note, took out pills but didn't swallow any, held a "
        "gun but changed your mind or it was grabbed from your hand, went to the roof but didn't "
        "jump; or actually took pills, tried to shoot yourself, cut yourself, tried to hang "
        "yourself, etc.",
        kind=ItemKind.BOOLEAN,
        options=yes_no(),
    ),
    Item(
        key="6b",
        text="Was this within the past 3 months?",
        kind=ItemKind.BOOLEAN,
        options=yes_no(),
        enable_when=EnableWhen(BEHAVIOUR, "=", True),
    ),
)


def _score(instrument: Instrument, answers: dict[str, Answer], context: Context) -> Result:
    require(instrument, answers, ("1", IDEATION_GATE, BEHAVIOUR))
    if answers[IDEATION_GATE] is True:
        require(instrument, answers, GATED_ITEMS)
    if answers[BEHAVIOUR] is True:
        require(instrument, answers, (BEHAVIOUR_RECENT,))

    def yes(key: str) -> bool:
        return answers.get(key) is True

    inconsistent = (not yes(IDEATION_GATE) and any(yes(k) for k in GATED_ITEMS)) or (
        not yes(BEHAVIOUR) and yes(BEHAVIOUR_RECENT)
    )
    if yes("4") or yes("5") or yes(BEHAVIOUR_RECENT):
        slug = "high"
        flags = {"suicide_risk", "suicide_risk_high"}
    elif yes("3") or yes(BEHAVIOUR):
        slug = "moderate"
        flags = {"suicide_risk"}
    elif yes("1") or yes(IDEATION_GATE):
        slug, flags = "low", set()
    else:
        slug, flags = "none", set()
    if inconsistent:
        flags.add("inconsistent_answers")
    band = instrument.band(slug)
    return Result(
        instrument=instrument.code,
        answers=answers,
        item_scores=item_scores(instrument, answers),
        total=None,
        band=band.slug,
        interpretation=band.label,
        flags=frozenset(flags),
    )


CSSRS = Instrument(
    code="cssrs",
    name="C-SSRS screener",
    title="Columbia-Suicide Severity Rating Scale (C-SSRS), screen version",
    instructions=(
        "Ask questions 1 and 2. If YES to 2, ask questions 3, 4, 5 and 6. If NO to 2, go "
        "directly to question 6. If YES to 6, ask whether it was within the past 3 months. "
        "Questions 1-5 are about the past month."
    ),
    lookback="past month (items 1-5); lifetime with past 3 months (item 6)",
    items=_ITEMS,
    bands=(
        Band("none", "No suicide risk identified on screen"),
        Band("low", "Low risk: wish to be dead or non-specific suicidal thoughts only"),
        Band("moderate", "Moderate risk: suicidal thoughts with method, or past suicidal behavior"),
        Band(
            "high",
            "High risk: suicidal intent, plan with intent, or suicidal behavior in the past "
            "3 months",
        ),
    ),
    flags=(
        Flag("suicide_risk", "Moderate or high risk on the C-SSRS screener."),
        Flag("suicide_risk_high", "High risk: immediate safety evaluation needed."),
        Flag(
            "inconsistent_answers",
            "A skipped item (3-5 with no to 2, or 6b with no to 6) was answered yes; the yes was "
            "counted. Review the answers with the patient.",
        ),
    ),
    subscales=(),
    total_range=None,
    panel_code=None,
    total_code=None,
    copyright=(
        "© The Research Foundation for Mental Hygiene, Inc. (Posner et al.). Available free of "
        "charge for clinical, public-health and research use; see the Columbia Lighthouse "
        "Project (https://cssrs.columbia.edu/)."
    ),
    sources=(
        "Posner K, Brown GK, Stanley B, et al. The Columbia-Suicide Severity Rating Scale. "
        "Am J Psychiatry. 2011;168(12):1266-1277.",
        "C-SSRS Screen Version, lifetime/recent, The Columbia Lighthouse Project.",
    ),
    scorer=_score,
    required_items=frozenset({"1", "2", "6"}),
)
