"""The home page shows each role what it needs first, and nothing more."""

from __future__ import annotations

import datetime

from django.urls import reverse

from trellis.audit.models import AuditAction, AuditEvent
from trellis.core.tests import factories as f
from trellis.patients.models import EpisodeStatus
from trellis.scheduling.models import BookingStatus, GroupType


def home(login, user) -> str:
    response = login(user).get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode()


def test_a_clinician_sees_todays_groups_appointments_and_caseload(cast, login):
    room = f.RoomFactory(site=cast.site_a, name="Willow room")
    session = f.GroupSessionFactory(site=cast.site_a, room=room, facilitators=[cast.alice])
    f.GroupSessionPatientFactory(session=session, episode=cast.erin_episode)
    f.GroupSessionFactory(
        site=cast.site_a,
        facilitators=[cast.alice],
        group_type=GroupType.objects.get(code="dbt"),
        date=f.today() + datetime.timedelta(days=1),
    )
    f.GroupSessionFactory(
        site=cast.site_a,
        facilitators=[cast.alice],
        group_type=GroupType.objects.get(code="art"),
        status=BookingStatus.CANCELLED,
        cancel_reason="Room flooded",
    )
    f.GroupSessionFactory(
        site=cast.site_b, facilitators=[cast.bob], group_type=GroupType.objects.get(code="cbt")
    )
    f.AppointmentFactory(episode=cast.erin_episode, clinician=cast.alice)
    f.AppointmentFactory(episode=cast.bea_episode, clinician=cast.bob)

    content = home(login, cast.alice)

    assert "Relapse prevention" in content
    assert "Willow room" in content
    assert "DBT skills" not in content  # tomorrow
    # Cancelled today: listed, marked, with the reason, so the clinician is not caught out.
    assert 'class="cancelled"><td class="nowrap">' in content
    assert 'Art and expressive therapy <span class="badge">cancelled</span>' in content
    assert "Room flooded" in content
    assert "CBT skills" not in content  # bob's
    assert "13:00\u201314:00" in content  # erin's individual session
    assert "My caseload (1 patient)" in content
    assert cast.erin_record.mrn in content
    assert "Olive" not in content
    assert "Bea Lowe" not in content


def test_a_clinician_whose_only_group_today_is_cancelled_is_told_the_next_day(cast, login):
    f.GroupSessionFactory(
        site=cast.site_a,
        facilitators=[cast.alice],
        status=BookingStatus.CANCELLED,
        cancel_reason="Facilitator ill",
    )
    f.GroupSessionFactory(
        site=cast.site_a,
        facilitators=[cast.alice],
        date=f.today() + datetime.timedelta(days=2),
    )
    content = home(login, cast.alice)
    assert "Nothing on your schedule today. Next:" in content
    assert "Facilitator ill" in content


def test_a_clinician_with_nothing_today_is_told_the_next_day_on_their_schedule(cast, login):
    in_three_days = f.today() + datetime.timedelta(days=3)
    f.GroupSessionFactory(
        site=cast.site_a,
        facilitators=[cast.alice],
        status=BookingStatus.CANCELLED,
        date=f.today() + datetime.timedelta(days=1),
    )
    f.GroupSessionFactory(site=cast.site_a, facilitators=[cast.alice], date=in_three_days)
    f.GroupSessionFactory(
        site=cast.site_b, facilitators=[cast.bob], date=f.today() + datetime.timedelta(days=2)
    )

    content = home(login, cast.alice)

    assert "Nothing on your schedule today. Next:" in content
    assert f"week={in_three_days:%Y-%m-%d}" in content
    assert "No groups today." in content


def test_a_clinician_with_nothing_ahead_is_told_so(cast, login):
    content = home(login, cast.alice)
    assert "Nothing on your schedule today, and nothing published ahead." in content


def test_a_clinician_with_a_group_today_gets_no_next_day_banner(cast, login):
    f.GroupSessionFactory(site=cast.site_a, facilitators=[cast.alice])
    f.GroupSessionFactory(
        site=cast.site_a, facilitators=[cast.alice], date=f.today() + datetime.timedelta(days=3)
    )
    assert "Nothing on your schedule today" not in home(login, cast.alice)


def test_a_clinicians_caseload_leaves_out_closed_and_left_episodes(cast, login):
    cast.erin_episode.status = EpisodeStatus.DISCHARGED
    cast.erin_episode.discharged_on = f.today()
    cast.erin_episode.save()
    content = home(login, cast.alice)
    assert "No patients on your care teams." in content


def test_billing_sees_the_roster_without_clinical_details(cast, login):
    f.ContactFactory(patient=cast.olive, name="Secret Sponsor")
    f.EpisodeTransitionFactory(episode=cast.olive_episode, reason="Disclosed relapse last week")

    content = home(login, cast.dana)

    assert "Billing roster" in content
    for patient in (cast.erin_record, cast.olive):
        assert patient.mrn in content
        assert patient.legal_name in content
    assert "North adult SUD evening" in content
    assert "2.1 Intensive outpatient" in content
    assert cast.bea.mrn not in content  # site B
    assert "Secret Sponsor" not in content
    assert "Frank Marsh" not in content
    assert "Disclosed relapse" not in content
    assert "Alice Archer" not in content  # care team is clinical
    assert "/patients/" not in content  # no links into charts
    event = AuditEvent.objects.get(action=AuditAction.VIEW)
    assert event.actor == cast.dana
    assert event.summary == "Billing roster (2 episodes)"


def test_a_patient_sees_their_own_episode_only(cast, login):
    content = home(login, cast.erin)
    assert "My care" in content
    assert "Erin Marsh" in content
    assert "North adult SUD evening (Northside)" in content
    assert "Alice Archer" in content  # their clinician
    assert "Olive" not in content
    assert "Bea" not in content
    assert "Frank" not in content


def test_a_patient_without_an_open_episode(cast, login):
    cast.erin_episode.status = EpisodeStatus.DISCHARGED
    cast.erin_episode.discharged_on = f.today()
    cast.erin_episode.save()
    assert "not enrolled in a program right now" in home(login, cast.erin)


def test_a_family_member_sees_only_the_names_of_linked_patients(cast, login):
    content = home(login, cast.frank)
    assert "Family portal" in content
    assert "Erin Marsh" in content
    assert "North adult SUD evening" not in content
    assert "Active" not in content
    assert "Alice Archer" not in content
    assert cast.erin_record.mrn not in content
    assert "Olive" not in content


def test_a_family_member_whose_link_was_removed_sees_nobody(cast, login):
    cast.frank_contact.active = False
    cast.frank_contact.save()
    content = home(login, cast.frank)
    assert "Erin Marsh" not in content


def test_intake_and_directors_see_open_referrals_and_census(cast, login):
    f.EpisodeFactory(
        patient=f.PatientFactory(first_name="Rory", last_name="Referral", site=cast.site_a),
        track=cast.track_a,
        status=EpisodeStatus.REFERRED,
    )
    f.EpisodeFactory(
        patient=f.PatientFactory(first_name="Sam", last_name="Southern", site=cast.site_b),
        track=cast.track_b,
        status=EpisodeStatus.SCREENING,
    )
    for user in (cast.ivy, cast.charlie):
        content = home(login, user)
        assert "Rory Referral" in content
        assert "Sam Southern" not in content
        assert "North adult SUD evening" in content  # census row
        assert "South adult MH day" not in content
    assert "Sam Southern" in home(login, cast.adam)
