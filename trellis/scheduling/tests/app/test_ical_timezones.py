"""Calendar feeds carry a VTIMEZONE for every TZID their events use."""

from __future__ import annotations

import datetime
import zoneinfo

from django.urls import reverse
from icalendar import Calendar

from trellis.core.tests import factories as f
from trellis.scheduling import services
from trellis.scheduling.models import Appointment, GroupSession, GroupType
from trellis.scheduling.services import publishing
from trellis.scheduling.tests.app.pages import solved


def _parsed(client, token: str) -> Calendar:
    response = client.get(reverse("scheduling:ical", args=[token]))
    assert response.status_code == 200
    return Calendar.from_ical(response.content)


def test_a_patients_feed_defines_the_sites_timezone(cast, week, booked, client):
    _feed, token = services.feed_create(actor=cast.charlie, patient=cast.erin_record)
    calendar = _parsed(client, token)

    zones = [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")]
    assert zones == [cast.site_a.timezone]
    assert calendar.get_used_tzids() == {cast.site_a.timezone}
    assert not calendar.get_missing_tzids()
    # The event's wall-clock time means the same instant in any app that reads the VTIMEZONE.
    event = next(e for e in calendar.walk("VEVENT") if e["SUMMARY"] == "Group session")
    start = event.decoded("DTSTART")
    expected = datetime.datetime.combine(
        booked.date, booked.start, tzinfo=zoneinfo.ZoneInfo(cast.site_a.timezone)
    )
    assert start == expected
    assert start.utcoffset() == expected.utcoffset()


def test_a_clinicians_feed_defines_every_zone_it_uses(cast, week, booked, client):
    site_b = cast.site_b
    site_b.timezone = "America/Denver"
    site_b.save()
    f.GroupSessionFactory(
        group_type=GroupType.objects.get(code="rp"),
        site=site_b,
        room=None,
        date=booked.date + datetime.timedelta(days=2),
        start=datetime.time(17),
        end=datetime.time(18, 30),
        facilitators=[cast.alice],
    )
    _feed, token = services.feed_create(actor=cast.alice, user=cast.alice)
    calendar = _parsed(client, token)

    zones = sorted(str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE"))
    assert zones == sorted({cast.site_a.timezone, "America/Denver"})
    assert not calendar.get_missing_tzids()


def test_a_cancelled_booking_stays_in_the_feed_marked_cancelled(cast, week, booked, client):
    _feed, token = services.feed_create(actor=cast.charlie, patient=cast.erin_record)
    # Published a minute ago, so that the cancellation is a later second.
    a_minute_ago = booked.updated_at - datetime.timedelta(minutes=1)
    type(booked).objects.filter(pk=booked.pk).update(updated_at=a_minute_ago)
    (before,) = _parsed(client, token).walk("VEVENT")
    assert before["STATUS"] == "CONFIRMED"
    services.booking_cancel(actor=cast.charlie, booking=booked, reason="Facilitator ill")
    (after,) = _parsed(client, token).walk("VEVENT")
    assert after["UID"] == before["UID"]  # the calendar updates the event it holds
    assert after["STATUS"] == "CANCELLED"
    assert after["SUMMARY"] == "Cancelled: Group session"
    # The change is a later revision of the same event: calendars take it over the one held.
    assert after.decoded("SEQUENCE") > before.decoded("SEQUENCE")
    assert after.decoded("DTSTAMP") > before.decoded("DTSTAMP")
    assert b"Facilitator ill" not in client.get(reverse("scheduling:ical", args=[token])).content


def test_a_feed_has_a_neutral_name_for_calendar_apps(cast, week, booked, client):
    _feed, token = services.feed_create(actor=cast.charlie, patient=cast.erin_record)
    calendar = _parsed(client, token)
    assert str(calendar["X-WR-CALNAME"]) == "Trellis schedule"
    assert cast.erin_record.last_name not in str(calendar["X-WR-CALNAME"])


def test_a_week_published_again_keeps_its_bookings_uids(cast, week, client) -> None:
    run = solved(cast, week)
    services.solution_publish(
        actor=cast.charlie, instance=run.instance, solution=run.solution, weeks=2, run=run
    )
    _feed, token = services.feed_create(actor=cast.alice, user=cast.alice)
    before = {
        (str(e["DTSTART"].to_ical()), str(e["SUMMARY"])): str(e["UID"])
        for e in _parsed(client, token).walk("VEVENT")
    }
    assert before
    again = solved(cast, week)  # the same week, run again and published over the first
    services.solution_publish(
        actor=cast.charlie, instance=again.instance, solution=again.solution, weeks=2, run=again
    )
    after = {
        (str(e["DTSTART"].to_ical()), str(e["SUMMARY"])): str(e["UID"])
        for e in _parsed(client, token).walk("VEVENT")
    }
    same = before.keys() & after.keys()
    assert same
    # Each booking published again where it was is the same event to a subscribed calendar.
    assert all(before[k] == after[k] for k in same)


def test_parallel_sessions_keep_their_own_ids_by_room(cast, week, booked) -> None:
    other_room = f.RoomFactory(site=cast.site_a, name="Group B", kind="group", capacity=10)
    parallel = f.GroupSessionFactory(
        group_type=booked.group_type,
        site=booked.site,
        room=other_room,
        date=booked.date,
        start=booked.start,
        end=booked.end,
        facilitators=[week.gus],
    )
    reused = publishing._replaced_ids(GroupSession.objects.all(), Appointment.objects.none())
    key = ("session", booked.site_id, booked.group_type_id, booked.date, booked.start)
    assert publishing._same_id(reused, (*key, other_room.pk)) == parallel.public_id
    assert publishing._same_id(reused, (*key, week.group_room.pk)) == booked.public_id
