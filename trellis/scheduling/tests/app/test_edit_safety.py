"""Hand edits are safe against what happened meanwhile and against the record: a move checks
the booking as it is now (not the copy the page loaded), a booking that has taken place is not
moved, a week out of range is refused in
words, and the pages that name a group's patients audit each name."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from trellis.audit.models import AuditAction, AuditEvent
from trellis.scheduling import services, weeks
from trellis.scheduling.models import (
    BookingStatus,
    GroupSession,
    GroupSessionPatient,
)
from trellis.scheduling.services import bookings

pytestmark = pytest.mark.django_db


def _move(cast, week, session, **kwargs):
    return services.session_move(
        actor=cast.charlie,
        session=session,
        date=kwargs.get("date", week.monday),
        start=kwargs.get("start", datetime.time(17, 30)),
        room=week.group_room,
        dry_run=kwargs.get("dry_run", False),
    )


def test_a_move_on_the_copy_a_page_loaded_does_not_undo_a_cancellation(cast, week, booked):
    stale = GroupSession.objects.get(pk=booked.pk)  # what the move page loaded
    services.booking_cancel(actor=cast.charlie, booking=booked, reason="Facilitator ill")
    with pytest.raises(services.BookingNotScheduled):
        _move(cast, week, stale)
    booked.refresh_from_db()
    assert booked.status == BookingStatus.CANCELLED
    assert booked.cancel_reason == "Facilitator ill"
    assert booked.start == datetime.time(17)


def test_a_booking_that_has_taken_place_is_not_moved(cast, week, booked, appointment):
    yesterday = weeks.site_today(cast.site_a) - datetime.timedelta(days=1)
    for booking in (booked, appointment):
        type(booking).objects.filter(pk=booking.pk).update(date=yesterday)
        booking.refresh_from_db()
    for dry_run in (True, False):
        with pytest.raises(weeks.DateInPast) as error:
            _move(cast, week, booked, dry_run=dry_run)
        assert "which has passed: it is kept as the record" in str(error.value)
        with pytest.raises(weeks.DateInPast):
            services.appointment_move(
                actor=cast.charlie,
                appointment=appointment,
                date=week.monday,
                start=datetime.time(19),
                room=week.office,
                dry_run=dry_run,
            )
    booked.refresh_from_db()
    assert booked.date == yesterday


def test_the_same_patient_added_twice_at_once_is_told_not_a_server_error(
    cast, week, booked, login, monkeypatch
):
    booked.members.filter(patient=cast.olive).delete()
    real = bookings._check

    def other_request_meanwhile(actor, site, day, proposed):
        real(actor, site, day, proposed)
        GroupSessionPatient.objects.get_or_create(
            session=booked, patient=cast.olive, episode=cast.olive_episode
        )

    monkeypatch.setattr(bookings, "_check", other_request_meanwhile)
    response = login(cast.charlie).post(
        reverse("scheduling:session_add_patient", args=[booked.public_id]),
        {"patient": cast.olive.pk},
        follow=True,
    )
    # (The stand-in for the other request wrote inside this one's transaction, so the refusal
    # rolls it back too; a real second request has committed its row.)
    assert "Olive Stone is already in this session." in response.content.decode()


def test_a_move_to_a_week_out_of_range_is_refused_in_words(cast, week, booked, login):
    url = reverse("scheduling:move", args=["session", booked.public_id])
    response = login(cast.charlie).post(
        url, {"date": "9999-12-31", "start": "17:00", "room": week.group_room.pk}
    )
    assert response.status_code == 200
    assert "is out of range: schedules go from the week of" in response.content.decode()
    booked.refresh_from_db()
    assert booked.date != datetime.date(9999, 12, 31)


@pytest.mark.parametrize("page", ["move", "cancel"])
def test_the_pages_naming_a_groups_patients_audit_each_name(cast, week, booked, login, page):
    response = login(cast.charlie).get(
        reverse(f"scheduling:{page}", args=["session", booked.public_id])
    )
    assert "Erin Marsh" in response.content.decode()
    events = AuditEvent.objects.filter(action=AuditAction.VIEW, object_id=str(booked.public_id))
    assert {e.patient_id for e in events} == {p.pk for p in week.patients}
    assert all(e.summary.startswith(f"{page.capitalize()} page, ") for e in events)


def test_the_move_pages_live_check_writes_no_audit(cast, week, booked, login):
    url = reverse("scheduling:move", args=["session", booked.public_id])
    login(cast.charlie).post(
        url,
        {"date": str(week.monday), "start": "17:30", "room": week.group_room.pk, "check": "1"},
        HTTP_HX_REQUEST="true",
    )
    assert not AuditEvent.objects.filter(action=AuditAction.VIEW).exists()


def test_taking_a_patient_out_and_publishing_ask_first(cast, week, booked, login) -> None:
    client = login(cast.charlie)
    page = client.get(reverse("scheduling:move", args=["session", booked.public_id]))
    assert 'data-confirm="Take Erin Marsh out of this session?"' in page.content.decode()
    run = services.run_create(
        actor=cast.charlie, sites=[week.group_room.site], week_start=week.monday, time_limit=1
    )
    services.run_execute(run.public_id)
    page = client.get(reverse("scheduling:run", args=[run.public_id])).content.decode()
    assert 'data-confirm="Publish this run? It replaces the unpinned bookings' in page


def test_taking_a_patient_out_below_the_minimum_says_so(cast, week, booked, login) -> None:
    assert booked.group_type.min_size == 4
    assert booked.members.count() == 4
    response = login(cast.charlie).post(
        reverse("scheduling:session_remove_patient", args=[booked.public_id]),
        {"patient": str(cast.olive.public_id)},
        follow=True,
    )
    text = response.content.decode()
    assert "Olive Stone was taken out of the session." in text
    assert "The session now has 3 patients, fewer than the 4 it needs" in text
