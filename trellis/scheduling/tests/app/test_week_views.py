"""The week views: every choice of the "Show" switch renders, sessions show their size, the week
is kept to a sane range, the switch names people by name, and each week says what it holds."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from trellis.core.tests import factories as f
from trellis.patients.models import EpisodeOfCare, EpisodeStatus
from trellis.scheduling import services, weeks
from trellis.scheduling.instance_builder import monday_of
from trellis.scheduling.models import ScheduleRun
from trellis.scheduling.tests.app.pages import (
    CLINICIANS,
    PATIENTS,
    WEEK,
    messages_of,
    options,
)

pytestmark = pytest.mark.django_db


# --- 1. the "Show" switch never fails ------------------------------------------------------------
@pytest.mark.parametrize(
    "query",
    [
        "view=room&key=north",
        "view=track&key=north",
        "view=clinician&key=north",
        "view=patient&key=north",
        "view=room&key=00000000-0000-0000-0000-000000000000",
        "view=track&key=%00",
        "view=patient",
        "view=patient&key=",
        "view=",
        "view=nonsense",
        "view=nonsense&key=north",
        "view=site&key=nowhere",
        "view=site&key=south",
        "view=clinician&from=site&key=north",
        "key=north&from=room",
    ],
)
@pytest.mark.parametrize("who", ["charlie", "alice"])
def test_every_choice_of_the_show_switch_renders(cast, week, booked, login, query, who) -> None:
    response = login(cast.user(who)).get(f"{WEEK}?{query}&week={week.monday}")
    assert response.status_code == 200, query


def test_switching_the_view_shows_its_first_choice_without_a_warning(cast, week, booked, login):
    # The switch sends the site's code along with the newly chosen view.
    response = login(cast.charlie).get(f"{WEEK}?view=room&from=site&key=north&week={week.monday}")
    assert response.context["grid"].title == str(week.group_room)
    assert messages_of(response) == []


def test_a_key_from_another_view_says_so_and_shows_the_first_choice(cast, week, booked, login):
    response = login(cast.charlie).get(f"{WEEK}?view=room&key=north&week={week.monday}")
    assert response.status_code == 200
    assert messages_of(response) == [
        f"That room is not at one of your sites. Showing {week.group_room} instead."
    ]
    assert b"Relapse prevention" in response.content


def test_another_sites_key_is_not_shown(cast, week, booked, login):
    response = login(cast.charlie).get(f"{WEEK}?view=site&key=south&week={week.monday}")
    assert response.context["grid"].title == cast.site_a.name
    assert messages_of(response) == [
        "That site is not one of your sites. Showing Northside instead."
    ]


def test_an_unknown_patient_shows_no_other_patients_week(cast, week, booked, login):
    response = login(cast.charlie).get(
        f"{WEEK}?view=patient&key={cast.bea.public_id}&week={week.monday}"
    )
    assert response.status_code == 200
    assert response.context["grid"] is None
    assert messages_of(response) == ["That patient is not one whose week you can see."]
    assert cast.bea.display_name.encode() not in response.content
    assert b"Relapse prevention" not in response.content  # no one else's week either


def test_an_unknown_view_shows_a_site(cast, week, booked, login):
    response = login(cast.charlie).get(f"{WEEK}?view=nonsense&key=x&week={week.monday}")
    assert response.context["view"] == "site"
    assert response.context["grid"].title == cast.site_a.name
    assert messages_of(response) == ["There is no such view; showing a site."]


# --- 2. group sessions show their size and a group below its minimum ----------------------------
def _session_card(response) -> str:
    body = response.content.decode()
    card = body[body.index("Relapse prevention") :]
    return card[: card.index("</div>")]


@pytest.mark.parametrize("view", ["site", "room", "clinician", "track", "patient"])
def test_a_session_shows_booked_patients_against_its_maximum_in_every_view(
    cast, week, booked, login, view
) -> None:
    key = {
        "site": cast.site_a.code,
        "room": week.group_room.public_id,
        "clinician": cast.alice.public_id,
        "track": cast.track_a.public_id,
        "patient": cast.olive.public_id,
    }[view]
    response = login(cast.charlie).get(f"{WEEK}?view={view}&key={key}&week={week.monday}")
    card = _session_card(response)
    assert "4 / 10 patients" in card  # Group A seats 10 of the group's 12
    assert "below" not in card


def test_a_session_below_the_groups_minimum_is_flagged(cast, week, booked, login) -> None:
    assert booked.group_type.min_size == 4  # Relapse prevention: 4 to 12
    booked.members.filter(patient=cast.erin_record).delete()
    response = login(cast.charlie).get(
        f"{WEEK}?view=patient&key={cast.olive.public_id}&week={week.monday}"
    )
    card = _session_card(response)
    assert "3 / 10 patients" in card
    assert "Below the minimum of 4" in card


# --- 3. the week stays in range -------------------------------------------------------------------
def _this_monday() -> datetime.date:
    return monday_of(timezone.localdate())


@pytest.mark.parametrize("name", ["scheduling:week", "scheduling:unmet"])
@pytest.mark.parametrize(
    ("asked", "shown_weeks"),
    [("9999-12-31", weeks.WEEKS_AHEAD), ("0001-01-01", -weeks.WEEKS_BACK), ("2300-06-15", 104)],
)
def test_a_week_out_of_range_shows_the_nearest_week_in_range_and_says_so(
    cast, week, login, name, asked, shown_weeks
) -> None:
    response = login(cast.charlie).get(f"{reverse(name)}?week={asked}")
    assert response.status_code == 200
    shown = _this_monday() + datetime.timedelta(weeks=shown_weeks)
    assert response.context["week_start"] == shown
    [message] = messages_of(response)
    assert message.startswith("Schedules go from the week of ")
    assert message.endswith(f"showing the week of {date_format(shown)}.")


@pytest.mark.parametrize("name", ["scheduling:week", "scheduling:unmet"])
def test_the_last_week_in_range_has_no_next_week_link(cast, week, login, name) -> None:
    last = _this_monday() + datetime.timedelta(weeks=weeks.WEEKS_AHEAD)
    response = login(cast.charlie).get(f"{reverse(name)}?week={last + datetime.timedelta(days=6)}")
    assert response.context["week_start"] == last
    assert messages_of(response) == []
    assert b"Next week" not in response.content
    assert b"Previous week" in response.content


@pytest.mark.parametrize("asked", ["2026-02-30", "yesterday", "2027-1-4"])
def test_a_week_that_is_not_a_date_shows_this_week_and_says_so(cast, week, login, asked) -> None:
    response = login(cast.charlie).get(f"{WEEK}?week={asked}")
    assert response.status_code == 200
    assert response.context["week_start"] == _this_monday()
    assert messages_of(response) == ["The week must be a date, like 2027-01-04; showing this week."]


def test_a_run_for_a_week_out_of_range_is_refused_with_a_named_error(cast, week) -> None:
    too_far = _this_monday() + datetime.timedelta(weeks=weeks.WEEKS_AHEAD + 1)
    with pytest.raises(weeks.WeekOutOfRange, match="out of range: schedules go from the week"):
        services.run_create(
            actor=cast.charlie, sites=[cast.site_a], week_start=too_far, time_limit=1
        )
    too_old = _this_monday() - datetime.timedelta(weeks=weeks.WEEKS_BACK + 1)
    with pytest.raises(weeks.WeekOutOfRange):
        services.run_create(
            actor=cast.charlie, sites=[cast.site_a], week_start=too_old, time_limit=1
        )
    assert not ScheduleRun.objects.exists()
    last = _this_monday() + datetime.timedelta(weeks=weeks.WEEKS_AHEAD)
    services.run_create(actor=cast.charlie, sites=[cast.site_a], week_start=last, time_limit=1)


def test_the_run_form_says_the_week_is_out_of_range_next_to_it(cast, week, login) -> None:
    response = login(cast.charlie).post(
        reverse("scheduling:runs"),
        {"sites": [cast.site_a.pk], "week": "9999-12-31", "time_limit": 5},
    )
    assert response.status_code == 200
    [error] = response.context["form"].errors["week"]
    assert "out of range" in error
    assert response.context["form"]["week"].value() == "9999-12-31"
    assert not ScheduleRun.objects.exists()


# --- 4. the view switch names people, sorted by name -------------------------------------------
def test_the_view_switch_names_clinicians_and_patients_by_name(
    cast, week, more_people, login
) -> None:
    client = login(cast.charlie)
    assert options(client.get(f"{WEEK}?view=clinician"), "key") == CLINICIANS
    page = client.get(f"{WEEK}?view=patient")
    assert options(page, "key") == PATIENTS
    assert "Choose a patient" in page.content.decode()
    page = client.get(f"{WEEK}?view=patient&key={cast.olive.public_id}&week={week.monday}")
    assert page.context["grid"].title == "Olive Stone"
    assert "selected>Olive Stone</option>" in page.content.decode()


# --- 5. the week's time, titles, links and notes -------------------------------------------------
def test_the_week_page_totals_the_booked_time(cast, week, booked, appointment, login) -> None:
    response = login(cast.charlie).get(
        f"{WEEK}?view=patient&key={cast.erin_record.public_id}&week={week.monday}"
    )
    assert response.context["grid"].total_minutes == 150
    assert "· 2 h 30 min booked" in response.content.decode()


def test_a_user_of_several_sites_sees_each_track_and_patient_with_its_site(
    cast, week, login
) -> None:
    for name, listed in (("adam", True), ("charlie", False)):
        client = login(cast.user(name))
        tracks = options(client.get(f"{WEEK}?view=track"), "key")
        patients = options(client.get(f"{WEEK}?view=patient"), "key")
        if listed:  # the administrator sees both sites
            assert f"{cast.track_a.name} (Northside)" in tracks
            assert "South adult MH day (Southside)" in tracks
            assert "Bea Lowe (Southside)" in patients
            assert "Erin Marsh (Northside)" in patients
        else:  # a director of one site: names alone
            assert cast.track_a.name in tracks
            assert "Erin Marsh" in patients


def test_a_clinician_opens_the_schedule_on_their_own_week(cast, week, booked, login) -> None:
    clinician = login(cast.alice).get(WEEK)
    assert (clinician.context["view"], clinician.context["key"]) == (
        "clinician",
        str(cast.alice.public_id),
    )
    # A coordinator still opens on a site; the clinician's home page links to their week.
    assert login(cast.charlie).get(WEEK).context["view"] == "site"
    home = login(cast.alice).get(reverse("home")).content.decode()
    assert f'href="{WEEK}?view=clinician">My week</a>' in home


def test_a_tracks_week_names_its_site(cast, week, booked, login) -> None:
    page = login(cast.charlie).get(f"{WEEK}?view=track&key={cast.track_a.public_id}")
    assert page.context["grid"].title == f"{cast.track_a.name} (Northside)"


def test_a_patients_week_links_their_availability_and_lists_them_in_the_switch(
    cast, week, booked, login
) -> None:
    client = login(cast.alice)
    url = f"{WEEK}?view=patient&key={cast.erin_record.public_id}&week={week.monday}"
    body = client.get(url).content.decode()
    availability = reverse("scheduling:patient", args=[cast.erin_record.public_id])
    assert f'href="{availability}">Erin Marsh\'s availability</a>' in body

    # Erin is referred again, no longer in treatment: her week still names her in the switch.
    EpisodeOfCare.objects.filter(patient=cast.erin_record).update(status=EpisodeStatus.REFERRED)
    page = client.get(url)
    assert page.context["grid"].title == "Erin Marsh"
    assert options(page, "key")[0] == "Erin Marsh"


def test_a_week_after_the_published_schedule_says_nothing_is_published_yet(
    cast, week, booked, login
) -> None:
    client = login(cast.charlie)
    later = week.monday + datetime.timedelta(weeks=5)
    body = client.get(f"{WEEK}?view=site&key=north&week={later}").content.decode()
    last = date_format(booked.date, "j F Y")
    assert f"Nothing is published for this week yet: the published schedule ends on {last}." in body
    assert f'week={monday_of(timezone.localdate())}">This week</a>' in body
    # A week with bookings says neither.
    booked_week = client.get(f"{WEEK}?view=site&key=north&week={week.monday}").content.decode()
    assert "Nothing is" not in booked_week


def test_the_published_schedule_ends_with_its_last_appointment_too(
    cast, week, booked, appointment, login
) -> None:
    # The appointments' query had been given an iterator the sessions' query had spent.
    appointment.date = booked.date + datetime.timedelta(weeks=1)
    appointment.save()
    later = week.monday + datetime.timedelta(weeks=5)
    body = login(cast.charlie).get(f"{WEEK}?view=site&key=north&week={later}").content.decode()
    last = date_format(appointment.date, "j F Y")
    assert f"the published schedule ends on {last}." in body


def _south_booked_further(cast, booked) -> None:
    """Southside booked ten weeks after Northside's last session."""
    f.GroupSessionFactory(
        site=cast.site_b,
        date=booked.date + datetime.timedelta(weeks=10),
        start=datetime.time(9),
        end=datetime.time(10, 30),
    )


def test_a_sites_empty_week_reads_its_own_published_end_not_another_sites(
    cast, week, booked, login
) -> None:
    # Southside is published further ahead; Northside's week after its end is still "not
    # published yet", for a user of both sites.
    _south_booked_further(cast, booked)
    later = week.monday + datetime.timedelta(weeks=5)
    body = login(cast.adam).get(f"{WEEK}?view=site&key=north&week={later}").content.decode()
    last = date_format(booked.date, "j F Y")
    assert f"the published schedule ends on {last}." in body


def test_a_clinicians_or_patients_empty_week_reads_their_own_sites_published_end(
    cast, week, booked, login
) -> None:
    # Southside (Bob's, Bea's) is published further ahead than Northside (Alice's, Erin's);
    # the administrator, a user of both, sees each person's week end with their own site's.
    _south_booked_further(cast, booked)
    later = week.monday + datetime.timedelta(weeks=5)
    client = login(cast.adam)
    last = date_format(booked.date, "j F Y")
    for view, key in (("clinician", cast.alice.public_id), ("patient", cast.erin_record.public_id)):
        body = client.get(f"{WEEK}?view={view}&key={key}&week={later}").content.decode()
        assert f"the published schedule ends on {last}." in body, view
    body = client.get(f"{WEEK}?view=clinician&key={cast.bob.public_id}&week={later}").content
    assert "Nothing is booked here this week." in body.decode()


def test_the_status_line_says_to_choose_a_patient(cast, week, login) -> None:
    """Switched to Patient with none chosen, the status line (announced) says what to do."""
    page = login(cast.charlie).get(f"{WEEK}?view=patient&week={week.monday}").content.decode()
    assert (
        '<p id="view-shown" class="visually-hidden" role="status">'
        "Choose a patient to see their week.</p>" in page
    )
