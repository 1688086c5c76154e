"""GAD-7: Generalized Anxiety Disorder 7-item scale (Spitzer et al. 2006)."""

from __future__ import annotations

from .base import FREQUENCY_2_WEEKS, Band, Code, Instrument, Item, ItemKind, sum_scored

_TEXTS = (
    "Feeling nervous, anxious, or on edge",
    "Not being able to stop or control worrying",
    "Worrying too much about different things",
    "Trouble relaxing",
    "Being so restless that it is hard to sit still",
    "Becoming easily annoyed or irritable",
    "Feeling afraid, as if something awful might happen",
)

GAD7 = Instrument(
    code="gad7",
    name="GAD-7",
    title="Generalized Anxiety Disorder 7-item scale (GAD-7)",
    instructions=(
        "Over the last 2 weeks, how often have you been bothered by the following problems?"
    ),
    lookback="last 2 weeks",
    items=tuple(
        Item(key=str(n), text=text, kind=ItemKind.CHOICE, options=FREQUENCY_2_WEEKS)
        for n, text in enumerate(_TEXTS, start=1)
    ),
    bands=(
        Band("minimal", "Minimal anxiety", 0, 4),
        Band("mild", "Mild anxiety", 5, 9),
        Band("moderate", "Moderate anxiety", 10, 14),
        Band("severe", "Severe anxiety", 15, 21),
    ),
    flags=(),
    subscales=(),
    total_range=(0, 21),
    panel_code=Code("69737-5", "Generalized anxiety disorder 7 item (GAD-7)", verified=True),
    total_code=Code("70274-6", "Generalized anxiety disorder 7 item (GAD-7) total score", True),
    copyright=(
        "Developed by Drs. Robert L. Spitzer, Janet B.W. Williams, Kurt Kroenke and colleagues, "
        "with an educational grant from Pfizer Inc. No permission required to reproduce, "
        "translate, display or distribute."
    ),
    sources=(
        "Spitzer RL, Kroenke K, Williams JB, Löwe B. A brief measure for assessing generalized "
        "anxiety disorder: the GAD-7. Arch Intern Med. 2006;166(10):1092-1097.",
        "PHQ Screeners, https://www.phqscreeners.com/",
    ),
    scorer=sum_scored,
    required_items=frozenset(str(n) for n in range(1, 8)),
)
