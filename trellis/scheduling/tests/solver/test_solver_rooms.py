"""Extraction gives every appointment the model allowed a room, moving sessions if needed."""

from __future__ import annotations

from trellis.scheduling.solver.candidates import AppointmentSlot
from trellis.scheduling.solver.instance import Room
from trellis.scheduling.solver.solution import Session
from trellis.scheduling.solver.translate import RoomPlan

R1, R2 = Room("r1", "s1", 12, "group"), Room("r2", "s1", 12, "group")
OFFICE = Room("r3", "s1", 3, "office")
MINUTES = {"dbt": 60, "cbt": 90}


def _session(ident: str, kind: str, start: int, room: str) -> Session:
    return Session(ident, kind, "s1", 0, start, room, ["c1"], ["p1", "p2", "p3"])


def _family(index: int, start: int) -> AppointmentSlot:
    return AppointmentSlot(index, "family", f"p{index}", "c9", 0, start, start + 60)


def test_a_family_hour_between_two_groups_gets_a_room_when_a_group_changes_room() -> None:
    # r2 busy 16:30-17:30, r1 from 17:30: the counts allow a family hour at 17:00 (at most
    # two rooms busy at once) but neither room is free for the whole hour as placed.
    early = _session("g1", "dbt", 990, "r2")
    late = _session("g2", "cbt", 1050, "r1")
    plan = RoomPlan(MINUTES, [early, late], [[R1, R2], [R1, R2]], [OFFICE, R1, R2], {})
    placed = plan.place([_family(7, 1020)])
    assert [ap.patient for ap, _ in placed] == ["p7"]
    family_room = placed[0][1].id
    # Either group moves to the other room; exactly one does, and nothing overlaps.
    assert (early.room, late.room) in {("r2", "r2"), ("r1", "r1")}
    assert family_room in {"r1", "r2"}
    assert family_room != early.room


def test_sessions_keep_their_rooms_when_first_fit_places_everything() -> None:
    early = _session("g1", "dbt", 990, "r2")
    plan = RoomPlan(MINUTES, [early], [[R1, R2]], [OFFICE, R1, R2], {})
    placed = plan.place([_family(7, 1020), _family(8, 1080)])
    assert sorted((ap.patient, room.id) for ap, room in placed) == [("p7", "r1"), ("p8", "r1")]
    assert early.room == "r2"


def test_a_pinned_booking_keeps_its_room_and_an_appointment_with_no_room_is_left_out() -> None:
    early = _session("g1", "dbt", 990, "r2")
    plan = RoomPlan(MINUTES, [early], [[R2]], [OFFICE, R1, R2], {0: {"r1": [(960, 1140)]}})
    assert plan.place([_family(7, 1020)]) == []
    assert early.room == "r2"
