"""Publications saved before patients were kept as references in what publishing left out
(`Publication.dropped`) hold their names. This rewrites each name as the reference that
`selectors.dropped_lines` names for the viewer, so a coordinator outside a patient's list no
longer reads it on an old run's page.

A name is looked for only where publishing wrote one: "<what> (<name>)", "<name> left out: no
longer in treatment" and "clashes with [the pinned ]<kind> of <name> HH:MM". It becomes the
reference of the patient of that name among the publication's own patients (its instance), else
among every patient if only one has it; a name no patient has now (renamed, or two with it) is
replaced by "a patient" rather than kept.
"""

import re

from django.db import migrations

WHAT = re.compile(r"^(?P<head>.* \()(?P<name>[^()]+)(?P<tail>\))$")
LEFT_OUT = re.compile(r"^(?P<name>.+?)(?P<tail> left out: no longer in treatment)$")
CLASH = re.compile(
    r"^(?P<head>clashes with (?:the pinned )?(?:Individual|Family) session of )"
    r"(?P<name>.+?)(?P<tail> \d\d:\d\d)$"
)
REFERENCE = re.compile(r"^\[\[patient:[0-9a-f-]{36}\]\]$")
NOT_LISTED = "a patient no longer listed"
UNKNOWN = "a patient"


def _display_name(patient) -> str:
    return f"{patient.preferred_name or patient.first_name} {patient.last_name}"


def names_to_references(apps, schema_editor) -> None:
    Publication = apps.get_model("scheduling", "Publication")
    Patient = apps.get_model("patients", "Patient")
    rows = Publication.objects.exclude(dropped=[]).only("pk", "dropped", "instance")
    publications = [p for p in rows if p.dropped]
    if not publications:
        return
    by_name: dict[str, list[str]] = {}
    for patient in Patient.objects.only("public_id", "first_name", "last_name", "preferred_name"):
        by_name.setdefault(_display_name(patient), []).append(str(patient.public_id))

    for publication in publications:
        own = {p.get("id") for p in (publication.instance or {}).get("patients", [])}
        changed = False
        for entry in publication.dropped:
            what = _rewrite(entry.get("what", ""), WHAT, by_name, own)
            why = entry.get("why", "")
            why = _rewrite(_rewrite(why, LEFT_OUT, by_name, own), CLASH, by_name, own)
            if (what, why) != (entry.get("what", ""), entry.get("why", "")):
                entry["what"], entry["why"] = what, why
                changed = True
        if changed:
            publication.save(update_fields=["dropped"])


def _rewrite(text: str, pattern: re.Pattern[str], by_name: dict[str, list[str]], own: set) -> str:
    match = pattern.match(text)
    if match is None:
        return text
    parts = match.groupdict()
    name = parts["name"]
    if name == NOT_LISTED or REFERENCE.match(name):
        return text
    ids = by_name.get(name, [])
    chosen = [i for i in ids if i in own] or ids
    reference = f"[[patient:{chosen[0]}]]" if len(chosen) == 1 else UNKNOWN
    return (parts.get("head") or "") + reference + (parts.get("tail") or "")


class Migration(migrations.Migration):
    dependencies = [
        ("scheduling", "0011_staff_away"),
        ("patients", "0001_initial"),
    ]

    operations = [migrations.RunPython(names_to_references, migrations.RunPython.noop)]
