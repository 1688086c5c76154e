"""A group session's roster: who is booked into it, for its facilitators and coordinators."""

from __future__ import annotations

import uuid

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from trellis.audit.models import AuditAction
from trellis.audit.services import audit_record

from .. import selectors
from ..models import BookingStatus
from .common import safe_next, viewer


def session_roster(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """The session's facts and its patients by name, as far as the user may see them: a
    clinician the patients they treat (every member of a group they lead), a coordinator their
    patient list; the rest are counted. Membership of a group is part of each patient's
    record, so each one named is an audit event."""
    user = viewer(request)
    session = selectors.session_for(user, public_id)
    members, others = selectors.roster(user, session)
    for patient in members:
        audit_record(
            actor=user,
            action=AuditAction.VIEW,
            patient=patient,
            obj=session,
            summary=f"Group roster, {session}",
        )
    context = {
        "session": session,
        "facilitators": list(session.facilitators.all()),
        "members": members,
        "others": others,
        "max_size": session.most_patients,
        "cancelled": session.status != BookingStatus.SCHEDULED,
        "can_coordinate": selectors.can_coordinate(user),
        "back": safe_next(request) or reverse("scheduling:week"),
    }
    return render(request, "scheduling/roster.html", context)
