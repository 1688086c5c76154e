"""Bookings by hand: pins, moves and additions checked against the rules, cancellations,
patients taken out of a group, and availability.

Each service is one transaction and writes its own audit event.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from trellis.accounts.models import DAY_CODES, User
from trellis.audit.models import AuditAction
from trellis.audit.services import audit_record
from trellis.core.errors import ValidationFailed
from trellis.organization.models import Room, Site
from trellis.patients.models import EpisodeOfCare, EpisodeStatus, Patient

from .. import rules
from ..instance_builder import build_instance, hhmm, monday_of
from ..models import (
    CANCEL_REASON_MAX,
    Appointment,
    BookingStatus,
    GroupSession,
    GroupSessionPatient,
    GroupType,
    PatientAvailability,
    WindowKind,
)
from ..selectors import names_for, week_as_format
from ..weeks import check_not_past, check_week
from ..windows import Window, backwards, clash
from . import notices
from .locks import lock_sites
from .runs import add_minutes


class BookingNotScheduled(ValidationFailed):
    """The booking was cancelled: it is kept as a record and no longer changes."""


class ReasonRequired(ValidationFailed):
    """A cancellation needs a reason (at most CANCEL_REASON_MAX characters)."""


class RulesBroken(ValidationFailed):
    """A booking that would break the schedule's rules; ``problems`` lists each in words."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(" ".join(problems))
        self.problems = problems


class OffGridTime(ValidationFailed):
    """A start that is not on the quarter hour (seconds included)."""


def _on_grid(start: datetime.time) -> None:
    """Raise OffGridTime unless ``start`` is on the 15-minute grid, to the second: the rules
    read "HH:MM", so seconds would pass them and be saved."""
    if start.minute % 15 or start.second or start.microsecond:
        raise OffGridTime(
            _("Bookings start on the quarter hour (:00, :15, :30, :45), not at %(t)s.")
            % {"t": start.isoformat()}
        )


def _scheduled(booking: GroupSession | Appointment) -> None:
    if booking.status != BookingStatus.SCHEDULED:
        raise BookingNotScheduled(
            _("This booking was cancelled; it is kept as a record and can no longer be changed.")
        )


@transaction.atomic
def booking_pin(*, actor: User, booking: GroupSession | Appointment, pinned: bool) -> None:
    if booking.pinned == pinned:
        return
    booking.pinned = pinned
    booking.save(update_fields=["pinned", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        patient=booking.patient if isinstance(booking, Appointment) else None,
        obj=booking,
        summary=f"{'Pinned' if pinned else 'Unpinned'} {booking}",
        changes={"pinned": [not pinned, pinned]},
    )


def _locked(booking: GroupSession | Appointment) -> GroupSession | Appointment:
    """The booking as it is now, its site's schedule locked (``lock_sites``) and its row too: a
    change checked and written on the copy a page loaded could undo another coordinator's
    cancellation or move made in between."""
    lock_sites([booking.site])
    return type(booking).objects.select_for_update().select_related("site").get(pk=booking.pk)


def _not_taken_place(booking: GroupSession | Appointment) -> None:
    """A booking that has begun (a day gone by, or earlier today) is the record of what
    happened; it is not moved."""
    check_not_past(
        booking.site,
        booking.date,
        _(
            "This booking was on %(day)s, which has passed: it is kept as the record and cannot "
            "be moved (today is %(today)s)."
        ),
        start=booking.start,
        begun=_(
            "This booking began at %(time)s today: it is kept as the record and cannot be "
            "moved (it is %(now)s)."
        ),
    )


def _check(actor: User, site: Site, day: datetime.date, proposed: dict[str, Any]) -> None:
    """Raise ValidationFailed listing, in plain words, every rule the booking would break;
    DateInPast first when the day is before today in the site's zone, WeekOutOfRange for a
    week the schedule does not go to. A session's minimum size is not one of them here: no
    hand edit makes a session smaller (taking a patient out is not checked), so one still
    short of its minimum can be moved and filled."""
    check_not_past(site, day, start=datetime.time.fromisoformat(proposed["start"]))
    week_start = monday_of(day)
    check_week(week_start)
    built = build_instance([site], week_start, checking=True)
    current = week_as_format([site], week_start)
    bookings = [*current["sessions"], *current["appointments"]]
    problems = rules.violations(
        built.instance, bookings, proposed, names_for(built.instance, actor), below_minimum_ok=True
    )
    if problems:
        raise RulesBroken(problems)


@transaction.atomic
def session_move(
    *,
    actor: User,
    session: GroupSession,
    date: datetime.date,
    start: datetime.time,
    room: Room | None,
    facilitator: User | None = None,
    dry_run: bool = False,
) -> GroupSession:
    """Move a group session (and optionally change its facilitator) if no rule is broken.

    With `dry_run` only the rules are checked (ValidationFailed names what would break) and
    nothing is saved: the move page checks each change as the coordinator makes it.
    """
    from ..selectors import session_as_format

    _on_grid(start)
    if not dry_run:
        session = _locked(session)  # type: ignore[assignment]
    _scheduled(session)
    _not_taken_place(session)
    proposed = session_as_format(session)
    leading = list(session.facilitators.all())
    facilitators = [facilitator] if facilitator else leading
    proposed.update(
        day=DAY_CODES[date.weekday()],
        start=hhmm(start),
        room=str(room.public_id) if room else None,
        facilitators=[str(u.public_id) for u in facilitators],
    )
    if monday_of(date) != monday_of(session.date):
        proposed["id"] = None  # another week: nothing of this week is left out
    _check(actor, session.site, date, proposed)
    if dry_run:
        return session
    was = session.date, session.start, session.room
    before = {"date": session.date, "start": session.start, "room": session.room}
    session.date, session.start, session.room = date, start, room
    session.end = add_minutes(start, session.group_type.minutes)
    session.save(update_fields=["date", "start", "end", "room", "updated_at"])
    changes = {k: [str(v), str(getattr(session, k))] for k, v in before.items()}
    # Who leads a group decides who may open its members' charts: a change of them is kept.
    if facilitator is not None and [facilitator] != leading:
        session.facilitators.set([facilitator])
        changes["facilitators"] = [
            ", ".join(u.display_name for u in leading),
            facilitator.display_name,
        ]
    if was != (date, start, room):
        notices.moved(session, was[0], was[1], was[2].name if was[2] else "")
    summary = f"Moved {session.group_type} to {date} {start:%H:%M}"
    if was == (date, start, room) and "facilitators" in changes:
        summary = f"Changed who leads {session.group_type} of {date} {start:%H:%M}"
    audit_record(
        actor=actor, action=AuditAction.UPDATE, obj=session, summary=summary, changes=changes
    )
    return session


@transaction.atomic
def appointment_move(
    *,
    actor: User,
    appointment: Appointment,
    date: datetime.date,
    start: datetime.time,
    room: Room | None,
    dry_run: bool = False,
) -> Appointment:
    """Move an individual or family session if no rule is broken (`dry_run`: only check)."""
    from ..selectors import appointment_as_format

    _on_grid(start)
    if not dry_run:
        appointment = _locked(appointment)  # type: ignore[assignment]
    _scheduled(appointment)
    _not_taken_place(appointment)
    proposed = appointment_as_format(appointment)
    proposed.update(
        day=DAY_CODES[date.weekday()],
        start=hhmm(start),
        room=str(room.public_id) if room else None,
    )
    if monday_of(date) != monday_of(appointment.date):
        proposed["id"] = None
    _check(actor, appointment.site, date, proposed)
    if dry_run:
        return appointment
    minutes = proposed["minutes"]
    was = appointment.date, appointment.start, appointment.room
    before = {"date": appointment.date, "start": appointment.start, "room": appointment.room}
    appointment.date, appointment.start, appointment.room = date, start, room
    appointment.end = add_minutes(start, minutes)
    appointment.save(update_fields=["date", "start", "end", "room", "updated_at"])
    if was != (date, start, room):
        notices.moved(appointment, was[0], was[1], was[2].name if was[2] else "")
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        patient=appointment.patient,
        obj=appointment,
        summary=f"Moved {appointment.get_kind_display()} to {date} {start:%H:%M}",
        changes={k: [str(v), str(getattr(appointment, k))] for k, v in before.items()},
    )
    return appointment


def _open_episode(patient: Patient) -> EpisodeOfCare:
    episode = patient.episodes.filter(status=EpisodeStatus.ACTIVE).select_related("track").first()
    if episode is None:
        raise ValidationFailed(_("%(p)s is not in active treatment.") % {"p": patient})
    return episode


@transaction.atomic
def appointment_add(
    *,
    actor: User,
    patient: Patient,
    kind: str,
    clinician: User,
    date: datetime.date,
    start: datetime.time,
    minutes: int,
    room: Room | None,
) -> Appointment:
    """Book an individual or family session by hand if no rule is broken."""
    _on_grid(start)
    episode = _open_episode(patient)
    site = episode.track.site
    lock_sites([site])
    proposed = {
        "id": None,
        "kind": kind,
        "patient": str(patient.public_id),
        "clinician": str(clinician.public_id),
        "site": site.code,
        "day": DAY_CODES[date.weekday()],
        "start": hhmm(start),
        "minutes": minutes,
        "room": str(room.public_id) if room else None,
    }
    _check(actor, site, date, proposed)
    appointment = Appointment.objects.create(
        kind=kind,
        patient=patient,
        episode=episode,
        clinician=clinician,
        site=site,
        room=room,
        date=date,
        start=start,
        end=add_minutes(start, minutes),
    )
    notices.added(appointment, patient)
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        patient=patient,
        obj=appointment,
        summary=f"Booked {appointment.get_kind_display()} {date} {start:%H:%M}",
    )
    return appointment


@transaction.atomic
def session_add(
    *,
    actor: User,
    site: Site,
    group_type: GroupType,
    date: datetime.date,
    start: datetime.time,
    room: Room,
    facilitator: User,
) -> GroupSession:
    """A group session added by hand, with its facilitator and no patients yet, if no rule is
    broken (its minimum size aside: patients are added next, one by one)."""
    if not group_type.active:
        raise ValidationFailed(_("%(g)s is no longer offered.") % {"g": group_type.name})
    _on_grid(start)
    lock_sites([site])
    proposed = {
        "id": None,
        "type": group_type.code,
        "site": site.code,
        "day": DAY_CODES[date.weekday()],
        "start": hhmm(start),
        "room": str(room.public_id),
        "facilitators": [str(facilitator.public_id)],
        "patients": [],
    }
    _check(actor, site, date, proposed)
    session = GroupSession.objects.create(
        group_type=group_type,
        site=site,
        room=room,
        date=date,
        start=start,
        end=add_minutes(start, group_type.minutes),
    )
    session.facilitators.set([facilitator])
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=session,
        summary=f"Added {session} by hand",
    )
    return session


@transaction.atomic
def session_add_patient(*, actor: User, session: GroupSession, patient: Patient) -> None:
    """Add a patient to a group session if no rule is broken."""
    from ..selectors import session_as_format

    session = _locked(session)  # type: ignore[assignment]
    _scheduled(session)
    episode = _open_episode(patient)
    proposed = session_as_format(session)
    already = _("%(p)s is already in this session.") % {"p": patient}
    if str(patient.public_id) in proposed["patients"]:
        raise ValidationFailed(already)
    proposed["patients"] = [*proposed["patients"], str(patient.public_id)]
    _check(actor, session.site, session.date, proposed)
    try:
        with transaction.atomic():  # a savepoint: the same patient added twice at once
            GroupSessionPatient.objects.create(session=session, patient=patient, episode=episode)
    except IntegrityError:
        raise ValidationFailed(already) from None
    notices.added(session, patient)
    audit_record(
        actor=actor,
        action=AuditAction.ADD,
        patient=patient,
        obj=session,
        summary=f"Added to {session}",
    )


@transaction.atomic
def booking_cancel(*, actor: User, booking: GroupSession | Appointment, reason: str) -> None:
    """Cancel a group session or an appointment from today on, saying why.

    The booking stays, marked cancelled with who, when and why: the week views, the portal and
    the calendar feeds show it as cancelled, and it no longer counts in the solver's week or
    the hours its patients are booked. Raises ReasonRequired, BookingNotScheduled (already
    cancelled) or DateInPast."""
    reason = " ".join(reason.split())
    if not reason:
        raise ReasonRequired(_("Say why it is cancelled: the reason is kept with the booking."))
    if len(reason) > CANCEL_REASON_MAX:
        raise ReasonRequired(
            _("The reason is %(n)d characters long; at most %(m)d.")
            % {"n": len(reason), "m": CANCEL_REASON_MAX}
        )
    # The site first, as every schedule write takes it: the patients' notices name the site,
    # and a move holding it while waiting for this row deadlocked with this cancellation.
    lock_sites([booking.site])
    locked = type(booking).objects.select_for_update().get(pk=booking.pk)
    _scheduled(locked)
    check_not_past(
        locked.site,
        locked.date,
        _("%(day)s has passed; bookings can be cancelled from today (%(today)s) on."),
        start=locked.start,
        begun=_(
            "This booking began at %(time)s today: it is kept as the record and cannot be "
            "cancelled (it is %(now)s)."
        ),
    )
    locked.status = BookingStatus.CANCELLED
    locked.cancelled_at = timezone.now()
    locked.cancelled_by = actor
    locked.cancel_reason = reason
    locked.save(
        update_fields=["status", "cancelled_at", "cancelled_by", "cancel_reason", "updated_at"]
    )
    booking.status, booking.cancel_reason = locked.status, reason
    notices.cancelled(locked)
    audit_record(
        actor=actor,
        action=AuditAction.TRANSITION,
        patient=locked.patient if isinstance(locked, Appointment) else None,
        obj=locked,
        summary=f"Cancelled {locked}",
        changes={"status": [BookingStatus.SCHEDULED, BookingStatus.CANCELLED], "reason": reason},
    )


@transaction.atomic
def session_remove_patient(*, actor: User, session: GroupSession, patient: Patient) -> None:
    """Take a patient out of a group session from today on (the session itself stays)."""
    session = _locked(session)  # type: ignore[assignment]
    _scheduled(session)
    check_not_past(
        session.site,
        session.date,
        _("%(day)s has passed; patients can be taken out of sessions from today (%(today)s) on."),
        start=session.start,
        begun=_(
            "This session began at %(time)s today: who was booked is kept as the record (it is "
            "%(now)s)."
        ),
    )
    removed, _counts = GroupSessionPatient.objects.filter(session=session, patient=patient).delete()
    if not removed:
        raise ValidationFailed(_("%(p)s is not in this session.") % {"p": patient})
    notices.removed(session, patient)
    audit_record(
        actor=actor,
        action=AuditAction.REMOVE,
        patient=patient,
        obj=session,
        summary=f"Removed from {session}",
    )


# --- availability -----------------------------------------------------------------------------
class InvalidWindow(ValidationFailed):
    """A window on no weekday, or one that does not end after it starts."""


class OverlappingWindows(ValidationFailed):
    """Two windows of one day overlap or touch; the message names the day and both windows."""


def check_windows(windows: Sequence[Window]) -> None:
    """``InvalidWindow`` for a window that does not end after it starts, ``OverlappingWindows``
    for two of one day that overlap or touch (the rules of ``windows.py``)."""
    if any(backwards(w) for w in windows):
        raise InvalidWindow(_("Each window ends after it starts."))
    fault = clash(windows)
    if fault:
        raise OverlappingWindows(fault)


@transaction.atomic
def availability_set(
    *, actor: User, patient: Patient, kind: str, windows: Sequence[Window]
) -> None:
    """Replace the patient's (or family's) weekly availability windows.

    Windows of one day may neither overlap nor touch (``OverlappingWindows``)."""
    if kind not in WindowKind.values:
        raise ValidationFailed(_("Unknown kind of availability."))
    check_windows(windows)
    rows = PatientAvailability.objects.filter(patient=patient, kind=kind)
    before = [str(r) for r in rows]
    rows.delete()
    now = timezone.now()
    created = PatientAvailability.objects.bulk_create(
        PatientAvailability(
            patient=patient,
            kind=kind,
            weekday=d,
            start=s,
            end=e,
            changed_by=actor,
            changed_at=now,
        )
        for d, s, e in sorted(windows)
    )
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        patient=patient,
        obj=patient,
        summary=f"Availability ({kind}) updated",
        changes={"availability": [before, [str(r) for r in created]]},
    )


@transaction.atomic
def availability_set_all(
    *,
    actor: User,
    patient: Patient,
    patient_windows: Sequence[Window],
    family_windows: Sequence[Window],
) -> None:
    """Replace the patient's and the family's windows together: one transaction, so a refusal
    of either leaves both as they were."""
    availability_set(actor=actor, patient=patient, kind=WindowKind.PATIENT, windows=patient_windows)
    availability_set(actor=actor, patient=patient, kind=WindowKind.FAMILY, windows=family_windows)
