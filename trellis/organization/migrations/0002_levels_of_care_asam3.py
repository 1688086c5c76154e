"""The default level-of-care code system: ASAM 3rd-edition numbering (shared/clinical/REFERENCE.md).

Hours are per week; configurable in the admin. Residential and inpatient levels are 24-hour care.
"""

from decimal import Decimal

from django.db import migrations

LEVELS = [
    # code, name, rank, adult min, adult max, adolescent min, adolescent max
    ("1", "Outpatient", 10, None, Decimal("8.99"), None, Decimal("5.99")),
    ("2.1", "Intensive outpatient", 20, Decimal("9"), Decimal("19"), Decimal("6"), Decimal("19")),
    ("2.5", "Partial hospitalization", 30, Decimal("20"), None, Decimal("20"), None),
    ("3.7", "Residential / medically monitored inpatient", 40, None, None, None, None),
    ("4", "Medically managed intensive inpatient", 50, None, None, None, None),
    ("WM", "Withdrawal management", 45, None, None, None, None),
]


def add_levels(apps, schema_editor):
    LevelOfCare = apps.get_model("organization", "LevelOfCare")
    for code, name, rank, amin, amax, dmin, dmax in LEVELS:
        LevelOfCare.objects.update_or_create(
            system="asam-3",
            code=code,
            defaults={
                "name": name,
                "rank": rank,
                "min_weekly_hours_adult": amin,
                "max_weekly_hours_adult": amax,
                "min_weekly_hours_adolescent": dmin,
                "max_weekly_hours_adolescent": dmax,
            },
        )


def remove_levels(apps, schema_editor):
    LevelOfCare = apps.get_model("organization", "LevelOfCare")
    LevelOfCare.objects.filter(system="asam-3", code__in=[row[0] for row in LEVELS]).delete()


class Migration(migrations.Migration):
    dependencies = [("organization", "0001_initial")]
    operations = [migrations.RunPython(add_levels, remove_levels)]
