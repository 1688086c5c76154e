"""The demo program's fixed parts: sites' hours, tracks, clinicians."""

from __future__ import annotations

from trellis.organization.models import Population

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")
SITE_HOURS = {
    **{day: [["08:00", "21:30"]] for day in WEEKDAYS},
    "sat": [["08:30", "13:30"]],
}


# (site code, track name, population, level code, capacity). The week's groups are not fixed
# here: the optimizer books them from the patients' plans and availability (timetable.py).
TRACKS = (
    ("downtown", "Adult SUD evening IOP", Population.ADULT_SUD, "2.1", 24),
    ("downtown", "Adult mental health IOP", Population.ADULT_MH, "2.1", 20),
    ("downtown", "Co-occurring evening IOP", Population.ADULT_COOCCURRING, "2.1", 18),
    ("riverside", "Adolescent after-school IOP", Population.ADOLESCENT, "2.1", 16),
    ("riverside", "Adult SUD evening IOP", Population.ADULT_SUD, "2.1", 20),
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
        ["group", "mh", "cbt", "dbt", "holistic"],
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
