"""The patient list and the chart use a fixed number of queries, however much there is to show."""

from __future__ import annotations

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from trellis.accounts.models import Role
from trellis.core.tests import factories as f
from trellis.patients.models import CareTeamRole, EpisodeStatus

MAX_QUERIES = 20


def queries_for(client, url: str) -> int:
    client.get(url)  # warm up: session, content types, translations
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def add_patients(cast, n: int) -> None:
    for i in range(n):
        clinician = f.UserFactory(role=Role.CLINICIAN, sites=[cast.site_a])
        patient = f.PatientFactory(site=cast.site_a, pronouns="they/them")
        episode = f.EpisodeFactory(
            patient=patient,
            track=cast.track_a,
            primary_clinician=clinician,
            status=EpisodeStatus.ACTIVE if i % 2 else EpisodeStatus.ON_HOLD,
        )
        f.CareTeamMemberFactory(episode=episode, user=clinician, role=CareTeamRole.PRIMARY)
        f.ContactFactory(patient=patient)


def test_patient_list_queries_do_not_grow_with_patients(cast, login, django_assert_max_num_queries):
    client = login(cast.charlie)
    url = reverse("patients:list")
    add_patients(cast, 3)
    few = queries_for(client, url)
    add_patients(cast, 27)
    many = queries_for(client, url)
    assert few == many
    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get(url)
    assert "32 patients" in response.content.decode()


def test_patient_list_search_queries_are_bounded(cast, login):
    add_patients(cast, 3)
    client = login(cast.alice)
    url = reverse("patients:list") + f"?q=Ient&status=active&track={cast.track_a.public_id}&mine=on"
    few = queries_for(client, url)
    add_patients(cast, 27)
    assert queries_for(client, url) == few


def add_history(cast, n: int) -> None:
    """n closed episodes, each with transitions and a care team, and n contacts."""
    patient = cast.erin_record
    for i in range(n):
        start = f.days_ago(2000 - 60 * i)
        episode = f.EpisodeFactory(
            patient=patient,
            track=cast.track_a,
            status=EpisodeStatus.DISCHARGED,
            referred_on=start,
            discharged_on=start + datetime.timedelta(days=40),
            discharge_reason="completed",
            primary_clinician=f.UserFactory(role=Role.CLINICIAN, sites=[cast.site_a]),
        )
        for name, to in (("begin_screening", "screening"), ("close_referral", "discharged")):
            f.EpisodeTransitionFactory(
                episode=episode,
                name=name,
                to_status=to,
                actor=f.UserFactory(role=Role.INTAKE, sites=[cast.site_a]),
            )
        f.CareTeamMemberFactory(
            episode=episode,
            user=episode.primary_clinician,
            role=CareTeamRole.PRIMARY,
            removed_on=start + datetime.timedelta(days=40),
        )
        f.ContactFactory(patient=patient, is_emergency_contact=bool(i % 2))
        f.CareTeamMemberFactory(
            episode=cast.erin_episode,
            user=f.UserFactory(role=Role.CLINICIAN, sites=[cast.site_a]),
            role=CareTeamRole.THERAPIST,
        )


def test_chart_queries_do_not_grow_with_episodes_contacts_or_team(
    cast, login, django_assert_max_num_queries
):
    client = login(cast.alice)
    url = reverse("patients:chart", args=[cast.erin_record.public_id])
    add_history(cast, 3)
    few = queries_for(client, url)
    add_history(cast, 27)
    many = queries_for(client, url)
    assert few == many
    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get(url)
    assert response.content.decode().count('class="timeline"') == 31
