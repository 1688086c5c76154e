"""DAST-10: Drug Abuse Screening Test, 10-item version (Skinner 1982)."""

from __future__ import annotations

from .base import Band, Code, Instrument, Item, ItemKind, sum_scored, yes_no

REVERSED_ITEM = "3"

_TEXTS = (
    "Have you used drugs other than those required for medical reasons?",
    "Do you abuse more than one drug at a time?",
    "Are you always able to stop using drugs when you want to?",
    'Have you had "blackouts" or "flashbacks" as a result of drug use?',
    "Do you ever feel bad or guilty about your drug use?",
    "Does your spouse (or parents) ever complain about your involvement with drugs?",
    "Have you neglected your family because of your use of drugs?",
    "Have you engaged in illegal activities in order to obtain drugs?",
    "Have you ever experienced withdrawal symptoms (felt sick) when you stopped taking drugs?",
    "Have you had medical problems as a result of your drug use (e.g., memory loss, hepatitis, "
    "convulsions, bleeding, etc.)?",
)

DAST10 = Instrument(
    code="dast10",
    name="DAST-10",
    title="Drug Abuse Screening Test (DAST-10)",
    instructions=(
        "The following questions concern information about your possible involvement with drugs "
        "not including alcoholic beverages during the past 12 months. “Drug abuse” refers to "
        "(1) the use of prescribed or over-the-counter drugs in excess of the directions, and "
        "(2) any nonmedical use of drugs. The various classes of drugs may include cannabis "
        "(marijuana, hashish), solvents (e.g., paint thinner), tranquilizers (e.g., Valium), "
        "barbiturates, cocaine, stimulants (e.g., speed), hallucinogens (e.g., LSD) or "
        "narcotics (e.g., heroin). Remember that the questions do not include alcoholic "
        "beverages or tobacco. Answer every question yes or no."
    ),
    lookback="past 12 months",
    items=tuple(
        Item(
            key=str(n),
            text=text,
            kind=ItemKind.BOOLEAN,
            options=yes_no(yes=0, no=1) if str(n) == REVERSED_ITEM else yes_no(),
        )
        for n, text in enumerate(_TEXTS, start=1)
    ),
    bands=(
        Band("none", "No problems reported", 0, 0),
        Band("low", "Low level of problems related to drug abuse", 1, 2),
        Band("moderate", "Moderate level", 3, 5),
        Band("substantial", "Substantial level", 6, 8),
        Band("severe", "Severe level", 9, 10),
    ),
    flags=(),
    subscales=(),
    total_range=(0, 10),
    panel_code=None,
    total_code=Code("82667-7", "Total score [DAST-10]", verified=True),
    copyright=(
        "© 1982 Harvey A. Skinner, PhD, and the Centre for Addiction and Mental Health, Toronto. "
        "May be reproduced for non-commercial clinical and research use."
    ),
    sources=(
        "Skinner HA. The Drug Abuse Screening Test. Addict Behav. 1982;7(4):363-371.",
        "Yudko E, Lozhkina O, Fouts A. A comprehensive review of the psychometric properties of "
        "the Drug Abuse Screening Test. J Subst Abuse Treat. 2007;32(2):189-198.",
    ),
    scorer=sum_scored,
    required_items=frozenset(str(n) for n in range(1, 11)),
)
