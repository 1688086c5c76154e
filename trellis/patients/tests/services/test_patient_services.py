"""Patients, contacts and care teams: the rules services enforce, with named errors."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from trellis.core.errors import NotPermitted, TrellisError, ValidationFailed
from trellis.core.tests import factories as f
from trellis.patients import services
from trellis.patients.models import BreakGlassGrant, CareTeamRole, EpisodeStatus


def test_registration_assigns_consecutive_record_numbers(cast):
    first = services.patient_create(
        actor=cast.ivy,
        site=cast.site_a,
        first_name="A",
        last_name="One",
        date_of_birth=datetime.date(2000, 1, 1),
    )
    second = services.patient_create(
        actor=cast.ivy,
        site=cast.site_a,
        first_name="B",
        last_name="Two",
        date_of_birth=datetime.date(2000, 1, 1),
    )
    assert (first.mrn, second.mrn) == ("T100001", "T100002")


@pytest.mark.parametrize("who", ["dana", "erin", "frank"])
def test_only_clinical_staff_register_patients(cast, who):
    with pytest.raises(NotPermitted):
        services.patient_create(
            actor=cast.user(who),
            site=cast.site_a,
            first_name="X",
            last_name="Y",
            date_of_birth=datetime.date(2000, 1, 1),
        )


def test_a_future_date_of_birth_is_refused(cast):
    with pytest.raises(ValidationFailed, match="date of birth is in the future"):
        services.patient_create(
            actor=cast.ivy,
            site=cast.site_a,
            first_name="X",
            last_name="Y",
            date_of_birth=f.today() + datetime.timedelta(days=1),
        )


def test_unknown_fields_are_refused(cast):
    with pytest.raises(ValidationFailed, match="Unknown patient fields: mrn"):
        services.patient_update(actor=cast.charlie, patient=cast.olive, mrn="X1")


def test_register_creates_patient_and_referral_together(cast):
    patient, episode = services.patient_register(
        actor=cast.ivy,
        track=cast.track_a,
        referred_on=f.today(),
        reason="Court referral.",
        first_name="Rae",
        last_name="Quinn",
        date_of_birth=datetime.date(1999, 9, 9),
    )
    assert patient.site == cast.site_a
    assert episode.patient == patient
    assert episode.status == EpisodeStatus.REFERRED


def test_register_rolls_back_the_patient_when_the_referral_fails(cast):
    with pytest.raises(ValidationFailed):
        services.patient_register(
            actor=cast.ivy,
            track=cast.track_a,
            referred_on=f.today(),
            reason="  ",
            first_name="Rae",
            last_name="Quinn",
            date_of_birth=datetime.date(1999, 9, 9),
        )
    assert not cast.site_a.patients.filter(last_name="Quinn").exists()


def test_contact_writes_need_full_chart_access(cast):
    with pytest.raises(NotPermitted):
        services.contact_add(actor=cast.alice, patient=cast.olive, name="X", relationship="friend")
    with pytest.raises(NotPermitted):
        services.contact_update(actor=cast.bob, contact=cast.frank_contact, phone="1")


def test_a_contact_with_a_bad_email_is_refused(cast):
    with pytest.raises(ValidationError):
        services.contact_add(
            actor=cast.alice,
            patient=cast.erin_record,
            name="X",
            relationship="friend",
            email="not-an-email",
        )


def test_removing_a_contact_keeps_the_row(cast):
    services.contact_deactivate(actor=cast.alice, contact=cast.frank_contact)
    cast.frank_contact.refresh_from_db()
    assert cast.frank_contact.active is False


@pytest.mark.parametrize(
    ("member", "role", "message"),
    [
        ("dana", CareTeamRole.THERAPIST, "Only clinical staff"),
        ("frank", CareTeamRole.THERAPIST, "Only clinical staff"),
        ("alice", CareTeamRole.PRIMARY, None),  # already primary: a no-op, not an error
    ],
)
def test_care_team_membership_rules(cast, member, role, message):
    if message is None:
        services.care_team_add(
            actor=cast.charlie, episode=cast.erin_episode, user=cast.user(member), role=role
        )
        assert cast.erin_episode.care_team.filter(removed_on__isnull=True).count() == 1
        return
    with pytest.raises(ValidationFailed, match=message):
        services.care_team_add(
            actor=cast.charlie, episode=cast.erin_episode, user=cast.user(member), role=role
        )


def test_the_same_person_cannot_join_twice_in_one_role(cast):
    services.care_team_add(
        actor=cast.charlie, episode=cast.erin_episode, user=cast.ivy, role=CareTeamRole.CASE_MANAGER
    )
    with pytest.raises(ValidationFailed, match="already on the care team"):
        services.care_team_add(
            actor=cast.charlie,
            episode=cast.erin_episode,
            user=cast.ivy,
            role=CareTeamRole.CASE_MANAGER,
        )


def test_a_closed_episode_keeps_its_care_team(cast):
    services.episode_transition(
        actor=cast.charlie,
        episode=cast.olive_episode,
        name="transfer",
        reason="Moved away.",
        transferred_to="Elsewhere IOP",
        discharge_reason="other",
    )
    cast.olive_episode.refresh_from_db()
    with pytest.raises(ValidationFailed, match="episode is closed"):
        services.care_team_add(
            actor=cast.charlie,
            episode=cast.olive_episode,
            user=cast.alice,
            role=CareTeamRole.THERAPIST,
        )


def test_the_primary_clinician_is_replaced_not_removed(cast):
    with pytest.raises(ValidationFailed, match="Choose a new primary clinician"):
        services.care_team_remove(actor=cast.charlie, member=cast.alice_membership)


def test_a_member_cannot_leave_twice(cast):
    member = services.care_team_add(
        actor=cast.charlie, episode=cast.erin_episode, user=cast.ivy, role=CareTeamRole.PEER
    )
    services.care_team_remove(actor=cast.charlie, member=member)
    with pytest.raises(ValidationFailed, match="already left"):
        services.care_team_remove(actor=cast.charlie, member=member)


@pytest.mark.parametrize(
    ("who", "message"), [("charlie", "must be a clinician"), ("bob", "does not work at this site")]
)
def test_primary_clinician_must_be_a_clinician_at_the_site(cast, who, message):
    with pytest.raises(ValidationFailed, match=message):
        services.episode_set_primary_clinician(
            actor=cast.charlie, episode=cast.olive_episode, clinician=cast.user(who)
        )


def test_break_glass_needs_a_sentence(cast):
    with pytest.raises(ValidationFailed, match="Say in a sentence"):
        services.break_glass(actor=cast.alice, patient=cast.olive, reason="   urgent   ")
    assert not BreakGlassGrant.objects.exists()


def test_break_glass_lasts_the_configured_hours(cast, settings):
    settings.TRELLIS = {**settings.TRELLIS, "CHART_BREAK_GLASS_HOURS": 2}
    grant = services.break_glass(
        actor=cast.alice, patient=cast.olive, reason="Crisis call, need the safety plan."
    )
    assert grant.expires_at - grant.granted_at == pytest.approx(
        datetime.timedelta(hours=2), abs=datetime.timedelta(seconds=5)
    )


@pytest.mark.parametrize("who", ["bob", "dana", "erin", "frank"])
def test_break_glass_is_not_a_way_into_out_of_scope_charts(cast, who):
    with pytest.raises(NotPermitted):
        services.break_glass(
            actor=cast.user(who), patient=cast.olive, reason="I would like to look please."
        )


def test_service_errors_are_trellis_errors_with_readable_messages():
    assert issubclass(services.EpisodeAlreadyOpen, ValidationFailed)
    assert issubclass(ValidationFailed, TrellisError)
    assert issubclass(NotPermitted, TrellisError)
