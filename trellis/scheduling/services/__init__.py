"""Writes of the scheduling app. Each service is one transaction and writes its own audit event."""

from .bookings import (
    BookingNotScheduled,
    ReasonRequired,
    appointment_add,
    appointment_move,
    availability_set,
    availability_set_all,
    booking_cancel,
    booking_pin,
    session_add,
    session_add_patient,
    session_move,
    session_remove_patient,
)
from .catalogue import group_type_create, group_type_update
from .feeds import feed_create, feed_revoke, feed_used, token_hash
from .notices import mark_seen as notices_mark_seen
from .publishing import run_publish, schedule_extend, sites_not_covered, solution_publish
from .runs import (
    RunAlreadyActive,
    RunNotActive,
    run_changes,
    run_create,
    run_execute,
    run_stop,
)
from .sites import InvalidRoom, room_save, site_hours_update
from .staff import (
    InvalidAwayDays,
    InvalidWeeklyLimit,
    staff_away_add,
    staff_away_remove,
    staff_schedule_update,
)

__all__ = [
    "BookingNotScheduled",
    "InvalidAwayDays",
    "InvalidRoom",
    "InvalidWeeklyLimit",
    "ReasonRequired",
    "RunAlreadyActive",
    "RunNotActive",
    "appointment_add",
    "appointment_move",
    "availability_set",
    "availability_set_all",
    "booking_cancel",
    "booking_pin",
    "feed_create",
    "feed_revoke",
    "feed_used",
    "group_type_create",
    "group_type_update",
    "notices_mark_seen",
    "room_save",
    "run_changes",
    "run_create",
    "run_execute",
    "run_publish",
    "run_stop",
    "schedule_extend",
    "session_add",
    "session_add_patient",
    "session_move",
    "session_remove_patient",
    "site_hours_update",
    "sites_not_covered",
    "solution_publish",
    "staff_away_add",
    "staff_away_remove",
    "staff_schedule_update",
    "token_hash",
]
