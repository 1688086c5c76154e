"""My calendar feed: made by the patient, shown once, replaced or revoked; a dead link 404s."""

from __future__ import annotations

from django.urls import reverse

from trellis.audit.models import AuditAction, AuditEvent
from trellis.scheduling import services
from trellis.scheduling.models import Appointment, GroupSession


def make_link(client) -> str:
    response = client.post(reverse("portal:feed_new"))
    assert response.status_code == 302
    page = client.get(reverse("portal:feed"))
    assert page["Cache-Control"].startswith("max-age=0")
    content = page.content.decode()
    start = content.index("http://testserver/schedule/feed/")
    url = content[start : content.index("</code>", start)]
    # Beside it, a copy button and a subscription link, and what each event will show.
    assert 'data-copy="new-feed-url"' in content
    assert f'href="{url.replace("http://", "webcal://", 1)}"' in content
    assert "Groups appear only as “Group session”, never by topic" in content
    return url


def test_a_patient_makes_a_feed_of_their_own_schedule_shown_once(cast, portal_week, login):
    client = login(cast.erin)
    assert "You have no calendar link." in client.get(reverse("portal:feed")).content.decode()
    assert AuditEvent.objects.filter(
        action=AuditAction.VIEW, summary="Own calendar link page in the portal"
    ).exists()
    url = make_link(client)
    again = client.get(reverse("portal:feed")).content.decode()
    assert url not in again  # shown once only
    assert "is active" in again
    calendar = client.get(url)
    assert calendar.status_code == 200
    # Her group and her individual session, the group by no name of its type (42 CFR Part 2:
    # a calendar provider keeps the feed); not Olive's group.
    mine = GroupSession.objects.filter(members__patient=cast.erin_record).count()
    mine += Appointment.objects.filter(patient=cast.erin_record).count()
    assert calendar.content.count(b"BEGIN:VEVENT") == mine
    assert b"SUMMARY:Group session" in calendar.content
    assert b"Relapse prevention" not in calendar.content
    assert b"Individual session (Gus Grant)" in calendar.content
    assert b"CBT skills" not in calendar.content  # olive's group
    assert b"Olive" not in calendar.content
    event = AuditEvent.objects.get(actor=cast.erin, action=AuditAction.CREATE)
    assert event.patient == cast.erin_record


def test_a_new_link_replaces_the_old_one(cast, portal_week, login):
    client = login(cast.erin)
    first = make_link(client)
    second = make_link(client)
    assert first != second
    assert client.get(first).status_code == 404
    assert client.get(second).status_code == 200
    assert cast.erin_record.calendar_feeds.filter(revoked_at__isnull=True).count() == 1


def test_revoking_the_link_stops_it_at_once(cast, portal_week, login):
    client = login(cast.erin)
    url = make_link(client)
    feed = cast.erin_record.calendar_feeds.get(revoked_at__isnull=True)
    response = client.post(reverse("portal:feed_revoke", args=[feed.public_id]), follow=True)
    assert response.redirect_chain == [(reverse("portal:feed"), 302)]
    assert "The calendar link no longer works." in response.content.decode()
    assert "You have no calendar link." in response.content.decode()
    assert client.get(url).status_code == 404
    event = AuditEvent.objects.get(actor=cast.erin, action=AuditAction.REMOVE)
    assert event.patient == cast.erin_record


def test_a_patient_cannot_revoke_another_patients_link(cast, portal_week, login):
    olive_feed, token = services.feed_create(actor=cast.charlie, patient=cast.olive)
    client = login(cast.erin)
    response = client.post(reverse("portal:feed_revoke", args=[olive_feed.public_id]))
    assert response.status_code == 404
    olive_feed.refresh_from_db()
    assert olive_feed.revoked_at is None
    assert client.get(reverse("scheduling:ical", args=[token])).status_code == 200


def test_the_feed_pages_take_only_post_for_changes(cast, portal_week, login):
    client = login(cast.erin)
    assert client.get(reverse("portal:feed_new")).status_code == 405
    assert not cast.erin_record.calendar_feeds.exists()
