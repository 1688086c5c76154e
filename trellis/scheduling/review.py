"""Reading a week (no Django): whose plan is met, why not, and what a new week changes.

Everything works on the FORMAT.md shapes: an instance dict and a solution-like dict of
``sessions`` and ``appointments``.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from trellis.core.durations import hours_minutes as _hours  # "2 h 30 min"

from .rules import (
    DAY_NAMES,
    DAYS,
    KINDS,
    booking_people,
    booking_span,
    clock,
    minutes_of,
    violations,
)


def _windows(raw: Mapping[str, Any] | None) -> dict[str, list[tuple[int, int]]]:
    return {
        day: [(minutes_of(a), minutes_of(b)) for a, b in spans]
        for day, spans in (raw or {}).items()
        if spans
    }


def _intersect(
    first: dict[str, list[tuple[int, int]]], second: dict[str, list[tuple[int, int]]]
) -> dict[str, list[tuple[int, int]]]:
    out: dict[str, list[tuple[int, int]]] = {}
    for day in set(first) & set(second):
        spans = [
            (max(a, c), min(b, d))
            for a, b in first[day]
            for c, d in second[day]
            if max(a, c) < min(b, d)
        ]
        if spans:
            out[day] = spans
    return out


def _longest(spans: list[tuple[int, int]]) -> int:
    return max((b - a for a, b in spans), default=0)


def _busy(
    week: Mapping[str, Any], types: Mapping[str, Mapping[str, Any]]
) -> dict[str, dict[str, list[tuple[int, int]]]]:
    """Per person (clinician or patient) and day: the spans the week books them."""
    lengths = {tid: int(t["minutes"]) for tid, t in types.items()}
    out: dict[str, dict[str, list[tuple[int, int]]]] = defaultdict(lambda: defaultdict(list))
    for booking in [*week.get("sessions", []), *week.get("appointments", [])]:
        span = booking_span(booking, lengths)
        clinicians, patients = booking_people(booking)
        for person in clinicians | patients:
            out[person][booking["day"]].append(span)
    return out


def _less(
    spans: dict[str, list[tuple[int, int]]], taken: Mapping[str, list[tuple[int, int]]]
) -> dict[str, list[tuple[int, int]]]:
    """`spans` without the parts `taken` covers."""
    out: dict[str, list[tuple[int, int]]] = {}
    for day, pieces in spans.items():
        for c, d in sorted(taken.get(day, [])):
            pieces = [
                part
                for a, b in pieces
                for part in ((a, min(b, c)), (max(a, d), b))
                if part[0] < part[1]
            ]
        if pieces:
            out[day] = pieces
    return out


@dataclass
class PatientWeek:
    minutes: int = 0
    by_day: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    groups: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    individual: int = 0
    family: int = 0


def patient_weeks(instance: Mapping[str, Any], week: Mapping[str, Any]) -> dict[str, PatientWeek]:
    lengths = {t["id"]: int(t["minutes"]) for t in instance.get("group_types", [])}
    out: dict[str, PatientWeek] = defaultdict(PatientWeek)
    for s in week.get("sessions", []):
        for pid in s.get("patients", []):
            pw = out[pid]
            pw.minutes += lengths.get(s["type"], 0)
            pw.by_day[s["day"]] += lengths.get(s["type"], 0)
            pw.groups[s["type"]] += 1
    for a in week.get("appointments", []):
        pw = out[a["patient"]]
        pw.minutes += int(a["minutes"])
        pw.by_day[a["day"]] += int(a["minutes"])
        if a["kind"] == "family":
            pw.family += 1
        else:
            pw.individual += 1
    return out


def plan_met(plan: Mapping[str, Any], pw: PatientWeek) -> bool:
    days = sum(1 for m in pw.by_day.values() if m >= int(plan.get("min_day_minutes", 0)))
    individual = plan.get("individual") or {}
    family = plan.get("family") or {}
    return (
        pw.minutes >= int(plan.get("min_minutes", 0))
        and days >= int(plan.get("min_days", 0))
        and all(pw.groups.get(t, 0) >= int(n) for t, n in (plan.get("groups") or {}).items())
        and pw.individual >= int(individual.get("count", 0))
        and pw.family >= int(family.get("count", 0))
    )


def _day_list(days: list[str]) -> str:
    names = [DAY_NAMES[d] for d in DAYS if d in days]
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + " and " + names[-1]


def broken_bookings(
    instance: Mapping[str, Any],
    week: Mapping[str, Any],
    names: Mapping[str, str] | None = None,
) -> tuple[dict[str, list[str]], dict[str, list[Mapping[str, Any]]]]:
    """Re-check every booking of the week against the hard rules (``rules.violations``).

    Returns the patients of bookings that break a rule now, each with one sentence per such
    booking ("Relapse prevention, Monday 17:00 breaks a rule: Erin Marsh is not available
    Monday 17:00–18:30."), and the week without those bookings.
    """
    types = {t["id"]: t.get("name", t["id"]) for t in instance.get("group_types", [])}
    bookings = [*week.get("sessions", []), *week.get("appointments", [])]
    out: dict[str, list[str]] = defaultdict(list)
    broken: set[str] = set()
    for booking in bookings:
        problems = violations(instance, bookings, booking, names, existing=True)
        if not problems:
            continue
        broken.add(booking["id"])
        text = f"{describe(booking, types)} breaks a rule: {' '.join(problems)}"
        patients = booking.get("patients", []) if "type" in booking else [booking["patient"]]
        for pid in patients:
            out[pid].append(text)
    valid = {
        key: [b for b in week.get(key, []) if b["id"] not in broken]
        for key in ("sessions", "appointments")
    }
    return dict(out), valid


def unmet_reasons(
    instance: Mapping[str, Any],
    week: Mapping[str, Any],
    *,
    names: Mapping[str, str] | None = None,
    check_rules: bool = True,
    broken: dict[str, list[str]] | None = None,
) -> dict[str, list[str]]:
    """Patients whose plan the week does not meet, each with reasons in plain words.

    With ``check_rules`` (the published week, which hand moves and later changes of
    availability can leave broken) every booking is re-checked against the hard rules first:
    a booking that breaks one does not count towards the plan, and each of its patients is
    listed with the booking and the rule, even when the rest of their week meets the plan.
    A solver's solution is checked as it is made, so its preview passes ``check_rules=False``.
    A caller that has checked the week itself (``broken_bookings``) passes the valid week with
    ``check_rules=False`` and what it found as ``broken``.
    """
    sites = {s["id"]: _windows(s.get("hours")) for s in instance.get("sites", [])}
    types = {t["id"]: t for t in instance.get("group_types", [])}
    clinicians = instance.get("clinicians", [])
    broken = dict(broken or {})
    if check_rules:
        broken, week = broken_bookings(instance, week, names)
    weeks = patient_weeks(instance, week)
    busy = _busy(week, types)
    out: dict[str, list[str]] = {}
    for patient in instance.get("patients", []):
        plan = patient.get("plan") or {}
        pw = weeks.get(patient["id"], PatientWeek())
        rules_broken = broken.get(patient["id"], [])
        if plan_met(plan, pw):
            if rules_broken:
                out[patient["id"]] = rules_broken
            continue
        reasons: list[str] = []
        free = _intersect(_windows(patient.get("availability")), sites.get(patient["site"], {}))
        min_days = int(plan.get("min_days", 0))
        day_need = int(plan.get("min_day_minutes", 0))
        if not free:
            reasons.append("no availability recorded inside the site's opening hours")
        else:
            # A day's minutes may lie in several windows (two groups around a break): a day is
            # long enough when its free time adds up to the day's minimum.
            long_days = [d for d, spans in free.items() if sum(b - a for a, b in spans) >= day_need]
            if len(long_days) < min_days:
                shown = _day_list(long_days) if long_days else _day_list(list(free))
                only = "available only" if long_days else "available, but too briefly, on"
                reasons.append(f"{only} {shown}; needs {min_days} days")
            total = sum(b - a for spans in free.values() for a, b in spans)
            if total < int(plan.get("min_minutes", 0)):
                reasons.append(
                    f"available {_hours(total)} a week; needs {_hours(int(plan['min_minutes']))}"
                )
        for tid, count in (plan.get("groups") or {}).items():
            if pw.groups.get(tid, 0) >= int(count):
                continue
            group_type = types.get(tid)
            if group_type is None:
                continue
            needed = set(group_type.get("requires", []))
            if "adolescent" in group_type.get("populations", []):
                needed.add("adolescent")
            length = int(group_type["minutes"])
            can = any(
                c["site"] == patient["site"]
                and needed <= set(c.get("competencies", []))
                and any(
                    _longest(spans) >= length
                    for spans in _intersect(free, _windows(c.get("availability"))).values()
                )
                for c in clinicians
            )
            label = group_type.get("name", tid)
            if not can:
                reasons.append(f"no qualified facilitator free for {label} when available")
            else:
                sessions = "session" if int(count) == 1 else "sessions"
                reasons.append(f"{label}: {pw.groups.get(tid, 0)} of {count} {sessions} booked")
        individual = plan.get("individual")
        if individual and pw.individual < int(individual.get("count", 0)):
            clinician = next((c for c in clinicians if c["id"] == individual["clinician"]), None)
            common = _intersect(free, _windows(clinician.get("availability")) if clinician else {})
            length = int(individual["minutes"])
            if not any(_longest(s) >= length for s in common.values()):
                reasons.append("no individual slot with their clinician")
            else:
                both = {**busy[individual["clinician"]]}
                for day, spans in busy[patient["id"]].items():
                    both[day] = [*both.get(day, []), *spans]
                if any(_longest(s) >= length for s in _less(common, both).values()):
                    # A cancelled session, a week not yet published: the time is there.
                    reasons.append(
                        "no individual session booked, though they and their clinician "
                        "are both free for one"
                    )
                else:
                    reasons.append("their clinician's free hours are already taken")
        family = plan.get("family")
        if family and pw.family < int(family.get("count", 0)):
            reasons.append("no family session fitted the family's availability")
        if not reasons and not rules_broken:
            # What is still short: the week's minutes, or days long enough to count.
            need = int(plan.get("min_minutes", 0))
            if pw.minutes < need:
                reasons.append(
                    f"the groups that fit their hours are full or too small "
                    f"({_hours(pw.minutes)} of {_hours(need)} booked)"
                )
            long_enough = sum(1 for m in pw.by_day.values() if m >= day_need)
            if long_enough < min_days:
                reasons.append(
                    f"booked for at least {_hours(day_need)} on {long_enough} "
                    f"{'day' if long_enough == 1 else 'days'}; needs {min_days} such days"
                )
        out[patient["id"]] = rules_broken + reasons
    return out


def _session_key(s: Mapping[str, Any]) -> tuple[str, str, str]:
    return (s["type"], s["day"], s["start"])


def _bookings_of(week: Mapping[str, Any]) -> dict[str, set[tuple[str, ...]]]:
    """Each patient's bookings by what, when and where: a patient whose group or appointment
    changes room is told their week changed (``notices.week_changed``), so the preview lists
    them (the solver puts bookings kept at their hour back in their rooms where it can,
    ``solver/rooms.py``)."""
    out: dict[str, set[tuple[str, ...]]] = defaultdict(set)
    for s in week.get("sessions", []):
        for pid in s.get("patients", []):
            out[pid].add((*_session_key(s), s.get("room") or ""))
    for a in week.get("appointments", []):
        out[a["patient"]].add((a["kind"], a["day"], a["start"], a.get("room") or ""))
    return out


def _appointment_key(a: Mapping[str, Any]) -> tuple[str, ...]:
    return (a["patient"], a["kind"], a["day"], a["start"], a.get("clinician") or "")


@dataclass
class WeekDiff:
    added: list[Mapping[str, Any]]
    removed: list[Mapping[str, Any]]
    moved: list[tuple[Mapping[str, Any], Mapping[str, Any]]]  # (before, after)
    kept: int
    patients_moved: list[str]
    # Sessions at the same time in another room (before, after), counted in ``kept``, then
    # appointments kept at their time in another room.
    rooms: list[tuple[Mapping[str, Any], Mapping[str, Any]]] = field(default_factory=list)

    @property
    def unchanged(self) -> int:
        """Sessions kept at their time in their room."""
        return self.kept - sum(1 for a, _b in self.rooms if "type" in a)


def week_diff(current: Mapping[str, Any], new: Mapping[str, Any]) -> WeekDiff:
    """Sessions added, removed and moved (same type, another time), sessions and appointments
    kept in another room, and the patients whose week changes (what, when or where)."""
    before = sorted(current.get("sessions", []), key=_sort_key)
    after = sorted(new.get("sessions", []), key=_sort_key)
    unmatched_after = list(after)
    unmatched_before: list[Mapping[str, Any]] = []
    kept = 0
    rooms: list[tuple[Mapping[str, Any], Mapping[str, Any]]] = []

    # Sessions of one type at one time are paired most alike first: same room and
    # facilitators, then same facilitators (a change of room), then same room, then any. So
    # of two parallel sessions that both change room each is listed with its own rooms (they
    # were paired across before), and of a session split over rooms only a real change is.
    def same_room(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
        return a.get("room") == b.get("room")

    def same_staff(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
        return sorted(a.get("facilitators", [])) == sorted(b.get("facilitators", []))

    waiting = list(before)
    passes = (
        lambda a, b: same_room(a, b) and same_staff(a, b),
        same_staff,
        same_room,
        lambda a, b: True,
    )
    for alike in passes:
        left: list[Mapping[str, Any]] = []
        for s in waiting:
            match = next(
                (t for t in unmatched_after if _session_key(t) == _session_key(s) and alike(s, t)),
                None,
            )
            if match is None:
                left.append(s)
                continue
            unmatched_after.remove(match)
            kept += 1
            if not same_room(s, match):
                rooms.append((s, match))
        waiting = left
    unmatched_before.extend(waiting)
    moved: list[tuple[Mapping[str, Any], Mapping[str, Any]]] = []
    removed: list[Mapping[str, Any]] = []
    for s in unmatched_before:
        match = next((t for t in unmatched_after if t["type"] == s["type"]), None)
        if match is None:
            removed.append(s)
        else:
            unmatched_after.remove(match)
            moved.append((s, match))
    rooms.extend(_appointment_rooms(current, new))
    old, fresh = _bookings_of(current), _bookings_of(new)
    patients_moved = sorted(p for p in set(old) | set(fresh) if old.get(p) != fresh.get(p))
    return WeekDiff(unmatched_after, removed, moved, kept, patients_moved, rooms)


def _appointment_rooms(
    current: Mapping[str, Any], new: Mapping[str, Any]
) -> list[tuple[Mapping[str, Any], Mapping[str, Any]]]:
    """Appointments kept at their time with their clinician, in another room."""
    before = {_appointment_key(a): a for a in current.get("appointments", [])}
    changed = []
    for b in sorted(new.get("appointments", []), key=_sort_key):
        a = before.get(_appointment_key(b))
        if a is not None and a.get("room") != b.get("room"):
            changed.append((a, b))
    return changed


def _sort_key(s: Mapping[str, Any]) -> tuple[int, int, str]:
    return (DAYS.index(s["day"]), minutes_of(s["start"]), s.get("type") or s.get("kind", ""))


def describe(booking: Mapping[str, Any], type_names: Mapping[str, str]) -> str:
    """'Relapse prevention, Tuesday 18:00' or 'Individual session, Monday 10:00'."""
    kind = booking.get("kind", "")
    label = type_names.get(booking.get("type", ""), booking.get("type") or KINDS.get(kind, kind))
    start = minutes_of(booking["start"])
    return f"{label}, {DAY_NAMES[booking['day']]} {clock(start)}"


# A patient in a stored text (what publishing left out) is kept as a reference and named when
# the text is shown, as the viewer may call them (selectors.dropped_lines).
PATIENT_REF = re.compile(r"\[\[patient:([0-9a-f-]{36})\]\]")


def patient_ref(public_id: object) -> str:
    return f"[[patient:{public_id}]]"
