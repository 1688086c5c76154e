"""The content of one plan version, and the difference between two versions. Pure Python.

A version's content is one JSON document, flat so that every item keeps a stable key across
versions (``P1``, ``G1``, ``O1``, ``I1``) and a difference can say *changed* rather than
*removed and added*::

    {"problems":      [{"key", "statement", "findings", "diagnoses"}],
     "goals":         [{"key", "problem", "patient_words", "clinical"}],
     "objectives":    [{"key", "goal", "text", "measure", "target_date"}],
     "interventions": [{"key", "objective", "code", "name", "kind", "group_type", "per_week",
                        "minutes", "weeks", "responsible", "responsible_name", "notes"}],
     "strengths": "", "discharge_criteria": "", "days_per_week": 3, "max_day_minutes": 240}
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

SECTIONS: tuple[tuple[str, str, str], ...] = (
    # (section, key prefix, label)
    ("problems", "P", "Problem"),
    ("goals", "G", "Goal"),
    ("objectives", "O", "Objective"),
    ("interventions", "I", "Intervention"),
)
PARENT = {"goals": "problem", "objectives": "goal", "interventions": "objective"}
FIELD_LABELS: dict[str, str] = {
    "statement": "Problem",
    "findings": "Findings",
    "diagnoses": "Diagnoses",
    "problem": "Problem",
    "patient_words": "In the patient's words",
    "clinical": "Clinical goal",
    "goal": "Goal",
    "text": "Objective",
    "measure": "Measure",
    "target_date": "Target date",
    "objective": "Objective",
    "name": "Intervention",
    "per_week": "Sessions per week",
    "minutes": "Minutes per session",
    "weeks": "Duration (weeks)",
    "responsible_name": "Responsible staff",
    "notes": "Notes",
    "strengths": "Strengths",
    "discharge_criteria": "Discharge criteria",
    "days_per_week": "Days per week",
    "max_day_minutes": "Longest day (minutes)",
}
# Fields that only identify or mirror another field; never reported as changes.
HIDDEN_FIELDS = frozenset({"key", "code", "kind", "group_type", "responsible"})
PLAN_FIELDS = ("strengths", "discharge_criteria", "days_per_week", "max_day_minutes")


def empty_content() -> dict[str, Any]:
    return {
        "problems": [],
        "goals": [],
        "objectives": [],
        "interventions": [],
        "strengths": "",
        "discharge_criteria": "",
        "days_per_week": 3,
        "max_day_minutes": 240,
    }


def next_key(prefix: str, used: set[str]) -> str:
    n = 1
    while f"{prefix}{n}" in used:
        n += 1
    return f"{prefix}{n}"


def tree(content: dict[str, Any]) -> list[dict[str, Any]]:
    """Problems with their goals, each goal with its objectives, each with its interventions."""
    interventions: dict[str, list[dict[str, Any]]] = {}
    for item in content.get("interventions", []):
        interventions.setdefault(item["objective"], []).append(item)
    objectives: dict[str, list[dict[str, Any]]] = {}
    for item in content.get("objectives", []):
        objectives.setdefault(item["goal"], []).append(
            {**item, "interventions": interventions.get(item["key"], [])}
        )
    goals: dict[str, list[dict[str, Any]]] = {}
    for item in content.get("goals", []):
        goals.setdefault(item["problem"], []).append(
            {**item, "objectives": objectives.get(item["key"], [])}
        )
    return [{**p, "goals": goals.get(p["key"], [])} for p in content.get("problems", [])]


def structure_errors(content: dict[str, Any]) -> list[str]:
    """Plain-words problems with the shape: dangling parents, empty branches, duplicate keys."""
    errors: list[str] = []
    for section, _prefix, label in SECTIONS:
        keys = [item["key"] for item in content.get(section, [])]
        if len(keys) != len(set(keys)):
            errors.append(f"Two {label.lower()}s share a key.")
    if not content.get("problems"):
        errors.append("A plan needs at least one problem.")
    parents = {
        "goals": {p["key"] for p in content.get("problems", [])},
        "objectives": {g["key"] for g in content.get("goals", [])},
        "interventions": {o["key"] for o in content.get("objectives", [])},
    }
    for section, parent_field in PARENT.items():
        for item in content.get(section, []):
            if item.get(parent_field) not in parents[section]:
                errors.append(
                    f"{_label(section)} {item['key']} belongs to a {parent_field} that is not "
                    "in the plan."
                )
    children = {
        "problems": ("goals", "problem", "goal"),
        "goals": ("objectives", "goal", "measurable objective"),
        "objectives": ("interventions", "objective", "intervention"),
    }
    for section, (child_section, parent_field, noun) in children.items():
        used = {c.get(parent_field) for c in content.get(child_section, [])}
        for item in content.get(section, []):
            if item["key"] not in used:
                errors.append(f"{_label(section)} {item['key']} needs at least one {noun}.")
    return errors


def _label(section: str) -> str:
    return next(label for s, _p, label in SECTIONS if s == section)


def item_title(section: str, item: dict[str, Any]) -> str:
    text = {
        "problems": item.get("statement", ""),
        "goals": item.get("clinical") or item.get("patient_words", ""),
        "objectives": item.get("text", ""),
        "interventions": item.get("name", ""),
    }[section]
    return str(text)


@dataclass
class DiffRow:
    section: str
    label: str
    key: str
    status: str  # "added" | "removed" | "changed" | "same"
    title_old: str = ""
    title_new: str = ""
    changes: list[tuple[str, str, str]] = field(default_factory=list)  # (field label, old, new)


def _plain(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def _changes(old: dict[str, Any], new: dict[str, Any]) -> list[tuple[str, str, str]]:
    out = []
    for name in list(dict.fromkeys([*old, *new])):
        if name in HIDDEN_FIELDS:
            continue
        before, after = _plain(old.get(name)), _plain(new.get(name))
        if before != after:
            out.append((FIELD_LABELS.get(name, name), before, after))
    return out


def diff(old: dict[str, Any], new: dict[str, Any], *, include_same: bool = False) -> list[DiffRow]:
    """Every item added, removed or changed between two contents, in plan order.

    Items are matched by key; an item whose key is in both is *changed* when any shown field
    differs. Plan-level fields (strengths, discharge criteria, days, daily cap) come first.
    """
    rows: list[DiffRow] = []
    plan_changes = _changes(
        {k: old.get(k) for k in PLAN_FIELDS}, {k: new.get(k) for k in PLAN_FIELDS}
    )
    if plan_changes or include_same:
        rows.append(
            DiffRow(
                section="plan",
                label="Plan",
                key="",
                status="changed" if plan_changes else "same",
                changes=plan_changes,
            )
        )
    for section, _prefix, label in SECTIONS:
        before = {item["key"]: item for item in old.get(section, [])}
        after = {item["key"]: item for item in new.get(section, [])}
        order = list(dict.fromkeys([*after, *before]))
        for key in order:
            a, b = before.get(key), after.get(key)
            if a is None and b is not None:
                rows.append(
                    DiffRow(
                        section,
                        label,
                        key,
                        "added",
                        title_new=item_title(section, b),
                        changes=_changes({}, b),
                    )
                )
            elif b is None and a is not None:
                rows.append(
                    DiffRow(
                        section,
                        label,
                        key,
                        "removed",
                        title_old=item_title(section, a),
                        changes=_changes(a, {}),
                    )
                )
            elif a is not None and b is not None:
                changes = _changes(a, b)
                if changes or include_same:
                    rows.append(
                        DiffRow(
                            section,
                            label,
                            key,
                            "changed" if changes else "same",
                            title_old=item_title(section, a),
                            title_new=item_title(section, b),
                            changes=changes,
                        )
                    )
    return rows
