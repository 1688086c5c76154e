"""A tiny schedulable site on top of the fixed cast: site A (Northside) with hours, one group room,
one office, two clinicians (alice and gus) and four adult-SUD patients free Monday to Wednesday
evenings."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest
from django.utils import timezone

from trellis.accounts.models import Role, StaffAvailability, User
from trellis.core.tests import factories as f
from trellis.organization.models import Room
from trellis.patients.models import CareTeamRole, EpisodeOfCare, EpisodeStatus, Patient
from trellis.scheduling.models import Appointment, GroupSession, GroupType, PatientAvailability

EVENINGS = {"mon": [["08:00", "21:30"]], "tue": [["08:00", "21:30"]], "wed": [["08:00", "21:30"]]}


@dataclass
class Week:
    monday: datetime.date
    group_room: Room
    office: Room
    gus: User
    patients: list[Patient]
    episodes: list[EpisodeOfCare]


def next_monday(weeks: int = 1) -> datetime.date:
    today = timezone.localdate()
    return today - datetime.timedelta(days=today.weekday()) + datetime.timedelta(weeks=weeks)


@pytest.fixture
def week(cast) -> Week:
    site = cast.site_a
    site.hours = EVENINGS
    site.save()
    group_room = f.RoomFactory(site=site, name="Group A", kind="group", capacity=10)
    office = f.RoomFactory(site=site, name="Office 1", kind="office", capacity=3)
    gus = f.UserFactory(
        username="gus", first_name="Gus", last_name="Grant", role=Role.CLINICIAN, sites=[site]
    )
    for clinician in (cast.alice, gus):
        profile = clinician.staff_profile
        profile.competencies = ["group", "sud", "mh", "family"]
        profile.save()
        for weekday in (0, 1, 2):
            StaffAvailability.objects.create(
                staff=profile, weekday=weekday, start=datetime.time(16), end=datetime.time(21)
            )
    patients = [cast.erin_record, cast.olive]
    episodes = [cast.erin_episode, cast.olive_episode]
    cast.olive_episode.primary_clinician = gus
    cast.olive_episode.save()
    for n in range(2):
        patient = f.PatientFactory(site=site, first_name=f"Pat{n}", last_name="Extra")
        episode = f.EpisodeFactory(
            patient=patient,
            track=cast.track_a,
            status=EpisodeStatus.ACTIVE,
            primary_clinician=cast.alice if n else gus,
        )
        f.CareTeamMemberFactory(
            episode=episode, user=episode.primary_clinician, role=CareTeamRole.PRIMARY
        )
        patients.append(patient)
        episodes.append(episode)
    for patient in patients:
        for weekday in (0, 1, 2):
            PatientAvailability.objects.create(
                patient=patient, weekday=weekday, start=datetime.time(16), end=datetime.time(21)
            )
    return Week(next_monday(), group_room, office, gus, patients, episodes)


@pytest.fixture
def booked(cast, week) -> GroupSession:
    """Relapse prevention, Monday 17:00-18:30 in Group A, led by alice, the four patients."""
    session = f.GroupSessionFactory(
        group_type=GroupType.objects.get(code="rp"),
        site=week.group_room.site,
        room=week.group_room,
        date=week.monday,
        start=datetime.time(17),
        end=datetime.time(18, 30),
        facilitators=[cast.alice],
    )
    for patient, episode in zip(week.patients, week.episodes, strict=True):
        f.GroupSessionPatientFactory(session=session, patient=patient, episode=episode)
    return session


@pytest.fixture
def appointment(week) -> Appointment:
    """The first patient's (Erin's) individual session with alice, the clinician her plan
    names, Tuesday 16:00-17:00 in Office 1."""
    return f.AppointmentFactory(
        episode=week.episodes[0],
        clinician=week.episodes[0].primary_clinician,
        site=week.group_room.site,
        room=week.office,
        date=week.monday + datetime.timedelta(days=1),
        start=datetime.time(16),
        end=datetime.time(17),
    )


@pytest.fixture
def more_people(cast, week) -> None:
    """A clinician whose username is nothing like their name, and patients whose shown names
    sort differently from their last names."""
    f.UserFactory(
        username="zz-locum",
        first_name="Bella",
        last_name="Zorn",
        role=Role.CLINICIAN,
        sites=[cast.site_a],
    )
    patient = f.PatientFactory(
        site=cast.site_a, first_name="Aaron", preferred_name="Zack", last_name="Able"
    )
    f.EpisodeFactory(patient=patient, track=cast.track_a, status=EpisodeStatus.ACTIVE)
    for weekday in (0, 1, 2):  # free when the week's groups run, like the others
        PatientAvailability.objects.create(
            patient=patient, weekday=weekday, start=datetime.time(16), end=datetime.time(21)
        )
