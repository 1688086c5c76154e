"""Rooms and hours: directors and administrators change a site's opening hours and rooms on the
schedule pages; runs use them; bad input is refused in words and keeps what was typed."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from trellis.audit.models import AuditEvent
from trellis.core.errors import NotPermitted, ValidationFailed
from trellis.core.tests import factories as f
from trellis.organization.models import Room
from trellis.scheduling import services
from trellis.scheduling.instance_builder import build_instance
from trellis.scheduling.tests.app.pages import messages_of

SITES = reverse("scheduling:sites")


def _edit(code: str = "north") -> str:
    return reverse("scheduling:site_edit", args=[code])


def test_a_director_changes_the_opening_hours_and_the_next_run_uses_them(cast, week, login):
    client = login(cast.charlie)
    page = client.get(_edit()).content.decode()
    assert "Mon 08:00-21:30\nTue 08:00-21:30\nWed 08:00-21:30" in page  # one a line
    response = client.post(_edit(), {"hours": "Mon 17:00-21:00\nsat 09:00-13:00"}, follow=True)
    assert any("Saved Northside's hours" in m for m in messages_of(response))
    cast.site_a.refresh_from_db()
    assert cast.site_a.hours == {"mon": [["17:00", "21:00"]], "sat": [["09:00", "13:00"]]}
    site = build_instance([cast.site_a], week.monday).instance["sites"][0]
    assert site["hours"] == cast.site_a.hours
    event = AuditEvent.objects.get(summary="Opening hours of Northside updated")
    assert event.changes["hours"][1] == cast.site_a.hours
    listed = client.get(SITES).content.decode()
    assert (
        '<span class="nowrap">Mon 17:00–21:00</span>; <span class="nowrap">Sat 09:00–13:00'
        in listed
    )


def test_bad_hours_are_refused_in_words_and_kept(cast, week, login):
    before = dict(cast.site_a.hours)
    typed = "Mon 17:00-21:00\nMon 20:00-22:00"
    response = login(cast.charlie).post(_edit(), {"hours": typed})
    assert response.status_code == 200
    body = response.content.decode()
    assert "overlap" in body
    assert "Mon 20:00-22:00" in body
    response = login(cast.charlie).post(_edit(), {"hours": "Mon 9am-5pm"})
    assert "24-hour clock" in response.content.decode()
    cast.site_a.refresh_from_db()
    assert cast.site_a.hours == before


def test_rooms_are_added_changed_and_taken_out_of_use_never_deleted(cast, week, login):
    client = login(cast.charlie)
    response = client.post(
        _edit(), {"name": "Garden room", "kind": "group", "capacity": "14", "active": "on"}
    )
    assert response.status_code == 302
    room = Room.objects.get(site=cast.site_a, name="Garden room")
    assert (room.kind, room.capacity, room.active) == ("group", 14, True)
    ids = [r["id"] for r in build_instance([cast.site_a], week.monday).instance["rooms"]]
    assert str(room.public_id) in ids

    # A name the site already uses (in any case), and a group room of 2, are refused in words.
    taken = client.post(_edit(), {"name": "group a", "kind": "group", "capacity": "8"})
    assert "Northside already has a room called group a." in taken.content.decode()
    small = client.post(_edit(), {"name": "Nook", "kind": "group", "capacity": "2"})
    body = small.content.decode()
    assert "A group room holds 3 to 60 people." in body
    assert 'value="Nook"' in body
    assert Room.objects.filter(site=cast.site_a).count() == 3

    # Out of use: the next run leaves it out; a booking still in it is counted in the message.
    f.GroupSessionFactory(site=cast.site_a, room=week.group_room, date=week.monday)
    url = reverse("scheduling:room_edit", args=[week.group_room.public_id])
    response = client.post(url, {"name": "Group A", "kind": "group", "capacity": "10"}, follow=True)
    assert any("1 booking from today on is still in it" in m for m in messages_of(response))
    week.group_room.refresh_from_db()
    assert not week.group_room.active
    ids = [r["id"] for r in build_instance([cast.site_a], week.monday).instance["rooms"]]
    assert str(week.group_room.public_id) not in ids
    assert AuditEvent.objects.filter(summary="Room Group A at Northside changed").exists()


def test_only_directors_and_administrators_of_the_site_change_it(cast, week, login):
    assert login(cast.alice).get(SITES).status_code == 404  # clinicians do not coordinate
    assert login(cast.ivy).get(SITES).status_code == 200  # intake coordinators read
    assert login(cast.ivy).get(_edit()).status_code == 403
    assert login(cast.charlie).get(_edit("south")).status_code == 404  # not one of theirs
    with pytest.raises(NotPermitted):
        services.site_hours_update(actor=cast.ivy, site=cast.site_a, windows=[])
    with pytest.raises(NotPermitted):
        services.room_save(
            actor=cast.charlie, site=cast.site_b, name="X", kind="office", capacity=3
        )
    with pytest.raises(ValidationFailed):
        services.room_save(
            actor=cast.charlie, site=cast.site_a, name=" ", kind="office", capacity=3
        )
    services.site_hours_update(
        actor=cast.adam, site=cast.site_b, windows=[(0, datetime.time(9), datetime.time(17))]
    )


def test_new_hours_that_leave_bookings_outside_say_how_many(cast, week, booked, login):
    # `booked`: Monday 17:00-18:30. Hours to 17:00 leave it outside: asked first, the hours
    # typed kept, nothing saved.
    hours = {"hours": "Mon 08:00-17:00\nTue 08:00-21:30"}
    asked = login(cast.charlie).post(_edit(), hours)
    assert asked.status_code == 200
    page = asked.content.decode()
    assert "1 booking from today on would lie outside these hours (0 now)" in page
    assert "Mon 08:00-17:00\nTue 08:00-21:30</textarea>" in page
    cast.site_a.refresh_from_db()
    assert cast.site_a.hours != {"mon": [["08:00", "17:00"]], "tue": [["08:00", "21:30"]]}
    response = login(cast.charlie).post(_edit(), {**hours, "confirm": "yes"}, follow=True)
    said = " ".join(messages_of(response))
    assert "1 booking from today on lies outside them" in said
    response = login(cast.charlie).post(_edit(), {"hours": "Mon 08:00-21:30"}, follow=True)
    assert any("the next run uses them" in m for m in messages_of(response))


def test_saving_no_hours_is_asked_first(cast, week, booked, login):
    client = login(cast.charlie)
    asked = client.post(_edit(), {"hours": ""})
    assert "With no hours, the next run books nothing at Northside, and its 1 booking" in (
        asked.content.decode()
    )
    cast.site_a.refresh_from_db()
    assert cast.site_a.hours
    response = client.post(_edit(), {"hours": "", "confirm": "yes"}, follow=True)
    assert any("with no hours" in m for m in messages_of(response))
    cast.site_a.refresh_from_db()
    assert not any(cast.site_a.hours.values())


def test_hours_stored_in_a_shape_it_cannot_read_are_replaced_without_a_failure(
    cast, week, booked, login
):
    """ "24:00" (a FORMAT.md time) through the admin: the page shows it as stored, and new hours
    save; the count of bookings outside the hours now reads them as none."""
    cast.site_a.hours = {"fri": [["18:00", "24:00"]]}
    cast.site_a.save()
    client = login(cast.charlie)
    assert client.get(_edit()).status_code == 200
    response = client.post(_edit(), {"hours": "Mon 08:00-21:30"}, follow=True)
    assert any("the next run uses them" in m for m in messages_of(response))
