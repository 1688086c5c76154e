"""The week views: every choice of the "Show" switch renders, sessions show their size, the week
is kept to a sane range, names in dropdowns, no bookings in the past, hours in words."""

from __future__ import annotations

import datetime
import html
import re

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import urlencode

from trellis.accounts.models import Role
from trellis.core.durations import hours_minutes
from trellis.core.tests import factories as f
from trellis.patients.models import EpisodeOfCare, EpisodeStatus, Patient
from trellis.scheduling import services, weeks
from trellis.scheduling.instance_builder import monday_of
from trellis.scheduling.models import Appointment, PatientAvailability, ScheduleRun
from trellis.scheduling.review import unmet_reasons

pytestmark = pytest.mark.django_db

WEEK = reverse("scheduling:week")


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


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
    assert _messages(response) == []


def test_a_key_from_another_view_says_so_and_shows_the_first_choice(cast, week, booked, login):
    response = login(cast.charlie).get(f"{WEEK}?view=room&key=north&week={week.monday}")
    assert response.status_code == 200
    assert _messages(response) == [
        f"That room is not at one of your sites. Showing {week.group_room} instead."
    ]
    assert b"Relapse prevention" in response.content


def test_another_sites_key_is_not_shown(cast, week, booked, login):
    response = login(cast.charlie).get(f"{WEEK}?view=site&key=south&week={week.monday}")
    assert response.context["grid"].title == cast.site_a.name
    assert _messages(response) == ["That site is not one of your sites. Showing Northside instead."]


def test_an_unknown_patient_shows_no_other_patients_week(cast, week, booked, login):
    response = login(cast.charlie).get(
        f"{WEEK}?view=patient&key={cast.bea.public_id}&week={week.monday}"
    )
    assert response.status_code == 200
    assert response.context["grid"] is None
    assert _messages(response) == ["That patient is not one whose week you can see."]
    assert cast.bea.display_name.encode() not in response.content
    assert b"Relapse prevention" not in response.content  # no one else's week either


def test_an_unknown_view_shows_a_site(cast, week, booked, login):
    response = login(cast.charlie).get(f"{WEEK}?view=nonsense&key=x&week={week.monday}")
    assert response.context["view"] == "site"
    assert response.context["grid"].title == cast.site_a.name
    assert _messages(response) == ["There is no such view; showing a site."]


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
    [message] = _messages(response)
    assert message.startswith("Schedules go from the week of ")
    assert message.endswith(f"showing the week of {date_format(shown)}.")


@pytest.mark.parametrize("name", ["scheduling:week", "scheduling:unmet"])
def test_the_last_week_in_range_has_no_next_week_link(cast, week, login, name) -> None:
    last = _this_monday() + datetime.timedelta(weeks=weeks.WEEKS_AHEAD)
    response = login(cast.charlie).get(f"{reverse(name)}?week={last + datetime.timedelta(days=6)}")
    assert response.context["week_start"] == last
    assert _messages(response) == []
    assert b"Next week" not in response.content
    assert b"Previous week" in response.content


@pytest.mark.parametrize("asked", ["2026-02-30", "yesterday", "2027-1-4"])
def test_a_week_that_is_not_a_date_shows_this_week_and_says_so(cast, week, login, asked) -> None:
    response = login(cast.charlie).get(f"{WEEK}?week={asked}")
    assert response.status_code == 200
    assert response.context["week_start"] == _this_monday()
    assert _messages(response) == ["The week must be a date, like 2027-01-04; showing this week."]


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


# --- 4. dropdowns name people, sorted by name -----------------------------------------------------
def _options(response, name: str) -> list[str]:
    body = response.content.decode()
    select = re.search(rf'<select [^>]*name="{name}"[^>]*>(.*?)</select>', body, re.S)
    assert select, name
    return [
        html.unescape(label)
        for value, label in re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select[1])
        if value
    ]


@pytest.fixture
def more_people(cast, week) -> None:
    """A clinician whose username is nothing like their name, and patients whose shown names
    sort differently from their last names."""
    f.UserFactory(
        username="zz-locum",
        first_name="Bella",
        last_name="Zorn",
        role=Role.CLINICIAN,
        sites=[cast.site_a],
    )
    patient = f.PatientFactory(
        site=cast.site_a, first_name="Aaron", preferred_name="Zack", last_name="Able"
    )
    f.EpisodeFactory(patient=patient, track=cast.track_a, status=EpisodeStatus.ACTIVE)


CLINICIANS = ["Alice Archer", "Bella Zorn", "Gus Grant"]
PATIENTS = ["Erin Marsh", "Olive Stone", "Pat0 Extra", "Pat1 Extra", "Zack Able"]


def test_the_move_page_names_facilitators_and_patients_by_name(
    cast, week, booked, more_people, login
) -> None:
    page = login(cast.charlie).get(reverse("scheduling:move", args=["session", booked.public_id]))
    assert _options(page, "facilitator") == CLINICIANS
    # Offered to add: patients in treatment at the site and not in the session already.
    assert _options(page, "patient") == ["Zack Able"]


def test_a_session_offers_only_patients_in_treatment_and_keeps_where_you_came_from(
    cast, week, booked, more_people, login
) -> None:
    booked.members.filter(patient=cast.olive).delete()
    client = login(cast.charlie)
    url = reverse("scheduling:move", args=["session", booked.public_id])
    assert _options(client.get(url), "patient") == ["Olive Stone", "Zack Able"]
    EpisodeOfCare.objects.filter(patient=cast.olive).update(status=EpisodeStatus.DISCHARGED)
    teens = f.TrackFactory(site=cast.site_a, name="Teens", population="adolescent")
    teen = f.PatientFactory(site=cast.site_a, first_name="Tia", last_name="Young")
    f.EpisodeFactory(patient=teen, track=teens, status=EpisodeStatus.ACTIVE)
    page = client.get(url)
    # Not Olive (discharged), nor Tia (relapse prevention serves adults).
    assert _options(page, "patient") == ["Zack Able"]
    booking = client.get(reverse("scheduling:appointment_new") + "?site=north")
    assert "Olive Stone" not in _options(booking, "patient")
    assert "<h1>Relapse prevention" in page.content.decode()

    zack = Patient.objects.get(first_name="Aaron")
    PatientAvailability.objects.create(
        patient=zack, weekday=0, start=datetime.time(16), end=datetime.time(21)
    )
    back = f"{WEEK}?view=site&key=north&week={week.monday}"
    added = client.post(
        reverse("scheduling:session_add_patient", args=[booked.public_id]),
        {"patient": zack.pk, "next": back},
        follow=True,
    )
    assert added.redirect_chain[-1][0] == f"{url}?{urlencode({'next': back})}"
    assert "Zack Able was added to the session." in _messages(added)
    assert booked.members.filter(patient=zack).exists()


def test_the_appointment_form_names_clinicians_and_patients_by_name(
    cast, week, more_people, login
) -> None:
    page = login(cast.charlie).get(reverse("scheduling:appointment_new") + "?site=north")
    assert _options(page, "clinician") == CLINICIANS
    assert _options(page, "patient") == PATIENTS


def test_the_view_switch_names_clinicians_and_patients_by_name(
    cast, week, more_people, login
) -> None:
    client = login(cast.charlie)
    assert _options(client.get(f"{WEEK}?view=clinician"), "key") == CLINICIANS
    page = client.get(f"{WEEK}?view=patient")
    assert _options(page, "key") == PATIENTS
    assert "Choose a patient" in page.content.decode()
    page = client.get(f"{WEEK}?view=patient&key={cast.olive.public_id}&week={week.monday}")
    assert page.context["grid"].title == "Olive Stone"
    assert "selected>Olive Stone</option>" in page.content.decode()


# --- 5. no bookings moved or added into the past -------------------------------------------------
def _yesterday(site) -> datetime.date:
    return weeks.site_today(site) - datetime.timedelta(days=1)


def test_moving_a_session_into_the_past_is_refused_in_plain_words(cast, week, booked, login):
    yesterday = _yesterday(cast.site_a)
    page = login(cast.charlie).post(
        reverse("scheduling:move", args=["session", booked.public_id]),
        {"date": str(yesterday), "start": "17:00", "room": week.group_room.pk},
    )
    assert page.status_code == 200
    assert f"{date_format(yesterday)} has passed; bookings can be moved or added from today" in (
        page.content.decode()
    )
    booked.refresh_from_db()
    assert booked.date == week.monday


def test_the_move_check_says_a_past_date_has_passed(cast, week, appointment, login):
    response = login(cast.charlie).post(
        reverse("scheduling:move", args=["appointment", appointment.public_id]),
        {
            "check": "1",
            "date": str(_yesterday(cast.site_a)),
            "start": "16:00",
            "room": week.office.pk,
        },
        HTTP_HX_REQUEST="true",
    )
    assert b"has passed" in response.content


def test_booking_an_appointment_in_the_past_is_refused(cast, week, login):
    page = login(cast.charlie).post(
        reverse("scheduling:appointment_new") + "?site=north",
        {
            "patient": cast.olive.pk,
            "kind": "individual",
            "clinician": week.gus.pk,
            "date": str(_yesterday(cast.site_a)),
            "start": "17:00",
            "minutes": 60,
            "room": week.office.pk,
        },
    )
    assert b"has passed" in page.content
    assert not Appointment.objects.exists()


def test_adding_a_patient_to_a_past_session_is_refused(cast, week, booked):
    booked.members.filter(patient=cast.olive).delete()
    booked.date = _yesterday(cast.site_a)
    booked.save()
    with pytest.raises(weeks.DateInPast, match="has passed"):
        services.session_add_patient(actor=cast.charlie, session=booked, patient=cast.olive)
    assert not booked.members.filter(patient=cast.olive).exists()


def test_today_is_the_sites_today(cast, week, appointment, monkeypatch) -> None:
    # 10:00 UTC on a Monday: already Tuesday on Kiritimati (UTC+14), still Monday elsewhere.
    monday = datetime.date(2030, 1, 7)
    instant = datetime.datetime(2030, 1, 7, 10, tzinfo=datetime.UTC)
    monkeypatch.setattr(timezone, "now", lambda: instant)
    site = cast.site_a
    site.timezone = "Pacific/Kiritimati"
    site.save()
    assert weeks.site_today(site) == monday + datetime.timedelta(days=1)
    with pytest.raises(weeks.DateInPast):
        services.appointment_move(
            actor=cast.charlie,
            appointment=appointment,
            date=monday,
            start=datetime.time(16),
            room=week.office,
            dry_run=True,
        )
    site.timezone = "Pacific/Pago_Pago"  # UTC-11: still Sunday
    assert weeks.site_today(site) == monday - datetime.timedelta(days=1)
    site.timezone = "Not/AZone"
    assert weeks.site_today(site) == timezone.localdate()


# --- 6. hours read "2 h 30 min" everywhere --------------------------------------------------------
@pytest.mark.parametrize(
    ("minutes", "shown"),
    [(0, "0 h"), (30, "30 min"), (60, "1 h"), (90, "1 h 30 min"), (540, "9 h"), (545, "9 h 5 min")],
)
def test_minutes_read_as_hours_and_minutes(minutes, shown) -> None:
    assert hours_minutes(minutes) == shown
    assert (
        Template("{% load trellis_tags %}{{ m|hours_minutes }}").render(Context({"m": minutes}))
        == shown
    )


def test_the_unmet_page_shows_a_half_hour(cast, week, booked, login) -> None:
    # Relapse prevention is 90 minutes: "1 h 30 min", not a rounded "2 h" or "1.5 h".
    url = reverse("scheduling:unmet") + f"?site={cast.site_a.code}&week={week.monday}"
    body = login(cast.charlie).get(url).content.decode()
    row = body[body.index(cast.olive.display_name) :]
    assert '"nowrap">1 h 30 min</span> / <span class="nowrap">9 h<' in row[: row.index("</tr>")]


def test_unmet_reasons_give_hours_and_minutes() -> None:
    instance = {
        "sites": [{"id": "s1", "hours": {"mon": [["08:00", "21:00"]]}}],
        "group_types": [],
        "clinicians": [],
        "patients": [
            {
                "id": "p1",
                "site": "s1",
                "population": "adult-sud",
                "availability": {"mon": [["17:00", "19:30"]]},
                "plan": {"min_minutes": 270, "min_days": 1, "min_day_minutes": 60},
            }
        ],
    }
    reasons = unmet_reasons(instance, {"sessions": [], "appointments": []})["p1"]
    assert "available 2 h 30 min a week; needs 4 h 30 min" in reasons


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
        tracks = _options(client.get(f"{WEEK}?view=track"), "key")
        patients = _options(client.get(f"{WEEK}?view=patient"), "key")
        if listed:  # the administrator sees both sites
            assert f"{cast.track_a.name} (Northside)" in tracks
            assert "South adult MH day (Southside)" in tracks
            assert "Bea Lowe (Southside)" in patients
            assert "Erin Marsh (Northside)" in patients
        else:  # a director of one site: names alone
            assert cast.track_a.name in tracks
            assert "Erin Marsh" in patients


@pytest.mark.parametrize(
    ("count", "said"), [(1, "0 of 1 session booked"), (2, "0 of 2 sessions booked")]
)
def test_unmet_reasons_count_sessions_in_plain_words(count, said) -> None:
    instance = {
        "sites": [{"id": "s1", "hours": {"mon": [["08:00", "21:00"]]}}],
        "group_types": [
            {
                "id": "rp",
                "name": "Relapse prevention",
                "minutes": 90,
                "requires": ["group"],
                "populations": ["adult-sud"],
            }
        ],
        "clinicians": [
            {
                "id": "c1",
                "site": "s1",
                "competencies": ["group"],
                "availability": {"mon": [["17:00", "21:00"]]},
            }
        ],
        "patients": [
            {
                "id": "p1",
                "site": "s1",
                "population": "adult-sud",
                "availability": {"mon": [["17:00", "21:00"]]},
                "plan": {"min_minutes": 90, "min_days": 1, "groups": {"rp": count}},
            }
        ],
    }
    reasons = unmet_reasons(instance, {"sessions": [], "appointments": []})["p1"]
    assert f"Relapse prevention: {said}" in reasons


def _evening_patient(**plan: int) -> dict:
    hours = {d: [["08:00", "21:00"]] for d in ("mon", "tue", "wed")}
    return {
        "sites": [{"id": "s1", "hours": hours}],
        "group_types": [],
        "clinicians": [],
        "patients": [
            {
                "id": "p1",
                "site": "s1",
                "population": "adult-sud",
                "availability": {d: [["17:00", "21:00"]] for d in ("mon", "tue", "wed")},
                "plan": plan,
            }
        ],
    }


def _appointment(day: str, minutes: int) -> dict:
    return {"patient": "p1", "kind": "individual", "day": day, "start": "17:00", "minutes": minutes}


def test_an_unmet_plan_short_only_of_days_says_days_not_hours() -> None:
    # 11 hours booked of 9 needed, but only two days long enough: the reason is the days.
    instance = _evening_patient(min_minutes=540, min_days=3, min_day_minutes=120)
    week = {
        "sessions": [],
        "appointments": [
            _appointment("mon", 240),
            _appointment("tue", 240),
            _appointment("wed", 60),
        ],
    }
    assert unmet_reasons(instance, week, check_rules=False)["p1"] == [
        "booked for at least 2 h on 2 days; needs 3 such days"
    ]


def test_an_unmet_plan_short_of_hours_says_hours() -> None:
    instance = _evening_patient(min_minutes=540, min_days=2, min_day_minutes=60)
    week = {"sessions": [], "appointments": [_appointment("mon", 120), _appointment("tue", 120)]}
    assert unmet_reasons(instance, week, check_rules=False)["p1"] == [
        "the groups that fit their hours are full or too small (4 h of 9 h booked)"
    ]


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


def test_booking_an_appointment_goes_to_its_week_and_says_what_was_booked(cast, week, login):
    client = login(cast.charlie)
    form = client.get(reverse("scheduling:appointment_new") + "?site=north").content.decode()
    assert reverse("scheduling:session_new") in form  # the schedule's tabs are there
    later = week.monday + datetime.timedelta(weeks=3)
    page = client.post(
        reverse("scheduling:appointment_new") + "?site=north",
        {
            "patient": cast.olive.pk,
            "kind": "individual",
            "clinician": week.gus.pk,
            "date": str(later),
            "start": "17:00",
            "minutes": 60,
            "room": week.office.pk,
        },
        follow=True,
    )
    booked = Appointment.objects.get(date=later)
    assert (
        page.redirect_chain[-1][0]
        == f"{WEEK}?view=site&key=north&week={later}#b-{booked.public_id}"
    )
    assert page.context["week_start"] == later
    day = date_format(later, "l j F")
    assert f"Booked: individual session of Olive Stone, {day} 17:00." in _messages(page)


def test_a_tracks_week_names_its_site(cast, week, booked, login) -> None:
    page = login(cast.charlie).get(f"{WEEK}?view=track&key={cast.track_a.public_id}")
    assert page.context["grid"].title == f"{cast.track_a.name} (Northside)"


def test_pinning_says_what_it_means_and_returns_to_the_card(cast, week, booked, login) -> None:
    client = login(cast.charlie)
    here = f"{WEEK}?view=site&key=north&week={week.monday}"
    page = client.get(here).content.decode()
    card = f"#b-{booked.public_id}"
    assert f'id="b-{booked.public_id}"' in page
    assert f'name="next" value="{html.escape(here)}{card}"' in page
    pin = reverse("scheduling:pin", args=["session", booked.public_id])
    response = client.post(pin, {"next": here + card})
    assert response["Location"] == here + card
    # Said in the card the page returns to, not at the top of a long week.
    page = client.get(here).content.decode()
    shown = page[page.index(f'id="b-{booked.public_id}"') :]
    assert 'role="status">Pinned: it stays as it is' in shown[: shown.index("</div>")]
    client.post(pin, {"next": here + card})
    assert "Unpinned: a run published" in client.get(here).content.decode()
    assert "Unpinned" not in client.get(here).content.decode()  # said once


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
    assert _options(page, "key")[0] == "Erin Marsh"


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
