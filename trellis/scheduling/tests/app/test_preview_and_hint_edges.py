"""Edges of the run preview, the plan hint and a room out of use (a review of 2026-12-07)."""

from django.urls import reverse

from trellis.core.tests import factories as f
from trellis.scheduling import selectors
from trellis.scheduling.review import week_diff
from trellis.scheduling.tests.app import pages


def test_preview_names_the_room_out_of_use_a_session_leaves(cast, week, booked, login):
    # Group A taken out of use; the run keeps the session at its time, in Group B (one
    # outcome of the solver, fixed here so that the test does not depend on the search).
    group_b = f.RoomFactory(site=cast.site_a, name="Group B", kind="group", capacity=10)
    week.group_room.active = False
    week.group_room.save()
    run = pages.solved(cast, week)
    current = selectors.week_as_format([cast.site_a], week.monday, pattern=True)
    (session,) = current["sessions"]
    run.solution = {
        **run.solution,
        "sessions": [{**session, "id": "g1", "room": str(group_b.public_id), "pinned": False}],
        "appointments": [],
    }
    run.save(update_fields=["solution"])
    response = login(cast.charlie).get(reverse("scheduling:run", args=[run.public_id]))
    ((_what, before, after, who),) = response.context["rooms"]
    assert after == "Group B"
    assert before == "Group A"  # before: "" (the run's instance holds no room out of use)
    assert who == "Alice Archer"  # parallel sessions are told apart by who leads them
    page = response.content.decode()
    assert "(Alice Archer): Group A → Group B" in page
    assert "0 sessions stay as they are. 1 booking keeps its time in another room." in page
    # Its patients are told their week changed, so the preview lists them.
    assert cast.erin_record.display_name in response.context["patients_moved"]


def test_preview_lists_an_appointment_kept_at_its_time_in_another_room(
    cast, week, appointment, login
):
    office_2 = f.RoomFactory(site=cast.site_a, name="Office 2", kind="office", capacity=2)
    run = pages.solved(cast, week)
    current = selectors.week_as_format([cast.site_a], week.monday, pattern=True)
    (booking,) = current["appointments"]
    run.solution = {
        **run.solution,
        "sessions": [],
        "appointments": [{**booking, "id": "a1", "room": str(office_2.public_id)}],
    }
    run.save(update_fields=["solution"])
    response = login(cast.charlie).get(reverse("scheduling:run", args=[run.public_id]))
    assert response.context["rooms"] == [
        ("Individual session, Tuesday 16:00", "Office 1", "Office 2", "Alice Archer")
    ]
    assert response.context["patients_moved"] == [cast.erin_record.display_name]


def test_a_repair_does_not_list_a_patient_whose_booking_only_changed_room(
    cast, week, booked, appointment, more_people, login
):
    # One admission (Zack) and a second, smaller office. Nothing of Erin's changes: the
    # extraction's room pass (smallest office first) would put her individual session in
    # Office 2, and the solver puts it back in Office 1 (solver/rooms.py).
    f.RoomFactory(site=cast.site_a, name="Office 2", kind="office", capacity=2)
    run = pages.solved(cast, week)
    assert run.solution["stats"]["moved"] == 1  # the solver: only the admission moved
    response = login(cast.charlie).get(reverse("scheduling:run", args=[run.public_id]))
    assert (response.context["added"], response.context["moved"], response.context["rooms"]) == (
        [],
        [],
        [],
    )
    # before: ['Erin Marsh', 'Zack Able'] — Erin listed, with no change shown anywhere.
    assert cast.erin_record.display_name not in response.context["patients_moved"]
    assert run.solution["stats"]["rooms_kept"] >= 1


def test_week_diff_pairs_sessions_in_parallel_rooms_by_room_first() -> None:
    def rp(ident: str, room: str) -> dict:
        return {
            "id": ident,
            "type": "rp",
            "site": "s1",
            "day": "mon",
            "start": "17:00",
            "room": room,
            "facilitators": ["c1"],
            "patients": [],
        }

    # A split session in rooms A and B; the run keeps B and moves the other half to C.
    before = {"sessions": [rp("1", "A"), rp("2", "B")], "appointments": []}
    after = {"sessions": [rp("3", "B"), rp("4", "C")], "appointments": []}
    diff = week_diff(before, after)
    # before: [("A", "B"), ("B", "C")] — two changes listed, the kept room B among them.
    assert [(a["room"], b["room"]) for a, b in diff.rooms] == [("A", "C")]


def test_plan_hint_does_not_say_the_plan_asks_for_no_individual_session(cast, week, login):
    # Erin's (default) plan names Bob, who works at Southside only, for her individual session.
    cast.erin_episode.primary_clinician = cast.bob
    cast.erin_episode.save()
    client = login(cast.charlie)
    url = reverse("scheduling:appointment_plan")
    body = client.get(f"{url}?site=north&patient={cast.erin_record.pk}").content.decode()
    assert "Their individual clinician is not scheduled at this site." in body
    # it said this too, which is false: her plan asks for an individual session.
    assert "asks for no individual or family session" not in body


def test_a_new_booking_into_a_room_out_of_use_is_not_told_to_move(cast, week):
    import datetime

    from trellis.scheduling import services
    from trellis.scheduling.models import GroupType
    from trellis.scheduling.services.bookings import RulesBroken

    week.group_room.active = False
    week.group_room.save()
    try:
        services.session_add(
            actor=cast.charlie,
            site=cast.site_a,
            group_type=GroupType.objects.get(code="rp"),
            date=week.monday,
            start=datetime.time(17),
            room=week.group_room,
            facilitator=cast.alice,
        )
    except RulesBroken as error:
        said = error.problems
    # docs/scheduling.md: "Hand edits into it are refused ("That room is not at this site or
    # is not in use.")"; before: "Group A is out of use: move the booking to another room."
    assert not any("move the booking" in p for p in said)


def test_week_diff_pairs_parallel_sessions_by_facilitator_before_room() -> None:
    def rp(ident: str, room: str, facilitator: str) -> dict:
        return {
            "id": ident,
            "type": "rp",
            "site": "s1",
            "day": "mon",
            "start": "20:30",
            "room": room,
            "facilitators": [facilitator],
            "patients": [],
        }

    # Ahmed's session goes from room 1 to 2, Elise's from room 2 to 3 (a browser walk-through
    # read "room 1 → room 3", pairing Elise's old session with Ahmed's new one by room).
    before = {"sessions": [rp("1", "r1", "ahmed"), rp("2", "r2", "elise")], "appointments": []}
    after = {"sessions": [rp("3", "r2", "ahmed"), rp("4", "r3", "elise")], "appointments": []}
    diff = week_diff(before, after)
    assert sorted((a["room"], b["room"]) for a, b in diff.rooms) == [("r1", "r2"), ("r2", "r3")]
    assert diff.kept == 2
