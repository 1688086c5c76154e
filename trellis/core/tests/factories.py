"""factory_boy factories for the whole test suite. Deterministic: sequences, no random data.

Dates are relative to ``timezone.localdate()`` so a test reads the same on any day.

Calling a factory returns a model instance, but factory_boy's calls are not typed that way, so each
factory is exported under its public name typed ``Any`` (see the end of the module).
"""

from __future__ import annotations

import datetime
from typing import Any

import factory
from django.utils import timezone

from trellis.accounts.models import LicenseStatus, Role, StaffProfile, User
from trellis.organization.models import LevelOfCare, Organization, Population, Room, Site, Track
from trellis.patients.models import (
    CareTeamMember,
    CareTeamRole,
    Contact,
    EpisodeOfCare,
    EpisodeStatus,
    EpisodeTransition,
    Patient,
    Relationship,
)
from trellis.scheduling.models import (
    Appointment,
    AppointmentKind,
    GroupSession,
    GroupSessionPatient,
    GroupType,
)

PASSWORD = "correct horse battery staple"


def today() -> datetime.date:
    return timezone.localdate()


def days_ago(n: int) -> datetime.date:
    return today() - datetime.timedelta(days=n)


def asam(code: str = "2.1") -> LevelOfCare:
    """A level of care seeded by organization migration 0002."""
    return LevelOfCare.objects.get(system="asam-3", code=code)


class _OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Organization {n}")


class _SiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Site

    organization = factory.SubFactory(_OrganizationFactory)
    name = factory.Sequence(lambda n: f"Site {n}")
    code = factory.Sequence(lambda n: f"site-{n}")
    phone = "555-0100"


class _TrackFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Track

    site = factory.SubFactory(_SiteFactory)
    name = factory.Sequence(lambda n: f"Adult SUD IOP {n}")
    level_of_care = factory.LazyFunction(asam)
    population = Population.ADULT_SUD


class _RoomFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Room

    site = factory.SubFactory(_SiteFactory)
    name = factory.Sequence(lambda n: f"Room {n}")
    kind = "group"
    capacity = 12


class _UserFactory(factory.django.DjangoModelFactory):
    """A user of any role. Staff roles get a StaffProfile at ``sites`` (a list of Site)."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Sequence(lambda n: f"First{n}")
    last_name = factory.Sequence(lambda n: f"Last{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    role = Role.CLINICIAN
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def sites(obj: User, create: bool, extracted: Any, **kwargs: Any) -> None:
        if not create or obj.role not in {
            Role.ADMINISTRATOR,
            Role.DIRECTOR,
            Role.CLINICIAN,
            Role.INTAKE,
            Role.BILLING,
        }:
            return
        profile = StaffProfile.objects.create(
            user=obj,
            credentials="LCSW" if obj.role == Role.CLINICIAN else "",
            license_status=(
                LicenseStatus.LICENSED
                if obj.role == Role.CLINICIAN
                else LicenseStatus.NOT_APPLICABLE
            ),
        )
        if extracted:
            profile.sites.set(extracted)


class _PatientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Patient

    # Not of the T###### form that next_mrn() assigns, so factories never collide with it.
    mrn = factory.Sequence(lambda n: f"F{n:06d}")
    first_name = factory.Sequence(lambda n: f"Pat{n}")
    last_name = factory.Sequence(lambda n: f"Ient{n:04d}")
    date_of_birth = datetime.date(1990, 5, 17)
    site = factory.SubFactory(_SiteFactory)


class _ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    patient = factory.SubFactory(_PatientFactory)
    name = factory.Sequence(lambda n: f"Contact Person {n}")
    relationship = Relationship.PARENT
    phone = "555-0199"


class _EpisodeFactory(factory.django.DjangoModelFactory):
    """An episode in any status, with the dates that status implies (no transitions rows)."""

    class Meta:
        model = EpisodeOfCare

    patient = factory.SubFactory(_PatientFactory)
    track = factory.LazyAttribute(lambda e: _TrackFactory(site=e.patient.site))
    level_of_care = factory.LazyAttribute(lambda e: e.track.level_of_care)
    status = EpisodeStatus.ACTIVE
    referred_on = factory.LazyFunction(lambda: days_ago(60))
    admitted_on = factory.LazyAttribute(
        lambda e: (
            e.referred_on + datetime.timedelta(days=7)
            if e.status
            not in (EpisodeStatus.REFERRED, EpisodeStatus.SCREENING, EpisodeStatus.DISCHARGED)
            else None
        )
    )
    treatment_started_on = factory.LazyAttribute(
        lambda e: (
            e.admitted_on + datetime.timedelta(days=1)
            if e.status in (EpisodeStatus.ACTIVE, EpisodeStatus.ON_HOLD)
            else None
        )
    )


class _EpisodeTransitionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EpisodeTransition

    episode = factory.SubFactory(_EpisodeFactory)
    name = "begin_screening"
    from_status = EpisodeStatus.REFERRED
    to_status = EpisodeStatus.SCREENING
    effective_on = factory.LazyAttribute(lambda t: t.episode.referred_on)
    actor = factory.SubFactory(_UserFactory)
    reason = "Phone screen booked."


class _CareTeamMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CareTeamMember

    episode = factory.SubFactory(_EpisodeFactory)
    user = factory.SubFactory(_UserFactory)
    role = CareTeamRole.THERAPIST
    added_on = factory.LazyAttribute(lambda m: m.episode.referred_on)


class _GroupSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GroupSession
        skip_postgeneration_save = True

    group_type = factory.LazyFunction(lambda: GroupType.objects.get(code="rp"))
    site = factory.SubFactory(_SiteFactory)
    date = factory.LazyFunction(today)
    start = datetime.time(9, 0)
    end = datetime.time(10, 30)

    @factory.post_generation
    def facilitators(obj: GroupSession, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted:
            obj.facilitators.set(extracted)


class _GroupSessionPatientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GroupSessionPatient

    session = factory.SubFactory(_GroupSessionFactory)
    episode = factory.SubFactory(_EpisodeFactory)
    patient = factory.LazyAttribute(lambda m: m.episode.patient)


class _AppointmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Appointment

    kind = AppointmentKind.INDIVIDUAL
    episode = factory.SubFactory(_EpisodeFactory)
    patient = factory.LazyAttribute(lambda a: a.episode.patient)
    clinician = factory.SubFactory(_UserFactory)
    site = factory.LazyAttribute(lambda a: a.episode.track.site)
    date = factory.LazyFunction(today)
    start = datetime.time(13, 0)
    end = datetime.time(14, 0)


# Public names: calling one returns the model instance (typed Any for mypy's sake).
OrganizationFactory: Any = _OrganizationFactory
SiteFactory: Any = _SiteFactory
TrackFactory: Any = _TrackFactory
RoomFactory: Any = _RoomFactory
UserFactory: Any = _UserFactory
PatientFactory: Any = _PatientFactory
ContactFactory: Any = _ContactFactory
EpisodeFactory: Any = _EpisodeFactory
EpisodeTransitionFactory: Any = _EpisodeTransitionFactory
CareTeamMemberFactory: Any = _CareTeamMemberFactory
GroupSessionFactory: Any = _GroupSessionFactory
GroupSessionPatientFactory: Any = _GroupSessionPatientFactory
AppointmentFactory: Any = _AppointmentFactory
