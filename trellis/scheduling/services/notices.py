"""Telling a patient what staff changed in their bookings: a `ScheduleNotice` for each patient
a move, cancellation, hand booking, removal or newly published week touches, shown on the
portal's home until they mark it read. Written in the same transaction as the change."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from trellis.accounts.models import User
from trellis.audit.models import AuditAction
from trellis.audit.services import audit_record
from trellis.organization.models import Site
from trellis.patients.models import Patient

from ..instance_builder import monday_of
from ..models import (
    FIRST_SCHEDULE,
    Appointment,
    BookingStatus,
    GroupSession,
    GroupSessionPatient,
    NoticeKind,
    ScheduleNotice,
)

Booking = GroupSession | Appointment


def booking_title(booking: Booking) -> str:
    """What a booking is, as patients and the week views call it: its group's name, or the
    kind of appointment ("Individual session")."""
    if isinstance(booking, GroupSession):
        return booking.group_type.name
    return str(booking.get_kind_display())


def _patients(booking: Booking) -> list[int]:
    if isinstance(booking, Appointment):
        return [booking.patient_id]
    return list(
        GroupSessionPatient.objects.filter(session=booking).values_list("patient_id", flat=True)
    )


def _tell(booking: Booking, kind: str, patients: Iterable[int], **fields: object) -> None:
    ScheduleNotice.objects.bulk_create(
        ScheduleNotice(
            patient_id=pid, kind=kind, title=booking_title(booking), site=booking.site, **fields
        )
        for pid in patients
    )


def moved(
    booking: Booking,
    before_date: datetime.date,
    before_start: datetime.time,
    before_room: str,
) -> None:
    """Its patients are told of a booking moved (another day, time or room). A notice of an
    earlier move of it that a patient has not read yet is replaced, keeping where it was at
    first, and a booking moved back to where it was tells them nothing more."""
    now = (booking.date, booking.start, booking.room.name if booking.room else "")
    patients = _patients(booking)
    unread = ScheduleNotice.objects.filter(
        patient_id__in=patients,
        booking=booking.public_id,
        kind=NoticeKind.MOVED,
        seen_at__isnull=True,
    )
    first = {
        n.patient_id: (n.before_date, n.before_start, n.before_room)
        for n in unread.order_by("created_at")
    }
    unread.delete()
    notices = []
    for pid in patients:
        was = first.get(pid, (before_date, before_start, before_room))
        if was == now:
            continue  # back where it was: nothing changed for them
        notices.append(
            ScheduleNotice(
                patient_id=pid,
                kind=NoticeKind.MOVED,
                title=booking_title(booking),
                site=booking.site,
                booking=booking.public_id,
                before_date=was[0],
                before_start=was[1],
                before_room=was[2] or "",
                after_date=now[0],
                after_start=now[1],
                room=now[2],
            )
        )
    ScheduleNotice.objects.bulk_create(notices)


def cancelled(booking: Booking) -> None:
    _tell(
        booking,
        NoticeKind.CANCELLED,
        _patients(booking),
        before_date=booking.date,
        before_start=booking.start,
    )


def _forget_moves(booking: Booking, patient: Patient) -> None:
    """A patient taken out of or put into a booking: an unread notice of its earlier moves no
    longer says where they were (a later move back would read as no change)."""
    ScheduleNotice.objects.filter(
        patient=patient, booking=booking.public_id, kind=NoticeKind.MOVED, seen_at__isnull=True
    ).delete()


def added(booking: Booking, patient: Patient) -> None:
    _forget_moves(booking, patient)
    _tell(
        booking,
        NoticeKind.ADDED,
        [patient.pk],
        after_date=booking.date,
        after_start=booking.start,
        room=booking.room.name if booking.room else "",
    )


def removed(session: GroupSession, patient: Patient) -> None:
    _forget_moves(session, patient)
    _tell(
        session,
        NoticeKind.REMOVED,
        [patient.pk],
        before_date=session.date,
        before_start=session.start,
    )


Held = dict[int, set[tuple[datetime.date, datetime.time, str, int | None]]]


def held(sites: Sequence[Site], first: datetime.date, last: datetime.date) -> Held:
    """Each patient's scheduled bookings at ``sites`` from ``first`` to ``last``: (date, start,
    what, room). Two queries; publishing compares them before and after."""
    found: Held = defaultdict(set)
    for pid, day, start, what, room in GroupSessionPatient.objects.filter(
        session__site__in=sites,
        session__date__range=(first, last),
        session__status=BookingStatus.SCHEDULED,
    ).values_list(
        "patient_id",
        "session__date",
        "session__start",
        "session__group_type_id",
        "session__room_id",
    ):
        found[pid].add((day, start, f"g{what}", room))
    for pid, day, start, kind, room in Appointment.objects.filter(
        site__in=sites, date__range=(first, last), status=BookingStatus.SCHEDULED
    ).values_list("patient_id", "date", "start", "kind", "room_id"):
        found[pid].add((day, start, kind, room))
    return found


def week_changed(
    before: Held, after: Held, sites: Sequence[Site], ended: datetime.date | None
) -> int:
    """A patient whose bookings differ after publishing (another day, time, kind or room) is
    told from which date (at their site: the first of ``sites`` they are booked at). Only the
    days that were published before are compared: weeks added past the old end are more of
    the same, not a change (``ended``: the last day the sites' publications reached before,
    None for none). A patient with nothing booked before is told of their first schedule,
    whatever its dates. Returns how many were told."""
    site_of = {s.pk: s for s in sites}
    homes: dict[int, int] = dict(
        Patient.objects.filter(pk__in=set(before) | set(after)).values_list("pk", "site_id")
    )
    notices = []
    for pid in set(before) | set(after):
        new = not before.get(pid)
        changed = {
            b
            for b in before.get(pid, set()) ^ after.get(pid, set())
            if new or ended is None or b[0] <= ended
        }
        if not changed:
            continue
        first = min(b[0] for b in changed)
        # What changes in the first changed week, counted (the week repeats).
        week = {b for b in changed if monday_of(b[0]) == monday_of(first)}
        notices.append(
            ScheduleNotice(
                patient_id=pid,
                kind=NoticeKind.WEEK,
                # A patient with nothing booked before gets their first schedule, not a change.
                title=FIRST_SCHEDULE if new else "",
                site=site_of.get(homes.get(pid, 0), sites[0]),
                after_date=first,
                added=0 if new else len(week & after.get(pid, set())),
                removed=0 if new else len(week & before.get(pid, set())),
            )
        )
    ScheduleNotice.objects.bulk_create(notices)
    return len(notices)


def unseen(patient: Patient) -> QuerySet[ScheduleNotice]:
    return ScheduleNotice.objects.filter(patient=patient, seen_at__isnull=True)


@transaction.atomic
def mark_seen(*, actor: User, patient: Patient) -> int:
    """The patient has read their notices: they leave the portal's home (audited)."""
    marked = unseen(patient).update(seen_at=timezone.now())
    if marked:
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            patient=patient,
            obj=patient,
            summary=f"Read {marked} schedule notice(s) in the portal",
        )
    return marked
