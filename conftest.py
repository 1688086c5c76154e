"""The fixed cast for permission tests, shared by every app's tests.

Two sites (A and B) of one organization, a track at each, and:

- alice: clinician at A (primary clinician of erin's record)
- bob: clinician at B (primary clinician of bea, a site-B patient)
- charlie: program director at A
- dana: billing at A
- ivy: intake coordinator at A
- adam: administrator
- erin: a patient (portal user) linked to ``erin_record`` at site A
- frank: a family member linked by a Contact to ``erin_record``

Patients: ``erin_record`` (A, on alice's care team), ``olive`` (A, not on alice's team),
``bea`` (B, on bob's team). Each has an active episode.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from trellis.accounts.models import Role, User
from trellis.core.tests import factories as f
from trellis.organization.models import Organization, Site, Track
from trellis.patients.models import (
    CareTeamMember,
    CareTeamRole,
    Contact,
    EpisodeOfCare,
    EpisodeStatus,
    Patient,
    Relationship,
)

CAST_USERS = ("alice", "bob", "charlie", "dana", "ivy", "adam", "erin", "frank")


pytest_plugins = ["trellis.core.tests.browser"]


def pytest_configure(config: pytest.Config) -> None:
    # WhiteNoise warns that collectstatic has not run; tests do not serve static files.
    config.addinivalue_line("filterwarnings", "ignore:No directory at:UserWarning")


@pytest.fixture
def audit_truncate_for_flush(
    django_db_setup: None, django_db_blocker: Any
) -> Generator[None, None, None]:
    """For transactional tests (the browser tests) on PostgreSQL.

    The audit trail refuses TRUNCATE (audit migration 0002), and Django empties the database
    after a transactional test with TRUNCATE. Request this fixture *before* ``transactional_db``
    (and without a ``django_db`` marker or pytest-django's ``live_server``, which open the test
    database first): it is then set up before the test
    database is opened for the test and torn down after Django's flush, so the trigger is lifted
    for exactly that flush. The UPDATE/DELETE trigger stays on throughout."""
    from django.db import connection

    if connection.vendor != "postgresql":
        yield
        return

    def set_trigger(state: str) -> None:
        with django_db_blocker.unblock(), connection.cursor() as cursor:
            cursor.execute(
                f"ALTER TABLE audit_auditevent {state} TRIGGER audit_auditevent_no_truncate"
            )

    set_trigger("DISABLE")
    try:
        yield
    finally:
        set_trigger("ENABLE")
        with django_db_blocker.unblock():
            connection.close()


@dataclass
class Cast:
    org: Organization
    site_a: Site
    site_b: Site
    track_a: Track
    track_b: Track
    alice: User
    bob: User
    charlie: User
    dana: User
    ivy: User
    adam: User
    erin: User
    frank: User
    erin_record: Patient
    erin_episode: EpisodeOfCare
    alice_membership: CareTeamMember
    frank_contact: Contact
    olive: Patient
    olive_episode: EpisodeOfCare
    bea: Patient
    bea_episode: EpisodeOfCare

    def user(self, name: str) -> User:
        user = getattr(self, name)
        assert isinstance(user, User)
        return user


def _episode(patient: Patient, track: Track, clinician: User | None) -> EpisodeOfCare:
    episode = f.EpisodeFactory(
        patient=patient, track=track, status=EpisodeStatus.ACTIVE, primary_clinician=clinician
    )
    if clinician is not None:
        f.CareTeamMemberFactory(episode=episode, user=clinician, role=CareTeamRole.PRIMARY)
    return episode


@pytest.fixture
def cast(db: None) -> Cast:
    org = f.OrganizationFactory(name="Riverbend Recovery")
    site_a = f.SiteFactory(organization=org, name="Northside", code="north")
    site_b = f.SiteFactory(organization=org, name="Southside", code="south")
    track_a = f.TrackFactory(site=site_a, name="North adult SUD evening")
    track_b = f.TrackFactory(site=site_b, name="South adult MH day")

    def staff(username: str, first: str, last: str, role: Role, sites: list[Site]) -> User:
        return f.UserFactory(
            username=username, first_name=first, last_name=last, role=role, sites=sites
        )

    alice = staff("alice", "Alice", "Archer", Role.CLINICIAN, [site_a])
    bob = staff("bob", "Bob", "Baker", Role.CLINICIAN, [site_b])
    charlie = staff("charlie", "Charlie", "Chen", Role.DIRECTOR, [site_a])
    dana = staff("dana", "Dana", "Diaz", Role.BILLING, [site_a])
    ivy = staff("ivy", "Ivy", "Irwin", Role.INTAKE, [site_a])
    adam = staff("adam", "Adam", "Admin", Role.ADMINISTRATOR, [])
    erin = f.UserFactory(username="erin", first_name="Erin", last_name="Marsh", role=Role.PATIENT)
    frank = f.UserFactory(username="frank", first_name="Frank", last_name="Marsh", role=Role.FAMILY)

    erin_record = f.PatientFactory(
        first_name="Erin", last_name="Marsh", site=site_a, user=erin, mrn="A000001"
    )
    erin_episode = _episode(erin_record, track_a, alice)
    frank_contact = f.ContactFactory(
        patient=erin_record,
        name="Frank Marsh",
        relationship=Relationship.PARENT,
        user=frank,
        is_family_participant=True,
    )
    olive = f.PatientFactory(first_name="Olive", last_name="Stone", site=site_a, mrn="A000002")
    olive_episode = _episode(olive, track_a, None)
    bea = f.PatientFactory(first_name="Bea", last_name="Lowe", site=site_b, mrn="B000001")
    bea_episode = _episode(bea, track_b, bob)

    return Cast(
        org=org,
        site_a=site_a,
        site_b=site_b,
        track_a=track_a,
        track_b=track_b,
        alice=alice,
        bob=bob,
        charlie=charlie,
        dana=dana,
        ivy=ivy,
        adam=adam,
        erin=erin,
        frank=frank,
        erin_record=erin_record,
        erin_episode=erin_episode,
        alice_membership=erin_episode.care_team.get(user=alice),
        frank_contact=frank_contact,
        olive=olive,
        olive_episode=olive_episode,
        bea=bea,
        bea_episode=bea_episode,
    )


@pytest.fixture
def login(client: Client) -> Callable[[User], Client]:
    """``login(user)`` signs the test client in as ``user`` and returns the client."""

    def _login(user: User) -> Client:
        client.force_login(user)
        return client

    return _login
