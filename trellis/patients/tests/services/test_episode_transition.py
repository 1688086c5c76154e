"""The episode state machine through its service: every status and every transition name."""

from __future__ import annotations

import datetime
import itertools
from typing import Any

import pytest

from trellis.accounts.models import Role
from trellis.audit.models import AuditAction, AuditEvent
from trellis.core.errors import NotPermitted, ValidationFailed
from trellis.core.tests import factories as f
from trellis.patients.models import (
    DischargeReason,
    EpisodeOfCare,
    EpisodeStatus,
    EpisodeTransition,
)
from trellis.patients.services import episode_transition
from trellis.patients.states import TRANSITIONS, InvalidTransition

ALL_STATUSES = list(EpisodeStatus)
CLOSED = {EpisodeStatus.DISCHARGED, EpisodeStatus.TRANSFERRED}
PAIRS = list(itertools.product(ALL_STATUSES, TRANSITIONS))


@pytest.fixture
def director(db):
    site = f.SiteFactory()
    return f.UserFactory(role=Role.DIRECTOR, sites=[site])


def make_episode(director, status: str) -> EpisodeOfCare:
    site = director.staff_profile.sites.get()
    episode = f.EpisodeFactory(patient=f.PatientFactory(site=site), status=status)
    if status in CLOSED:
        episode.discharged_on = f.days_ago(5)
        episode.discharge_reason = DischargeReason.COMPLETED
        episode.save()
    return episode


def valid_arguments(name: str) -> dict[str, Any]:
    extra = {"reason": "Discussed with the team on Tuesday."}
    if name == "discharge":
        extra["discharge_reason"] = DischargeReason.COMPLETED
    if name == "transfer":
        extra["transferred_to"] = "Riverside PHP (ASAM 2.5)"
        extra["discharge_reason"] = DischargeReason.STEP_UP
    return extra


@pytest.mark.parametrize(
    ("status", "name"), [p for p in PAIRS if p[0] in TRANSITIONS[p[1]].sources]
)
def test_allowed_transition_moves_the_episode_and_records_who_when_why(director, status, name):
    episode = make_episode(director, status)
    effective = f.days_ago(1)

    episode_transition(
        actor=director, episode=episode, name=name, effective_on=effective, **valid_arguments(name)
    )

    episode.refresh_from_db()
    assert episode.status == TRANSITIONS[name].target
    row = EpisodeTransition.objects.get(episode=episode)
    assert (row.name, row.from_status, row.to_status) == (name, status, episode.status)
    assert row.actor == director
    assert row.effective_on == effective
    assert row.reason == "Discussed with the team on Tuesday."
    event = AuditEvent.objects.get(action=AuditAction.TRANSITION)
    assert event.actor == director
    assert event.patient == episode.patient
    assert event.object_id == str(episode.public_id)
    assert event.changes["status"] == [status, episode.status]
    assert event.changes["effective_on"] == str(effective)


@pytest.mark.parametrize(
    ("status", "name"), [p for p in PAIRS if p[0] not in TRANSITIONS[p[1]].sources]
)
def test_refused_transition_says_why_in_plain_words_and_changes_nothing(director, status, name):
    episode = make_episode(director, status)

    with pytest.raises(InvalidTransition) as excinfo:
        episode_transition(actor=director, episode=episode, name=name, **valid_arguments(name))

    message = str(excinfo.value)
    assert message.startswith(
        f"An episode that is {EpisodeStatus(status).label.lower()} "
        f"cannot {str(TRANSITIONS[name].label).lower()}."
    )
    assert "_" not in message  # no code names such as on_hold or close_referral
    if status in CLOSED:
        assert message.endswith("It is closed.")
    else:
        assert "From here it can:" in message
    episode.refresh_from_db()
    assert episode.status == status
    assert not EpisodeTransition.objects.filter(episode=episode).exists()
    assert not AuditEvent.objects.exists()


def test_an_unknown_transition_name_is_refused(director):
    episode = make_episode(director, EpisodeStatus.ACTIVE)
    with pytest.raises(InvalidTransition, match="is not a change an episode can make"):
        episode_transition(actor=director, episode=episode, name="graduate", reason="Done well.")


@pytest.mark.parametrize(
    ("name", "field"),
    [
        ("admit", "admitted_on"),
        ("start_treatment", "treatment_started_on"),
        ("discharge", "discharged_on"),
        ("transfer", "discharged_on"),
    ],
)
def test_transition_dates_land_on_the_episode(director, name, field):
    source = next(iter(sorted(TRANSITIONS[name].sources)))
    episode = make_episode(director, source)
    if name == "admit":
        episode.admitted_on = None
        episode.save()
    effective = f.days_ago(2)
    episode_transition(
        actor=director, episode=episode, name=name, effective_on=effective, **valid_arguments(name)
    )
    episode.refresh_from_db()
    assert getattr(episode, field) == effective


def test_transfer_keeps_the_destination(director):
    episode = make_episode(director, EpisodeStatus.ACTIVE)
    episode_transition(
        actor=director,
        episode=episode,
        name="transfer",
        reason="Needs more structure.",
        transferred_to="  Riverside PHP (ASAM 2.5)  ",
        discharge_reason=DischargeReason.STEP_UP,
    )
    episode.refresh_from_db()
    assert episode.status == EpisodeStatus.TRANSFERRED
    assert episode.transferred_to == "Riverside PHP (ASAM 2.5)"
    assert episode.discharge_reason == DischargeReason.STEP_UP
    assert episode.is_open is False


def test_closing_a_referral_discharges_as_not_admitted(director):
    episode = make_episode(director, EpisodeStatus.SCREENING)
    episode_transition(
        actor=director, episode=episode, name="close_referral", reason="Declined the program."
    )
    episode.refresh_from_db()
    assert episode.status == EpisodeStatus.DISCHARGED
    assert episode.discharge_reason == DischargeReason.NOT_ADMITTED
    assert episode.discharged_on == f.today()


def test_effective_date_defaults_to_today(director):
    episode = make_episode(director, EpisodeStatus.ACTIVE)
    episode_transition(actor=director, episode=episode, name="place_on_hold", reason="Surgery.")
    assert EpisodeTransition.objects.get(episode=episode).effective_on == f.today()


@pytest.mark.parametrize(
    ("status", "name", "kwargs", "message"),
    [
        (
            EpisodeStatus.ACTIVE,
            "place_on_hold",
            {"effective_on": "before_referral"},
            "before the referral date",
        ),
        (EpisodeStatus.ACTIVE, "place_on_hold", {"effective_on": "tomorrow"}, "in the future"),
        (EpisodeStatus.ACTIVE, "place_on_hold", {"reason": "   "}, "Give a reason"),
        (EpisodeStatus.ACTIVE, "discharge", {"discharge_reason": ""}, "Choose a discharge reason"),
        (EpisodeStatus.ACTIVE, "transfer", {"transferred_to": "  "}, "Say where the patient"),
        (
            EpisodeStatus.ADMITTED,
            "start_treatment",
            {"effective_on": "before_admission"},
            "Treatment cannot start before admission",
        ),
        (
            EpisodeStatus.ACTIVE,
            "discharge",
            {"effective_on": "before_admission"},
            "before the admission date",
        ),
    ],
)
def test_invalid_input_is_refused_with_a_named_error(director, status, name, kwargs, message):
    episode = make_episode(director, status)
    dates = {
        "before_referral": episode.referred_on - datetime.timedelta(days=1),
        "tomorrow": f.today() + datetime.timedelta(days=1),
        "before_admission": (episode.admitted_on or f.today()) - datetime.timedelta(days=1),
    }
    arguments = {**valid_arguments(name), **kwargs}
    if "effective_on" in arguments:
        arguments["effective_on"] = dates[arguments["effective_on"]]

    with pytest.raises(ValidationFailed, match=message):
        episode_transition(actor=director, episode=episode, name=name, **arguments)

    episode.refresh_from_db()
    assert episode.status == status
    assert not EpisodeTransition.objects.exists()
    assert not AuditEvent.objects.exists()


def test_a_clinician_off_the_care_team_cannot_move_the_episode(director):
    episode = make_episode(director, EpisodeStatus.ACTIVE)
    outsider = f.UserFactory(role=Role.CLINICIAN, sites=[episode.track.site])
    with pytest.raises(NotPermitted):
        episode_transition(actor=outsider, episode=episode, name="place_on_hold", reason="Trip.")
    episode.refresh_from_db()
    assert episode.status == EpisodeStatus.ACTIVE


def test_the_full_happy_path_leaves_a_readable_timeline(director):
    episode = make_episode(director, EpisodeStatus.REFERRED)
    for name in ("begin_screening", "admit", "start_treatment", "place_on_hold", "resume"):
        episode_transition(actor=director, episode=episode, name=name, reason=f"Step {name}.")
    episode_transition(
        actor=director,
        episode=episode,
        name="discharge",
        reason="Finished.",
        discharge_reason="completed",
    )
    rows = list(
        EpisodeTransition.objects.filter(episode=episode).values_list("to_status", flat=True)
    )
    assert rows == ["screening", "admitted", "active", "on_hold", "active", "discharged"]
    assert AuditEvent.objects.filter(action=AuditAction.TRANSITION).count() == 6


@pytest.mark.parametrize("direction", ["", DischargeReason.COMPLETED])
def test_a_transfer_must_say_its_direction(director, direction):
    """A transfer is a step up, a step down or a move elsewhere: never assumed to be a step up."""
    episode = make_episode(director, EpisodeStatus.ACTIVE)
    with pytest.raises(ValidationFailed, match="step up, a step down"):
        episode_transition(
            actor=director,
            episode=episode,
            name="transfer",
            reason="Moving to be near family.",
            transferred_to="Hillside IOP",
            discharge_reason=direction,
        )
    episode.refresh_from_db()
    assert episode.status == EpisodeStatus.ACTIVE


def test_a_step_down_transfer_is_recorded_as_one(director):
    episode = make_episode(director, EpisodeStatus.ACTIVE)
    episode_transition(
        actor=director,
        episode=episode,
        name="transfer",
        reason="Stable for four weeks.",
        transferred_to="Riverside outpatient (ASAM 1)",
        discharge_reason=DischargeReason.STEP_DOWN,
    )
    episode.refresh_from_db()
    assert episode.discharge_reason == DischargeReason.STEP_DOWN
