"""Coordinators are warned when a site's published schedule is about to run out."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone

from trellis.core.tests import factories as f
from trellis.scheduling import selectors
from trellis.scheduling.models import BookingStatus, GroupSession

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
