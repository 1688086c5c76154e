"""A cancellation is for one date: the week as it repeats keeps the booking, a repair run starts
from that week, and publishing leaves the booking cancelled on its date and in place after it."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from trellis.patients.models import EpisodeOfCare, EpisodeStatus
from trellis.scheduling import services
from trellis.scheduling.models import Appointment, BookingStatus, GroupSession, RunStatus
from trellis.scheduling.selectors import week_as_format
from trellis.scheduling.services.runs import _published_week

pytestmark = pytest.mark.django_db

NEXT = datetime.timedelta(weeks=1)


def _sessions_on(day: datetime.date, status: str) -> list[GroupSession]:
    return list(GroupSession.objects.filter(date=day, status=status))


def test_the_week_as_it_repeats_keeps_a_booking_cancelled_on_one_date(cast, week, booked):
    services.booking_cancel(actor=cast.charlie, booking=booked, reason="Facilitator away")
    site = booked.site
    assert week_as_format([site], week.monday)["sessions"] == []
    (repeating,) = week_as_format([site], week.monday, pattern=True)["sessions"]
    assert repeating["id"] == str(booked.public_id)
    assert len(repeating["patients"]) == 4


def test_appointments_released_by_a_discharge_are_not_in_the_repeating_week(
    cast, week, appointment
):
    services.booking_cancel(actor=cast.charlie, booking=appointment, reason="Patient asked")
    site = appointment.site
    assert len(week_as_format([site], week.monday, pattern=True)["appointments"]) == 1
    EpisodeOfCare.objects.filter(pk=appointment.episode_id).update(status=EpisodeStatus.DISCHARGED)
    assert week_as_format([site], week.monday, pattern=True)["appointments"] == []


def test_publishing_leaves_the_cancelled_date_alone_and_repeats_the_booking_after_it(
    cast, week, booked, appointment
):
    services.booking_cancel(actor=cast.charlie, booking=booked, reason="Facilitator away")
    services.booking_cancel(actor=cast.charlie, booking=appointment, reason="Patient asked")
    run = services.run_create(
        actor=cast.charlie, sites=[week.group_room.site], week_start=week.monday, time_limit=1
    )
    services.run_execute(run.public_id)
    run.refresh_from_db()
    assert run.status == RunStatus.DONE
    # The repair run started from the week as it repeats, so it kept both bookings.
    assert _published_week(run)["sessions"]
    solution = run.solution
    assert solution is not None
    assert any(s["type"] == "rp" and s["start"] == "17:00" for s in solution["sessions"])
    assert any(a["start"] == "16:00" for a in solution["appointments"])

    publication = services.run_publish(actor=cast.charlie, run=run, weeks=2)

    # On its date: still cancelled, with its reason, and nothing put back in its place.
    booked.refresh_from_db()
    assert booked.status == BookingStatus.CANCELLED
    assert booked.cancel_reason == "Facilitator away"
    assert [s.start for s in _sessions_on(week.monday, BookingStatus.SCHEDULED)] == []
    tuesday = appointment.date
    assert not Appointment.objects.filter(
        date=tuesday, patient=appointment.patient, status=BookingStatus.SCHEDULED
    ).exists()
    # The week after keeps both.
    (after,) = _sessions_on(week.monday + NEXT, BookingStatus.SCHEDULED)
    assert (after.start, after.group_type.code, after.members.count()) == (
        datetime.time(17),
        "rp",
        4,
    )
    assert Appointment.objects.filter(
        date=tuesday + NEXT, patient=appointment.patient, status=BookingStatus.SCHEDULED
    ).exists()
    # What was left out says why, with the date.
    reasons = {entry["why"]: entry["dates"] for entry in publication.dropped}
    assert reasons == {
        "cancelled on this date: Facilitator away": [week.monday.isoformat()],
        "cancelled on this date: Patient asked": [tuesday.isoformat()],
    }


def test_a_run_preview_names_the_weeks_cancellations(cast, week, booked, login):
    services.booking_cancel(actor=cast.charlie, booking=booked, reason="Facilitator away")
    run = services.run_create(
        actor=cast.charlie, sites=[week.group_room.site], week_start=week.monday, time_limit=1
    )
    services.run_execute(run.public_id)
    page = login(cast.charlie).get(reverse("scheduling:run", args=[run.public_id]))
    text = page.content.decode()
    assert "A booking of this week is cancelled on its date and stays cancelled" in text
    assert "<li>Relapse prevention, Monday 17:00 was cancelled: Facilitator away</li>" in text
