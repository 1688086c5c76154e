"""Bad input in the scheduling forms is refused next to its field, and the browser's hints match the
server's rules (a review of 2026-12-07)."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse

from trellis.core.errors import ValidationFailed
from trellis.scheduling import services
from trellis.scheduling.models import Appointment, GroupSession, GroupType

SESSION_NEW = reverse("scheduling:session_new") + "?site=north"
APPOINTMENT_NEW = reverse("scheduling:appointment_new") + "?site=north"


def _input(response, name: str) -> str:
    found = re.search(rf'<(?:input|textarea)[^>]*name="{name}"[^>]*>', response.content.decode())
    assert found, name
    return found[0]


# --- 1. A start time with seconds slips past the 15-minute grid and is saved ---------------
def test_a_session_start_with_seconds_is_refused_at_the_field_and_not_saved(cast, week, login):
    response = login(cast.charlie).post(
        SESSION_NEW,
        {
            "group_type": GroupType.objects.get(code="rp").pk,
            "facilitator": week.gus.pk,
            "date": str(week.monday + datetime.timedelta(days=2)),
            "start": "18:00:30",
            "room": week.group_room.pk,
        },
    )
    assert response.status_code == 200  # before: 302, saved starting 18:00:30
    assert "start" in response.context["form"].errors
    assert not GroupSession.objects.exists()


def test_an_appointment_start_with_seconds_is_refused_and_not_saved(cast, week, login):
    response = login(cast.charlie).post(
        APPOINTMENT_NEW,
        {
            "patient": week.patients[0].pk,
            "kind": "individual",
            "clinician": week.gus.pk,
            "date": str(week.monday + datetime.timedelta(days=1)),
            "start": "18:00:00.5",
            "minutes": "60",
            "room": week.office.pk,
        },
    )
    assert response.status_code == 200  # before: 302, 18:00:00.500000-19:00 saved
    assert "start" in response.context["form"].errors
    assert not Appointment.objects.exists()


def test_a_move_to_a_start_with_seconds_is_refused_and_the_session_stays(cast, week, booked, login):
    url = reverse("scheduling:move", args=["session", booked.public_id])
    response = login(cast.charlie).post(
        url, {"date": str(booked.date), "start": "19:00:30", "room": booked.room.pk}
    )
    assert response.status_code == 200  # before: 302, moved to 19:00:30-20:30
    booked.refresh_from_db()
    assert booked.start == datetime.time(17)


def test_an_off_grid_start_is_named_next_to_the_start_field(cast, week, login):
    response = login(cast.charlie).post(
        SESSION_NEW,
        {
            "group_type": GroupType.objects.get(code="rp").pk,
            "facilitator": week.gus.pk,
            "date": str(week.monday + datetime.timedelta(days=2)),
            "start": "18:07",
            "room": week.group_room.pk,
        },
    )
    # Before, only the page-top banner listed it, among the rules the session would break.
    assert "start" in response.context["form"].errors
    assert not GroupSession.objects.exists()


# --- 2. Browser-side attributes that disagree with what the server requires ----------------
def test_the_appointment_minutes_input_steps_by_15(cast, week, login):
    field = _input(login(cast.charlie).get(APPOINTMENT_NEW), "minutes")
    assert 'step="15"' in field  # server: "Use a multiple of 15 minutes."


def test_group_type_number_inputs_match_the_catalogue_rules(cast, login):
    response = login(cast.charlie).get(reverse("scheduling:group_type_new"))
    minutes = _input(response, "minutes")
    assert 'step="15"' in minutes
    assert 'min="15"' in minutes
    assert 'max="480"' in minutes
    assert 'min="1"' in _input(response, "min_size")  # server: at least 1 patient
    assert 'max="40"' in _input(response, "max_size")  # server: at most 40 patients


def test_the_weekly_limit_input_steps_by_quarter_hours(cast, login):
    response = login(cast.charlie).get(
        reverse("scheduling:staff_edit", args=[cast.alice.public_id])
    )
    assert 'step="0.25"' in _input(response, "weekly_hours")  # before: step="0.01"


def test_the_portal_availability_is_shown_required(cast, week, login):
    body = login(cast.erin).get(reverse("portal:availability")).content.decode()
    label = re.search(r'<label for="id_patient">(.*?)</label>', body, re.S)
    assert label is not None
    assert 'class="req"' in label[1]  # the server refuses an empty list


# --- 3. A patient chosen who cannot be added is told "Choose a patient." -------------------
def test_adding_a_patient_who_cannot_join_says_why(cast, week, booked, login):
    url = reverse("scheduling:session_add_patient", args=[booked.public_id])
    # erin is already in the session (as after another coordinator added her meanwhile).
    response = login(cast.charlie).post(url, {"patient": cast.erin_record.pk}, follow=True)
    said = [str(m) for m in response.context["messages"]]
    assert len(said) == 1
    assert "That patient cannot be added now" in said[0]


def test_the_service_refuses_a_start_off_the_grid_by_seconds(cast, week):
    with pytest.raises(ValidationFailed, match="quarter hour"):  # before: saved
        services.session_add(
            actor=cast.charlie,
            site=cast.site_a,
            group_type=GroupType.objects.get(code="rp"),
            date=week.monday + datetime.timedelta(days=2),
            start=datetime.time(18, 0, 30),
            room=week.group_room,
            facilitator=week.gus,
        )
    assert not GroupSession.objects.exists()
