"""Schedule pages. Views parse input, call a service or selector, and render.

runs.py: optimising a week (start, progress, preview, stop, publish); weeks.py: the week views,
plans not met, pins, moves and cancellations; booking.py: bookings added by hand; plan_hint.py:
what a patient's plan asks for, on Book an appointment; catalogue.py: the group catalogue;
patients.py: a patient's schedule and availability, calendar feeds; roster.py: who is in a
group session; staff.py: the clinicians as the optimizer sees them; sites.py: sites' hours and
rooms; common.py: who may see or coordinate.
"""

from .booking import appointment_new, session_new
from .catalogue import catalogue, group_type_edit
from .patients import feed_new, feed_revoke, ical, patient_schedule
from .plan_hint import appointment_plan
from .roster import session_roster
from .runs import run_detail, run_list, run_publish, run_stop, schedule_continue
from .sites import room_edit, site_edit, site_list
from .staff import staff_edit, staff_list
from .weeks import (
    booking_cancel,
    booking_move,
    pin,
    session_add_patient,
    session_remove_patient,
    unmet,
    week,
)

__all__ = [
    "appointment_new",
    "appointment_plan",
    "booking_cancel",
    "booking_move",
    "catalogue",
    "feed_new",
    "feed_revoke",
    "group_type_edit",
    "ical",
    "patient_schedule",
    "pin",
    "room_edit",
    "run_detail",
    "run_list",
    "run_publish",
    "run_stop",
    "schedule_continue",
    "session_add_patient",
    "session_new",
    "session_remove_patient",
    "session_roster",
    "site_edit",
    "site_list",
    "staff_edit",
    "staff_list",
    "unmet",
    "week",
]
