"""My schedule: the signed-in patient's own published week, nobody else's, audited."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from trellis.accounts.models import Role
from trellis.audit.models import AuditAction, AuditEvent
from trellis.core.tests import factories as f

PORTAL_GETS = ("portal:schedule", "portal:availability", "portal:feed")


def schedule_url(day: datetime.date) -> str:
    return f"{reverse('portal:schedule')}?week={day:%Y-%m-%d}"


def test_a_patient_sees_their_own_bookings_of_the_week(cast, portal_week, login):
    page = login(cast.erin).get(schedule_url(portal_week.monday)).content.decode()
    assert "Relapse prevention" in page
    assert "Alice Archer" in page
    assert "Group A" in page
    assert "Individual session" in page
    assert "Gus Grant" in page
    assert "Office 1" in page
    assert "17:00–18:30" in page
    assert "16:00–17:00" in page
    assert "CBT skills" not in page  # olive's group without erin
    assert "17:00–18:00" not in page  # olive's appointment
    assert 'Family session <span class="badge">cancelled</span>' in page  # erin's, marked
    assert "Mindfulness" not in page  # the next week's
    assert "Olive" not in page
    assert "Stone" not in page
    assert "Bob Baker" not in page
    assert "Southside" not in page


def test_the_week_can_be_changed_with_previous_and_next(cast, portal_week, login):
    client = login(cast.erin)
    page = client.get(schedule_url(portal_week.monday + datetime.timedelta(days=3)))
    next_monday = portal_week.monday + datetime.timedelta(weeks=1)
    previous_monday = portal_week.monday - datetime.timedelta(weeks=1)
    assert f"?week={next_monday:%Y-%m-%d}" in page.content.decode()
    assert f"?week={previous_monday:%Y-%m-%d}" in page.content.decode()
    later = client.get(schedule_url(next_monday)).content.decode()
    assert "Mindfulness and yoga" in later
    assert "Relapse prevention" not in later
    empty = client.get(schedule_url(previous_monday)).content.decode()
    assert "Nothing is booked for you this week." in empty
    # A week that is not a date shows this week.
    assert (
        "Relapse prevention"
        in client.get(reverse("portal:schedule") + "?week=soon").content.decode()
    )


@pytest.mark.parametrize("week", ["9999-12-31", "0001-01-01"])
def test_a_week_at_the_ends_of_the_calendar_shows_the_nearest_week_in_range(
    cast, portal_week, login, week
):
    response = login(cast.erin).get(reverse("portal:schedule"), {"week": week})
    assert response.status_code == 200
    assert "Schedules go from the week of" in response.content.decode()


def test_times_are_the_sites_wall_clock_with_its_zone(cast, portal_week, login):
    cast.site_a.timezone = "America/Los_Angeles"
    cast.site_a.save()
    zone = zoneinfo.ZoneInfo("America/Los_Angeles")
    abbreviation = datetime.datetime.combine(
        portal_week.monday, datetime.time(17), tzinfo=zone
    ).tzname()
    page = login(cast.erin).get(schedule_url(portal_week.monday)).content.decode()
    assert f"17:00–18:30 {abbreviation}" in page
    assert f"Times are local to the site: Northside ({abbreviation})" in page
    assert "America/Los_Angeles" not in page  # a patient is not shown the zone's code


def test_reading_the_schedule_is_audited(cast, portal_week, login):
    client = login(cast.erin)
    client.get(schedule_url(portal_week.monday))
    client.get(schedule_url(portal_week.monday))
    events = AuditEvent.objects.filter(action=AuditAction.VIEW, actor=cast.erin)
    assert events.count() == 2
    event = events.first()
    assert event is not None
    assert event.patient == cast.erin_record
    assert f"{portal_week.monday:%Y-%m-%d}" in event.summary


@pytest.mark.parametrize("who", ["alice", "bob", "charlie", "dana", "ivy", "adam"])
def test_staff_get_404_from_every_portal_page(cast, portal_week, login, who):
    client = login(cast.user(who))
    for name in PORTAL_GETS:
        assert client.get(reverse(name)).status_code == 404, name
    assert client.post(reverse("portal:feed_new")).status_code == 404
    assert not AuditEvent.objects.filter(actor=cast.user(who), patient__isnull=False).exists()


def test_family_members_are_told_the_portal_schedule_is_the_patients(cast, portal_week, login):
    client = login(cast.frank)
    for name in PORTAL_GETS:
        response = client.get(reverse(name))
        assert response.status_code == 403, name
        assert "Not available to family members" in response.content.decode()
        assert "Relapse prevention" not in response.content.decode()
    assert client.post(reverse("portal:feed_new")).status_code == 403
    assert not cast.erin_record.calendar_feeds.exists()
    assert not AuditEvent.objects.filter(actor=cast.frank, patient__isnull=False).exists()


def test_a_patient_user_without_a_record_gets_404(cast, login):
    stranger = f.UserFactory(username="sam", role=Role.PATIENT)
    client = login(stranger)
    for name in PORTAL_GETS:
        assert client.get(reverse(name)).status_code == 404, name


def test_another_patients_user_sees_only_their_own_week(cast, portal_week, login):
    olive_user = f.UserFactory(
        username="olive", first_name="Olive", last_name="Stone", role=Role.PATIENT
    )
    cast.olive.user = olive_user
    cast.olive.save()
    page = login(olive_user).get(schedule_url(portal_week.monday)).content.decode()
    assert "CBT skills" in page
    assert "17:00–18:00" in page
    assert "16:00–17:00" not in page  # erin's appointment
    assert "Erin" not in page


def test_the_portal_links_are_shown_to_patients_only(cast, login):
    home = login(cast.erin).get(reverse("home")).content.decode()
    assert reverse("portal:schedule") in home
    assert reverse("portal:availability") in home
    assert reverse("portal:feed") in home
    for who in ("frank", "alice"):
        assert (
            reverse("portal:schedule")
            not in login(cast.user(who)).get(reverse("home")).content.decode()
        )


def _count(client, url: str) -> int:
    client.get(url)  # warm caches (session, content types, translations)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_the_schedule_page_does_not_grow_with_the_bookings(cast, portal_week, login):
    client = login(cast.erin)
    url = schedule_url(portal_week.monday)
    few = _count(client, url)
    for day in range(7):
        date = portal_week.monday + datetime.timedelta(days=day)
        for hour in (9, 12):
            s = f.GroupSessionFactory(
                site=cast.site_a,
                room=portal_week.group_room,
                date=date,
                start=datetime.time(hour),
                end=datetime.time(hour + 1, 30),
                facilitators=[cast.alice, portal_week.gus],
            )
            f.GroupSessionPatientFactory(session=s, episode=cast.erin_episode)
        f.AppointmentFactory(
            episode=cast.erin_episode,
            clinician=portal_week.gus,
            room=portal_week.office,
            date=date,
            start=datetime.time(15),
            end=datetime.time(16),
        )
    many = _count(client, url)
    assert many == few
    assert few <= 11, few  # one for the changes of the last 30 days


def test_the_portal_address_opens_the_patients_schedule(cast, portal_week, login):
    response = login(cast.erin).get("/portal/", follow=True)
    assert response.redirect_chain == [(reverse("portal:schedule"), 302)]
    assert response.status_code == 200


def test_on_a_phone_each_booking_reads_as_labelled_lines(cast, portal_week, login):
    # Below 640 px a `responsive` table shows each cell on its own line with its label.
    client = login(cast.erin)
    for url in (schedule_url(portal_week.monday), reverse("home")):
        page = client.get(url).content.decode()
        assert '<table class="responsive">' in page
        assert 'data-label="What">' in page
    # The top bar names the patient's home page as its heading does.
    assert ">My care</a>" in page


def test_the_top_bar_marks_my_schedule_only_on_my_schedule(cast, portal_week, login):
    client = login(cast.erin)
    schedule = client.get(schedule_url(portal_week.monday)).content.decode()
    assert 'aria-current="page">My schedule</a>' in schedule
    availability = client.get(reverse("portal:availability")).content.decode()
    assert 'aria-current="page">My schedule</a>' not in availability
