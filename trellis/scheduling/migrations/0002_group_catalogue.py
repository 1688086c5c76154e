"""A starting group catalogue (the group types of shared/scheduling/generate.py); directors edit it."""

from django.db import migrations

ADULTS = ["adult-sud", "adult-mh", "adult-cooccurring"]
GROUP_TYPES = [
    (
        "process-sud",
        "Substance use process group",
        "process",
        180,
        4,
        12,
        ["group", "sud"],
        ["adult-sud", "adult-cooccurring"],
    ),
    (
        "process-mh",
        "Mental health process group",
        "process",
        180,
        4,
        12,
        ["group", "mh"],
        ["adult-mh", "adult-cooccurring"],
    ),
    (
        "rp",
        "Relapse prevention",
        "psychoeducation",
        90,
        4,
        12,
        ["group", "sud"],
        ["adult-sud", "adult-cooccurring"],
    ),
    ("dbt", "DBT skills", "skills", 90, 3, 10, ["group", "dbt"], ["adult-mh", "adult-cooccurring"]),
    ("cbt", "CBT skills", "skills", 90, 3, 12, ["group", "cbt"], ADULTS),
    ("mindfulness", "Mindfulness and yoga", "holistic", 60, 3, 12, ["group", "holistic"], ADULTS),
    ("art", "Art and expressive therapy", "holistic", 60, 3, 10, ["group", "holistic"], ADULTS),
    ("family-ed", "Family education", "psychoeducation", 90, 4, 12, ["group", "family"], ADULTS),
    (
        "teen-process",
        "Adolescent process group",
        "process",
        90,
        3,
        10,
        ["group", "adolescent"],
        ["adolescent"],
    ),
    (
        "teen-skills",
        "Adolescent DBT skills",
        "skills",
        90,
        3,
        10,
        ["group", "dbt", "adolescent"],
        ["adolescent"],
    ),
    (
        "teen-sud",
        "Adolescent substance use education",
        "psychoeducation",
        60,
        3,
        10,
        ["group", "sud", "adolescent"],
        ["adolescent"],
    ),
    (
        "teen-mindful",
        "Adolescent mindfulness and art",
        "holistic",
        60,
        3,
        10,
        ["group", "holistic", "adolescent"],
        ["adolescent"],
    ),
]


def add_catalogue(apps, schema_editor):
    GroupType = apps.get_model("scheduling", "GroupType")
    for code, name, modality, minutes, lo, hi, requires, populations in GROUP_TYPES:
        GroupType.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "modality": modality,
                "minutes": minutes,
                "min_size": lo,
                "max_size": hi,
                "requires": requires,
                "populations": populations,
            },
        )


def remove_catalogue(apps, schema_editor):
    apps.get_model("scheduling", "GroupType").objects.filter(
        code__in=[row[0] for row in GROUP_TYPES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("scheduling", "0001_initial")]
    operations = [migrations.RunPython(add_catalogue, remove_catalogue)]
