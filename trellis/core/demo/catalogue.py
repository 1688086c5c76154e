"""The demo program's fixed parts: sites' hours, tracks and their timetables, clinicians."""

from __future__ import annotations

from trellis.organization.models import Population

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")
SITE_HOURS = {
    **{day: [["08:00", "21:30"]] for day in WEEKDAYS},
    "sat": [["08:30", "13:30"]],
}


# (site code, track name, population, level code, capacity, weekly group plan)
# weekly group plan: (weekday index, start "HH:MM", group type code)
TRACKS = (
    (
        "downtown",
        "Adult SUD evening IOP",
        Population.ADULT_SUD,
        "2.1",
        24,
        [
            (0, "18:00", "process-sud"),
            (1, "18:00", "rp"),
            (1, "19:30", "cbt"),
            (2, "18:00", "process-sud"),
            (3, "18:00", "rp"),
            (3, "19:30", "mindfulness"),
            (5, "09:00", "process-sud"),
        ],
    ),
    (
        "downtown",
        "Adult mental health IOP",
        Population.ADULT_MH,
        "2.1",
        20,
        [
            (0, "09:00", "process-mh"),
            (1, "09:00", "dbt"),
            (2, "09:00", "process-mh"),
            (3, "09:00", "dbt"),
            (4, "09:00", "cbt"),
            (4, "10:30", "art"),
        ],
    ),
    (
        "downtown",
        "Co-occurring evening IOP",
        Population.ADULT_COOCCURRING,
        "2.1",
        18,
        [
            (0, "17:30", "process-mh"),
            (1, "17:30", "dbt"),
            (2, "17:30", "process-sud"),
            (3, "17:30", "rp"),
            (5, "09:30", "process-mh"),
        ],
    ),
    (
        "riverside",
        "Adolescent after-school IOP",
        Population.ADOLESCENT,
        "2.1",
        16,
        [
            (0, "15:30", "teen-process"),
            (1, "15:30", "teen-skills"),
            (2, "15:30", "teen-sud"),
            (3, "15:30", "teen-process"),
            (3, "17:00", "teen-mindful"),
        ],
    ),
    (
        "riverside",
        "Adult SUD evening IOP",
        Population.ADULT_SUD,
        "2.1",
        20,
        [
            (0, "18:00", "process-sud"),
            (1, "18:00", "rp"),
            (2, "18:00", "process-sud"),
            (3, "18:00", "cbt"),
            (5, "09:00", "process-sud"),
        ],
    ),
)

# (username, first, last, site codes, credentials, license, competencies, shift)
CLINICIANS = (
    (
        "clinician",
        "Morgan",
        "Reyes",
        ["downtown"],
        "LCSW",
        "licensed",
        ["group", "sud", "mh", "cbt", "family"],
        "late",
    ),
    (
        "ahmed.k",
        "Ahmed",
        "Karimi",
        ["downtown"],
        "LPC",
        "licensed",
        ["group", "sud", "holistic"],
        "late",
    ),
    (
        "beth.o",
        "Beth",
        "Okonjo",
        ["downtown"],
        "LMFT",
        "licensed",
        ["group", "mh", "dbt", "family"],
        "day",
    ),
    (
        "carla.v",
        "Carla",
        "Vance",
        ["downtown"],
        "PsyD",
        "licensed",
        ["group", "mh", "cbt", "dbt"],
        "day",
    ),
    (
        "devon.p",
        "Devon",
        "Pierce",
        ["downtown"],
        "CADC",
        "licensed",
        ["group", "sud", "cbt"],
        "late",
    ),
    (
        "elise.m",
        "Elise",
        "Marsh",
        ["downtown"],
        "LMSW",
        "prelicensed",
        ["group", "mh", "sud", "dbt", "holistic"],
        "late",
    ),
    ("felix.n", "Felix", "Navarro", ["downtown"], "MD", "licensed", ["mh", "sud"], "day"),
    (
        "clinician.b",
        "Gloria",
        "Hart",
        ["riverside"],
        "LCSW",
        "licensed",
        ["group", "sud", "adolescent", "dbt", "family"],
        "late",
    ),
    (
        "hugo.t",
        "Hugo",
        "Tran",
        ["riverside"],
        "LPC",
        "licensed",
        ["group", "sud", "cbt", "holistic"],
        "late",
    ),
    (
        "iris.w",
        "Iris",
        "Whitfield",
        ["riverside"],
        "LMFT",
        "licensed",
        ["group", "adolescent", "holistic", "family", "mh"],
        "late",
    ),
    (
        "jonah.r",
        "Jonah",
        "Rhodes",
        ["riverside"],
        "LPC-A",
        "prelicensed",
        ["group", "adolescent", "sud", "dbt"],
        "late",
    ),
    (
        "kira.l",
        "Kira",
        "Lindqvist",
        ["riverside"],
        "CADC",
        "licensed",
        ["group", "sud", "mh"],
        "day",
    ),
)
SUPERVISORS = {"elise.m": "clinician", "jonah.r": "clinician.b"}

# How many patients of each stage, per track (five tracks → 80 patients).
STAGES = (
    ("referred", 1),
    ("screening", 1),
    ("admitted", 1),
    ("active", 10),
    ("on_hold", 1),
    ("discharged", 2),
)
