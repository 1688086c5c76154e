"""A group session's roster: who is booked into it, for its facilitators and coordinators."""

from __future__ import annotations

import uuid

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from trellis.accounts.models import User
from trellis.audit.models import AuditAction
from trellis.audit.services import audit_record
from trellis.patients.models import Patient
from trellis.patients.selectors import patients_visible_to

from .. import selectors, weeks
from ..models import Appointment, BookingStatus, GroupSession
from .common import safe_next, viewer


def audit_members(user: User, session: GroupSession, members: list[Patient], page: str) -> None:
    """One audit event per patient a page names as a member of `session` (``page``, in the
    summary, says which page: the roster, the move or the cancel page)."""
    for patient in members:
        audit_record(
            actor=user,
            action=AuditAction.VIEW,
            patient=patient,
            obj=session,
            summary=f"{page}, {session}",
        )


def audit_page(
    user: User, booking: GroupSession | Appointment, members: list[Patient], page: str
) -> None:
    """The audit events of a page about one booking: a session's members it names
    (``audit_members``), or an appointment's patient when the page names them (in the user's
    list; else "A patient outside your sites")."""
    if isinstance(booking, GroupSession):
        audit_members(user, booking, members, page)
    elif patients_visible_to(user).filter(pk=booking.patient_id).exists():
        audit_record(
            actor=user,
            action=AuditAction.VIEW,
            patient=booking.patient,
            obj=booking,
            summary=f"{page}, {booking.get_kind_display()} {booking.date} {booking.start:%H:%M}",
        )


def session_roster(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """The session's facts and its patients by name, as far as the user may see them: a
    clinician the patients they treat (every member of a group they lead), a coordinator their
    patient list; the rest are counted. Membership of a group is part of each patient's
    record, so each one named is an audit event."""
    user = viewer(request)
    session = selectors.session_for(user, public_id)
    members, others = selectors.roster(user, session)
    audit_members(user, session, members, "Group roster")
    context = {
        "session": session,
        "facilitators": list(session.facilitators.all()),
        "members": members,
        "others": others,
        "max_size": session.most_patients,
        "cancelled": session.status != BookingStatus.SCHEDULED,
        # Begun (earlier today or a day gone by): the record, not to be moved or changed.
        "begun": weeks.begun(session.site, session.date, session.start),
        "can_coordinate": selectors.can_coordinate(user),
        "back": safe_next(request) or reverse("scheduling:week"),
    }
    return render(request, "scheduling/roster.html", context)
