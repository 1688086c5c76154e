"""Discharge, transfer and closing a referral take the patient off the published schedule."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from trellis.audit.models import AuditAction, AuditEvent
from trellis.core.tests import factories as f
from trellis.patients.models import EpisodeStatus
from trellis.patients.services import episode_transition
from trellis.scheduling.models import Appointment, BookingStatus, GroupSessionPatient


def later(n: int) -> datetime.date:
    return f.today() + datetime.timedelta(days=n)


@pytest.fixture
def booked(cast):
    """Erin with group places and appointments before, on and after two days ago."""
    episode = cast.erin_episode
    site = cast.site_a
    dates = {"held": f.days_ago(5), "effective": f.days_ago(2), "next": f.days_ago(1)}
    dates |= {"week": later(3), "month": later(20)}
    places = {
        key: f.GroupSessionPatientFactory(
            session=f.GroupSessionFactory(site=site, date=day), episode=episode
        )
        for key, day in dates.items()
    }
    appointments = {
        key: f.AppointmentFactory(episode=episode, clinician=cast.alice, date=day)
        for key, day in dates.items()
    }
    other = f.GroupSessionPatientFactory(session=places["week"].session, episode=cast.olive_episode)
    return {"places": places, "appointments": appointments, "other": other, **dates}


def erin_sessions(cast) -> set:
    return set(
        GroupSessionPatient.objects.filter(patient=cast.erin_record).values_list(
            "session__date", flat=True
        )
    )


def appointment_status(cast) -> dict:
    return dict(Appointment.objects.filter(patient=cast.erin_record).values_list("date", "status"))


ARGS = {
    "discharge": {"discharge_reason": "completed"},
    "transfer": {"transferred_to": "Riverside PHP", "discharge_reason": "step_up"},
}


@pytest.mark.parametrize("name", ["discharge", "transfer"])
def test_closing_the_episode_releases_bookings_after_the_effective_date(cast, booked, name):
    episode_transition(
        actor=cast.alice,
        episode=cast.erin_episode,
        name=name,
        reason="Plan completed.",
        effective_on=booked["effective"],
        **ARGS[name],
    )

    assert erin_sessions(cast) == {booked["held"], booked["effective"]}
    status = appointment_status(cast)
    assert status[booked["held"]] == BookingStatus.SCHEDULED
    assert status[booked["effective"]] == BookingStatus.SCHEDULED
    for key in ("next", "week", "month"):
        assert status[booked[key]] == BookingStatus.CANCELLED
    # Each keeps who released it and why, as a cancellation by hand does.
    released = Appointment.objects.filter(status=BookingStatus.CANCELLED)
    expected = "Patient discharged" if name == "discharge" else "Patient transferred"
    assert {(a.cancelled_by, a.cancel_reason) for a in released} == {(cast.alice, expected)}
    assert all(a.cancelled_at is not None for a in released)
    # Other patients keep their places in the same session.
    assert GroupSessionPatient.objects.filter(pk=booked["other"].pk).exists()

    event = AuditEvent.objects.get(action=AuditAction.REMOVE, patient=cast.erin_record)
    assert "Released 6 future booking(s)" in event.summary
    assert "3 group session place(s) removed" in event.summary
    assert "3 appointment(s) cancelled" in event.summary
    assert len(event.changes["group_sessions"]) == 3


def test_closing_a_referral_releases_bookings(cast):
    patient = f.PatientFactory(site=cast.site_a)
    episode = f.EpisodeFactory(patient=patient, track=cast.track_a, status=EpisodeStatus.REFERRED)
    place = f.GroupSessionPatientFactory(
        session=f.GroupSessionFactory(site=cast.site_a, date=later(2)), episode=episode
    )
    episode_transition(
        actor=cast.charlie, episode=episode, name="close_referral", reason="Declined."
    )
    assert not GroupSessionPatient.objects.filter(pk=place.pk).exists()


def test_placing_on_hold_keeps_the_bookings(cast, booked):
    episode_transition(
        actor=cast.alice,
        episode=cast.erin_episode,
        name="place_on_hold",
        reason="In hospital for a week.",
        effective_on=booked["effective"],
    )
    assert len(erin_sessions(cast)) == 5
    assert set(appointment_status(cast).values()) == {BookingStatus.SCHEDULED}
    assert not AuditEvent.objects.filter(action=AuditAction.REMOVE).exists()


def test_a_refused_discharge_releases_nothing(cast, booked):
    with pytest.raises(Exception, match="discharge reason"):
        episode_transition(
            actor=cast.alice, episode=cast.erin_episode, name="discharge", reason="Done."
        )
    assert len(erin_sessions(cast)) == 5


def test_nothing_to_release_writes_no_extra_event(cast):
    episode_transition(
        actor=cast.alice,
        episode=cast.erin_episode,
        name="discharge",
        reason="Done.",
        discharge_reason="completed",
    )
    assert not AuditEvent.objects.filter(action=AuditAction.REMOVE).exists()


def _post(login, cast, name, data):
    url = reverse(
        "patients:episode_transition",
        args=[cast.erin_record.public_id, cast.erin_episode.public_id, name],
    )
    response = login(cast.alice).post(url, {"reason": "Discussed.", **data})
    assert response.status_code == 302
    return login(cast.alice).get(response["Location"]).content.decode()


def test_the_discharge_message_says_how_many_bookings_were_released(cast, booked, login):
    chart = _post(
        login,
        cast,
        "discharge",
        {"effective_on": str(booked["effective"]), "discharge_reason": "completed"},
    )
    assert "Discharge: done. 6 future bookings were released from the schedule." in chart


def test_the_hold_message_says_how_many_bookings_stay(cast, booked, login):
    chart = _post(login, cast, "place_on_hold", {"effective_on": str(booked["effective"])})
    assert "6 future bookings stay on the schedule; release them by hand if needed." in chart
