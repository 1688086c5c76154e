"""Demo treatment plans: every active or on-hold demo patient gets a signed plan.

Written through the plans services (so versions, signatures and audit events are real): the
primary clinician writes and signs, a pre-licensed clinician's supervisor co-signs, and the
patient's signature is witnessed by the author. Deterministic: no random draws.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from trellis.organization.models import Population
from trellis.patients.models import EpisodeOfCare, EpisodeStatus
from trellis.plans import services
from trellis.plans.models import Intervention

# population -> (problem, goal, patient's words, objective, measure, [(library code, per week)])
PLANS: dict[str, tuple[str, str, str, str, str, list[tuple[str, int]]]] = {
    Population.ADULT_SUD: (
        "Alcohol and/or drug use causing harm to health, work and relationships",
        "Achieve and maintain abstinence",
        "I want to stop using and keep my job.",
        "Names 3 personal triggers and a coping skill for each",
        "Names 3 coping skills; attends at least 90 % of scheduled hours",
        [("group-process-sud", 2), ("group-rp", 1), ("mindfulness", 1), ("individual-mi", 1)],
    ),
    Population.ADULT_MH: (
        "Depressed mood and anxiety interfering with daily functioning",
        "Reduce depressive symptoms and return to daily routines",
        "I want to feel like myself again.",
        "Uses CBT skills to challenge negative thoughts",
        "PHQ-9 below 10",
        [("group-process-mh", 2), ("group-dbt", 1), ("mindfulness", 1), ("individual-cbt", 1)],
    ),
    Population.ADULT_COOCCURRING: (
        "Substance use and mood symptoms that feed each other",
        "Stabilise mood without substances",
        "I want to stop self-medicating.",
        "Uses a DBT distress-tolerance skill instead of using",
        "Names 3 distress-tolerance skills; PHQ-9 below 10",
        [("group-process-sud", 2), ("group-dbt", 1), ("mindfulness", 1), ("individual-dbt", 1)],
    ),
    Population.ADOLESCENT: (
        "Substance use and conflict at home and school",
        "Stop using and rebuild trust at home",
        "I want my parents off my back and to finish school.",
        "Practises a communication skill in family sessions",
        "Attends 4 family sessions; school attendance above 90 %",
        [
            ("group-teen-process", 2),
            ("group-teen-skills", 1),
            ("psychoed-teen-sud", 1),
            ("family-therapy", 1),
        ],
    ),
}


def _content(episode: EpisodeOfCare, today: datetime.date) -> dict[str, Any]:
    problem, goal, words, objective, measure, rows = PLANS[episode.track.population]
    library = {i.code: i for i in Intervention.objects.filter(code__in=[c for c, _n in rows])}
    clinician = episode.primary_clinician
    interventions = []
    for n, (code, per_week) in enumerate(rows, start=1):
        lib = library[code]
        individual = lib.kind == "individual" and clinician is not None
        interventions.append(
            {
                "key": f"I{n}",
                "objective": "O1",
                "code": lib.code,
                "name": lib.name,
                "kind": lib.kind,
                "group_type": lib.group_type_code,
                "per_week": per_week,
                "minutes": lib.default_minutes,
                "weeks": None,
                "responsible": str(clinician.public_id) if individual and clinician else "",
                "responsible_name": clinician.display_name if individual and clinician else "",
                "notes": "",
            }
        )
    adolescent = episode.track.population == Population.ADOLESCENT
    return {
        "problems": [{"key": "P1", "statement": problem, "findings": "", "diagnoses": []}],
        "goals": [{"key": "G1", "problem": "P1", "patient_words": words, "clinical": goal}],
        "objectives": [
            {
                "key": "O1",
                "goal": "G1",
                "text": objective,
                "measure": measure,
                "target_date": (today + datetime.timedelta(weeks=6)).isoformat(),
            }
        ],
        "interventions": interventions,
        "strengths": "Motivated for treatment; supportive family member.",
        "discharge_criteria": (
            "Objectives met or substantially progressed; continuing-care plan and supports in "
            "place."
        ),
        "days_per_week": 3,
        "max_day_minutes": 180 if adolescent else 240,
    }


def build_plans(today: datetime.date, progress: Any) -> int:
    """A signed plan for every active or on-hold episode with a primary clinician."""
    progress("Treatment plans")
    episodes = (
        EpisodeOfCare.objects.filter(
            status__in=[EpisodeStatus.ACTIVE, EpisodeStatus.ON_HOLD],
            primary_clinician__isnull=False,
        )
        .select_related("patient", "track", "level_of_care", "primary_clinician__staff_profile")
        .order_by("id")
    )
    count = 0
    for episode in episodes:
        author = episode.primary_clinician
        assert author is not None  # noqa: S101 - filtered above
        version = services.plan_version_save(
            actor=author,
            episode=episode,
            content=_content(episode, today),
            reason="Initial treatment plan",
            based_on=None,
        )
        signature = services.plan_sign(actor=author, version=version)
        if signature.requires_cosign and signature.supervisor is not None:
            services.plan_cosign(actor=signature.supervisor, version=version)
        services.plan_patient_sign(actor=author, version=version, signed_on=timezone.localdate())
        count += 1
    return count
