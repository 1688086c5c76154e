"""Everything that could be booked at one site: candidate group slots and appointments.

A *group slot* is a (type, day, start) at which one or more parallel sessions of the type may
run, one per group room. Candidates are filtered only by facts no valid schedule can escape
(site hours, availability, competencies, pinned bookings), so with `step == slot` the set of
candidates is complete and a model over it is an exact reformulation of the week.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field

from .instance import Clinician, GroupType, Instance, Patient, Room, covers, inside, intersect
from .solution import Appointment, Schedule

Span = tuple[int, int, int]  # day, start, end


@dataclass
class GroupSlot:
    index: int
    type: GroupType
    day: int
    start: int
    end: int
    rooms: list[Room]
    clinicians: list[str]
    patients: list[str]


@dataclass
class AppointmentSlot:
    index: int
    kind: str
    patient: str
    clinician: str
    day: int
    start: int
    end: int

    @property
    def room_need(self) -> int:
        """Seats the room must have: the patient and clinician, or a family too."""
        return 2 if self.kind == "individual" else 4

    def booked(self, ident: str, site: str, room: str) -> Appointment:
        return Appointment(
            ident,
            self.kind,
            self.patient,
            self.clinician,
            site,
            self.day,
            self.start,
            self.end - self.start,
            room,
        )


@dataclass
class Pinned:
    """Bookings that never move, as fixed use of people and rooms."""

    busy: dict[str, list[Span]] = field(default_factory=lambda: defaultdict(list))
    clinician_minutes: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    day_minutes: dict[tuple[str, int], int] = field(default_factory=lambda: defaultdict(int))
    groups: dict[tuple[str, str], int] = field(default_factory=lambda: defaultdict(int))
    appointments: dict[tuple[str, str], int] = field(default_factory=lambda: defaultdict(int))
    rooms_any: dict[tuple[int, int], int] = field(default_factory=lambda: defaultdict(int))

    def free(self, ident: str, day: int, start: int, end: int) -> bool:
        return all(d != day or e <= start or end <= s for d, s, e in self.busy.get(ident, ()))


def pinned_usage(instance: Instance, schedule: Schedule, site: str) -> Pinned:
    pinned = Pinned()
    for s in schedule.sessions:
        if not s.pinned or s.site != site:
            continue
        minutes = instance.group_types[s.type].minutes
        span = (s.day, s.start, s.start + minutes)
        for ident in [s.room, *s.facilitators, *s.patients]:
            pinned.busy[ident].append(span)
        for c in s.facilitators:
            pinned.clinician_minutes[c] += minutes
        for p in s.patients:
            pinned.day_minutes[p, s.day] += minutes
            pinned.groups[p, s.type] += 1
    for a in schedule.appointments:
        if not a.pinned or a.site != site:
            continue
        span = (a.day, a.start, a.start + a.minutes)
        for ident in (a.room, a.clinician, a.patient):
            pinned.busy[ident].append(span)
        pinned.clinician_minutes[a.clinician] += a.minutes
        pinned.day_minutes[a.patient, a.day] += a.minutes
        pinned.appointments[a.patient, a.kind] += 1
    return pinned


@dataclass
class SiteCandidates:
    site: str
    step: int
    patients: list[Patient]
    clinicians: list[Clinician]
    group_rooms: list[Room]
    rooms_any: list[Room]  # rooms able to hold an individual appointment (capacity >= 2)
    rooms_family: list[Room]  # capacity >= 4
    groups: list[GroupSlot]
    appointments: list[AppointmentSlot]
    pinned: Pinned


def grid_step(instance: Instance, site: str) -> int:
    """The coarsest start grid that loses nothing obvious: gcd of every boundary and length."""
    values = [instance.slot * 0]
    for patient in instance.patients.values():
        if patient.site != site:
            continue
        for spans in patient.availability.values():
            values += [t for span in spans for t in span]
        if patient.plan.family:
            for spans in patient.plan.family.availability.values():
                values += [t for span in spans for t in span]
        for need in (patient.plan.individual, patient.plan.family):
            if need:
                values.append(need.minutes)
    for clinician in instance.clinicians.values():
        if clinician.site == site:
            values += [
                t for spans in clinician.availability.values() for span in spans for t in span
            ]
    values += [t for spans in instance.sites[site].hours.values() for span in spans for t in span]
    values += [g.minutes for g in instance.group_types.values()]
    step = 0
    for value in values:
        step = math.gcd(step, value)
    step = max(step, instance.slot)
    return step - step % instance.slot or instance.slot


def _starts(
    windows: tuple[tuple[int, int], ...], minutes: int, step: int, extra: set[int]
) -> list[int]:
    found: set[int] = set()
    for low, high in windows:
        first = -(-low // step) * step
        found.update(range(first, high - minutes + 1, step))
        found.update(t for t in extra if low <= t and t + minutes <= high)
    return sorted(found)


def build_candidates(
    instance: Instance,
    site: str,
    step: int,
    pinned: Pinned,
    extra: Schedule | None = None,
    frozen: dict[str, set[tuple[str, int, int]]] | None = None,
) -> SiteCandidates:
    """Enumerate group slots and appointments; `extra` adds the starts of earlier bookings.

    A patient in `frozen` (repair) may only keep its listed (type or kind, day, start) bookings.
    """
    frozen = frozen or {}

    def allowed(pid: str, key: tuple[str, int, int]) -> bool:
        return pid not in frozen or key in frozen[pid]

    patients = [p for p in instance.patients.values() if p.site == site]
    clinicians = [c for c in instance.clinicians.values() if c.site == site]
    rooms = [r for r in instance.rooms.values() if r.site == site]
    hours = instance.sites[site].hours
    extra_starts: dict[tuple[str, int], set[int]] = defaultdict(set)
    if extra is not None:
        for s in extra.sessions:
            if s.site == site:
                extra_starts[s.type, s.day].add(s.start)
        for a in extra.appointments:
            if a.site == site:
                extra_starts[a.kind, a.day].add(a.start)
    groups: list[GroupSlot] = []
    for gtype in instance.group_types.values():
        usable_rooms = [r for r in rooms if r.kind == "group" and r.capacity >= gtype.min_size]
        qualified = [
            c
            for c in clinicians
            if gtype.requires <= c.competencies and c.max_minutes >= gtype.minutes
        ]
        eligible = [
            p
            for p in patients
            if p.population in gtype.populations
            and (p.id not in frozen or any(k[0] == gtype.id for k in frozen[p.id]))
        ]
        if not usable_rooms or not qualified or len(eligible) < gtype.min_size:
            # (a frozen patient counts only for its own sessions' types: see `allowed`)
            continue
        for day, windows in hours.items():
            # The day's eligible patients with their windows, once per day rather than per
            # start (main-1: half of the candidates' build time went to these checks).
            today = [
                (p, p.availability[day])
                for p in eligible
                if day in p.availability
                and pinned.day_minutes[p.id, day] + gtype.minutes <= p.plan.max_day_minutes
            ]
            for start in _starts(windows, gtype.minutes, step, extra_starts[gtype.id, day]):
                end = start + gtype.minutes
                who = [
                    p.id
                    for p, spans in today
                    if covers(spans, start, end)
                    and allowed(p.id, (gtype.id, day, start))
                    and pinned.free(p.id, day, start, end)
                ]
                if len(who) < gtype.min_size:
                    continue
                staff = [
                    c.id
                    for c in qualified
                    if inside(c.availability, day, start, end)
                    and pinned.free(c.id, day, start, end)
                ]
                places = [r for r in usable_rooms if pinned.free(r.id, day, start, end)]
                if staff and places:
                    groups.append(
                        GroupSlot(len(groups), gtype, day, start, end, places, staff, who)
                    )
    appointments: list[AppointmentSlot] = []
    family_staff = [c for c in clinicians if "family" in c.competencies]
    for p in patients:
        ind, fam = p.plan.individual, p.plan.family
        if ind and ind.count > pinned.appointments[p.id, "individual"]:
            c = instance.clinicians[ind.clinician]
            for day, windows in p.availability.items():
                free = intersect(
                    intersect(windows, hours.get(day, ())), c.availability.get(day, ())
                )
                for start in _starts(free, ind.minutes, step, extra_starts["individual", day]):
                    end = start + ind.minutes
                    if (
                        allowed(p.id, ("individual", day, start))
                        and pinned.free(p.id, day, start, end)
                        and pinned.free(c.id, day, start, end)
                    ):
                        appointments.append(
                            AppointmentSlot(
                                len(appointments), "individual", p.id, c.id, day, start, end
                            )
                        )
        if fam and fam.count > pinned.appointments[p.id, "family"]:
            for day, windows in p.availability.items():
                free = intersect(
                    intersect(windows, hours.get(day, ())), fam.availability.get(day, ())
                )
                for c in family_staff:
                    both = intersect(free, c.availability.get(day, ()))
                    for start in _starts(both, fam.minutes, step, extra_starts["family", day]):
                        end = start + fam.minutes
                        if (
                            allowed(p.id, ("family", day, start))
                            and pinned.free(p.id, day, start, end)
                            and pinned.free(c.id, day, start, end)
                        ):
                            appointments.append(
                                AppointmentSlot(
                                    len(appointments), "family", p.id, c.id, day, start, end
                                )
                            )
    return SiteCandidates(
        site=site,
        step=step,
        patients=patients,
        clinicians=clinicians,
        group_rooms=[r for r in rooms if r.kind == "group"],
        rooms_any=[r for r in rooms if r.capacity >= 2],
        rooms_family=[r for r in rooms if r.capacity >= 4],
        groups=groups,
        appointments=appointments,
        pinned=pinned,
    )
