"""The main pages use a number of queries that does not grow with how much there is to show.

Each page is measured with a little data, then again after adding many more patients (each with
an episode, a care-team place, a group seat today, an appointment, a referral, an open safety
alert and audit events); the counts must be equal.
"""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from trellis.assessments.models import AlertReason, Referral, SafetyAlert
from trellis.audit.services import audit_record
from trellis.core.tests import factories as f
from trellis.patients.models import CareTeamRole, EpisodeStatus

pytestmark = pytest.mark.django_db

PAGES: list[tuple[str, str, dict[str, str]]] = [
    ("alice", "home", {}),
    ("charlie", "home", {}),
    ("dana", "home", {}),
    ("charlie", "audit:list", {}),
    ("alice", "plans:worklist", {}),
    ("charlie", "plans:worklist", {}),
    ("ivy", "assessments:waitlist", {}),
    ("charlie", "scheduling:week", {}),
    ("charlie", "scheduling:unmet", {}),
]


def grow(cast, n: int) -> None:
    session = f.GroupSessionFactory(
        site=cast.site_a,
        date=timezone.localdate(),
        start=datetime.time(18),
        end=datetime.time(19, 30),
        facilitators=[cast.alice],
    )
    for _ in range(n):
        patient = f.PatientFactory(site=cast.site_a)
        episode = f.EpisodeFactory(
            patient=patient,
            track=cast.track_a,
            status=EpisodeStatus.ACTIVE,
            primary_clinician=cast.alice,
            admitted_on=timezone.localdate() - datetime.timedelta(days=3),
        )
        f.CareTeamMemberFactory(episode=episode, user=cast.alice, role=CareTeamRole.PRIMARY)
        f.GroupSessionPatientFactory(session=session, episode=episode)
        f.AppointmentFactory(episode=episode, clinician=cast.alice)
        SafetyAlert.objects.create(
            patient=patient, reason=AlertReason.CLINICIAN, detail="Marked at risk"
        )
        Referral.objects.create(
            site=cast.site_a,
            first_name="Ref",
            last_name=patient.last_name,
            date_of_birth=patient.date_of_birth,
            source="self",
            reason="r",
            referred_on=timezone.localdate(),
            created_by=cast.ivy,
        )
        audit_record(actor=cast.alice, action="chart.view", patient=patient, obj=patient)


def count(client, url: str) -> int:
    client.get(url)  # warm caches (session, content types, translations)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_main_pages_do_not_grow_with_the_data(cast) -> None:
    grow(cast, 2)
    clients = {who: client_for(getattr(cast, who)) for who, _n, _k in PAGES}
    urls = [(who, reverse(name, kwargs=kwargs)) for who, name, kwargs in PAGES]
    few = {url: count(clients[who], url) for who, url in urls}
    grow(cast, 12)
    many = {url: count(clients[who], url) for who, url in urls}
    grown = {url: (few[url], many[url]) for url in few if few[url] != many[url]}
    assert not grown, f"queries grew with the data (few, many): {grown}"
