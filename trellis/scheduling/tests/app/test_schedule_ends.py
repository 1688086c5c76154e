"""Coordinators are warned when a site's published schedule is about to run out."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from trellis.core.tests import factories as f
from trellis.scheduling import selectors
from trellis.scheduling.models import BookingStatus, GroupSession, Publication

RUNS = reverse("scheduling:runs")
WEEK = reverse("scheduling:week")


def _session_on(cast, week, day: datetime.date, **extra):
    return f.GroupSessionFactory(
        site=cast.site_a, room=week.group_room, date=day, facilitators=[cast.alice], **extra
    )


def test_a_site_whose_bookings_stop_within_two_weeks_is_named(cast, week):
    today = timezone.localdate()
    _session_on(cast, week, today + datetime.timedelta(days=10))
    f.AppointmentFactory(
        episode=cast.erin_episode,
        clinician=cast.alice,
        site=cast.site_a,
        date=today + datetime.timedelta(days=12),
    )
    # A cancelled booking later on does not carry the schedule.
    _session_on(cast, week, today + datetime.timedelta(days=40), status=BookingStatus.CANCELLED)
    assert selectors.schedules_ending([cast.site_a, cast.site_b], today) == [
        (cast.site_a, today + datetime.timedelta(days=12))
    ]


def test_a_site_booked_further_ahead_or_never_published_is_not(cast, week):
    today = timezone.localdate()
    _session_on(cast, week, today + datetime.timedelta(days=3))
    _session_on(cast, week, today + datetime.timedelta(days=30))
    assert selectors.schedules_ending([cast.site_a, cast.site_b], today) == []


def test_the_runs_page_and_the_week_warn_coordinators(cast, week, login):
    today = timezone.localdate()
    last = today + datetime.timedelta(days=5)
    _session_on(cast, week, last)
    client = login(cast.charlie)
    for url in (RUNS, WEEK):
        page = client.get(url).content.decode()
        assert f"The published schedule of {cast.site_a.name} ends on" in page
        assert "Publish a run of a later week to continue it" in page
    # A schedule that already ran out says so.
    GroupSession.objects.update(date=today - datetime.timedelta(days=2))
    page = client.get(RUNS).content.decode()
    assert f"The published schedule of {cast.site_a.name} ended on" in page
    # Clinicians see the week but are not the ones to publish.
    assert "The published schedule" not in login(cast.alice).get(WEEK).content.decode()


def _published(codes: list[str], start: datetime.date, weeks: int) -> Publication:
    return Publication.objects.create(week_start=start, weeks=weeks, sites=codes, source="run")


def test_a_publications_end_is_the_schedules_not_a_booking_made_by_hand_far_ahead(cast, week):
    today = timezone.localdate()
    monday = today - datetime.timedelta(days=today.weekday())
    _published(["north"], monday, 2)  # to the Sunday of next week
    _session_on(cast, week, today + datetime.timedelta(days=3))
    # A one-off booked by hand two months ahead does not carry the repeating week.
    _session_on(cast, week, today + datetime.timedelta(days=60))
    end = monday + datetime.timedelta(days=13)
    assert selectors.schedules_ending([cast.site_a, cast.site_b], today) == [(cast.site_a, end)]
    assert selectors.published_until([cast.site_a]) == end
    # An older publication of more weeks still holds the weeks a shorter, newer one left.
    _published(["north", "south"], monday - datetime.timedelta(weeks=1), 8)
    assert selectors.schedules_ending([cast.site_a, cast.site_b], today) == []
    assert selectors.schedule_ends([cast.site_a, cast.site_b]) == {
        cast.site_a.pk: monday + datetime.timedelta(weeks=7, days=-1),
        cast.site_b.pk: monday + datetime.timedelta(weeks=7, days=-1),
    }


def test_the_warning_names_the_publications_last_day(cast, week, login):
    today = timezone.localdate()
    monday = today - datetime.timedelta(days=today.weekday())
    _published(["north"], monday, 1)
    _session_on(cast, week, today + datetime.timedelta(days=40))
    page = login(cast.charlie).get(RUNS).content.decode()
    end = monday + datetime.timedelta(days=6)
    assert (
        f"The published schedule of {cast.site_a.name} ends on {date_format(end, 'l j F Y')}"
        in page
    )
    assert "no later week is published" in page
