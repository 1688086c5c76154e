"""A calendar link works while its owner is in care (a patient) or an active clinician, and a
fortnight after a patient's care ends, so their calendar receives the cancellations."""

from __future__ import annotations

import datetime
import logging

import pytest
from django.urls import reverse
from django.utils import timezone

from trellis.accounts.models import Role
from trellis.audit.models import AuditAction, AuditEvent
from trellis.core.tests import factories as f
from trellis.patients.models import EpisodeStatus
from trellis.scheduling import selectors, services
from trellis.scheduling.models import CalendarFeed

pytestmark = pytest.mark.django_db


def _status(client, token: str) -> int:
    return client.get(reverse("scheduling:ical", args=[token])).status_code


def _ended(episode, days_ago: int, status=EpisodeStatus.DISCHARGED) -> None:
    episode.status = status
    episode.discharged_on = timezone.localdate() - datetime.timedelta(days=days_ago)
    episode.save()


@pytest.mark.parametrize("status", [EpisodeStatus.DISCHARGED, EpisodeStatus.TRANSFERRED])
def test_a_patients_feed_serves_a_fortnight_after_care_ends_then_stops(
    cast, week, client, status
) -> None:
    _feed, token = services.feed_create(actor=cast.charlie, patient=cast.olive)
    assert _status(client, token) == 200
    days = selectors.FEED_AFTER_CARE.days
    _ended(cast.olive_episode, days, status)
    assert _status(client, token) == 200  # the cancellations still reach the calendar
    _ended(cast.olive_episode, days + 1, status)
    assert _status(client, token) == 404


def test_a_patients_feed_stops_when_their_portal_account_is_switched_off(
    cast, week, client
) -> None:
    _feed, token = services.feed_create(actor=cast.charlie, patient=cast.erin_record)
    assert _status(client, token) == 200
    cast.erin.is_active = False
    cast.erin.save()
    assert _status(client, token) == 404


def test_a_clinicians_feed_stops_when_they_are_no_longer_a_clinician(cast, week, client) -> None:
    _feed, token = services.feed_create(actor=cast.alice, user=cast.alice)
    assert _status(client, token) == 200
    cast.alice.role = Role.DIRECTOR
    cast.alice.save()
    assert _status(client, token) == 404
    cast.alice.role = Role.CLINICIAN
    cast.alice.is_active = False
    cast.alice.save()
    assert _status(client, token) == 404


def test_a_fetch_is_noted_to_the_hour_and_shown_to_the_owner(cast, week, client, login) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    feed, token = services.feed_create(actor=cast.charlie, patient=cast.erin_record)
    page = reverse("scheduling:patient", args=[cast.erin_record.public_id])
    assert "No calendar has fetched it yet." in login(cast.alice).get(page).content.decode()
    client.logout()
    assert _status(client, token) == 200
    feed.refresh_from_db()
    assert feed.last_used_at is not None
    assert feed.last_used_at.minute == feed.last_used_at.second == 0
    assert feed.last_used_at <= timezone.now()
    with CaptureQueriesContext(connection) as again:
        assert _status(client, token) == 200
    writes = [q for q in again.captured_queries if q["sql"].startswith("UPDATE")]
    assert len(writes) == 1  # the conditional update, which changes nothing within the hour
    first = feed.last_used_at
    feed.refresh_from_db()
    assert feed.last_used_at == first
    text = login(cast.alice).get(page).content.decode()
    assert "A calendar last fetched it in the hour from" in text


def test_a_feed_is_kept_by_nothing_on_the_way(cast, week, client) -> None:
    # A schedule behind a secret: no client or proxy may keep it past a revocation.
    _feed, token = services.feed_create(actor=cast.charlie, patient=cast.olive)
    response = client.get(reverse("scheduling:ical", args=[token]))
    assert response["Cache-Control"] == "no-store"
    assert response["Content-Type"] == "text/calendar; charset=utf-8"


def test_a_link_that_lapsed_after_care_does_not_come_back_with_the_next_admission(
    cast, week, client
) -> None:
    feed, token = services.feed_create(actor=cast.charlie, patient=cast.olive)
    days = selectors.FEED_AFTER_CARE.days
    CalendarFeed.objects.filter(pk=feed.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=days + 30)
    )
    _ended(cast.olive_episode, days + 1)
    assert _status(client, token) == 404
    assert not selectors.active_feeds(patient=cast.olive).exists()  # not "active" in the portal
    f.EpisodeFactory(
        patient=cast.olive,
        track=cast.track_a,
        status=EpisodeStatus.ACTIVE,
        referred_on=timezone.localdate(),
    )
    assert _status(client, token) == 404  # it served again here before
    # A link made since the care that ended works.
    _new, fresh = services.feed_create(actor=cast.charlie, patient=cast.olive)
    assert _status(client, fresh) == 200


def test_the_first_fetch_of_an_hour_is_audited_with_the_clients_address(cast, week, client) -> None:
    feed, token = services.feed_create(actor=cast.charlie, patient=cast.erin_record)
    fetched = AuditEvent.objects.filter(action=AuditAction.VIEW, object_id=str(feed.public_id))
    client.get(reverse("scheduling:ical", args=[token]), REMOTE_ADDR="203.0.113.9")
    client.get(reverse("scheduling:ical", args=[token]), REMOTE_ADDR="203.0.113.9")
    (event,) = fetched  # one an hour, not one a poll
    assert event.patient == cast.erin_record
    assert event.actor is None
    assert event.actor_label == "calendar link"
    assert event.ip == "203.0.113.9"
    # The same hour, from another address: that is audited at once (a leaked link).
    client.get(reverse("scheduling:ical", args=[token]), REMOTE_ADDR="198.51.100.7")
    client.get(reverse("scheduling:ical", args=[token]), REMOTE_ADDR="198.51.100.7")
    assert [e.ip for e in fetched.order_by("id")] == ["203.0.113.9", "198.51.100.7"]


def test_the_development_servers_access_log_masks_a_feeds_secret() -> None:
    logger = logging.getLogger("django.server")
    # Its own handler (pytest adds capturing ones beside it).
    (handler,) = [h for h in logger.handlers if isinstance(h, logging.StreamHandler)][:1]
    record = logger.makeRecord(
        "django.server",
        logging.INFO,
        __file__,
        1,
        '"%s" %s %s',
        ("GET /schedule/feed/SECRETTOKEN123.ics HTTP/1.1", "200", "890"),
        None,
    )
    assert handler.filter(record)
    assert "SECRETTOKEN123" not in handler.format(record)
    assert "/schedule/feed/[secret]" in handler.format(record)


def test_a_link_lives_on_through_a_readmission_within_the_fortnight(cast, week) -> None:
    feed, token = services.feed_create(actor=cast.charlie, patient=cast.olive)
    CalendarFeed.objects.filter(pk=feed.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=60)
    )
    today = timezone.localdate()
    _ended(cast.olive_episode, 40)
    f.EpisodeFactory(
        patient=cast.olive,
        track=cast.track_a,
        status=EpisodeStatus.ACTIVE,
        referred_on=today - datetime.timedelta(days=35),  # five days after the discharge
    )
    hashed = services.token_hash(token)
    assert selectors.feed_serving(hashed) is not None  # care went on: it never stopped
    assert selectors.active_feeds(patient=cast.olive).exists()
    # A discharge recorded with a date before the link was made stops it too, for good.
    CalendarFeed.objects.filter(pk=feed.pk).update(created_at=timezone.now())
    later = today + datetime.timedelta(days=30)
    cast.olive.episodes.exclude(pk=cast.olive_episode.pk).update(
        status=EpisodeStatus.DISCHARGED, discharged_on=today - datetime.timedelta(days=3)
    )
    assert selectors.feed_serving(hashed, today=later) is None
    f.EpisodeFactory(
        patient=cast.olive, track=cast.track_a, status=EpisodeStatus.ACTIVE, referred_on=later
    )
    assert selectors.feed_serving(hashed, today=later) is None
