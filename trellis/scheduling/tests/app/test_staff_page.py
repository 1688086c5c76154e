"""The staff page: the clinicians of a coordinator's sites as the optimizer sees them, edited by
directors and administrators (competencies, weekly limit, availability), audited, and read by
the next run."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from trellis.accounts.models import Role, StaffAvailability
from trellis.audit.models import AuditAction, AuditEvent
from trellis.core.errors import NotPermitted
from trellis.core.tests import factories as f
from trellis.scheduling import services
from trellis.scheduling.instance_builder import build_instance
from trellis.scheduling.services.bookings import OverlappingWindows
from trellis.scheduling.tests.app.pages import queries_for

pytestmark = pytest.mark.django_db

LIST = reverse("scheduling:staff")


def _edit(person) -> str:
    return reverse("scheduling:staff_edit", args=[person.public_id])


def _form(**over: object) -> dict[str, object]:
    data: dict[str, object] = {
        "competencies": ["group", "sud", "family"],
        "weekly_hours": "30",
        "availability": "Mon 16:00-21:00\nTue 16:00-21:00",
    }
    data.update(over)
    return data


def test_a_director_sees_the_clinicians_of_their_sites(cast, week, login) -> None:
    page = login(cast.charlie).get(LIST)
    names = [p.display_name for p in page.context["staff"]]
    assert names == ["Alice Archer", "Gus Grant"]  # not Bob, who works at Southside
    body = page.content.decode()
    assert "Group facilitation" in body
    assert "Mon–Wed 16:00–21:00" in body
    assert _edit(cast.alice) in body


def test_a_director_changes_what_the_next_run_uses(cast, week, login) -> None:
    client = login(cast.charlie)
    saved = client.post(_edit(cast.alice), _form(), follow=True)
    assert "Saved Alice Archer: the next run uses it." in saved.content.decode()
    profile = cast.alice.staff_profile
    profile.refresh_from_db()
    assert profile.competencies == ["family", "group", "sud"]
    assert profile.max_weekly_minutes == 30 * 60
    assert [str(w) for w in profile.availability.all()] == [
        "Monday 16:00–21:00",
        "Tuesday 16:00–21:00",
    ]
    event = AuditEvent.objects.get(action=AuditAction.UPDATE, object_id=str(profile.public_id))
    assert event.changes["max_weekly_minutes"][1] == 1800
    assert "Wednesday 16:00–21:00" in event.changes["availability"][0]

    instance = build_instance([week.group_room.site], week.monday).instance
    (alice,) = [c for c in instance["clinicians"] if c["id"] == str(cast.alice.public_id)]
    assert alice["max_minutes"] == 1800
    assert alice["competencies"] == ["family", "group", "sud"]
    assert sorted(alice["availability"]) == ["mon", "tue"]


@pytest.mark.parametrize(
    ("over", "said"),
    [
        (
            {"availability": "Mon 16:00-21:00\nMon 20:00-22:00"},
            "Monday 16:00–21:00 and 20:00–22:00 overlap",
        ),
        ({"availability": "Mon 4pm-9pm"}, "use the 24-hour clock"),
        ({"weekly_hours": "37.1"}, "Use quarter hours"),
        ({"weekly_hours": "0"}, "The limit is at least a quarter hour (0.25)."),
        ({"weekly_hours": "abc"}, "Give the weekly limit in hours, like 37.5."),
        ({"weekly_hours": "200"}, "A week has 168 hours."),
    ],
)
def test_bad_input_keeps_what_was_typed_and_changes_nothing(cast, week, login, over, said) -> None:
    before = cast.alice.staff_profile.max_weekly_minutes
    page = login(cast.charlie).post(_edit(cast.alice), _form(**over))
    body = page.content.decode()
    assert said in body
    typed = str(over.get("availability", over.get("weekly_hours")))
    assert typed.split("\n")[-1] in body
    profile = cast.alice.staff_profile
    profile.refresh_from_db()
    assert profile.max_weekly_minutes == before
    assert profile.availability.count() == 3


def test_intake_reads_the_list_and_only_directors_and_administrators_edit(
    cast, week, login
) -> None:
    intake = login(cast.ivy)
    page = intake.get(LIST)
    assert page.status_code == 200
    assert _edit(cast.alice) not in page.content.decode()
    assert intake.get(_edit(cast.alice)).status_code == 403
    assert login(cast.alice).get(LIST).status_code == 404  # a clinician coordinates nothing
    assert login(cast.charlie).get(_edit(cast.bob)).status_code == 404  # another site's
    assert login(cast.adam).get(_edit(cast.bob)).status_code == 200
    with pytest.raises(NotPermitted):
        services.staff_schedule_update(
            actor=cast.ivy,
            clinician=cast.alice,
            competencies=["group"],
            max_weekly_minutes=600,
            windows=[],
        )


def test_the_service_refuses_windows_that_touch(cast, week) -> None:
    touching = [(0, datetime.time(9), datetime.time(12)), (0, datetime.time(12), datetime.time(14))]
    with pytest.raises(OverlappingWindows, match="touch"):
        services.staff_schedule_update(
            actor=cast.charlie,
            clinician=cast.alice,
            competencies=["group"],
            max_weekly_minutes=600,
            windows=touching,
        )
    assert cast.alice.staff_profile.availability.count() == 3


def test_the_staff_page_makes_as_many_queries_for_more_clinicians(cast, week, login) -> None:
    client = login(cast.charlie)
    client.get(LIST)  # the session and permissions warmed up

    before = queries_for(client, LIST)
    for n in range(3):
        person = f.UserFactory(
            username=f"extra{n}", role=Role.CLINICIAN, sites=[week.group_room.site]
        )
        StaffAvailability.objects.create(
            staff=person.staff_profile, weekday=n, start=datetime.time(9), end=datetime.time(12)
        )
    assert queries_for(client, LIST) == before


def test_saving_no_times_or_no_competencies_says_what_it_means(cast, week, login) -> None:
    client = login(cast.charlie)
    asked = client.post(_edit(cast.alice), _form(availability=""))
    assert "With no times, the next run books Alice Archer for nothing" in asked.content.decode()
    assert cast.alice.staff_profile.availability.exists()  # asked first: nothing saved
    empty = client.post(
        _edit(cast.alice), {**_form(availability=""), "confirm": "yes"}, follow=True
    )
    assert "Saved Alice Archer with no times: the next run books them for nothing." in (
        empty.content.decode()
    )
    assert not cast.alice.staff_profile.availability.exists()
    none = client.post(_edit(cast.alice), _form(competencies=[]), follow=True)
    assert "Saved Alice Archer with no competencies" in none.content.decode()


def test_kept_times_save_the_rest_and_enter_does_not_confirm(cast, week, login) -> None:
    """Asked before clearing the times, "No, keep their times" saves the other edits; and the
    form's first button is a plain Save, so Enter in a field asks again instead of confirming."""
    client = login(cast.charlie)
    times = [str(w) for w in cast.alice.staff_profile.availability.all()]
    assert times
    asked = client.post(_edit(cast.alice), _form(availability="", weekly_hours="25"))
    page = asked.content.decode()
    assert page.index('name="keep_times"') > page.index(">Save</button>")
    assert page.index('name="confirm"') > page.index(">Save</button>")
    kept = client.post(
        _edit(cast.alice), {**_form(availability="", weekly_hours="25"), "keep_times": "yes"}
    )
    assert kept.status_code == 302
    profile = cast.alice.staff_profile
    profile.refresh_from_db()
    assert profile.max_weekly_minutes == 25 * 60
    assert [str(w) for w in profile.availability.all()] == times
