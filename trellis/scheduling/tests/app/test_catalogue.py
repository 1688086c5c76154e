"""The group catalogue page: who may see and edit it, its messages, and that edits reach the
instance a run is built from."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from django.utils.formats import date_format

from trellis.audit.models import AuditEvent
from trellis.core.errors import NotPermitted, ValidationFailed
from trellis.plans import services as plan_services
from trellis.plans.tests.conftest import content as plan_content
from trellis.scheduling import services
from trellis.scheduling.instance_builder import build_instance
from trellis.scheduling.models import GroupType
from trellis.scheduling.solver import parse_instance
from trellis.scheduling.tests.app.conftest import next_monday

LIST = reverse("scheduling:catalogue")
NEW = reverse("scheduling:group_type_new")


def _edit_url(code: str) -> str:
    return reverse("scheduling:group_type_edit", args=[GroupType.objects.get(code=code).public_id])


def _form(**over: object) -> dict[str, object]:
    data: dict[str, object] = {
        "code": "grief",
        "name": "Grief and loss",
        "modality": "process",
        "minutes": "90",
        "min_size": "3",
        "max_size": "10",
        "requires": ["group", "mh"],
        "populations": ["adult-mh", "adult-cooccurring"],
        "active": "on",
    }
    data.update(over)
    return data


def _types(instance: dict[str, object]) -> dict[str, dict[str, object]]:
    return {t["id"]: t for t in instance["group_types"]}  # type: ignore[attr-defined]


@pytest.mark.parametrize("who", ["charlie", "adam"])
def test_directors_and_administrators_list_add_and_edit(cast, login, who):
    client = login(cast.user(who))
    page = client.get(LIST)
    assert page.status_code == 200
    assert "Relapse prevention" in page.content.decode()
    assert NEW in page.content.decode()
    assert client.get(NEW).status_code == 200
    assert client.get(_edit_url("rp")).status_code == 200


@pytest.mark.parametrize("who", ["alice", "ivy"])
def test_clinicians_and_intake_read_the_catalogue_but_cannot_edit_it(cast, login, who):
    client = login(cast.user(who))
    page = client.get(LIST)
    assert page.status_code == 200
    assert "Relapse prevention" in page.content.decode()
    assert NEW not in page.content.decode()
    assert client.get(NEW).status_code == 403
    assert client.post(NEW, _form()).status_code == 403
    assert client.post(_edit_url("rp"), _form(code="rp", minutes="60")).status_code == 403
    assert not GroupType.objects.filter(code="grief").exists()
    assert GroupType.objects.get(code="rp").minutes == 90


@pytest.mark.parametrize("who", ["dana", "erin", "frank"])
def test_other_roles_get_403(cast, login, who):
    client = login(cast.user(who))
    assert client.get(LIST).status_code == 403
    assert client.get(NEW).status_code == 403
    assert client.get(_edit_url("rp")).status_code == 403


def test_the_week_page_links_to_the_catalogue(cast, login):
    page = login(cast.charlie).get(reverse("scheduling:week"))
    assert LIST in page.content.decode()


def test_adding_a_group_type_reaches_the_instance_and_is_audited(cast, login):
    response = login(cast.charlie).post(NEW, _form())
    assert response.status_code == 302
    added = _types(build_instance([cast.site_a], next_monday()).instance)["grief"]
    assert added == {
        "id": "grief",
        "name": "Grief and loss",
        "modality": "process",
        "minutes": 90,
        "min_size": 3,
        "max_size": 10,
        "requires": ["group", "mh"],
        "populations": ["adult-cooccurring", "adult-mh"],
    }
    event = AuditEvent.objects.get(summary="Added group type grief")
    assert event.actor == cast.charlie


@pytest.mark.parametrize(
    ("over", "field_message"),
    [
        (
            {"min_size": "8", "max_size": "5"},
            "The largest size (5) is below the smallest size (8).",
        ),
        ({"minutes": "50"}, "Use a multiple of 15 minutes."),
        ({"minutes": "0"}, "A group lasts a positive number of minutes."),
        ({"minutes": "600"}, "A group lasts at most 480 minutes."),
        ({"min_size": "0"}, "A group needs at least 1 patient."),
        ({"populations": []}, "Choose at least one population the group serves."),
        ({"code": "rp"}, "“rp” is already the code of Relapse prevention."),
        ({"code": "RP"}, "“rp” is already the code of Relapse prevention."),
        ({"code": "not a code!"}, "Use lower-case letters, digits, hyphens and underscores"),
        ({"max_size": "41"}, "A group takes at most 40 patients."),
    ],
)
def test_invalid_group_types_are_refused_in_plain_words_keeping_the_input(
    cast, login, over, field_message
):
    response = login(cast.charlie).post(NEW, _form(name="Teen art therapy", **over))
    page = response.content.decode()
    assert response.status_code == 200
    assert field_message in page
    assert page.count('class="error"') == 1  # one message, next to its field
    assert 'value="Teen art therapy"' in page  # what was typed is kept
    assert not GroupType.objects.filter(name="Teen art therapy").exists()


def test_editing_reaches_the_instance_and_the_code_cannot_change(cast, login):
    client = login(cast.charlie)
    response = client.post(
        _edit_url("rp"),
        _form(code="changed", name="Relapse prevention", minutes="60", min_size="5", max_size="8"),
    )
    assert response.status_code == 302
    rp = _types(build_instance([cast.site_a], next_monday()).instance)["rp"]
    assert (rp["minutes"], rp["min_size"], rp["max_size"]) == (60, 5, 8)
    assert not GroupType.objects.filter(code="changed").exists()
    event = AuditEvent.objects.get(summary="Changed group type rp")
    assert event.changes["minutes"] == [90, 60]


def test_edit_form_refuses_sizes_the_wrong_way_round_and_keeps_the_row(cast, login):
    response = login(cast.charlie).post(
        _edit_url("rp"), _form(name="RP renamed", min_size="9", max_size="4")
    )
    assert "The largest size (4) is below the smallest size (9)." in response.content.decode()
    assert 'value="RP renamed"' in response.content.decode()
    rp = GroupType.objects.get(code="rp")
    assert (rp.name, rp.min_size, rp.max_size) == ("Relapse prevention", 4, 12)


def test_deactivating_keeps_sessions_and_plans_still_build_a_valid_instance(cast, login):
    # erin's signed plan asks for process-sud twice and rp once.
    version = plan_services.plan_version_save(
        actor=cast.alice,
        episode=cast.erin_episode,
        content=plan_content(),
        reason="Initial plan",
        based_on=None,
    )
    plan_services.plan_sign(actor=cast.alice, version=version)
    form = _form(code="rp", name="Relapse prevention", modality="psychoeducation")
    form.pop("active")
    form.update(requires=["group", "sud"], populations=["adult-sud"])
    login(cast.charlie).post(_edit_url("rp"), form)

    assert GroupType.objects.filter(code="rp", active=False).exists()
    assert AuditEvent.objects.filter(summary="Deactivated group type rp").exists()
    built = build_instance([cast.site_a], next_monday())
    assert "rp" not in _types(built.instance)
    erin = next(p for p in built.instance["patients"] if p["id"] == str(cast.erin_record.public_id))
    assert erin["plan"]["groups"] == {"process-sud": 2}
    assert built.notes[erin["id"]] == [
        "their plan asks for groups no longer offered: Relapse prevention",
        "no availability recorded",
    ]
    parse_instance(built.instance)  # the solver accepts it (an unknown type would be refused)
    page = login(cast.charlie).get(LIST).content.decode()
    assert "not offered" in page


def _create_x(actor: Any, **changes: Any) -> GroupType:
    """Add a small process group "x" through the service; `changes` override its fields."""
    fields: dict[str, Any] = {
        "code": "x",
        "name": "X",
        "modality": "process",
        "minutes": 60,
        "min_size": 3,
        "max_size": 8,
        "requires": [],
        "populations": ["adult-sud"],
    }
    return services.group_type_create(actor=actor, **(fields | changes))


def test_services_refuse_other_roles_and_bad_values(cast):
    with pytest.raises(NotPermitted):
        _create_x(cast.alice)
    with pytest.raises(ValidationFailed, match="below the smallest size"):
        services.group_type_update(
            actor=cast.charlie,
            group_type=GroupType.objects.get(code="rp"),
            name="Relapse prevention",
            modality="psychoeducation",
            minutes=90,
            min_size=6,
            max_size=5,
            requires=["group", "sud"],
            populations=["adult-sud"],
            active=True,
        )
    with pytest.raises(ValidationFailed, match="Unknown competencies: juggling"):
        _create_x(cast.adam, requires=["juggling"])


def test_the_admin_shows_the_catalogue_read_only(cast, rf):
    from django.contrib import admin

    model_admin = admin.site._registry[GroupType]
    request = rf.get("/admin/")
    request.user = cast.adam
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, GroupType.objects.get(code="rp"))
    assert not model_admin.has_delete_permission(request)


def test_the_catalogue_page_queries_do_not_grow_with_the_catalogue(cast, login):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(cast.charlie)
    client.get(LIST)
    with CaptureQueriesContext(connection) as before:
        client.get(LIST)
    for n in range(5):
        services.group_type_create(
            actor=cast.charlie,
            code=f"extra-{n}",
            name=f"Extra {n}",
            modality="skills",
            minutes=60,
            min_size=3,
            max_size=8,
            requires=["group"],
            populations=["adult-sud"],
        )
    with CaptureQueriesContext(connection) as after:
        page = client.get(LIST)
    assert "Extra 4" in page.content.decode()
    assert len(after) == len(before)


def test_the_catalogue_names_competencies_and_populations_by_their_labels(cast, login):
    body = login(cast.charlie).get(LIST).content.decode()
    rp = GroupType.objects.get(code="rp")
    row = body[body.index("<td>Relapse prevention</td>") :]
    row = row[: row.index("</tr>")]
    assert "Group facilitation, Substance use disorders" in row
    assert "Adults, substance use" in row
    assert f"<td>{', '.join(rp.requires)}</td>" not in row


def test_a_group_type_anyone_may_lead_needs_no_competency(cast, login):
    page = login(cast.charlie).post(NEW, _form(code="walk", name="Walking group", requires=[]))
    assert page.status_code == 302, page.content.decode()[:2000]
    walk = GroupType.objects.get(code="walk")
    assert walk.requires == []
    built = build_instance([cast.site_a], next_monday())
    parse_instance(built.instance)  # the optimizer reads it: any clinician may lead it
    assert _types(built.instance)["walk"]["requires"] == []


def test_a_type_no_longer_offered_says_how_many_sessions_stay_booked(cast, login, booked):
    client = login(cast.charlie)
    data = _form(code="rp", name="Relapse prevention", requires=["group", "sud"])
    data.pop("active")  # unticked
    page = client.post(_edit_url("rp"), data, follow=True)
    said = [str(m) for m in page.context["messages"]]
    last = date_format(booked.date)
    assert f"1 session of Relapse prevention is still booked, to {last}" in said[-1]


def test_a_group_of_choices_names_its_error_and_help_and_says_it_is_required(cast, login):
    page = login(cast.charlie).post(NEW, _form(name="Teen art", populations=[])).content.decode()
    assert 'aria-describedby="id_populations_error"' in page
    assert 'aria-describedby="id_requires_helptext"' in page
    assert 'id="id_requires_helptext"' in page
    legend = page.split("Populations the group serves", 1)[1].split("</legend>", 1)[0]
    assert "(required)" in legend  # required in effect, though the model checks it


def test_adding_a_type_is_one_transaction_with_its_audit_event(cast, monkeypatch):
    from trellis.scheduling.services import catalogue

    def fail(**_kwargs: Any) -> None:
        raise RuntimeError("audit trail unavailable")

    monkeypatch.setattr(catalogue, "audit_record", fail)
    with pytest.raises(RuntimeError):
        _create_x(cast.charlie)
    assert not GroupType.objects.filter(code="x").exists()  # no type without its audit event


def test_saving_a_type_unchanged_leaves_a_finished_run_current(cast, week) -> None:
    rp = GroupType.objects.get(code="rp")
    GroupType.objects.filter(pk=rp.pk).update(populations=["adult-sud", "adult-cooccurring"])
    rp.refresh_from_db()
    run = services.run_create(
        actor=cast.charlie, sites=[week.group_room.site], week_start=week.monday, time_limit=1
    )
    services.run_execute(run.public_id)
    run.refresh_from_db()
    assert services.run_changes(run) == []

    def save(**changes: Any) -> None:
        """The edit form saved: every field as it is but `changes` (sorting the lists)."""
        fields: dict[str, Any] = {
            "name": rp.name,
            "modality": rp.modality,
            "minutes": rp.minutes,
            "min_size": rp.min_size,
            "max_size": rp.max_size,
            "requires": list(rp.requires),
            "populations": list(rp.populations),
            "active": rp.active,
        }
        services.group_type_update(actor=cast.adam, group_type=rp, **(fields | changes))

    save()  # nothing changed
    assert services.run_changes(run) == []
    save(populations=["adult-sud"])
    assert services.run_changes(run) == ["the group catalogue changed"]


def test_a_code_taken_meanwhile_is_refused_in_words(cast, monkeypatch) -> None:
    from trellis.scheduling.services import catalogue

    real = catalogue._validated

    def other_request_meanwhile(group_type):
        real(group_type)
        GroupType.objects.create(
            code=group_type.code,
            name="Another",
            modality="process",
            minutes=60,
            populations=["adult-sud"],
        )

    monkeypatch.setattr(catalogue, "_validated", other_request_meanwhile)
    with pytest.raises(ValidationFailed, match="is already the code of Another"):
        _create_x(cast.adam)


def test_sessions_of_a_type_no_longer_offered_are_still_checked_as_such(
    cast, week, booked, login
) -> None:
    import datetime

    GroupType.objects.filter(code="rp").update(active=False)
    assert "rp" not in _types(build_instance([cast.site_a], week.monday).instance)  # runs
    # The session stays booked, as the catalogue says: it can still be moved ...
    services.session_move(
        actor=cast.charlie,
        session=booked,
        date=week.monday,
        start=datetime.time(17, 30),
        room=week.group_room,
    )
    # ... and Plans not met does not call it a booking of no group type.
    page = login(cast.charlie).get(reverse("scheduling:unmet") + f"?site=north&week={week.monday}")
    assert "no group type" not in page.content.decode()
