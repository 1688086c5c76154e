"""Coming up: the patient's next bookings on the portal's home page, their own only, audited."""

from __future__ import annotations

import datetime
import zoneinfo

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from trellis.audit.models import AuditAction, AuditEvent
from trellis.portal import selectors
from trellis.scheduling.models import Appointment, BookingStatus


def _at(cast, day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    zone = zoneinfo.ZoneInfo(cast.site_a.timezone)
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=zone)


def _titles(bookings) -> list[tuple[str, str]]:
    return [(f"{b.starts:%a %H:%M}", b.title) for b in bookings]


def test_the_next_three_bookings_in_order_others_left_out(cast, portal_week):
    now = _at(cast, portal_week.monday, 12)
    found = selectors.my_next(cast.erin, now=now)
    assert _titles(found) == [
        ("Mon 17:00", "Relapse prevention"),
        ("Wed 16:00", "Individual session"),
        ("Wed 19:00", "Family session"),  # cancelled: shown, not counted
        ("Mon 18:00", "Mindfulness and yoga"),  # next week's
    ]
    assert [b.cancelled for b in found] == [False, False, True, False]


def test_a_cancelled_booking_after_the_last_one_shown_is_left_out(cast, portal_week):
    now = _at(cast, portal_week.monday, 12)
    assert _titles(selectors.my_next(cast.erin, now=now, limit=2)) == [
        ("Mon 17:00", "Relapse prevention"),
        ("Wed 16:00", "Individual session"),
    ]


def test_a_booking_under_way_is_still_shown_one_that_ended_is_not(cast, portal_week):
    during = _at(cast, portal_week.monday, 18, 29)
    assert _titles(selectors.my_next(cast.erin, now=during, limit=1)) == [
        ("Mon 17:00", "Relapse prevention")
    ]
    after = _at(cast, portal_week.monday, 18, 30)
    assert _titles(selectors.my_next(cast.erin, now=after, limit=1)) == [
        ("Wed 16:00", "Individual session")
    ]


def test_nothing_beyond_two_weeks(cast, portal_week):
    later = _at(cast, portal_week.monday + datetime.timedelta(weeks=3), 9)
    assert selectors.my_next(cast.erin, now=later) == []


def test_the_home_page_lists_them_and_audits_the_read(cast, portal_week, login, monkeypatch):
    now = _at(cast, portal_week.monday, 12)
    Appointment.objects.filter(status=BookingStatus.CANCELLED).update(cancel_reason="Staff only")
    monkeypatch.setattr("django.utils.timezone.now", lambda: now)
    client = login(cast.erin)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("home")).content.decode()
    assert "Coming up" in page
    assert "Relapse prevention" in page
    assert "Alice Archer" in page
    assert "Group A" in page
    assert "Individual session" in page
    assert "Olive" not in page
    assert "CBT skills" not in page  # olive's group
    assert 'Family session <span class="badge">cancelled</span>' in page  # erin's
    assert "Staff only" not in page  # the reason is the staff's note
    assert len(queries) <= 16, len(queries)  # none per booking; one for unread notices
    assert AuditEvent.objects.filter(
        actor=cast.erin,
        action=AuditAction.VIEW,
        patient=cast.erin_record,
        summary="Own next bookings on the portal's home page",
    ).exists()


def test_the_home_page_says_when_nothing_is_booked(cast, login):
    page = login(cast.erin).get(reverse("home")).content.decode()
    assert "Nothing is booked for you in the next two weeks." in page


def test_family_members_see_no_bookings(cast, portal_week, login):
    page = login(cast.frank).get(reverse("home")).content.decode()
    assert "Coming up" not in page
    assert "Relapse prevention" not in page
