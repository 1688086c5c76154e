"""The week views: every choice of the "Show" switch renders, sessions show their size, the week
is kept to a sane range, names in dropdowns, no bookings in the past, hours in words."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

WEEK = reverse("scheduling:week")


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


# --- 1. the "Show" switch never fails ------------------------------------------------------------
@pytest.mark.parametrize(
    "query",
    [
        "view=room&key=north",
        "view=track&key=north",
        "view=clinician&key=north",
        "view=patient&key=north",
        "view=room&key=00000000-0000-0000-0000-000000000000",
        "view=track&key=%00",
        "view=patient",
        "view=patient&key=",
        "view=",
        "view=nonsense",
        "view=nonsense&key=north",
        "view=site&key=nowhere",
        "view=site&key=south",
        "view=clinician&from=site&key=north",
        "key=north&from=room",
    ],
)
@pytest.mark.parametrize("who", ["charlie", "alice"])
def test_every_choice_of_the_show_switch_renders(cast, week, booked, login, query, who) -> None:
    response = login(cast.user(who)).get(f"{WEEK}?{query}&week={week.monday}")
    assert response.status_code == 200, query


def test_switching_the_view_shows_its_first_choice_without_a_warning(cast, week, booked, login):
    # The switch sends the site's code along with the newly chosen view.
    response = login(cast.charlie).get(f"{WEEK}?view=room&from=site&key=north&week={week.monday}")
    assert response.context["grid"].title == str(week.group_room)
    assert _messages(response) == []


def test_a_key_from_another_view_says_so_and_shows_the_first_choice(cast, week, booked, login):
    response = login(cast.charlie).get(f"{WEEK}?view=room&key=north&week={week.monday}")
    assert response.status_code == 200
    assert _messages(response) == [
        f"That room is not at one of your sites. Showing {week.group_room} instead."
    ]
    assert b"Relapse prevention" in response.content


def test_another_sites_key_is_not_shown(cast, week, booked, login):
    response = login(cast.charlie).get(f"{WEEK}?view=site&key=south&week={week.monday}")
    assert response.context["grid"].title == cast.site_a.name
    assert _messages(response) == ["That site is not one of your sites. Showing Northside instead."]


def test_an_unknown_patient_shows_no_other_patients_week(cast, week, booked, login):
    response = login(cast.charlie).get(
        f"{WEEK}?view=patient&key={cast.bea.public_id}&week={week.monday}"
    )
    assert response.status_code == 200
    assert response.context["grid"] is None
    assert _messages(response) == ["That patient is not one whose week you can see."]
    assert cast.bea.display_name.encode() not in response.content
    assert cast.erin_record.display_name.encode() not in response.content


def test_an_unknown_view_shows_a_site(cast, week, booked, login):
    response = login(cast.charlie).get(f"{WEEK}?view=nonsense&key=x&week={week.monday}")
    assert response.context["view"] == "site"
    assert response.context["grid"].title == cast.site_a.name
    assert _messages(response) == ["There is no such view; showing a site."]


# --- 2. group sessions show their size and a group below its minimum ----------------------------
def _session_card(response) -> str:
    body = response.content.decode()
    card = body[body.index("Relapse prevention") :]
    return card[: card.index("</div>")]


@pytest.mark.parametrize("view", ["site", "room", "clinician", "track", "patient"])
def test_a_session_shows_booked_patients_against_its_maximum_in_every_view(
    cast, week, booked, login, view
) -> None:
    key = {
        "site": cast.site_a.code,
        "room": week.group_room.public_id,
        "clinician": cast.alice.public_id,
        "track": cast.track_a.public_id,
        "patient": cast.olive.public_id,
    }[view]
    response = login(cast.charlie).get(f"{WEEK}?view={view}&key={key}&week={week.monday}")
    card = _session_card(response)
    assert "4 / 12 patients" in card
    assert "below" not in card


def test_a_session_below_the_groups_minimum_is_flagged(cast, week, booked, login) -> None:
    assert booked.group_type.min_size == 4  # Relapse prevention: 4 to 12
    booked.members.filter(patient=cast.erin_record).delete()
    response = login(cast.charlie).get(
        f"{WEEK}?view=patient&key={cast.olive.public_id}&week={week.monday}"
    )
    card = _session_card(response)
    assert "3 / 12 patients" in card
    assert "Below the minimum of 4" in card
