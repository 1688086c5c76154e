"""A published week around erin (the cast's patient user) at site A, with bookings of other
patients next to hers so that tests can tell whose week a page shows."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest
from django.utils import timezone

from trellis.accounts.models import Role, User
from trellis.core.tests import factories as f
from trellis.organization.models import Room
from trellis.scheduling.models import (
    Appointment,
    AppointmentKind,
    BookingStatus,
    GroupSession,
    GroupType,
    PatientAvailability,
)


@dataclass
class PortalWeek:
    monday: datetime.date
    group_room: Room
    office: Room
    gus: User
    relapse: GroupSession  # erin and olive, Monday, led by alice
    olive_only: GroupSession  # CBT skills, Tuesday, olive alone: not erin's
    individual: Appointment  # erin with gus, Wednesday
    olive_individual: Appointment  # olive with gus, Wednesday
    cancelled: Appointment  # erin's, cancelled: never shown
    later: GroupSession  # erin's, the week after


def this_monday() -> datetime.date:
    today = timezone.localdate()
    return today - datetime.timedelta(days=today.weekday())


def session(
    cast, code: str, day: datetime.date, start: int, room: Room, lead: User, members
) -> GroupSession:
    group_type = GroupType.objects.get(code=code)
    end = datetime.datetime.combine(day, datetime.time(start)) + datetime.timedelta(
        minutes=group_type.minutes
    )
    s = f.GroupSessionFactory(
        group_type=group_type,
        site=room.site,
        room=room,
        date=day,
        start=datetime.time(start),
        end=end.time(),
        facilitators=[lead],
    )
    for episode in members:
        f.GroupSessionPatientFactory(session=s, patient=episode.patient, episode=episode)
    return s


@pytest.fixture
def portal_week(cast) -> PortalWeek:
    monday = this_monday()
    group_room = f.RoomFactory(site=cast.site_a, name="Group A", kind="group", capacity=10)
    office = f.RoomFactory(site=cast.site_a, name="Office 1", kind="office", capacity=3)
    gus = f.UserFactory(
        username="gus",
        first_name="Gus",
        last_name="Grant",
        role=Role.CLINICIAN,
        sites=[cast.site_a],
    )
    erin, olive = cast.erin_episode, cast.olive_episode
    relapse = session(cast, "rp", monday, 17, group_room, cast.alice, [erin, olive])
    olive_only = session(
        cast, "cbt", monday + datetime.timedelta(days=1), 17, group_room, gus, [olive]
    )
    wednesday = monday + datetime.timedelta(days=2)

    def appointment(episode, start: int, **extra) -> Appointment:
        return f.AppointmentFactory(
            episode=episode,
            clinician=gus,
            site=cast.site_a,
            room=office,
            date=wednesday,
            start=datetime.time(start),
            end=datetime.time(start + 1),
            **extra,
        )

    individual = appointment(erin, 16)
    olive_individual = appointment(olive, 17)
    cancelled = appointment(erin, 19, kind=AppointmentKind.FAMILY, status=BookingStatus.CANCELLED)
    later = session(
        cast, "mindfulness", monday + datetime.timedelta(weeks=1), 18, group_room, gus, [erin]
    )
    # bea (site B) has a session at the same time as erin's group.
    session(cast, "rp", monday, 17, f.RoomFactory(site=cast.site_b), cast.bob, [cast.bea_episode])
    for weekday in (0, 1, 2):
        PatientAvailability.objects.create(
            patient=cast.erin_record,
            weekday=weekday,
            start=datetime.time(16),
            end=datetime.time(21),
        )
    PatientAvailability.objects.create(
        patient=cast.erin_record,
        kind="family",
        weekday=3,
        start=datetime.time(18),
        end=datetime.time(20),
    )
    return PortalWeek(
        monday,
        group_room,
        office,
        gus,
        relapse,
        olive_only,
        individual,
        olive_individual,
        cancelled,
        later,
    )
