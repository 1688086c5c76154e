"""Bookings changed by hand: the move, session and booking pages name people and offer only those
who can be booked, nothing goes into the past, and each edit says what it did."""

from __future__ import annotations

import datetime
import html

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import urlencode

from trellis.core.tests import factories as f
from trellis.patients.models import EpisodeOfCare, EpisodeStatus, Patient
from trellis.scheduling import services, weeks
from trellis.scheduling.models import Appointment, PatientAvailability
from trellis.scheduling.tests.app.pages import (
    CLINICIANS,
    PATIENTS,
    WEEK,
    messages_of,
    options,
)

pytestmark = pytest.mark.django_db


# --- 1. dropdowns name people, sorted by name; only patients who can be added --------------------
def test_the_move_page_names_facilitators_and_patients_by_name(
    cast, week, booked, more_people, login
) -> None:
    page = login(cast.charlie).get(reverse("scheduling:move", args=["session", booked.public_id]))
    assert options(page, "facilitator") == CLINICIANS
    # Offered to add: patients in treatment at the site and not in the session already.
    assert options(page, "patient") == ["Zack Able"]


def test_only_patients_free_at_the_sessions_time_are_offered(
    cast, week, booked, more_people, login
) -> None:
    zack = Patient.objects.get(first_name="Aaron")
    zack.availability.filter(weekday=booked.date.weekday()).update(start=datetime.time(18))
    page = login(cast.charlie).get(reverse("scheduling:move", args=["session", booked.public_id]))
    assert options(page, "patient") == []  # the session starts at 17:00
    assert "whose availability covers the session" in page.content.decode()


def test_a_patient_whose_older_rows_split_the_sessions_time_is_offered(
    cast, week, booked, more_people, login
) -> None:
    """Rows saved before windows were joined (16:00-17:30 and 17:30-21:00) cover the
    17:00-18:30 session together, as the scheduler reads them."""
    zack = Patient.objects.get(first_name="Aaron")
    zack.availability.filter(weekday=booked.date.weekday()).update(end=datetime.time(17, 30))
    PatientAvailability.objects.create(
        patient=zack,
        weekday=booked.date.weekday(),
        start=datetime.time(17, 30),
        end=datetime.time(21),
    )
    page = login(cast.charlie).get(reverse("scheduling:move", args=["session", booked.public_id]))
    assert options(page, "patient") == ["Zack Able"]


def test_a_groups_move_offers_group_rooms_only(cast, week, booked, appointment, login) -> None:
    client = login(cast.charlie)
    group = client.get(reverse("scheduling:move", args=["session", booked.public_id]))
    assert options(group, "room") == ["Group A (Northside)"]
    individual = client.get(reverse("scheduling:move", args=["appointment", appointment.public_id]))
    assert options(individual, "room") == ["Group A (Northside)", "Office 1 (Northside)"]


def test_a_patient_booked_then_elsewhere_is_not_offered(
    cast, week, booked, more_people, login
) -> None:
    """Zack has an individual session at 18:00 that Monday: adding him to the 17:00 group
    would only be refused, so he is not offered."""
    zack = Patient.objects.get(first_name="Aaron")
    f.AppointmentFactory(
        episode=zack.episodes.get(),
        clinician=cast.alice,
        site=cast.site_a,
        room=week.office,
        date=booked.date,
        start=datetime.time(18),
        end=datetime.time(19),
    )
    page = login(cast.charlie).get(reverse("scheduling:move", args=["session", booked.public_id]))
    assert options(page, "patient") == []
    Appointment.objects.filter(patient=zack).update(status="cancelled")
    page = login(cast.charlie).get(reverse("scheduling:move", args=["session", booked.public_id]))
    assert options(page, "patient") == ["Zack Able"]


def test_a_refused_patient_stays_chosen(cast, week, booked, more_people, login) -> None:
    booked.group_type.max_size = 4  # the session has its four already
    booked.group_type.save()
    zack = Patient.objects.get(first_name="Aaron")
    client = login(cast.charlie)
    url = reverse("scheduling:session_add_patient", args=[booked.public_id])
    response = client.post(url, {"patient": zack.pk}, follow=True)
    assert messages_of(response) == [
        "Relapse prevention takes at most 4 patients; this session would have 5."
    ]
    assert f"add={zack.public_id}" in response.redirect_chain[-1][0]
    assert f'<option value="{zack.pk}" selected>Zack Able</option>' in response.content.decode()
    assert not booked.members.filter(patient=zack).exists()


def test_the_move_page_counts_patients_against_the_same_most_as_the_card(
    cast, week, booked, login
) -> None:
    # Group A seats 10 of the group's 12, as the week's card says (test_week_views).
    response = login(cast.charlie).get(
        reverse("scheduling:move", args=["session", booked.public_id])
    )
    assert "4 / 10 patients" in response.content.decode()


def test_a_session_offers_only_patients_in_treatment_and_keeps_where_you_came_from(
    cast, week, booked, more_people, login
) -> None:
    booked.members.filter(patient=cast.olive).delete()
    client = login(cast.charlie)
    url = reverse("scheduling:move", args=["session", booked.public_id])
    assert options(client.get(url), "patient") == ["Olive Stone", "Zack Able"]
    EpisodeOfCare.objects.filter(patient=cast.olive).update(status=EpisodeStatus.DISCHARGED)
    teens = f.TrackFactory(site=cast.site_a, name="Teens", population="adolescent")
    teen = f.PatientFactory(site=cast.site_a, first_name="Tia", last_name="Young")
    f.EpisodeFactory(patient=teen, track=teens, status=EpisodeStatus.ACTIVE)
    page = client.get(url)
    # Not Olive (discharged), nor Tia (relapse prevention serves adults).
    assert options(page, "patient") == ["Zack Able"]
    booking = client.get(reverse("scheduling:appointment_new") + "?site=north")
    assert "Olive Stone" not in options(booking, "patient")
    # On hold or admitted but not started: the optimizer does not book them, and neither
    # does a hand booking ("… is not in active treatment"), so the lists do not offer them.
    for status in (EpisodeStatus.ON_HOLD, EpisodeStatus.ADMITTED):
        EpisodeOfCare.objects.filter(patient=cast.olive).update(status=status)
        assert "Olive Stone" not in options(client.get(url), "patient")
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
    assert "Zack Able was added to the session." in messages_of(added)
    assert booked.members.filter(patient=zack).exists()


def test_the_appointment_form_names_clinicians_and_patients_by_name(
    cast, week, more_people, login
) -> None:
    page = login(cast.charlie).get(reverse("scheduling:appointment_new") + "?site=north")
    assert options(page, "clinician") == CLINICIANS
    assert options(page, "patient") == PATIENTS


# --- 2. no bookings moved or added into the past -------------------------------------------------
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
    # The appointment itself is ahead (Wednesday), so only the day it is moved to is judged.
    appointment.date = monday + datetime.timedelta(days=2)
    appointment.save()
    assert weeks.site_today(site) == monday + datetime.timedelta(days=1)
    with pytest.raises(
        weeks.DateInPast, match=r"7 Jan 2030 has passed; .* from today \(8 Jan 2030\)"
    ):
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


# --- 3. booking an appointment and pinning say what they did, where the coordinator looks --------
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
    assert f"Booked: individual session of Olive Stone, {day} 17:00." in messages_of(page)


def shown_card(page: str, booked) -> str:
    card = page[page.index(f'id="b-{booked.public_id}"') :]
    return card[: card.index("</div>")]


def test_pinning_says_what_it_means_and_returns_to_the_card(cast, week, booked, login) -> None:
    client = login(cast.charlie)
    here = f"{WEEK}?view=site&key=north&week={week.monday}"
    page = client.get(here).content.decode()
    card = f"#b-{booked.public_id}"
    assert f'id="b-{booked.public_id}"' in page
    assert f'name="next" value="{html.escape(here)}{card}"' in page
    pin = reverse("scheduling:pin", args=["session", booked.public_id])
    assert 'name="pinned" value="1"' in shown_card(page, booked)
    response = client.post(pin, {"next": here + card, "pinned": "1"})
    assert response["Location"] == here + card
    # Said in the card the page returns to, not at the top of a long week.
    page = client.get(here).content.decode()
    shown = page[page.index(f'id="b-{booked.public_id}"') :]
    assert 'role="status">Pinned: it stays as it is' in shown[: shown.index("</div>")]
    assert 'name="pinned" value="0"' in shown_card(page, booked)
    client.post(pin, {"next": here + card, "pinned": "0"})
    assert "Unpinned: a run published" in client.get(here).content.decode()
    assert "Unpinned" not in client.get(here).content.decode()  # said once


def test_a_move_says_where_to_and_opens_the_week_it_went_to(cast, week, booked, login) -> None:
    client = login(cast.charlie)
    here = f"{WEEK}?view=room&key={week.group_room.public_id}&week={week.monday}"
    url = reverse("scheduling:move", args=["session", booked.public_id])
    later = week.monday + datetime.timedelta(weeks=1)
    response = client.post(
        url, {"date": str(later), "start": "17:30", "room": week.group_room.pk, "next": here}
    )
    assert response.status_code == 302
    assert response["Location"] == (
        f"{WEEK}?view=room&key={week.group_room.public_id}&week={later}#b-{booked.public_id}"
    )
    page = client.get(response["Location"]).content.decode()
    shown = "l j F" if later.year == timezone.localdate().year else "l j F Y"  # year if not this
    assert f"Moved to {date_format(later, shown)} at 17:30, Group A." in html.unescape(page)
    # Within its week it goes back where the coordinator came from.
    response = client.post(
        url, {"date": str(later), "start": "18:00", "room": week.group_room.pk, "next": here}
    )
    assert response["Location"] == here
