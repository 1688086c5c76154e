"""A group session added by hand: checked against the rules, then filled on its own page."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from trellis.audit.models import AuditAction, AuditEvent
from trellis.core.errors import ValidationFailed
from trellis.core.tests import factories as f
from trellis.scheduling import services, weeks
from trellis.scheduling.models import GroupSession, GroupType

NEW = reverse("scheduling:session_new") + "?site=north"


def _form(week, **changes) -> dict[str, object]:
    return {
        "group_type": GroupType.objects.get(code="rp").pk,
        "facilitator": week.gus.pk,
        "date": str(week.monday + datetime.timedelta(days=2)),
        "start": "18:00",
        "room": week.group_room.pk,
        **changes,
    }


def test_a_session_is_added_with_its_facilitator_and_no_patients(cast, week):
    session = services.session_add(
        actor=cast.charlie,
        site=cast.site_a,
        group_type=GroupType.objects.get(code="rp"),
        date=week.monday + datetime.timedelta(days=2),
        start=datetime.time(18),
        room=week.group_room,
        facilitator=week.gus,
    )
    assert session.end == datetime.time(19, 30)  # the group's 90 minutes
    assert list(session.facilitators.all()) == [week.gus]
    assert session.members.count() == 0
    assert AuditEvent.objects.filter(
        action=AuditAction.CREATE, object_id=str(session.public_id)
    ).exists()
    # Filled one patient at a time although it is short of its minimum until the fourth.
    for patient in week.patients:
        services.session_add_patient(actor=cast.charlie, session=session, patient=patient)
    assert session.members.count() == 4


def test_a_session_breaking_a_rule_is_refused_and_not_added(cast, week, booked):
    with pytest.raises(ValidationFailed, match="Group A is already in use"):
        services.session_add(
            actor=cast.charlie,
            site=cast.site_a,
            group_type=GroupType.objects.get(code="rp"),
            date=week.monday,
            start=datetime.time(17),
            room=week.group_room,
            facilitator=week.gus,
        )
    assert GroupSession.objects.count() == 1


def test_a_session_in_the_past_or_of_a_retired_group_is_refused(cast, week):
    kwargs = {
        "actor": cast.charlie,
        "site": cast.site_a,
        "start": datetime.time(18),
        "room": week.group_room,
        "facilitator": week.gus,
    }
    rp = GroupType.objects.get(code="rp")
    yesterday = weeks.site_today(cast.site_a) - datetime.timedelta(days=1)
    with pytest.raises(weeks.DateInPast):
        services.session_add(group_type=rp, date=yesterday, **kwargs)
    rp.active = False
    rp.save()
    with pytest.raises(ValidationFailed, match="no longer offered"):
        services.session_add(group_type=rp, date=week.monday, **kwargs)
    assert not GroupSession.objects.exists()


def test_the_page_adds_it_and_opens_its_page_to_take_patients(cast, week, login):
    client = login(cast.charlie)
    page = client.get(NEW).content.decode()
    assert "Add a group session" in page
    assert "Group A" in page
    assert "Office 1" not in page  # an office holds no group
    response = client.post(NEW, _form(week), follow=True)
    session = GroupSession.objects.get()
    text = response.content.decode()
    assert response.redirect_chain[-1][0].startswith(
        reverse("scheduling:move", args=["session", session.public_id])
    )
    assert "Session added. Now add its patients: it needs at least 4." in text
    assert "Nobody is booked into it." in text
    assert "Add a patient to this session" in text


def test_the_page_offers_only_the_groups_the_sites_tracks_serve(cast, week, login):
    """Northside's only track is for adults: an adolescent group could only be refused."""
    page = login(cast.charlie).get(NEW).content.decode()
    assert "Relapse prevention" in page
    assert "Adolescent DBT skills" not in page
    f.TrackFactory(site=cast.site_a, name="Teens", population="adolescent")
    assert "Adolescent DBT skills" in login(cast.charlie).get(NEW).content.decode()


def test_a_refused_session_keeps_what_was_typed(cast, week, booked, login):
    page = login(cast.charlie).post(
        NEW, _form(week, date=str(week.monday), start="17:00", facilitator=week.gus.pk)
    )
    text = page.content.decode()
    assert page.status_code == 200
    assert "This session would break the schedule" in text
    assert "Group A is already in use" in text
    assert f'value="{week.monday}"' in text
    assert 'value="17:00"' in text
    assert GroupSession.objects.count() == 1


def test_adding_a_session_is_for_coordinators_only(cast, week, login):
    client = login(cast.alice)
    assert client.get(NEW).status_code == 404
    assert client.post(NEW, _form(week)).status_code == 404
    assert not GroupSession.objects.exists()


def test_a_session_is_not_added_in_a_room_smaller_than_its_group_minimum(cast, week):
    small = GroupType.objects.get(code="rp")
    small.min_size, small.max_size = 14, 20
    small.save()
    with pytest.raises(ValidationFailed, match="Group A holds 10 people; Relapse prevention"):
        services.session_add(
            actor=cast.charlie,
            site=cast.site_a,
            group_type=small,
            date=week.monday + datetime.timedelta(days=2),
            start=datetime.time(18),
            room=week.group_room,
            facilitator=week.gus,
        )
    assert not GroupSession.objects.exists()
