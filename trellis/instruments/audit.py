"""AUDIT (WHO Alcohol Use Disorders Identification Test) and its consumption items, AUDIT-C."""

from __future__ import annotations

from .base import (
    Answer,
    Band,
    Code,
    Context,
    Flag,
    Instrument,
    InvalidResponse,
    Item,
    ItemKind,
    Option,
    Result,
    Subscale,
    item_scores,
    require,
    sum_scored,
)

_FREQUENCY = (
    Option("Never", 0),
    Option("Less than monthly", 1),
    Option("Monthly", 2),
    Option("Weekly", 3),
    Option("Daily or almost daily", 4),
)
_INJURY = (
    Option("No", 0),
    Option("Yes, but not in the last year", 2),
    Option("Yes, during the last year", 4),
)

CONSUMPTION_ITEMS = (
    Item(
        key="1",
        text="How often do you have a drink containing alcohol?",
        kind=ItemKind.CHOICE,
        options=(
            Option("Never", 0),
            Option("Monthly or less", 1),
            Option("2 to 4 times a month", 2),
            Option("2 to 3 times a week", 3),
            Option("4 or more times a week", 4),
        ),
    ),
    Item(
        key="2",
        text="How many drinks containing alcohol do you have on a typical day when you are "
        "drinking?",
        kind=ItemKind.CHOICE,
        options=(
            Option("1 or 2", 0),
            Option("3 or 4", 1),
            Option("5 or 6", 2),
            Option("7, 8, or 9", 3),
            Option("10 or more", 4),
        ),
    ),
    Item(
        key="3",
        text="How often do you have six or more drinks on one occasion?",
        kind=ItemKind.CHOICE,
        options=_FREQUENCY,
    ),
)

_LAST_YEAR = (
    "How often during the last year have you found that you were not able to stop drinking "
    "once you had started?",
    "How often during the last year have you failed to do what was normally expected from you "
    "because of drinking?",
    "How often during the last year have you needed a first drink in the morning to get "
    "yourself going after a heavy drinking session?",
    "How often during the last year have you had a feeling of guilt or remorse after drinking?",
    "How often during the last year have you been unable to remember what happened the night "
    "before because you had been drinking?",
)

_WHO_COPYRIGHT = (
    "AUDIT © World Health Organization 2001 (Babor, Higgins-Biddle, Saunders & Monteiro). "
    "WHO permits free reproduction of the questionnaire for clinical use."
)
_WHO_SOURCE = (
    "Babor TF, Higgins-Biddle JC, Saunders JB, Monteiro MG. AUDIT: The Alcohol Use Disorders "
    "Identification Test. Guidelines for Use in Primary Care. 2nd ed. WHO; 2001 "
    "(WHO/MSD/MSB/01.6a)."
)

AUDIT = Instrument(
    code="audit",
    name="AUDIT",
    title="Alcohol Use Disorders Identification Test (AUDIT)",
    instructions=(
        "These questions are about your use of alcoholic beverages during the past year. "
        "Choose the answer that is most correct for you."
    ),
    lookback="past year",
    items=(
        *CONSUMPTION_ITEMS,
        *(
            Item(key=str(n), text=text, kind=ItemKind.CHOICE, options=_FREQUENCY)
            for n, text in enumerate(_LAST_YEAR, start=4)
        ),
        Item(
            key="9",
            text="Have you or someone else been injured as a result of your drinking?",
            kind=ItemKind.CHOICE,
            options=_INJURY,
        ),
        Item(
            key="10",
            text="Has a relative or friend or a doctor or another health worker been concerned "
            "about your drinking or suggested you cut down?",
            kind=ItemKind.CHOICE,
            options=_INJURY,
        ),
    ),
    bands=(
        Band("low_risk", "Zone I: low-risk drinking", 0, 7),
        Band("hazardous", "Zone II: hazardous drinking", 8, 15),
        Band("harmful", "Zone III: harmful drinking", 16, 19),
        Band("possible_dependence", "Zone IV: possible alcohol dependence", 20, 40),
    ),
    flags=(),
    subscales=(
        Subscale("consumption", "Hazardous alcohol use (items 1-3)", ("1", "2", "3")),
        Subscale("dependence", "Dependence symptoms (items 4-6)", ("4", "5", "6")),
        Subscale("harm", "Harmful alcohol use (items 7-10)", ("7", "8", "9", "10")),
    ),
    total_range=(0, 40),
    panel_code=None,
    total_code=Code("75624-7", "Total score [AUDIT]", verified=False),
    copyright=_WHO_COPYRIGHT,
    sources=(_WHO_SOURCE,),
    scorer=sum_scored,
    required_items=frozenset(str(n) for n in range(1, 11)),
)

SEXES = ("female", "male")
_THRESHOLD = {"female": 3, "male": 4, None: 3}


def _score_auditc(instrument: Instrument, answers: dict[str, Answer], context: Context) -> Result:
    if context.sex is not None and context.sex not in SEXES:
        raise InvalidResponse("sex", f"must be 'female' or 'male' (or None), not {context.sex!r}.")
    require(instrument, answers, instrument.item_keys)
    scores = item_scores(instrument, answers)
    total = sum(scores.values())
    threshold = _THRESHOLD[context.sex]
    band = instrument.band("positive" if total >= threshold else "negative")
    who = {"female": "women", "male": "men", None: "sex not recorded; lower threshold used"}
    interpretation = f"{band.label} (threshold {threshold}, {who[context.sex]})"
    return Result(
        instrument=instrument.code,
        answers=answers,
        item_scores=scores,
        total=total,
        band=band.slug,
        interpretation=interpretation,
        flags=frozenset({"positive_screen"}) if band.slug == "positive" else frozenset(),
    )


AUDITC = Instrument(
    code="auditc",
    name="AUDIT-C",
    title="AUDIT-C: Alcohol Use Disorders Identification Test, consumption items",
    instructions="These questions are about your use of alcoholic beverages during the past year.",
    lookback="past year",
    items=CONSUMPTION_ITEMS,
    bands=(
        Band("positive", "Positive screen for unhealthy alcohol use"),
        Band("negative", "Negative screen"),
    ),
    flags=(
        Flag(
            "positive_screen",
            "Total at or above the threshold: 4 for men, 3 for women (3 when sex is not given).",
        ),
    ),
    subscales=(),
    total_range=(0, 12),
    panel_code=Code("72109-2", "Alcohol Use Disorder Identification Test - Consumption", True),
    total_code=Code("75626-2", "Total score [AUDIT-C]", verified=True),
    copyright=_WHO_COPYRIGHT,
    sources=(
        _WHO_SOURCE,
        "Bush K, Kivlahan DR, McDonell MB, Fihn SD, Bradley KA. The AUDIT alcohol consumption "
        "questions (AUDIT-C). Arch Intern Med. 1998;158(16):1789-1795.",
        "Bradley KA et al. AUDIT-C as a brief screen for alcohol misuse in primary care. "
        "Alcohol Clin Exp Res. 2007;31(7):1208-1217.",
    ),
    scorer=_score_auditc,
    required_items=frozenset({"1", "2", "3"}),
)
