"""The plan editor: content ↔ the four formsets. Rows point at their parent by row number."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.forms import BaseFormSet
from django.http import QueryDict

from trellis.accounts.models import User

from . import document
from .forms import (
    GoalFormSet,
    InterventionFormSet,
    ObjectiveFormSet,
    PlanForm,
    ProblemFormSet,
)
from .models import Intervention
from .suggestions import Suggestion

# (formset prefix / content section, formset class, parent section, parent field, row fields)
SECTIONS: tuple[tuple[str, Any, str, str, tuple[str, ...]], ...] = (
    ("problems", ProblemFormSet, "", "", ("key", "statement", "findings", "diagnoses")),
    ("goals", GoalFormSet, "problems", "problem", ("key", "problem", "patient_words", "clinical")),
    (
        "objectives",
        ObjectiveFormSet,
        "goals",
        "goal",
        ("key", "goal", "text", "measure", "target_date"),
    ),
    (
        "interventions",
        InterventionFormSet,
        "objectives",
        "objective",
        (
            "key",
            "objective",
            "intervention",
            "per_week",
            "minutes",
            "weeks",
            "responsible",
            "notes",
        ),
    ),
)
LABELS = {"problems": "Problem", "goals": "Goal", "objectives": "Objective"}
PREFIX = {"problems": "P", "goals": "G", "objectives": "O", "interventions": "I"}


@dataclass
class Editor:
    plan_form: PlanForm
    formsets: dict[str, BaseFormSet[Any]]

    def is_valid(self) -> bool:
        ok = self.plan_form.is_valid()
        for fs in self.formsets.values():
            ok = fs.is_valid() and ok
        return ok


def rows_from_content(content: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Initial rows for the formsets; parents become 1-based row numbers."""
    rows: dict[str, list[dict[str, Any]]] = {}
    position: dict[str, dict[str, str]] = {}
    for section, _cls, parent_section, parent_field, _fields in SECTIONS:
        out = []
        for item in content.get(section, []):
            row = dict(item)
            if section == "problems":
                row["diagnoses"] = ", ".join(item.get("diagnoses") or [])
            if section == "interventions":
                row["intervention"] = item.get("code", "")
            if parent_field:
                row[parent_field] = position[parent_section].get(item.get(parent_field, ""), "")
            out.append(row)
        position[section] = {item["key"]: str(i) for i, item in enumerate(out, start=1)}
        rows[section] = out
    return rows


def rows_from_post(data: QueryDict) -> dict[str, list[dict[str, Any]]]:
    """What the user typed, as rows (for re-rendering after "add a row" without validating)."""
    rows: dict[str, list[dict[str, Any]]] = {}
    for section, _cls, _ps, _pf, fields in SECTIONS:
        try:
            total = min(int(data.get(f"{section}-TOTAL_FORMS", "0")), 200)
        except ValueError:
            total = 0
        out = []
        for i in range(total):
            if data.get(f"{section}-{i}-DELETE"):
                continue
            out.append({name: data.get(f"{section}-{i}-{name}", "") for name in fields})
        rows[section] = out
    return rows


def _choices(section: str, count: int) -> list[tuple[str, str]]:
    return [(str(i), f"{LABELS[section]} {i}") for i in range(1, count + 1)]


def build(
    *,
    data: QueryDict | None,
    rows: dict[str, list[dict[str, Any]]] | None,
    plan_initial: dict[str, Any],
    staff: QuerySet[User],
    add: str = "",
) -> Editor:
    """Bound formsets from ``data`` (a save), or unbound ones from ``rows`` (+1 row in ``add``)."""
    formsets: dict[str, BaseFormSet[Any]] = {}
    counts: dict[str, int] = {}
    for section, cls, parent_section, _pf, _fields in SECTIONS:
        kwargs: dict[str, Any] = {}
        if parent_section:
            kwargs["parent_choices"] = _choices(parent_section, counts[parent_section])
        if section == "interventions":
            kwargs["staff"] = staff
        if data is not None:
            fs = cls(data, prefix=section, form_kwargs=kwargs)
            try:
                counts[section] = int(data.get(f"{section}-TOTAL_FORMS", "0"))
            except ValueError:
                counts[section] = 0
        else:
            initial = list((rows or {}).get(section, []))
            extra = 1 if add == section or not initial else 0
            fs = cls(initial=initial, prefix=section, form_kwargs=kwargs)
            fs.extra = extra
            counts[section] = len(initial) + extra
        formsets[section] = fs
    plan_form = (
        PlanForm(data, initial=plan_initial) if data is not None else PlanForm(initial=plan_initial)
    )
    return Editor(plan_form=plan_form, formsets=formsets)


def content_from_editor(editor: Editor) -> tuple[dict[str, Any], list[str]]:
    """The version content from a valid editor, and plain-words errors about the structure."""
    errors: list[str] = []
    content = document.empty_content()
    plan = editor.plan_form.cleaned_data
    content["strengths"] = plan["strengths"].strip()
    content["discharge_criteria"] = plan["discharge_criteria"].strip()
    content["days_per_week"] = plan["days_per_week"]
    content["max_day_minutes"] = plan["max_day_minutes"]
    keys_by_row: dict[str, dict[str, str]] = {}
    for section, _cls, parent_section, parent_field, _fields in SECTIONS:
        fs = editor.formsets[section]
        kept: list[tuple[int, dict[str, Any]]] = []
        for i, form in enumerate(fs.forms, start=1):
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE"):
                continue
            kept.append((i, data))
        used = {str(d.get("key") or "") for _i, d in kept} - {""}
        rowmap: dict[str, str] = {}
        items = []
        for i, data in kept:
            key = str(data.get("key") or "")
            if not key.startswith(PREFIX[section]) or key in rowmap.values():
                key = document.next_key(PREFIX[section], used | set(rowmap.values()))
            used.add(key)
            rowmap[str(i)] = key
            item: dict[str, Any] = {"key": key}
            if parent_field:
                parent_key = keys_by_row[parent_section].get(str(data[parent_field]))
                if parent_key is None:
                    errors.append(
                        f"{section[:-1].capitalize()} row {i} points at "
                        f"{LABELS[parent_section].lower()} {data[parent_field]}, which is "
                        "removed or empty."
                    )
                    continue
                item[parent_field] = parent_key
            item.update(_item_fields(section, data))
            items.append(item)
        keys_by_row[section] = rowmap
        content[section] = items
    return content, errors


def _item_fields(section: str, data: dict[str, Any]) -> dict[str, Any]:
    if section == "problems":
        codes = [c.strip().upper() for c in data["diagnoses"].split(",") if c.strip()]
        return {
            "statement": data["statement"].strip(),
            "findings": data["findings"].strip(),
            "diagnoses": codes,
        }
    if section == "goals":
        return {
            "patient_words": data["patient_words"].strip(),
            "clinical": data["clinical"].strip(),
        }
    if section == "objectives":
        target: datetime.date = data["target_date"]
        return {
            "text": data["text"].strip(),
            "measure": data["measure"].strip(),
            "target_date": target.isoformat(),
        }
    lib: Intervention = data["intervention"]
    responsible: User | None = data["responsible"]
    per_week = data["per_week"] if data["per_week"] is not None else lib.default_per_week
    minutes = data["minutes"] if data["minutes"] is not None else lib.default_minutes
    return {
        "code": lib.code,
        "name": lib.name,
        "kind": lib.kind,
        "group_type": lib.group_type_code,
        "per_week": per_week,
        "minutes": minutes,
        "weeks": data["weeks"],
        "responsible": str(responsible.public_id) if responsible else "",
        "responsible_name": responsible.display_name if responsible else "",
        "notes": data["notes"].strip(),
    }


def content_from_suggestions(
    suggestions: list[Suggestion],
    *,
    today: datetime.date,
    primary: User | None,
    strengths: str = "",
) -> dict[str, Any]:
    """A draft content from the assessment's suggestions (not saved until the clinician saves)."""
    library = {i.code: i for i in Intervention.objects.filter(active=True)}
    content = document.empty_content()
    content["strengths"] = strengths
    content["discharge_criteria"] = (
        "Objectives met or substantially progressed; a continuing-care plan and supports in "
        "place; able to maintain gains at a lower level of care."
    )
    for n, s in enumerate(suggestions, start=1):
        p, g, o = f"P{n}", f"G{n}", f"O{n}"
        content["problems"].append(
            {
                "key": p,
                "statement": s.problem,
                "findings": "; ".join(s.because),
                "diagnoses": s.diagnoses,
            }
        )
        content["goals"].append(
            {"key": g, "problem": p, "patient_words": s.patient_words, "clinical": s.goal}
        )
        content["objectives"].append(
            {
                "key": o,
                "goal": g,
                "text": s.objective,
                "measure": s.measure,
                "target_date": (today + datetime.timedelta(weeks=s.target_weeks)).isoformat(),
            }
        )
        for code in s.interventions:
            lib = library.get(code)
            if lib is None:
                continue
            individual = lib.kind == "individual" and primary is not None
            content["interventions"].append(
                {
                    "key": f"I{len(content['interventions']) + 1}",
                    "objective": o,
                    "code": lib.code,
                    "name": lib.name,
                    "kind": lib.kind,
                    "group_type": lib.group_type_code,
                    "per_week": lib.default_per_week,
                    "minutes": lib.default_minutes,
                    "weeks": None,
                    "responsible": str(primary.public_id) if individual and primary else "",
                    "responsible_name": primary.display_name if individual and primary else "",
                    "notes": "",
                }
            )
    return content
