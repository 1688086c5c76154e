"""Which hard rule one proposed booking would break, in plain words (no Django).

The week is described as in shared/scheduling/FORMAT.md: an instance dict (sites' hours, rooms,
clinicians, group types, patients with their availability and plan) and the week's bookings as
solution ``sessions`` and ``appointments``. ``violations(...)`` checks one proposed session or
appointment against the rest of the week (the booking with the same ``id`` is the one being
moved, so it is left out) and returns one sentence per broken rule; an empty list means the
booking may be made. ``names`` maps ids to what people call them, and ``competency:<code>``
to a competency's label.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from trellis.core.durations import hours_minutes as _hours  # "2 h 30 min"

KINDS = {"individual": "Individual session", "family": "Family session"}

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_NAMES = dict(
    zip(
        DAYS,
        ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
        strict=True,
    )
)


def minutes_of(text: str) -> int:
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


def clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def clock_label(minutes: int) -> str:
    """A time of day for people: past midnight reads "01:00 (next day)", never "25:00"."""
    if minutes >= 24 * 60:
        return f"{clock(minutes - 24 * 60)} (next day)"
    return clock(minutes)


def _inside(windows: Mapping[str, Any], day: str, start: int, end: int) -> bool:
    return any(
        minutes_of(a) <= start and end <= minutes_of(b) for a, b in windows.get(day, []) or []
    )


def booking_span(booking: Mapping[str, Any], lengths: Mapping[str, int]) -> tuple[int, int]:
    start = minutes_of(booking["start"])
    minutes = booking.get("minutes") or lengths.get(booking.get("type", ""), 0)
    return start, start + int(minutes)


def booking_people(booking: Mapping[str, Any]) -> tuple[set[str], set[str]]:
    """(clinicians, patients) of a session or appointment."""
    if "type" in booking:
        return set(booking.get("facilitators", [])), set(booking.get("patients", []))
    clinician, patient = booking.get("clinician"), booking.get("patient")
    return ({clinician} if clinician else set()), ({patient} if patient else set())


def violations(
    instance: Mapping[str, Any],
    bookings: list[Mapping[str, Any]],
    proposed: Mapping[str, Any],
    names: Mapping[str, str] | None = None,
    *,
    below_minimum_ok: bool = False,
    existing: bool = False,
) -> list[str]:
    """Every hard rule the proposed booking breaks against the rest of the week, in words.

    ``below_minimum_ok`` leaves out a session's minimum size: a hand edit that keeps or raises
    a session's size (a move, a patient added) must not be refused because the session is
    still short of its minimum, or a session that lost patients could never be filled again.
    The week views flag such a session, and Plans not met (which checks with the minimum)
    lists its patients.

    ``existing`` words the findings for a booking already made (Plans not met: "this session
    has 2") rather than one proposed ("would have 2")."""
    names = names or {}
    would = "has" if existing else "would have"

    def name(ident: str) -> str:
        return names.get(ident, ident)

    sites = {s["id"]: s for s in instance.get("sites", [])}
    rooms = {r["id"]: r for r in instance.get("rooms", [])}
    clinicians = {c["id"]: c for c in instance.get("clinicians", [])}
    types = {t["id"]: t for t in instance.get("group_types", [])}
    patients = {p["id"]: p for p in instance.get("patients", [])}
    lengths = {tid: int(t["minutes"]) for tid, t in types.items()}
    slot = int(instance.get("slot_minutes", 15))
    others = [b for b in bookings if b.get("id") != proposed.get("id")]
    problems: list[str] = []

    day = proposed["day"]
    start, end = booking_span(proposed, lengths)
    when = f"{DAY_NAMES.get(day, day)} {clock_label(start)}–{clock_label(end)}"
    is_session = "type" in proposed
    group_type = types.get(proposed.get("type", "")) if is_session else None
    if is_session and group_type is None:
        return [f"There is no group type {proposed.get('type')!r} in the catalogue."]

    if start % slot or end % slot:
        problems.append(f"Bookings start and end on the {slot}-minute grid; {when} does not.")
    site = sites.get(proposed.get("site", ""))
    if site is not None and not _inside(site.get("hours", {}), day, start, end):
        problems.append(f"{site.get('name', site['id'])} is not open {when}.")

    # Rooms
    room_id = proposed.get("room")
    room = rooms.get(room_id or "")
    clinician_ids, patient_ids = booking_people(proposed)
    if room_id and room is None:
        problems.append("That room is not at this site or is not in use.")
    elif room is not None and room.get("active") is False:
        where = "move the booking to" if existing or proposed.get("id") else "choose"
        problems.append(f"{name(room['id'])} is out of use: {where} another room.")
    elif room is not None:
        if room.get("site") != proposed.get("site"):
            problems.append(f"{name(room['id'])} is at another site.")
        if is_session and room["kind"] != "group":
            problems.append(f"{name(room['id'])} is an office; groups need a group room.")
        need = len(patient_ids) if is_session else (4 if proposed.get("kind") == "family" else 2)
        smallest = int(group_type.get("min_size", 0)) if group_type is not None else 0
        if is_session and group_type is not None and room["capacity"] < smallest:
            # Never enough seats for the session to run, however it is filled.
            problems.append(
                f"{name(room['id'])} holds {_people(room['capacity'])}; "
                f"{group_type.get('name', group_type['id'])} needs at least {smallest}."
            )
        elif room["capacity"] < need:
            problems.append(
                f"{name(room['id'])} holds {_people(room['capacity'])}; this booking needs {need}."
            )

    busy_room: list[str] = []
    for other in others:
        if other["day"] != day:
            continue
        o_start, o_end = booking_span(other, lengths)
        if not (o_start < end and start < o_end):
            continue
        o_clinicians, o_patients = booking_people(other)
        span = f"{clock_label(o_start)}–{clock_label(o_end)}"
        if room_id and other.get("room") == room_id:
            busy_room.append(span)
        for cid in sorted(clinician_ids & o_clinicians):
            problems.append(f"{name(cid)} is already booked {DAY_NAMES[day]} {span}.")
        for pid in sorted(patient_ids & o_patients):
            problems.append(f"{name(pid)} is already booked {DAY_NAMES[day]} {span}.")
    if busy_room:
        problems.append(
            f"{name(room_id or '')} is already in use {DAY_NAMES[day]} {', '.join(busy_room)}."
        )

    # Clinicians
    if is_session and not clinician_ids:
        problems.append("A group needs at least one facilitator.")
    for cid in sorted(clinician_ids):
        clinician = clinicians.get(cid)
        if clinician is None:
            problems.append(f"{name(cid)} is not scheduled at this site.")
            continue
        if clinician.get("site") != proposed.get("site"):
            problems.append(f"{name(cid)} works at another site.")
        if day in clinician.get("away", ()):
            # Days away (the app's checking week lists them; FORMAT.md has no such field).
            problems.append(f"{name(cid)} is away on {DAY_NAMES.get(day, day)} (days away).")
        elif clash := next(
            (
                e["words"]
                for e in clinician.get("elsewhere", ())
                if e["day"] == day and minutes_of(e["start"]) < end and start < minutes_of(e["end"])
            ),
            None,
        ):
            # Booked at a site outside the check (the app's checking week lists them).
            problems.append(f"{clash}.")
        elif not _inside(clinician.get("availability", {}), day, start, end):
            problems.append(f"{name(cid)} is not available {when}.")
        booked = sum(
            booking_span(o, lengths)[1] - booking_span(o, lengths)[0]
            for o in others
            if cid in booking_people(o)[0]
        )
        cap = int(clinician.get("max_minutes", 0))
        if booked + (end - start) > cap:
            spent = sum(int(e["minutes"]) for e in clinician.get("elsewhere", ()))
            total = booked + end - start
            problems.append(
                f"{name(cid)} would work {total + spent} minutes this week, {spent} of them "
                f"booked at other sites; their limit is {clinician.get('limit', cap + spent)}."
                if spent
                else f"{name(cid)} would work {total} minutes this week; their limit is {cap}."
            )
    if group_type is not None and clinician_ids:
        needed = set(group_type.get("requires", []))
        if "adolescent" in group_type.get("populations", []):
            needed.add("adolescent")
        qualified = [
            c
            for c in clinician_ids
            if c in clinicians and needed <= set(clinicians[c].get("competencies", []))
        ]
        if not qualified:
            group = group_type.get("name", group_type["id"])

            def skills(codes: set[str]) -> str:
                return ", ".join(name(f"competency:{c}") for c in sorted(codes))

            if len(clinician_ids) == 1:
                (cid,) = clinician_ids
                held = set(clinicians.get(cid, {}).get("competencies", []))
                problems.append(f"{name(cid)} cannot lead {group}: lacks {skills(needed - held)}.")
            else:
                problems.append(
                    f"No facilitator holds every competency {group} requires ({skills(needed)})."
                )
    if not is_session:
        cid = proposed["clinician"]
        if proposed.get("kind") == "family" and "family" not in clinicians.get(cid, {}).get(
            "competencies", []
        ):
            problems.append(f"{name(cid)} does not hold the family-therapy competency.")

    # Patients
    if group_type is not None:
        size = len(patient_ids)
        if size > int(group_type["max_size"]):
            problems.append(
                f"{group_type.get('name', group_type['id'])} takes at most "
                f"{group_type['max_size']} patients; this session {would} {size}."
            )
        if size < int(group_type["min_size"]) and not below_minimum_ok:
            problems.append(
                f"{group_type.get('name', group_type['id'])} needs at least "
                f"{group_type['min_size']} patients; this session {would} {size}."
            )
    for pid in sorted(patient_ids):
        patient = patients.get(pid)
        if patient is None:
            problems.append(f"{name(pid)} is not in treatment at this site this week.")
            continue
        if group_type is not None and patient["population"] not in group_type.get(
            "populations", []
        ):
            problems.append(
                f"{group_type.get('name', group_type['id'])} does not serve {name(pid)}'s "
                "population."
            )
        if not _inside(patient.get("availability", {}), day, start, end):
            problems.append(f"{name(pid)} is not available {when}.")
        plan = patient.get("plan") or {}
        family = plan.get("family") or {}
        if proposed.get("kind") == "family" and family and not family.get("availability"):
            problems.append(
                f"No family availability is recorded for {name(pid)}: add it on their "
                "Availability and schedule page."
            )
        elif proposed.get("kind") == "family" and not _inside(
            family.get("availability", {}), day, start, end
        ):
            problems.append(f"{name(pid)}'s family is not available {when}.")
        day_cap = plan.get("max_day_minutes")
        if day_cap:
            that_day = sum(
                booking_span(o, lengths)[1] - booking_span(o, lengths)[0]
                for o in others
                if o["day"] == day and pid in booking_people(o)[1]
            )
            if that_day + (end - start) > int(day_cap):
                problems.append(
                    f"{name(pid)} {would} {_hours(that_day + end - start)} on "
                    f"{DAY_NAMES[day]}; their plan allows at most {_hours(int(day_cap))}."
                )
        if group_type is not None:
            avoid = set(patient.get("avoid", []))
            clash = sorted(
                q
                for q in patient_ids
                if q != pid and (q in avoid or pid in patients.get(q, {}).get("avoid", []))
            )
            if clash and pid < clash[0]:
                problems.append(f"{name(pid)} and {name(clash[0])} must not share a group.")
        if not is_session and patient.get("plan"):
            problems.extend(
                _against_plan(proposed, patient["plan"], others, end - start, existing, name)
            )
    return problems


def _people(count: object) -> str:
    return "1 person" if str(count) == "1" else f"{count} people"


def _against_plan(
    proposed: Mapping[str, Any],
    plan: Mapping[str, Any],
    others: list[Mapping[str, Any]],
    minutes: int,
    existing: bool,
    name: Callable[[str], str],
) -> list[str]:
    """FORMAT.md rule 7 for an appointment: one the plan asks for, of its length, with its
    clinician (an individual one), and no more of them than it asks for in the week. Of a week
    already booked (``existing``), only those past the plan's count (by day and time) break
    it, so that the first ones still count for the plan."""
    kind, pid = proposed.get("kind", ""), proposed["patient"]
    word = KINDS.get(kind, kind).lower()
    need = plan.get(kind)
    if need is None:
        return [f"{name(pid)}'s plan asks for no {word} this week."]
    problems = []
    if minutes != int(need["minutes"]):
        problems.append(
            f"{name(pid)}'s plan asks for {need['minutes']}-minute {word}s; this one is {minutes}."
        )
    if kind == "individual" and proposed.get("clinician") != need.get("clinician"):
        problems.append(
            f"{name(pid)}'s plan names {name(need['clinician'])} for the {word}; "
            "book it with them, or change the plan."
        )
    same = [o for o in others if o.get("kind") == kind and o.get("patient") == pid]
    if existing:

        def when(booking: Mapping[str, Any]) -> tuple[int, int, str]:
            day = DAYS.index(booking["day"]) if booking["day"] in DAYS else len(DAYS)
            return (day, minutes_of(booking["start"]), str(booking.get("id")))

        count = 1 + sum(1 for o in same if when(o) < when(proposed))
        if count > int(need["count"]):
            problems.append(
                f"This is {name(pid)}'s {_ordinal(count)} {word} this week; their plan asks "
                f"for {need['count']}."
            )
    elif 1 + len(same) > int(need["count"]):
        problems.append(
            f"{name(pid)} would have {1 + len(same)} {word}s this week; their plan asks for "
            f"{need['count']}."
        )
    return problems


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"
