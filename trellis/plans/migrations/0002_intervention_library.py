"""A starting intervention library (the interventions named in docs/plans.md); edited in the admin."""

from django.db import migrations

# (code, name, category, kind, group type code, sessions per week, minutes)
INTERVENTIONS = [
    (
        "group-process-sud",
        "Substance use process group",
        "group_therapy",
        "group",
        "process-sud",
        2,
        180,
    ),
    (
        "group-process-mh",
        "Mental health process group",
        "group_therapy",
        "group",
        "process-mh",
        2,
        180,
    ),
    ("group-rp", "Relapse-prevention group", "group_therapy", "group", "rp", 1, 90),
    ("group-cbt", "CBT skills group", "group_therapy", "group", "cbt", 1, 90),
    ("group-dbt", "DBT skills group", "group_therapy", "group", "dbt", 1, 90),
    (
        "group-teen-process",
        "Adolescent process group",
        "group_therapy",
        "group",
        "teen-process",
        2,
        90,
    ),
    (
        "group-teen-skills",
        "Adolescent DBT skills group",
        "group_therapy",
        "group",
        "teen-skills",
        1,
        90,
    ),
    (
        "psychoed-relapse",
        "Psychoeducation: relapse prevention",
        "psychoeducation",
        "group",
        "rp",
        1,
        90,
    ),
    (
        "family-education",
        "Psychoeducation: family education group",
        "psychoeducation",
        "group",
        "family-ed",
        1,
        90,
    ),
    (
        "psychoed-teen-sud",
        "Psychoeducation: substance use (adolescent)",
        "psychoeducation",
        "group",
        "teen-sud",
        1,
        60,
    ),
    ("mindfulness", "Mindfulness group", "holistic", "group", "mindfulness", 1, 60),
    ("yoga", "Yoga", "holistic", "group", "mindfulness", 1, 60),
    ("art", "Art and expressive therapy", "holistic", "group", "art", 1, 60),
    ("teen-mindful", "Adolescent mindfulness and art", "holistic", "group", "teen-mindful", 1, 60),
    ("exercise", "Exercise plan (on own)", "holistic", "other", "", 3, 30),
    ("individual-cbt", "Individual CBT", "individual_therapy", "individual", "", 1, 60),
    ("individual-dbt", "Individual DBT", "individual_therapy", "individual", "", 1, 60),
    (
        "individual-mi",
        "Motivational interviewing (individual)",
        "individual_therapy",
        "individual",
        "",
        1,
        60,
    ),
    (
        "individual-trauma",
        "Trauma-focused therapy (individual)",
        "individual_therapy",
        "individual",
        "",
        1,
        60,
    ),
    ("family-therapy", "Family therapy", "family_therapy", "family", "", 1, 60),
    ("med-management", "Medication management", "medication", "other", "", 0, 30),
    ("mat", "Medication for addiction treatment (MAT)", "medication", "other", "", 0, 30),
    ("peer-support", "Peer support / 12-step meetings", "peer", "other", "", 3, 60),
]


def seed(apps, schema_editor):
    Intervention = apps.get_model("plans", "Intervention")
    for code, name, category, kind, group_type, per_week, minutes in INTERVENTIONS:
        Intervention.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "category": category,
                "kind": kind,
                "group_type_code": group_type,
                "default_per_week": per_week,
                "default_minutes": minutes,
            },
        )


def unseed(apps, schema_editor):
    apps.get_model("plans", "Intervention").objects.filter(
        code__in=[row[0] for row in INTERVENTIONS]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("plans", "0001_treatment_plans")]
    operations = [migrations.RunPython(seed, unseed)]
