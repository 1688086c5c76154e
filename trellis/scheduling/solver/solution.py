"""Bookings of a `trellis-week-solution/1`, read from and written to JSON dicts."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from .errors import SolutionError
from .instance import DAYS, Instance, clock

FORMAT = "trellis-week-solution/1"


@dataclass
class Session:
    id: str
    type: str
    site: str
    day: int
    start: int
    room: str
    facilitators: list[str]
    patients: list[str]
    pinned: bool = False


@dataclass
class Appointment:
    id: str
    kind: str  # individual | family
    patient: str
    clinician: str
    site: str
    day: int
    start: int
    minutes: int
    room: str
    pinned: bool = False


@dataclass
class Schedule:
    sessions: list[Session] = field(default_factory=list)
    appointments: list[Appointment] = field(default_factory=list)


def _time(text: Any, where: str) -> int:
    if not isinstance(text, str) or len(text) != 5 or text[2] != ":":
        raise SolutionError(f"{where}: {text!r} is not an HH:MM time")
    try:
        hours, minutes = int(text[:2]), int(text[3:])
    except ValueError:
        raise SolutionError(f"{where}: {text!r} is not an HH:MM time") from None
    if not (0 <= hours < 24 and 0 <= minutes < 60):
        raise SolutionError(f"{where}: {text!r} is not an HH:MM time")
    return hours * 60 + minutes


def _listed(raw: dict[str, Any], key: str, where: str) -> list[Any]:
    value = raw[key]
    if not isinstance(value, list):
        raise SolutionError(f"{where}.{key} is not a list")
    return value


def _day(text: Any, where: str) -> int:
    if text not in DAYS:
        raise SolutionError(f"{where}: {text!r} is not a day name")
    return DAYS.index(text)


def parse_schedule(
    data: Any, instance: Instance, pinned_ids: frozenset[str] = frozenset()
) -> Schedule:
    """Read a previous solution against the (possibly changed) instance.

    References to patients that no longer exist are dropped (a discharge); a booking is pinned
    when it carries `"pinned": true` or its id is in `pinned_ids`.
    """
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        fmt = data.get("format") if isinstance(data, dict) else None
        raise SolutionError(f"unknown solution format {fmt!r}, expected {FORMAT!r}")
    for part in ("sessions", "appointments"):
        # A missing or mistyped list would read as a week without that half, and repair would
        # rebuild the week around the gap.
        if not isinstance(data.get(part), list):
            raise SolutionError(f"the solution has no {part} list")
    schedule = Schedule()
    try:
        for n, raw in enumerate(data["sessions"]):
            where = f"solution.sessions[{n}]"
            schedule.sessions.append(
                Session(
                    id=str(raw["id"]),
                    type=str(raw["type"]),
                    site=str(raw["site"]),
                    day=_day(raw["day"], where),
                    start=_time(raw["start"], where),
                    room=str(raw["room"]),
                    facilitators=[str(c) for c in _listed(raw, "facilitators", where)],
                    patients=[
                        str(p) for p in _listed(raw, "patients", where) if p in instance.patients
                    ],
                    pinned=bool(raw.get("pinned")) or str(raw["id"]) in pinned_ids,
                )
            )
        for n, raw in enumerate(data["appointments"]):
            where = f"solution.appointments[{n}]"
            if raw["patient"] not in instance.patients:
                continue
            schedule.appointments.append(
                Appointment(
                    id=str(raw["id"]),
                    kind=str(raw["kind"]),
                    patient=str(raw["patient"]),
                    clinician=str(raw["clinician"]),
                    site=str(raw["site"]),
                    day=_day(raw["day"], where),
                    start=_time(raw["start"], where),
                    minutes=int(raw["minutes"]),
                    room=str(raw["room"]),
                    pinned=bool(raw.get("pinned")) or str(raw["id"]) in pinned_ids,
                )
            )
    except SolutionError:
        raise
    except (KeyError, TypeError, AttributeError, ValueError, OverflowError) as error:
        raise SolutionError(f"solution booking lacks or mistypes a field: {error}") from None
    ids = [s.id for s in schedule.sessions] + [a.id for a in schedule.appointments]
    twice = sorted(i for i, n in Counter(ids).items() if n > 1)
    if twice:
        raise SolutionError(f"booking id {twice[0]!r} is used twice in the solution")
    starts = [(s.id, s.start) for s in schedule.sessions]
    starts += [(a.id, a.start) for a in schedule.appointments]
    for ident, start in starts:
        if start % instance.slot:
            raise SolutionError(f"booking {ident!r} starts off the {instance.slot}-minute grid")
    known = set(ids)
    missing = sorted(pinned_ids - known)
    if missing:
        raise SolutionError(f"pinned booking {missing[0]!r} is not in the previous solution")
    return schedule


def schedule_to_dict(
    instance: Instance, schedule: Schedule, stats: dict[str, Any]
) -> dict[str, Any]:
    sessions = []
    for s in schedule.sessions:
        item: dict[str, Any] = {
            "id": s.id,
            "type": s.type,
            "site": s.site,
            "day": DAYS[s.day],
            "start": clock(s.start),
            "room": s.room,
            "facilitators": list(s.facilitators),
            "patients": list(s.patients),
        }
        if s.pinned:
            item["pinned"] = True
        sessions.append(item)
    appointments = []
    for a in schedule.appointments:
        entry: dict[str, Any] = {
            "id": a.id,
            "kind": a.kind,
            "patient": a.patient,
            "clinician": a.clinician,
            "site": a.site,
            "day": DAYS[a.day],
            "start": clock(a.start),
            "minutes": a.minutes,
            "room": a.room,
        }
        if a.pinned:
            entry["pinned"] = True
        appointments.append(entry)
    return {
        "format": FORMAT,
        "instance": instance.name,
        "sessions": sessions,
        "appointments": appointments,
        "stats": stats,
    }
