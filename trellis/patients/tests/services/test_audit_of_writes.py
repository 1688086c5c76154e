"""Each write service leaves exactly one audit event naming who, which patient and what."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest

from trellis.audit.models import AuditAction, AuditEvent
from trellis.core.tests import factories as f
from trellis.patients import services
from trellis.patients.models import CareTeamRole, Patient


def _create(cast) -> Patient:
    return services.patient_create(
        actor=cast.charlie,
        site=cast.site_a,
        first_name="Nina",
        last_name="Novak",
        date_of_birth=datetime.date(1985, 1, 2),
    )


def _update(cast) -> Patient:
    return services.patient_update(
        actor=cast.charlie, patient=cast.olive, phone="555-0142", preferred_name="Liv"
    )


def _contact_add(cast) -> Patient:
    services.contact_add(
        actor=cast.charlie, patient=cast.olive, name="Sam Stone", relationship="sibling"
    )
    return cast.olive


def _contact_update(cast) -> Patient:
    services.contact_update(actor=cast.alice, contact=cast.frank_contact, phone="555-0177")
    return cast.erin_record


def _contact_deactivate(cast) -> Patient:
    services.contact_deactivate(actor=cast.alice, contact=cast.frank_contact)
    return cast.erin_record


def _episode_open(cast) -> Patient:
    patient = f.PatientFactory(site=cast.site_a)
    services.episode_open(
        actor=cast.charlie,
        patient=patient,
        track=cast.track_a,
        referred_on=f.today(),
        reason="Self-referral.",
    )
    return patient


def _episode_transition(cast) -> Patient:
    services.episode_transition(
        actor=cast.alice, episode=cast.erin_episode, name="place_on_hold", reason="Hospital stay."
    )
    return cast.erin_record


def _care_team_add(cast) -> Patient:
    services.care_team_add(
        actor=cast.alice, episode=cast.erin_episode, user=cast.charlie, role=CareTeamRole.SUPERVISOR
    )
    return cast.erin_record


def _care_team_remove(cast) -> Patient:
    member = f.CareTeamMemberFactory(
        episode=cast.erin_episode, user=cast.charlie, role=CareTeamRole.SUPERVISOR
    )
    services.care_team_remove(actor=cast.alice, member=member)
    return cast.erin_record


def _primary_clinician(cast) -> Patient:
    services.episode_set_primary_clinician(
        actor=cast.charlie, episode=cast.olive_episode, clinician=cast.alice
    )
    return cast.olive


WRITES: dict[str, tuple[Callable[[Any], Patient], str, str]] = {
    "patient_create": (_create, AuditAction.CREATE, "Registered patient T100001"),
    "patient_update": (_update, AuditAction.UPDATE, "Changed demographics: phone, preferred_name"),
    "contact_add": (_contact_add, AuditAction.ADD, "Added contact (Sibling)"),
    "contact_update": (_contact_update, AuditAction.UPDATE, "Changed contact: phone"),
    "contact_deactivate": (_contact_deactivate, AuditAction.REMOVE, "Removed contact"),
    "episode_open": (
        _episode_open,
        AuditAction.CREATE,
        "Opened episode in North adult SUD evening",
    ),
    "episode_transition": (
        _episode_transition,
        AuditAction.TRANSITION,
        "Episode: active → on_hold (place_on_hold)",
    ),
    "care_team_add": (_care_team_add, AuditAction.ADD, "Care team: added charlie as Clinical"),
    "care_team_remove": (_care_team_remove, AuditAction.REMOVE, "Care team: removed charlie"),
    "primary_clinician": (_primary_clinician, AuditAction.UPDATE, "Primary clinician: alice"),
}


@pytest.mark.parametrize("write", list(WRITES))
def test_each_write_service_records_one_audit_event(cast, write):
    run, action, summary = WRITES[write]
    before = set(AuditEvent.objects.values_list("pk", flat=True))

    patient = run(cast)

    events = list(AuditEvent.objects.exclude(pk__in=before))
    assert len(events) == 1, [e.summary for e in events]
    event = events[0]
    assert event.action == action
    assert event.patient == patient
    assert event.actor is not None
    assert event.actor_label == event.actor.username
    assert event.summary.startswith(summary)
    assert event.at is not None


def test_an_update_records_before_and_after_values(cast):
    services.patient_update(actor=cast.charlie, patient=cast.olive, phone="555-0142")
    event = AuditEvent.objects.get(action=AuditAction.UPDATE)
    assert event.changes == {"phone": ["", "555-0142"]}


def test_an_update_that_changes_nothing_records_nothing(cast):
    services.patient_update(actor=cast.charlie, patient=cast.olive, first_name="Olive")
    assert not AuditEvent.objects.exists()


def test_primary_clinician_change_records_old_and_new_and_ends_the_old_membership(cast):
    gail = f.UserFactory(username="gail", role="clinician", sites=[cast.site_a])
    services.episode_set_primary_clinician(
        actor=cast.charlie, episode=cast.erin_episode, clinician=gail
    )
    event = AuditEvent.objects.get()
    assert event.changes == {"primary_clinician": ["alice", "gail"]}
    cast.alice_membership.refresh_from_db()
    assert cast.alice_membership.removed_on == f.today()
    cast.erin_episode.refresh_from_db()
    assert cast.erin_episode.primary_clinician == gail


def test_break_glass_records_the_reason(cast):
    services.break_glass(
        actor=cast.alice, patient=cast.olive, reason="Patient called in crisis at the front desk."
    )
    event = AuditEvent.objects.get()
    assert event.action == AuditAction.CHART_BREAK_GLASS
    assert event.patient == cast.olive
    assert event.changes == {"reason": "Patient called in crisis at the front desk."}
