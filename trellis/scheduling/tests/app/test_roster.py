"""A group session's roster: its facilitators and coordinators see who is in it; another
clinician sees the patients they treat and a count of the rest; each name shown is audited."""

from __future__ import annotations

import pytest
from django.urls import reverse

from trellis.audit.models import AuditAction, AuditEvent

from .pages import WEEK

pytestmark = pytest.mark.django_db

NAMES = ["Erin Marsh", "Olive Stone", "Pat0 Extra", "Pat1 Extra"]


def _roster(booked) -> str:
    return reverse("scheduling:roster", args=[booked.public_id])


def test_the_facilitator_sees_every_patient_and_each_read_is_audited(
    cast, week, booked, login
) -> None:
    page = login(cast.alice).get(_roster(booked)).content.decode()
    for name in NAMES:
        assert name in page
    assert "4 / 10 patients (at least 4)" in page
    assert "Alice Archer" in page  # the facilitator
    events = AuditEvent.objects.filter(action=AuditAction.VIEW, object_id=str(booked.public_id))
    assert events.count() == 4
    assert {e.patient_id for e in events} == {p.pk for p in week.patients}
    assert all(e.actor == cast.alice for e in events)


def test_another_clinician_sees_only_the_patients_they_treat(cast, week, booked, login) -> None:
    # gus is on Pat0's care team only, and leads none of this session.
    page = login(week.gus).get(_roster(booked)).content.decode()
    assert "Pat0 Extra" in page
    for name in ("Erin Marsh", "Olive Stone", "Pat1 Extra"):
        assert name not in page
    assert "and 3 patients you do not treat" in page
    assert AuditEvent.objects.filter(action=AuditAction.VIEW, actor=week.gus).count() == 1


def test_a_coordinator_sees_every_patient_of_their_list_and_can_go_on_to_change_it(
    cast, week, booked, login
) -> None:
    page = login(cast.ivy).get(_roster(booked)).content.decode()
    for name in NAMES:
        assert name in page
    assert reverse("scheduling:move", args=["session", booked.public_id]) in page


def test_outside_the_site_or_the_schedule_it_is_not_found(cast, week, booked, login) -> None:
    assert login(cast.bob).get(_roster(booked)).status_code == 404
    assert login(cast.dana).get(_roster(booked)).status_code == 404


def test_the_week_links_each_sessions_size_to_its_roster(cast, week, booked, login) -> None:
    page = login(cast.alice).get(f"{WEEK}?view=site&key=north&week={week.monday}")
    assert f'href="{_roster(booked)}?next=' in page.content.decode()
