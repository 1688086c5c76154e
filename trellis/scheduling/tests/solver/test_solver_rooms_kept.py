"""After a repair each booking kept at its time goes back to the room it had, where it may."""

from __future__ import annotations

import copy
from types import SimpleNamespace
from typing import Any

from trellis.scheduling.solver import solve
from trellis.scheduling.solver.instance import Room
from trellis.scheduling.solver.rooms import keep_rooms
from trellis.scheduling.solver.solution import Appointment, Schedule, Session

from .support import shared_module, tiny_instance

ROOMS = {
    "r1": Room("r1", "s1", 12, "group"),
    "r2": Room("r2", "s1", 12, "group"),
    "small": Room("small", "s1", 3, "group"),
    "office": Room("office", "s1", 3, "office"),
}
INST: Any = SimpleNamespace(
    rooms=ROOMS,
    group_types={
        "rp": SimpleNamespace(minutes=90, min_size=3),
        "cbt": SimpleNamespace(minutes=60, min_size=3),
    },
)
PATIENTS = ["p1", "p2", "p3", "p4"]


def _s(ident: str, kind: str, start: int, room: str, lead: str, **kw: Any) -> Session:
    return Session(ident, kind, "s1", 0, start, room, [lead], list(PATIENTS), **kw)


def _week(*bookings: Session | Appointment) -> Schedule:
    return Schedule(
        sessions=[b for b in bookings if isinstance(b, Session)],
        appointments=[b for b in bookings if isinstance(b, Appointment)],
    )


def test_two_groups_that_took_each_others_rooms_swap_back() -> None:
    old = _week(_s("a", "rp", 1020, "r1", "c1"), _s("b", "cbt", 1050, "r2", "c2"))
    new = _week(_s("x", "rp", 1020, "r2", "c1"), _s("y", "cbt", 1050, "r1", "c2"))
    assert keep_rooms(INST, old, new) == 2
    assert [s.room for s in new.sessions] == ["r1", "r2"]


def test_a_group_goes_back_to_a_free_room_and_an_appointment_too() -> None:
    appt = Appointment("i1", "individual", "p9", "c3", "s1", 0, 960, 60, "office")
    old = _week(_s("a", "rp", 1020, "r1", "c1"), appt)
    moved_appt = Appointment("j1", "individual", "p9", "c3", "s1", 0, 960, 60, "r2")
    new = _week(_s("x", "rp", 1020, "r2", "c1"), moved_appt)
    assert keep_rooms(INST, old, new) == 2
    assert (new.sessions[0].room, new.appointments[0].room) == ("r1", "office")


def test_nothing_moves_into_a_room_that_is_taken_or_too_small_or_when_pinned() -> None:
    old = _week(
        _s("a", "rp", 1020, "r1", "c1"),
        _s("b", "rp", 1140, "small", "c2"),
        _s("c", "cbt", 900, "r2", "c3"),
    )
    new = _week(
        _s("x", "rp", 1020, "r2", "c1"),  # r1 is taken then by another group that had r2...
        _s("z", "cbt", 1050, "r1", "c9"),  # ...not: it is new, so no swap
        _s("y", "rp", 1140, "r1", "c2"),  # four patients do not fit the small room
        _s("w", "cbt", 900, "r1", "c3", pinned=True),  # pinned stays
    )
    assert keep_rooms(INST, old, new) == 0
    assert [s.room for s in new.sessions] == ["r2", "r1", "r1", "r1"]


def test_a_swap_is_not_made_when_the_other_room_is_busy_for_the_longer_booking() -> None:
    # x (60 min at 17:00) had r1 and y (90 min at 16:30) had r2; swapping would put y in r2
    # while a third group holds it until 17:00.
    old = _week(_s("a", "cbt", 1020, "r1", "c1"), _s("b", "rp", 990, "r2", "c2"))
    new = _week(
        _s("x", "cbt", 1020, "r2", "c1"),
        _s("y", "rp", 990, "r1", "c2"),
        _s("z", "cbt", 960, "r2", "c5"),
    )
    assert keep_rooms(INST, old, new) == 0


def test_after_an_admission_every_group_kept_at_its_hour_has_its_room_or_cannot() -> None:
    """Of the groups a repair keeps at their hour, each is in its room of before, or that room
    is busy then in the repaired week; and the week is valid."""
    instance = tiny_instance(7, patients=30)
    first = solve(instance, time_limit=4, seed=1)
    changed = copy.deepcopy(instance)
    newcomer = copy.deepcopy(changed["patients"][0])
    newcomer.update(id="p-new", avoid=[])
    changed["patients"].append(newcomer)
    repaired = solve(changed, time_limit=3, previous=first, seed=3)
    figures = shared_module("check").check(changed, repaired, first)
    assert figures["valid"], figures["violations"]
    minutes = {t["id"]: t["minutes"] for t in changed["group_types"]}

    def key(s: dict[str, Any]) -> tuple[Any, ...]:
        return (s["type"], s["day"], s["start"], tuple(sorted(s["facilitators"])))

    def span(b: dict[str, Any]) -> tuple[str, int, int]:
        start = int(b["start"][:2]) * 60 + int(b["start"][3:])
        return b["day"], start, start + (minutes[b["type"]] if "type" in b else b["minutes"])

    before = {key(s): s["room"] for s in first["sessions"]}
    everything = [*repaired["sessions"], *repaired["appointments"]]
    for session in repaired["sessions"]:
        had = before.get(key(session))
        if had is None or had == session["room"]:
            continue
        day, start, end = span(session)
        assert any(
            b is not session
            and b["room"] == had
            and span(b)[0] == day
            and span(b)[1] < end
            and start < span(b)[2]
            for b in everything
        ), f"{session['id']} could have kept {had}"
