"""Opening an episode: one open episode per patient, a referral date, a reason."""

from __future__ import annotations

import datetime

import pytest
from django.db import IntegrityError, transaction

from trellis.audit.models import AuditAction, AuditEvent
from trellis.core.errors import NotPermitted, ValidationFailed
from trellis.core.tests import factories as f
from trellis.patients.models import CareTeamRole, EpisodeStatus, EpisodeTransition
from trellis.patients.services import EpisodeAlreadyOpen, episode_open, episode_transition


def test_opening_an_episode_records_the_referral(cast):
    patient = f.PatientFactory(site=cast.site_a)
    episode = episode_open(
        actor=cast.charlie,
        patient=patient,
        track=cast.track_a,
        referred_on=f.days_ago(3),
        primary_clinician=cast.alice,
        reason="Referred by the ED after an overdose.",
    )
    assert episode.status == EpisodeStatus.REFERRED
    assert episode.level_of_care.code == "2.1"
    referral = EpisodeTransition.objects.get(episode=episode)
    assert (referral.name, referral.from_status, referral.to_status) == ("refer", "", "referred")
    assert referral.actor == cast.charlie
    assert referral.effective_on == f.days_ago(3)
    assert episode.care_team.get().user == cast.alice
    assert episode.care_team.get().role == CareTeamRole.PRIMARY
    event = AuditEvent.objects.get(action=AuditAction.CREATE, object_id=str(episode.public_id))
    assert event.patient == patient
    assert event.actor == cast.charlie


def test_a_second_open_episode_is_refused(cast):
    with pytest.raises(EpisodeAlreadyOpen, match="already has an open episode"):
        episode_open(
            actor=cast.charlie,
            patient=cast.olive,
            track=cast.track_a,
            referred_on=f.today(),
            reason="Re-referral.",
        )
    assert cast.olive.episodes.count() == 1


def test_after_discharge_a_new_episode_can_open(cast):
    episode_transition(
        actor=cast.charlie,
        episode=cast.olive_episode,
        name="discharge",
        reason="Completed.",
        discharge_reason="completed",
    )
    episode = episode_open(
        actor=cast.charlie,
        patient=cast.olive,
        track=cast.track_a,
        referred_on=f.today(),
        reason="Relapse after discharge.",
    )
    assert episode.is_open
    assert cast.olive.episodes.count() == 2


def test_the_database_also_refuses_two_open_episodes(cast):
    with pytest.raises(IntegrityError), transaction.atomic():
        f.EpisodeFactory(patient=cast.olive, track=cast.track_a, status=EpisodeStatus.REFERRED)


@pytest.mark.parametrize(
    ("referred_on", "reason", "message"),
    [
        (datetime.timedelta(days=1), "Referral.", "in the future"),
        (datetime.timedelta(0), "   ", "reason for referral"),
    ],
)
def test_bad_referral_input_is_refused(cast, referred_on, reason, message):
    patient = f.PatientFactory(site=cast.site_a)
    with pytest.raises(ValidationFailed, match=message):
        episode_open(
            actor=cast.charlie,
            patient=patient,
            track=cast.track_a,
            referred_on=f.today() + referred_on,
            reason=reason,
        )
    assert not patient.episodes.exists()


def test_a_clinician_cannot_open_an_episode_for_a_patient_they_do_not_treat(cast):
    with pytest.raises(NotPermitted):
        episode_open(
            actor=cast.alice,
            patient=f.PatientFactory(site=cast.site_a),
            track=cast.track_a,
            referred_on=f.today(),
            reason="Walk-in.",
        )
