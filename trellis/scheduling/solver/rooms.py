"""Rooms kept: a booking that stays where it was in time goes back to the room it had.

The model chooses rooms as it chooses times, and nothing in its objective prefers last week's
room, so a repair hands them out again: a group kept at its hour can land in another room,
and each of its patients is told their week changed. This pass, after the search, gives each
booking kept at its time (a session of the same type, day, start and facilitators; an
appointment of the same patient, kind, day and start) the room it had, where that room suits
it and is free then; two bookings that took each other's rooms swap back. Rooms are the only
thing it changes, and only to rooms the rules allow, so a valid week stays valid; pinned
bookings are left as they are.
"""

from __future__ import annotations

from collections import defaultdict

from .instance import Instance
from .solution import Appointment, Schedule, Session

Booking = Session | Appointment


def keep_rooms(inst: Instance, old: Schedule, new: Schedule) -> int:
    """Move ``new``'s bookings back to their rooms in ``old`` where they can go (in place);
    return how many bookings changed room."""
    return _Rooms(inst, old, new).settle()


class _Rooms:
    def __init__(self, inst: Instance, old: Schedule, new: Schedule) -> None:
        self.inst = inst
        self.bookings: list[Booking] = [*new.sessions, *new.appointments]
        self.before: dict[tuple[object, ...], set[str]] = defaultdict(set)
        had: list[Booking] = [*old.sessions, *old.appointments]
        for booking in had:
            self.before[_key(booking)].add(booking.room)
        self.held: dict[str, list[Booking]] = defaultdict(list)  # room -> its bookings
        for booking in self.bookings:
            self.held[booking.room].append(booking)

    def settle(self) -> int:
        changed = 0
        for _ in range(3):  # a swap can free a room another booking wants: a few passes
            moved = sum(self._back(booking) for booking in self.bookings)
            changed += moved
            if not moved:
                break
        return changed

    def _back(self, booking: Booking) -> int:
        """Put the booking back in its room of before, alone or by a swap: rooms changed."""
        goal = self._goal(booking)
        if goal is None or booking.pinned or not self._suits(goal, booking):
            return 0
        there = self._in_room(goal, self._span(booking), booking)
        if not there:
            self._move(booking, goal)
            return 1
        if len(there) > 1:
            return 0
        other = there[0]
        mine = booking.room
        if (
            other.pinned
            or self._goal(other) != mine
            or not self._suits(mine, other)
            or self._in_room(mine, self._span(other), booking)
            or self._in_room(goal, self._span(booking), other)
        ):
            return 0
        self._move(booking, goal)
        self._move(other, mine)
        return 2

    def _goal(self, booking: Booking) -> str | None:
        """The room the booking had, if it had one other than its room now (of parallel
        sessions alike but for their rooms, the first such room the instance knows)."""
        rooms = self.before.get(_key(booking), set())
        if booking.room in rooms:
            return None
        return next((r for r in sorted(rooms) if r in self.inst.rooms), None)

    def _span(self, booking: Booking) -> tuple[int, int, int]:
        if isinstance(booking, Session):
            end = booking.start + self.inst.group_types[booking.type].minutes
        else:
            end = booking.start + booking.minutes
        return booking.day, booking.start, end

    def _in_room(self, room: str, span: tuple[int, int, int], but: Booking) -> list[Booking]:
        """The room's bookings other than ``but`` that overlap ``span``."""
        day, start, end = span
        found = []
        for other in self.held.get(room, ()):
            if other is but:
                continue
            d, s, e = self._span(other)
            if d == day and s < end and start < e:
                found.append(other)
        return found

    def _move(self, booking: Booking, room: str) -> None:
        self.held[booking.room].remove(booking)
        booking.room = room
        self.held[room].append(booking)

    def _suits(self, room_id: str, booking: Booking) -> bool:
        """Whether the room may hold the booking (its site, kind and size), time aside."""
        room = self.inst.rooms.get(room_id)
        if room is None or room.site != booking.site:
            return False
        if isinstance(booking, Session):
            gtype = self.inst.group_types[booking.type]
            least = max(gtype.min_size, len(booking.patients))
            return room.kind == "group" and room.capacity >= least
        return room.capacity >= (2 if booking.kind == "individual" else 4)


def _key(booking: Booking) -> tuple[object, ...]:
    if isinstance(booking, Session):
        return ("s", booking.type, booking.day, booking.start, tuple(sorted(booking.facilitators)))
    return ("a", booking.patient, booking.kind, booking.day, booking.start)
