"""A booking that has begun today is the record, as one of a day gone by: it is not moved,
cancelled or changed, and nothing is booked at an hour of today that has passed (found in a
browser review: only the date was compared, so an 08:30 session was cancelled at 18:30)."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
from django.urls import reverse
from django.utils import timezone

from trellis.scheduling import services, weeks
from trellis.scheduling.models import Appointment, BookingStatus, GroupSession

from .pages import WEEK, solved

pytestmark = pytest.mark.django_db


@pytest.fixture
def half_past_five(cast, week, monkeypatch) -> datetime.datetime:
    """17:30 on the week's Monday where Northside is: its 17:00 group has begun."""
    zone = zoneinfo.ZoneInfo(cast.site_a.timezone)
    instant = datetime.datetime.combine(week.monday, datetime.time(17, 30), tzinfo=zone)
    monkeypatch.setattr(timezone, "now", lambda: instant.astimezone(datetime.UTC))
    return instant


def test_a_group_that_began_today_is_not_moved_cancelled_or_changed(
    cast, week, booked, half_past_five
) -> None:
    with pytest.raises(weeks.DateInPast, match=r"began at 17:00 today: .* cannot be moved"):
        services.session_move(
            actor=cast.charlie,
            session=booked,
            date=week.monday + datetime.timedelta(days=1),
            start=datetime.time(17),
            room=week.group_room,
        )
    with pytest.raises(weeks.DateInPast, match=r"cannot be cancelled \(it is 17:30\)"):
        services.booking_cancel(actor=cast.charlie, booking=booked, reason="Room flooded")
    with pytest.raises(weeks.DateInPast, match="who was booked is kept as the record"):
        services.session_remove_patient(
            actor=cast.charlie, session=booked, patient=week.patients[0]
        )
    booked.refresh_from_db()
    assert (booked.date, booked.status, booked.members.count()) == (
        week.monday,
        BookingStatus.SCHEDULED,
        4,
    )


def test_nothing_is_booked_at_an_hour_of_today_that_has_passed(cast, week, half_past_five) -> None:
    def book(hour: int) -> None:
        services.appointment_add(
            actor=cast.charlie,
            patient=week.patients[0],
            kind="individual",
            clinician=cast.alice,
            date=week.monday,
            start=datetime.time(hour),
            minutes=60,
            room=week.office,
        )

    with pytest.raises(weeks.DateInPast, match=r"16:00 today has passed \(it is 17:30"):
        book(16)
    book(19)  # later today is still open


def test_the_week_offers_no_move_or_cancel_on_a_booking_that_has_begun(
    cast, week, booked, appointment, half_past_five, login
) -> None:
    page = login(cast.charlie).get(f"{WEEK}?view=site&key=north&week={week.monday}")
    body = page.content.decode()
    assert reverse("scheduling:move", args=["session", booked.public_id]) not in body
    assert reverse("scheduling:cancel", args=["session", booked.public_id]) not in body
    # Tomorrow's appointment can still be moved.
    assert reverse("scheduling:move", args=["appointment", appointment.public_id]) in body


def test_publishing_keeps_what_began_today_and_writes_nothing_before_now(
    cast, week, booked, half_past_five
) -> None:
    """Publishing the week at 17:30 on its Monday: the 17:00 group under way stays as it is
    (it was deleted and written again, or left out), and nothing is written before now."""
    members = set(booked.members.values_list("patient_id", flat=True))
    run = solved(cast, week)
    services.run_publish(actor=cast.charlie, run=run, weeks=1)
    booked.refresh_from_db()
    assert booked.status == BookingStatus.SCHEDULED
    assert set(booked.members.values_list("patient_id", flat=True)) == members
    early = datetime.time(17, 30)
    today = {"date": week.monday, "start__lt": early}
    assert list(GroupSession.objects.filter(**today)) == [booked]
    assert not Appointment.objects.filter(**today).exists()


def test_the_roster_and_move_page_of_a_begun_session_offer_no_change(
    cast, week, booked, half_past_five, login
) -> None:
    client = login(cast.charlie)
    move = reverse("scheduling:move", args=["session", booked.public_id])
    roster = client.get(reverse("scheduling:roster", args=[booked.public_id])).content.decode()
    assert move not in roster
    page = client.get(move).content.decode()
    assert "it is kept as the record, and is not moved, cancelled or changed" in page
    assert reverse("scheduling:session_remove_patient", args=[booked.public_id]) not in page
    assert reverse("scheduling:session_add_patient", args=[booked.public_id]) not in page
    assert reverse("scheduling:cancel", args=["session", booked.public_id]) not in page
    assert 'name="start"' not in page  # no move form
    assert week.patients[0].display_name in page  # who was booked is still shown


def test_the_demos_publication_writes_the_whole_day(cast, week, booked, half_past_five):
    """The demo publishes its week from Monday (``today=``, ``keep_begun=False``) so that the
    whole week shows."""
    run = solved(cast, week)
    wanted = [s for s in run.solution["sessions"] if s["day"] == "mon" and s["start"] < "17:30"]
    assert wanted
    services.solution_publish(
        actor=cast.charlie,
        instance=run.instance,
        solution=run.solution,
        weeks=1,
        run=run,
        today=week.monday,
        keep_begun=False,
    )
    written = GroupSession.objects.filter(date=week.monday, start__lt=datetime.time(17, 30))
    assert written.count() == len(wanted)


def test_a_lapsed_schedule_continued_writes_nothing_that_has_begun(cast, week, monkeypatch):
    """The daily continuation (and Continue) passes its own today: it keeps the rule too
    (a code review found it wrote a Monday's bookings at 22:30 that Monday)."""
    run = solved(cast, week)
    services.run_publish(actor=cast.charlie, run=run, weeks=1)
    monday_sessions = [s for s in run.solution["sessions"] if s["day"] == "mon"]
    assert monday_sessions
    # A week later, 22:30 on Monday where the site is: every Monday booking has begun.
    later = week.monday + datetime.timedelta(weeks=1)
    zone = zoneinfo.ZoneInfo(cast.site_a.timezone)
    instant = datetime.datetime.combine(later, datetime.time(22, 30), tzinfo=zone)
    monkeypatch.setattr(timezone, "now", lambda: instant.astimezone(datetime.UTC))
    (extension,) = services.schedule_extend()  # the daily job / Continue button
    assert extension.week_start == later
    written = GroupSession.objects.filter(date=later).count()
    written += Appointment.objects.filter(date=later).count()
    assert written == 0, f"{written} bookings written on {later} at hours that had passed"
