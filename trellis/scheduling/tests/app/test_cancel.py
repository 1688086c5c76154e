"""Cancelling a booking, and taking a patient out of a group: from today on, with a reason,
kept as a record, audited, and gone from every week, feed and plan count."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from trellis.audit.models import AuditAction, AuditEvent
from trellis.core.errors import ValidationFailed
from trellis.core.tests import factories as f
from trellis.scheduling import services, weeks
from trellis.scheduling.models import BookingStatus
from trellis.scheduling.selectors import week_as_format

WEEK = reverse("scheduling:week")


def _cancel_url(kind: str, booking) -> str:
    return reverse("scheduling:cancel", args=[kind, booking.public_id])


# --- the service -----------------------------------------------------------------------------
def test_a_cancelled_session_is_kept_with_who_when_and_why(cast, week, booked):
    services.booking_cancel(actor=cast.charlie, booking=booked, reason="  Facilitator\nill ")
    booked.refresh_from_db()
    assert booked.status == BookingStatus.CANCELLED
    assert booked.cancelled_by == cast.charlie
    assert booked.cancelled_at is not None
    assert booked.cancel_reason == "Facilitator ill"
    assert booked.members.count() == 4  # the record keeps who was booked
    event = AuditEvent.objects.get(action=AuditAction.TRANSITION, object_id=str(booked.public_id))
    assert event.changes["reason"] == "Facilitator ill"
    # Gone from the week as the solver, the rules and the plans-not-met page read it.
    assert week_as_format([booked.site], week.monday)["sessions"] == []


def test_a_cancelled_appointment_names_its_patient_in_the_audit(cast, week, appointment):
    services.booking_cancel(actor=cast.charlie, booking=appointment, reason="Patient asked")
    appointment.refresh_from_db()
    assert appointment.status == BookingStatus.CANCELLED
    assert AuditEvent.objects.filter(
        action=AuditAction.TRANSITION, patient=appointment.patient
    ).exists()


@pytest.mark.parametrize("reason", ["", "   ", "x" * 201])
def test_a_cancellation_needs_a_reason_of_at_most_200_characters(cast, week, booked, reason):
    with pytest.raises(services.ReasonRequired):
        services.booking_cancel(actor=cast.charlie, booking=booked, reason=reason)
    booked.refresh_from_db()
    assert booked.status == BookingStatus.SCHEDULED


def test_a_cancelled_booking_is_not_cancelled_moved_or_joined_again(cast, week, booked):
    services.booking_cancel(actor=cast.charlie, booking=booked, reason="Room flooded")
    with pytest.raises(services.BookingNotScheduled):
        services.booking_cancel(actor=cast.charlie, booking=booked, reason="Again")
    with pytest.raises(services.BookingNotScheduled):
        services.session_move(
            actor=cast.charlie,
            session=booked,
            date=week.monday,
            start=datetime.time(18),
            room=week.group_room,
        )
    with pytest.raises(services.BookingNotScheduled):
        services.session_add_patient(actor=cast.charlie, session=booked, patient=cast.olive)
    booked.refresh_from_db()
    assert booked.cancel_reason == "Room flooded"
    assert booked.start == datetime.time(17)


def test_a_past_booking_is_not_cancelled(cast, week, booked):
    booked.date = weeks.site_today(cast.site_a) - datetime.timedelta(days=1)
    booked.save()
    with pytest.raises(weeks.DateInPast, match="bookings can be cancelled from today"):
        services.booking_cancel(actor=cast.charlie, booking=booked, reason="Too late")
    booked.refresh_from_db()
    assert booked.status == BookingStatus.SCHEDULED


def test_taking_a_patient_out_of_a_session(cast, week, booked):
    services.session_remove_patient(actor=cast.charlie, session=booked, patient=cast.olive)
    assert not booked.members.filter(patient=cast.olive).exists()
    assert booked.members.count() == 3
    assert AuditEvent.objects.filter(
        action=AuditAction.REMOVE, patient=cast.olive, object_id=str(booked.public_id)
    ).exists()
    with pytest.raises(ValidationFailed, match="is not in this session"):
        services.session_remove_patient(actor=cast.charlie, session=booked, patient=cast.olive)


def test_nobody_is_taken_out_of_a_past_session(cast, week, booked):
    booked.date = weeks.site_today(cast.site_a) - datetime.timedelta(days=1)
    booked.save()
    with pytest.raises(weeks.DateInPast, match="taken out of sessions from today"):
        services.session_remove_patient(actor=cast.charlie, session=booked, patient=cast.olive)
    assert booked.members.filter(patient=cast.olive).exists()


# --- the pages -------------------------------------------------------------------------------
def test_the_week_offers_cancel_and_the_page_says_what_and_who(cast, week, booked, login):
    client = login(cast.charlie)
    here = f"{WEEK}?view=site&key=north&week={week.monday}"
    page = client.get(here).content.decode()
    assert _cancel_url("session", booked) in page
    confirm = client.get(_cancel_url("session", booked) + f"?next={here}").content.decode()
    assert "Relapse prevention" in confirm
    assert "Tell these patients:" in confirm
    assert "Erin Marsh" in confirm
    assert "Why is it cancelled?" in confirm
    booked.refresh_from_db()
    assert booked.status == BookingStatus.SCHEDULED  # looking changes nothing


def test_cancelling_from_the_page_goes_back_to_the_week_without_it(cast, week, booked, login):
    client = login(cast.charlie)
    here = f"{WEEK}?view=site&key=north&week={week.monday}"
    response = client.post(
        _cancel_url("session", booked), {"reason": "Facilitator ill", "next": here}, follow=True
    )
    text = response.content.decode()
    assert response.redirect_chain[-1][0] == here
    assert "Cancelled Relapse prevention on Monday" in text
    booked.refresh_from_db()
    assert booked.status == BookingStatus.CANCELLED
    # Shown greyed with its reason, with nothing to move or pin, and counting for nothing.
    assert 'class="card cancelled"' in text
    assert "Facilitator ill" in text
    assert reverse("scheduling:move", args=["session", booked.public_id]) not in text
    assert reverse("scheduling:pin", args=["session", booked.public_id]) not in text
    grid = response.context["grid"]
    assert grid.total_minutes == 0
    (entry,) = grid.columns[0]
    assert entry.cancelled
    assert not entry.below_minimum


def test_a_cancelled_appointment_is_shown_after_the_bookings_of_its_day(
    cast, week, booked, appointment, login
):
    other = f.AppointmentFactory(
        episode=week.episodes[3],  # Pat1's, with alice too
        clinician=cast.alice,
        site=week.group_room.site,
        room=week.office,
        date=appointment.date,
        start=datetime.time(18),
        end=datetime.time(19),
    )
    services.booking_cancel(actor=cast.charlie, booking=appointment, reason="Patient asked")
    grid = (
        login(cast.charlie)
        .get(f"{WEEK}?view=clinician&key={cast.alice.public_id}&week={week.monday}")
        .context["grid"]
    )
    tuesday = grid.columns[1]
    assert [(e.public_id, e.cancelled) for e in tuesday] == [
        (other.public_id, False),
        (appointment.public_id, True),
    ]
    assert grid.total_minutes == 60 + 90  # and alice's Monday group


def test_a_cancellation_without_a_reason_keeps_the_page_and_says_so(cast, week, booked, login):
    page = login(cast.charlie).post(_cancel_url("session", booked), {"reason": ""})
    assert page.status_code == 200
    assert "Say why it is cancelled." in page.content.decode()
    booked.refresh_from_db()
    assert booked.status == BookingStatus.SCHEDULED


def test_a_refused_cancellation_keeps_what_was_typed(cast, week, booked, login):
    booked.date = weeks.site_today(cast.site_a) - datetime.timedelta(days=1)
    booked.save()
    page = login(cast.charlie).post(_cancel_url("session", booked), {"reason": "Snow day"})
    text = page.content.decode()
    assert "bookings can be cancelled from today" in text
    assert "Snow day" in text


def test_a_cancelled_booking_shows_as_cancelled_and_cannot_be_moved(cast, week, booked, login):
    services.booking_cancel(actor=cast.charlie, booking=booked, reason="Facilitator ill")
    client = login(cast.charlie)
    page = client.get(_cancel_url("session", booked)).content.decode()
    assert "already cancelled" in page
    assert "Facilitator ill" in page
    moved = client.get(reverse("scheduling:move", args=["session", booked.public_id]), follow=True)
    assert "This booking was cancelled and can no longer be moved." in moved.content.decode()


def test_cancel_and_take_out_are_for_coordinators_only(cast, week, booked, login):
    client = login(cast.alice)
    assert client.get(_cancel_url("session", booked)).status_code == 404
    assert client.post(_cancel_url("session", booked), {"reason": "x"}).status_code == 404
    remove = reverse("scheduling:session_remove_patient", args=[booked.public_id])
    assert client.post(remove, {"patient": str(cast.olive.public_id)}).status_code == 404
    booked.refresh_from_db()
    assert booked.status == BookingStatus.SCHEDULED
    assert booked.members.count() == 4


def test_the_move_page_lists_the_patients_and_takes_one_out(cast, week, booked, login):
    client = login(cast.charlie)
    move = reverse("scheduling:move", args=["session", booked.public_id])
    page = client.get(move).content.decode()
    assert "Patients in this session" in page
    assert "Olive Stone" in page
    response = client.post(
        reverse("scheduling:session_remove_patient", args=[booked.public_id]),
        {"patient": str(cast.olive.public_id)},
        follow=True,
    )
    assert "Olive Stone was taken out of the session." in response.content.decode()
    assert not booked.members.filter(patient=cast.olive).exists()


def test_taking_out_someone_not_in_the_session_says_so(cast, week, booked, login):
    booked.members.filter(patient=cast.olive).delete()
    response = login(cast.charlie).post(
        reverse("scheduling:session_remove_patient", args=[booked.public_id]),
        {"patient": str(cast.olive.public_id)},
        follow=True,
    )
    assert "That patient is not in this session." in response.content.decode()


def test_a_session_short_of_its_minimum_can_still_be_filled_and_moved(cast, week, booked):
    minimum = booked.group_type.min_size
    assert booked.members.count() == minimum == 4
    for patient in (cast.olive, week.patients[2]):
        services.session_remove_patient(actor=cast.charlie, session=booked, patient=patient)
    # Two short: adding one back leaves it one short, and is still allowed.
    services.session_add_patient(actor=cast.charlie, session=booked, patient=cast.olive)
    assert booked.members.count() == 3
    services.session_move(
        actor=cast.charlie,
        session=booked,
        date=week.monday,
        start=datetime.time(18),
        room=week.group_room,
    )
    booked.refresh_from_db()
    assert booked.start == datetime.time(18)


@pytest.mark.parametrize("target", ["javascript:alert(1)", "https://elsewhere.example/"])
def test_a_back_link_to_another_site_is_not_offered(cast, week, booked, login, target):
    client = login(cast.charlie)
    for url in (
        _cancel_url("session", booked),
        reverse("scheduling:move", args=["session", booked.public_id]),
    ):
        body = client.get(url, {"next": target}).content.decode()
        assert target not in body
