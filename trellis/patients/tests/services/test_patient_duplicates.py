"""Registering a patient directly checks for the same person, as a referral does."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from trellis.audit.models import AuditAction, AuditEvent
from trellis.core.tests import factories as f
from trellis.patients import services
from trellis.patients.models import Patient

OLIVE_DOB = datetime.date(1990, 5, 17)  # the factory's date of birth


def register(cast, actor, **overrides):
    fields: dict[str, Any] = {
        "first_name": "OLIVE",
        "last_name": "stone",
        "date_of_birth": OLIVE_DOB,
    } | overrides
    return services.patient_register(
        actor=actor, track=cast.track_a, referred_on=f.today(), reason="Self-referral.", **fields
    )


def test_same_name_any_case_and_date_of_birth_is_refused_with_the_matches(cast):
    with pytest.raises(services.PossibleDuplicatePatient, match="already on record") as caught:
        register(cast, cast.ivy)
    assert caught.value.matches == [cast.olive]
    assert Patient.objects.filter(last_name__iexact="stone").count() == 1
    assert not AuditEvent.objects.filter(action=AuditAction.CREATE).exists()


def test_patient_create_refuses_too(cast):
    with pytest.raises(services.PossibleDuplicatePatient):
        services.patient_create(
            actor=cast.charlie,
            site=cast.site_a,
            first_name="Olive",
            last_name="Stone",
            date_of_birth=OLIVE_DOB,
        )


def test_confirm_new_registers_a_different_person(cast):
    patient, _episode = register(cast, cast.ivy, confirm_new=True)
    assert patient != cast.olive
    assert Patient.objects.filter(last_name__iexact="stone").count() == 2


@pytest.mark.parametrize(
    "overrides",
    [{"date_of_birth": datetime.date(1990, 5, 18)}, {"first_name": "Olivia"}],
)
def test_a_different_date_of_birth_or_name_is_not_a_duplicate(cast, overrides):
    patient, _episode = register(cast, cast.ivy, **overrides)
    assert patient.pk


def test_only_patients_visible_to_the_actor_count(cast):
    # Bea is at site B: ivy (site A) cannot see her, so no match is disclosed.
    patient, _episode = register(cast, cast.ivy, first_name="Bea", last_name="Lowe")
    assert patient != cast.bea
    # The administrator sees every site and is told.
    with pytest.raises(services.PossibleDuplicatePatient) as caught:
        register(cast, cast.adam, first_name="Bea", last_name="Lowe")
    assert set(caught.value.matches) == {cast.bea, patient}
