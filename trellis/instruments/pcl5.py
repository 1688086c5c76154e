"""PCL-5: PTSD Checklist for DSM-5 (Weathers et al. 2013), past-month version, no criterion A."""

from __future__ import annotations

import dataclasses

from .base import (
    Answer,
    Band,
    Context,
    Flag,
    Instrument,
    Item,
    ItemKind,
    Option,
    Result,
    Subscale,
    sum_scored,
)

THRESHOLD = 33
ENDORSED = 2
"""An item rated 2 ("Moderately") or higher counts as a symptom endorsed (DSM-5 rule)."""

_OPTIONS = (
    Option("Not at all", 0),
    Option("A little bit", 1),
    Option("Moderately", 2),
    Option("Quite a bit", 3),
    Option("Extremely", 4),
)

_TEXTS = (
    "Repeated, disturbing, and unwanted memories of the stressful experience?",
    "Repeated, disturbing dreams of the stressful experience?",
    "Suddenly feeling or acting as if the stressful experience were actually happening again "
    "(as if you were actually back there reliving it)?",
    "Feeling very upset when something reminded you of the stressful experience?",
    "Having strong physical reactions when something reminded you of the stressful experience "
    "(for example, heart pounding, trouble breathing, sweating)?",
    "Avoiding memories, thoughts, or feelings related to the stressful experience?",
    "Avoiding external reminders of the stressful experience (for example, people, places, "
    "conversations, activities, objects, or situations)?",
    "Trouble remembering important parts of the stressful experience?",
    "Having strong negative beliefs about yourself, other people, or the world (for example, "
    "having thoughts such as: I am bad, there is something seriously wrong with me, no one can "
    "be trusted, the world is completely dangerous)?",
    "Blaming yourself or someone else for the stressful experience or what happened after it?",
    "Having strong negative feelings such as fear, horror, anger, guilt, or shame?",
    "Loss of interest in activities that you used to enjoy?",
    "Feeling distant or cut off from other people?",
    "Trouble experiencing positive feelings (for example, being unable to feel happiness or have "
    "loving feelings for people close to you)?",
    "Irritable behavior, angry outbursts, or acting aggressively?",
    "Taking too many risks or doing things that could cause you harm?",
    'Being "superalert" or watchful or on guard?',
    "Feeling jumpy or easily startled?",
    "Having difficulty concentrating?",
    "Trouble falling or staying asleep?",
)


def _keys(first: int, last: int) -> tuple[str, ...]:
    return tuple(str(n) for n in range(first, last + 1))


CLUSTERS = (
    Subscale("cluster_b", "Cluster B: intrusion (items 1-5)", _keys(1, 5)),
    Subscale("cluster_c", "Cluster C: avoidance (items 6-7)", _keys(6, 7)),
    Subscale(
        "cluster_d",
        "Cluster D: negative alterations in cognitions and mood (items 8-14)",
        _keys(8, 14),
    ),
    Subscale(
        "cluster_e",
        "Cluster E: alterations in arousal and reactivity (items 15-20)",
        _keys(15, 20),
    ),
)
_DSM5_MINIMUM = {"cluster_b": 1, "cluster_c": 1, "cluster_d": 2, "cluster_e": 2}


def _score(instrument: Instrument, answers: dict[str, Answer], context: Context) -> Result:
    result = sum_scored(instrument, answers, context)
    flags = set()
    if result.total is not None and result.total >= THRESHOLD:
        flags.add("probable_ptsd")
    if all(
        sum(result.item_scores[k] >= ENDORSED for k in cluster.items) >= _DSM5_MINIMUM[cluster.slug]
        for cluster in CLUSTERS
    ):
        flags.add("dsm5_symptom_pattern")
    return dataclasses.replace(result, flags=frozenset(flags))


PCL5 = Instrument(
    code="pcl5",
    name="PCL-5",
    title="PTSD Checklist for DSM-5 (PCL-5)",
    instructions=(
        "Below is a list of problems that people sometimes have in response to a very stressful "
        "experience. Please read each problem carefully and then indicate how much you have been "
        "bothered by that problem in the past month. In the past month, how much were you "
        "bothered by:"
    ),
    lookback="past month",
    items=tuple(
        Item(key=str(n), text=text, kind=ItemKind.CHOICE, options=_OPTIONS)
        for n, text in enumerate(_TEXTS, start=1)
    ),
    bands=(
        Band("below_threshold", f"Below the probable-PTSD cut-point ({THRESHOLD})", 0, 32),
        Band("probable_ptsd", f"Probable PTSD (total {THRESHOLD} or more)", 33, 80),
    ),
    flags=(
        Flag(
            "probable_ptsd",
            f"Total {THRESHOLD} or more (published cut-points 31-33): refer for a diagnostic "
            "assessment.",
        ),
        Flag(
            "dsm5_symptom_pattern",
            "Items rated 2 or more cover DSM-5 clusters (1 B, 1 C, 2 D, 2 E): a provisional "
            "PTSD pattern, to be confirmed by a clinical interview.",
        ),
    ),
    subscales=CLUSTERS,
    total_range=(0, 80),
    panel_code=None,
    total_code=None,
    copyright=(
        "Weathers, Litz, Keane, Palmieri, Marx & Schnurr, National Center for PTSD (2013). "
        "U.S. government work in the public domain."
    ),
    sources=(
        "Weathers FW, Litz BT, Keane TM, Palmieri PA, Marx BP, Schnurr PP. The PTSD Checklist "
        "for DSM-5 (PCL-5). National Center for PTSD; 2013. https://www.ptsd.va.gov/",
        "Bovin MJ, Marx BP, Weathers FW, et al. Psychometric properties of the PTSD Checklist "
        "for DSM-5 (PCL-5) in veterans. Psychol Assess. 2016;28(11):1379-1391.",
    ),
    scorer=_score,
    required_items=frozenset(_keys(1, 20)),
)
