"""BAM: Brief Addiction Monitor (Cacciola et al. 2013), VA version with 0-4 item scores.

Day-count items are answered with the number of days (0-30) and scored in five bins
(0 → 0, 1-3 → 1, 4-8 → 2, 9-15 → 3, 16-30 → 4). There is no total: the three subscales
(Use, Risk, Protective) and the individual items are what clinicians review.
"""

from __future__ import annotations

from .base import (
    Answer,
    Context,
    DayBin,
    EnableWhen,
    Flag,
    Instrument,
    Item,
    ItemGroup,
    ItemKind,
    Option,
    Result,
    Subscale,
    item_scores,
    require,
    yes_no,
)

DAY_BINS = (
    DayBin(0, 0, 0, "0 days"),
    DayBin(1, 3, 1, "1-3 days"),
    DayBin(4, 8, 2, "4-8 days"),
    DayBin(9, 15, 3, "9-15 days"),
    DayBin(16, 30, 4, "16-30 days"),
)
_EXTENT = (
    Option("Not at all", 0),
    Option("Slightly", 1),
    Option("Moderately", 2),
    Option("Considerably", 3),
    Option("Extremely", 4),
)
_P30 = "In the past 30 days, "
DRUG_ITEMS = ("7a", "7b", "7c", "7d", "7e", "7f", "7g")
USE_ITEMS = ("4", "5", "6", *DRUG_ITEMS)


def _days(key: str, text: str, *, group: str | None = None, scored: bool = True) -> Item:
    return Item(key, text, ItemKind.DAYS, day_bins=DAY_BINS, group=group, scored=scored)


_DRUGS = (
    "Marijuana (cannabis, pot, weed)",
    'Sedatives/Tranquilizers (e.g., "benzos", Valium, Xanax, Ativan, Ambien, "barbs", '
    "Phenobarbital, downers, etc.)",
    "Cocaine/Crack",
    'Other stimulants (e.g., amphetamine, methamphetamine, Dexedrine, Ritalin, Adderall, "speed", '
    '"crystal meth", "ice", etc.)',
    "Opiates (e.g., heroin, morphine, Dilaudid, Demerol, OxyContin, oxy, codeine (Tylenol 2, 3, "
    "4), Percocet, Vicodin, fentanyl, etc.)",
    "Inhalants (glues, adhesives, nail polish remover, paint thinner, etc.)",
    "Other drugs (steroids, non-prescription sleep/diet pills, Benadryl, ephedra, other "
    "over-the-counter/unknown medications)",
)

_ITEMS = (
    Item(
        "1",
        _P30 + "would you say your physical health has been:",
        ItemKind.CHOICE,
        options=(
            Option("Excellent", 0),
            Option("Very good", 1),
            Option("Good", 2),
            Option("Fair", 3),
            Option("Poor", 4),
        ),
    ),
    _days("2", _P30 + "how many nights did you have trouble falling asleep or staying asleep?"),
    _days(
        "3",
        _P30 + "how many days have you felt depressed, anxious, angry or very upset throughout "
        "most of the day?",
    ),
    _days("4", _P30 + "how many days did you drink ANY alcohol?"),
    _days(
        "5",
        _P30 + "how many days did you have at least 5 drinks (if you are a man) or at least 4 "
        "drinks (if you are a woman)? [One drink is considered one can of beer (12 oz) or one "
        "glass of wine (5 oz) or one mixed drink (1.5 oz of liquor).]",
    ),
    _days(
        "6",
        _P30 + "how many days did you use any illegal/street drugs or abuse any prescription "
        "medications?",
    ),
    *(
        _days(
            key,
            f"{drug}: number of days used in the past 30 days",
            group="7",
            scored=False,
        )
        for key, drug in zip(DRUG_ITEMS, _DRUGS, strict=True)
    ),
    Item(
        "8",
        _P30 + "how much were you bothered by cravings or urges to drink alcohol or use drugs?",
        ItemKind.CHOICE,
        options=_EXTENT,
    ),
    Item(
        "9",
        "How confident are you in your ability to be completely abstinent (clean) from alcohol "
        "and drugs in the next 30 days?",
        ItemKind.CHOICE,
        options=_EXTENT,
    ),
    _days(
        "10",
        _P30 + "how many days did you attend self-help meetings like AA or NA to support your "
        "recovery?",
    ),
    _days(
        "11",
        _P30 + "how many days were you in any situations or with any people that might put you "
        'at an increased risk for using alcohol or drugs (i.e., around risky "people, places '
        'or things")?',
    ),
    Item(
        "12",
        "Does your religion or spirituality help support your recovery?",
        ItemKind.CHOICE,
        options=_EXTENT,
    ),
    _days(
        "13",
        _P30 + "how many days did you spend much of the time at work, school, or doing "
        "volunteer work?",
    ),
    Item(
        "14",
        "Do you have enough income (from legal sources) to pay for necessities such as "
        "housing, transportation, food and clothing for yourself and your dependents?",
        ItemKind.BOOLEAN,
        options=yes_no(yes=4, no=0),
    ),
    Item(
        "15",
        _P30 + "how much have you been bothered by arguments or problems getting along with any "
        "family members or friends?",
        ItemKind.CHOICE,
        options=_EXTENT,
    ),
    _days(
        "16",
        _P30 + "how many days were you in contact or spent time with any family members or "
        "friends who are supportive of your recovery?",
    ),
    Item(
        "17",
        "How satisfied are you with your progress toward achieving your recovery goals?",
        ItemKind.CHOICE,
        options=_EXTENT,
    ),
)

SUBSCALES = (
    Subscale("use", "Use (items 4, 5, 6)", ("4", "5", "6")),
    Subscale("risk", "Risk factors (items 1, 2, 3, 8, 11, 15)", ("1", "2", "3", "8", "11", "15")),
    Subscale(
        "protective",
        "Protective factors (items 9, 10, 12, 13, 14, 16)",
        ("9", "10", "12", "13", "14", "16"),
    ),
)
_ALWAYS_REQUIRED = tuple(item.key for item in _ITEMS if item.group is None)


def _score(instrument: Instrument, answers: dict[str, Answer], context: Context) -> Result:
    require(instrument, answers, _ALWAYS_REQUIRED)
    if int(answers["6"]) > 0:
        require(instrument, answers, DRUG_ITEMS)
    scores = item_scores(instrument, answers)
    subscales = {s.slug: sum(scores[k] for k in s.items) for s in instrument.subscales}
    lapse = any(int(answers.get(k, 0)) > 0 for k in USE_ITEMS)
    summary = ", ".join(f"{s.slug.capitalize()} {subscales[s.slug]}" for s in instrument.subscales)
    if lapse:
        summary += "; alcohol or drug use reported in the past 30 days"
    return Result(
        instrument=instrument.code,
        answers=answers,
        item_scores=scores,
        total=None,
        band=None,
        interpretation=summary,
        flags=frozenset({"lapse"}) if lapse else frozenset(),
        subscales=subscales,
    )


BAM = Instrument(
    code="bam",
    name="BAM",
    title="Brief Addiction Monitor (BAM)",
    instructions=(
        "This is a standard set of questions about several areas of your life such as your "
        "health, alcohol and drug use, etc. The questions generally ask about the past 30 days. "
        "Please consider each question and answer as accurately as possible. For questions "
        "that ask how many days, give a number from 0 to 30."
    ),
    lookback="past 30 days",
    items=_ITEMS,
    bands=(),
    flags=(
        Flag(
            "lapse",
            "Any alcohol or drug use reported (item 4, 5, 6 or 7a-7g above 0 days): review with "
            "the patient.",
        ),
    ),
    subscales=SUBSCALES,
    total_range=None,
    panel_code=None,
    total_code=None,
    copyright=(
        "Developed by the VA (Cacciola, Alterman, DePhilippis et al.; VISN 4 MIRECC / CESATE). "
        "U.S. government work, free to use."
    ),
    sources=(
        "Cacciola JS, Alterman AI, DePhilippis D, et al. Development and initial evaluation of "
        "the Brief Addiction Monitor (BAM). J Subst Abuse Treat. 2013;44(3):256-263.",
        "DePhilippis D, Goodman J, Beamer K, Bloedorn S. Brief Addiction Monitor (BAM) Manual "
        "for Use in SUD Group Treatment. Philadelphia VAMC CESATE; 2014.",
    ),
    scorer=_score,
    required_items=frozenset(_ALWAYS_REQUIRED),
    groups=(
        ItemGroup(
            "7",
            _P30 + "how many days did you use any of the following drugs:",
            EnableWhen("6", ">", 0),
        ),
    ),
    options_note=(
        "Items 2-7 (sub-items 7a-7g), 10, 11, 13 and 16 are answered with a number of days "
        "(0-30). Items 7a-7g may be omitted when item 6 is 0."
    ),
)
