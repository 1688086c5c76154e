"""Draft problems and interventions from assessment findings: a rule table. Pure Python.

Each rule names the findings that fire it (instrument bands, ICD-10-CM code prefixes, ASAM
dimension ratings) and the problem, goal, measurable objective and library interventions it
suggests. The clinician edits the draft before anything is saved; nothing here is a decision.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Findings:
    """What the assessment found: latest band per instrument, diagnosis codes, ASAM ratings."""

    bands: dict[str, str] = field(default_factory=dict)  # {"audit": "harmful", "phq9": ...}
    diagnoses: tuple[str, ...] = ()  # ICD-10-CM codes, e.g. ("F10.20", "F32.1")
    dimensions: dict[int, int] = field(default_factory=dict)  # {1: 0, ..., 6: 3}


@dataclass(frozen=True)
class Rule:
    name: str
    bands: dict[str, frozenset[str]]  # instrument -> bands that fire the rule
    diagnosis_prefixes: tuple[str, ...]
    dimensions: dict[int, int]  # dimension -> minimum rating that fires the rule
    problem: str
    goal: str
    patient_words: str
    objective: str
    measure: str
    target_weeks: int
    interventions: tuple[str, ...]  # intervention library codes


@dataclass
class Suggestion:
    rule: str
    because: list[str]
    problem: str
    diagnoses: list[str]
    goal: str
    patient_words: str
    objective: str
    measure: str
    target_weeks: int
    interventions: list[str]


RULES: tuple[Rule, ...] = (
    Rule(
        name="alcohol",
        bands={"audit": frozenset({"harmful", "possible_dependence"})},
        diagnosis_prefixes=("F10",),
        dimensions={},
        problem="Alcohol use causing harm to health, relationships or work",
        goal="Achieve and maintain abstinence from alcohol",
        patient_words="I want to stop drinking and get my life back.",
        objective="Names 3 personal triggers and a coping skill for each",
        measure="Names 3 coping skills; no alcohol use reported for 4 consecutive weeks",
        target_weeks=6,
        interventions=("group-process-sud", "group-rp", "individual-mi", "peer-support"),
    ),
    Rule(
        name="drugs",
        bands={"dast10": frozenset({"moderate", "substantial", "severe"})},
        diagnosis_prefixes=("F11", "F12", "F13", "F14", "F15", "F16", "F18", "F19"),
        dimensions={},
        problem="Drug use causing harm to health, relationships or work",
        goal="Stop drug use and build a recovery routine",
        patient_words="I don't want to use anymore.",
        objective="Negative toxicology screens and a written relapse-prevention plan",
        measure="4 consecutive negative screens; relapse-prevention plan completed",
        target_weeks=6,
        interventions=("group-process-sud", "group-rp", "individual-mi", "peer-support"),
    ),
    Rule(
        name="opioids-mat",
        bands={},
        diagnosis_prefixes=("F11",),
        dimensions={},
        problem="Opioid use disorder: risk of overdose and withdrawal",
        goal="Stabilise on medication for opioid use disorder",
        patient_words="I want to stop feeling sick and stay safe.",
        objective="Takes MOUD as prescribed and carries naloxone",
        measure="Attends every medication appointment; naloxone kit confirmed",
        target_weeks=4,
        interventions=("mat",),
    ),
    Rule(
        name="depression",
        bands={"phq9": frozenset({"moderate", "moderately_severe", "severe"})},
        diagnosis_prefixes=("F32", "F33", "F34.1"),
        dimensions={},
        problem="Depressed mood interfering with daily functioning",
        goal="Reduce depressive symptoms",
        patient_words="I want to feel like myself again.",
        objective="Uses CBT skills to challenge negative thoughts",
        measure="PHQ-9 below 10",
        target_weeks=8,
        interventions=("group-cbt", "individual-cbt"),
    ),
    Rule(
        name="anxiety",
        bands={"gad7": frozenset({"moderate", "severe"})},
        diagnosis_prefixes=("F41",),
        dimensions={},
        problem="Anxiety interfering with daily functioning",
        goal="Manage anxiety without substances",
        patient_words="I want to stop worrying all the time.",
        objective="Practises a grounding or breathing skill daily",
        measure="GAD-7 below 10",
        target_weeks=8,
        interventions=("mindfulness", "group-cbt"),
    ),
    Rule(
        name="trauma",
        bands={"pcl5": frozenset({"probable_ptsd"})},
        diagnosis_prefixes=("F43.1",),
        dimensions={},
        problem="Trauma symptoms (intrusions, avoidance, hyperarousal)",
        goal="Reduce trauma symptoms and their pull toward substance use",
        patient_words="I want to sleep and stop reliving it.",
        objective="Engages in trauma-focused therapy",
        measure="PCL-5 reduced by 10 points or more",
        target_weeks=12,
        interventions=("individual-trauma",),
    ),
    Rule(
        name="safety",
        bands={"cssrs": frozenset({"moderate", "high"})},
        diagnosis_prefixes=(),
        dimensions={},
        problem="Risk of suicide or self-harm",
        goal="Stay safe and build reasons for living",
        patient_words="I want to get through the hard moments.",
        objective="Completes a safety plan and names 3 people to contact in a crisis",
        measure="Safety plan on file; C-SSRS screen negative at each review",
        target_weeks=2,
        interventions=("individual-dbt", "group-dbt"),
    ),
    Rule(
        name="readiness",
        bands={},
        diagnosis_prefixes=(),
        dimensions={4: 2},
        problem="Ambivalence about change (ASAM dimension 4)",
        goal="Strengthen motivation for recovery",
        patient_words="I'm not sure I need all this.",
        objective="States personal reasons for change",
        measure="Names 3 reasons for change in individual session",
        target_weeks=4,
        interventions=("individual-mi",),
    ),
    Rule(
        name="environment",
        bands={},
        diagnosis_prefixes=(),
        dimensions={6: 2},
        problem="Recovery environment that does not support recovery (ASAM dimension 6)",
        goal="Build a home and social network that supports recovery",
        patient_words="I need people around me who get it.",
        objective="Family or supports take part in treatment",
        measure="Attends 4 family sessions; names 2 sober supports",
        target_weeks=8,
        interventions=("family-therapy", "family-education"),
    ),
)


def _fires(rule: Rule, findings: Findings) -> list[str]:
    because: list[str] = []
    for instrument, bands in rule.bands.items():
        band = findings.bands.get(instrument)
        if band in bands:
            because.append(f"{instrument.upper()} {band.replace('_', ' ')}")
    for code in findings.diagnoses:
        if any(code.upper().startswith(p) for p in rule.diagnosis_prefixes):
            because.append(f"diagnosis {code.upper()}")
    for dim, minimum in rule.dimensions.items():
        rating = findings.dimensions.get(dim)
        if rating is not None and rating >= minimum:
            because.append(f"ASAM dimension {dim} rated {rating}")
    return because


def suggest(findings: Findings, rules: tuple[Rule, ...] = RULES) -> list[Suggestion]:
    """One suggestion per rule that fires, in table order. An intervention is suggested once,
    under the first problem that asks for it, so the weekly hours are not counted twice."""
    out: list[Suggestion] = []
    seen: set[str] = set()
    for rule in rules:
        because = _fires(rule, findings)
        if not because:
            continue
        codes = [c for c in rule.interventions if c not in seen]
        seen.update(codes)
        out.append(
            Suggestion(
                rule=rule.name,
                because=because,
                problem=rule.problem,
                diagnoses=[
                    c.upper()
                    for c in findings.diagnoses
                    if any(c.upper().startswith(p) for p in rule.diagnosis_prefixes)
                ],
                goal=rule.goal,
                patient_words=rule.patient_words,
                objective=rule.objective,
                measure=rule.measure,
                target_weeks=rule.target_weeks,
                interventions=codes,
            )
        )
    return out
