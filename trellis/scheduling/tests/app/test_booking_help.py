"""Booking by hand says what it needs (a browser review of 2026-12-07): the plan's individual
and family sessions when a patient is chosen, each broken rule on its own line, a family with
no times recorded, a room out of use named, an office of one refused."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from trellis.audit.models import AuditAction, AuditEvent
from trellis.core.errors import ValidationFailed
from trellis.scheduling import services
from trellis.scheduling.tests.app.pages import WEEK

NEW = reverse("scheduling:appointment_new") + "?site=north"
PLAN = reverse("scheduling:appointment_plan")


def test_choosing_a_patient_shows_what_their_plan_asks_for_audited(cast, week, login):
    client = login(cast.charlie)
    body = client.get(f"{PLAN}?site=north&patient={cast.erin_record.pk}").content.decode()
    assert "What Erin Marsh's plan asks for" in body
    assert "Individual: 1 a week, 1 h, with Alice Archer." in body
    assert AuditEvent.objects.filter(
        action=AuditAction.VIEW, patient=cast.erin_record, actor=cast.charlie
    ).exists()
    # Nobody chosen, or a patient not bookable here: nothing.
    assert client.get(f"{PLAN}?site=north&patient=").content == b""
    assert client.get(f"{PLAN}?site=north&patient={cast.bea.pk}").content == b""
    # The form asks for it when the patient changes.
    form = client.get(NEW).content.decode()
    assert f'hx-get="{PLAN}?site=north"' in form


def test_a_refused_booking_lists_each_rule_and_keeps_the_plan_in_view(cast, week, login):
    response = login(cast.charlie).post(
        NEW,
        {
            "patient": cast.erin_record.pk,
            "kind": "individual",
            "clinician": week.gus.pk,
            "date": str(week.monday + datetime.timedelta(days=1)),
            "start": "16:00",
            "minutes": "90",
            "room": week.office.pk,
        },
    )
    body = response.content.decode()
    assert "<li>Erin Marsh&#x27;s plan asks for 60-minute individual sessions" in body
    assert "<li>Erin Marsh&#x27;s plan names Alice Archer for the individual session" in body
    assert "Individual: 1 a week, 1 h, with Alice Archer." in body


def test_a_plan_family_session_without_family_times_is_kept_for_the_check(cast, week, monkeypatch):
    # A signed plan asking for a family session, and no family times recorded: a run books
    # none (no requirement), a week's check keeps it, so Plans not met lists the patient.
    from trellis.scheduling import instance_builder

    plan = {
        "min_minutes": 60,
        "min_days": 1,
        "min_day_minutes": 60,
        "max_day_minutes": 240,
        "groups": {},
        "individual": None,
        "family": {"count": 1, "minutes": 60},
    }
    monkeypatch.setattr(
        instance_builder,
        "_plan_requirements",
        lambda episodes: {e.pk: dict(plan) for e in episodes if e.patient == cast.erin_record},
    )
    erin = str(cast.erin_record.public_id)

    def family(checking: bool) -> object:
        built = instance_builder.build_instance([cast.site_a], week.monday, checking=checking)
        return next(p for p in built.instance["patients"] if p["id"] == erin)["plan"]["family"]

    assert family(False) is None
    assert family(True) == {"count": 1, "minutes": 60, "availability": {}}


def test_a_family_session_without_family_times_says_to_record_them():
    from trellis.scheduling import rules
    from trellis.scheduling.tests.app.test_review_rules import _instance

    instance = _instance()
    instance["rooms"][0]["capacity"] = 6
    instance["clinicians"][0]["competencies"] = ["family"]
    plan = instance["patients"][0]["plan"]
    plan["individual"] = None
    plan["family"] = {"count": 1, "minutes": 60, "availability": {}}
    family = {
        "id": None,
        "kind": "family",
        "patient": "p1",
        "clinician": "c1",
        "site": "s1",
        "day": "mon",
        "start": "10:00",
        "minutes": 60,
        "room": "o1",
    }
    assert rules.violations(instance, [], family) == [
        "No family availability is recorded for p1: add it on their Availability and schedule page."
    ]


def test_a_booking_in_a_room_out_of_use_is_named_and_its_move_page_says_why(
    cast, week, booked, login
):
    week.group_room.active = False
    week.group_room.save()
    with pytest.raises(ValidationFailed, match="Group A is out of use"):
        services.session_move(
            actor=cast.charlie,
            session=booked,
            date=week.monday,
            start=datetime.time(18),
            room=week.group_room,
        )
    client = login(cast.charlie)
    move = client.get(reverse("scheduling:move", args=["session", booked.public_id]))
    assert "Group A is out of use: choose another room." in move.content.decode()
    rooms = client.get(f"{WEEK}?view=room&week={week.monday}").content.decode()
    assert "Group A (Northside) (out of use)" in rooms


def test_an_office_holds_at_least_two(cast, week, login):
    with pytest.raises(ValidationFailed, match="An office holds 2 to 60 people"):
        services.room_save(
            actor=cast.charlie, site=cast.site_a, name="Nook", kind="office", capacity=1
        )
    page = login(cast.charlie).post(
        reverse("scheduling:site_edit", args=["north"]),
        {"name": "Nook", "kind": "office", "capacity": "1"},
    )
    assert "A room holds at least 2 people" in page.content.decode()
