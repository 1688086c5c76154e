"""Availability windows of one day may neither overlap nor touch: the page and the service refuse
them by name, and the instance builder joins such rows that are already stored."""

from __future__ import annotations

import datetime

import pytest
from django import forms
from django.urls import reverse

from trellis.accounts.models import StaffAvailability
from trellis.scheduling import services
from trellis.scheduling import windows as windows_rules
from trellis.scheduling.forms import parse_windows
from trellis.scheduling.instance_builder import build_instance
from trellis.scheduling.models import PatientAvailability, WindowKind
from trellis.scheduling.services.bookings import InvalidWindow, OverlappingWindows
from trellis.scheduling.tests.app.conftest import next_monday

T = datetime.time


def _url(cast):
    return reverse("scheduling:patient", args=[cast.erin_record.public_id])


def _set(cast, kind, windows):
    """Alice saves Erin's windows of `kind` through the service."""
    services.availability_set(
        actor=cast.alice, patient=cast.erin_record, kind=kind, windows=windows
    )


def _saved(cast, kind=WindowKind.PATIENT):
    return [str(a) for a in cast.erin_record.availability.filter(kind=kind)]


@pytest.mark.parametrize(
    ("field", "text", "message"),
    [
        (
            "patient",
            "Mon 09:00-12:00\nMon 11:00-14:00",
            "Monday 09:00–12:00 and 11:00–14:00 overlap; write them as one window, "
            "Monday 09:00–14:00.",
        ),
        (
            "patient",
            "Wed 17:00-21:00\nTue 12:00-14:00\nTue 09:00-12:00",
            "Tuesday 09:00–12:00 and 12:00–14:00 touch; write them as one window, "
            "Tuesday 09:00–14:00.",
        ),
        (
            "patient",
            "Fri 09:00-17:00\nFri 10:00-11:00",
            "Friday 09:00–17:00 and 10:00–11:00 overlap; write them as one window, "
            "Friday 09:00–17:00.",
        ),
        (
            "family",
            "Thu 18:00-20:00\nThu 19:30-21:00",
            "Thursday 18:00–20:00 and 19:30–21:00 overlap; write them as one window, "
            "Thursday 18:00–21:00.",
        ),
        ("patient", "Mon 12:00-12:00", "Line 1: the window must end after it starts."),
        ("patient", "Mon 09:00\nMon 14:00-12:00", "Line 1: write a day and two times"),
        ("patient", "Mon 09:00-10:00\nMon 14:00-12:00", "Line 2: the window must end after it"),
    ],
)
def test_the_page_refuses_overlapping_touching_and_backwards_windows(
    cast, login, field, text, message
):
    PatientAvailability.objects.create(patient=cast.erin_record, weekday=0, start=T(16), end=T(21))
    other = "patient" if field == "family" else "family"
    response = login(cast.alice).post(_url(cast), {field: text, other: ""})
    page = response.content.decode()
    assert response.status_code == 200
    assert message in page
    assert text.split("\n")[0] in page  # what was typed is kept
    assert _saved(cast) == ["Monday 16:00–21:00"]  # nothing saved
    assert _saved(cast, WindowKind.FAMILY) == []


def test_windows_with_a_gap_or_on_other_days_are_saved(cast, login):
    text = "Mon 09:00-12:00\nMon 12:15-14:00\nTue 11:00-14:00"
    response = login(cast.alice).post(_url(cast), {"patient": text, "family": ""})
    assert response.status_code == 302
    assert _saved(cast) == [
        "Monday 09:00–12:00",
        "Monday 12:15–14:00",
        "Tuesday 11:00–14:00",
    ]


def test_staff_are_told_of_times_the_site_is_closed_at(cast, login):
    site = cast.erin_record.site
    site.hours = {"sat": [["08:30", "13:30"]]}
    site.save()
    client = login(cast.alice)
    response = client.post(_url(cast), {"patient": "Sat 09:00-12:00\nSun 10:00-12:00"})
    page = client.get(response["Location"]).content.decode()
    assert "Availability saved." in page
    assert "Sun 10:00–12:00 is outside" in page
    assert "opening hours (Sat 08:30–13:30)" in page


def test_the_page_says_who_last_changed_the_windows_and_when(cast, login):
    assert "Last changed" not in login(cast.alice).get(_url(cast)).content.decode()
    response = login(cast.erin).post(reverse("portal:availability"), {"patient": "Tue 17:00-21:00"})
    assert response.status_code == 302
    row = cast.erin_record.availability.get()
    assert row.changed_by == cast.erin
    page = login(cast.alice).get(_url(cast)).content.decode()
    assert "Last changed" in page
    assert "by Erin Marsh." in page


def test_the_service_raises_named_errors_and_changes_nothing(cast):
    _set(cast, WindowKind.PATIENT, [(0, T(16), T(21))])
    with pytest.raises(OverlappingWindows, match="Monday 09:00–12:00 and 11:00–14:00 overlap"):
        _set(cast, WindowKind.PATIENT, [(0, T(11), T(14)), (0, T(9), T(12))])
    with pytest.raises(OverlappingWindows, match="Sunday 09:00–12:00 and 12:00–13:00 touch"):
        _set(cast, WindowKind.FAMILY, [(6, T(9), T(12)), (6, T(12), T(13))])
    with pytest.raises(InvalidWindow):
        _set(cast, WindowKind.PATIENT, [(2, T(12), T(12))])
    assert _saved(cast) == ["Monday 16:00–21:00"]


def test_patient_and_family_windows_are_saved_together_or_not_at_all(cast):
    _set(cast, WindowKind.PATIENT, [(0, T(16), T(21))])
    with pytest.raises(OverlappingWindows):
        services.availability_set_all(
            actor=cast.alice,
            patient=cast.erin_record,
            patient_windows=[(1, T(17), T(21))],
            family_windows=[(3, T(18), T(20)), (3, T(19), T(21))],
        )
    assert _saved(cast) == [str(a) for a in cast.erin_record.availability.filter(weekday=0)]
    assert cast.erin_record.availability.filter(weekday=1).count() == 0

    services.availability_set_all(
        actor=cast.alice,
        patient=cast.erin_record,
        patient_windows=[(1, T(17), T(21))],
        family_windows=[(3, T(18), T(20))],
    )
    assert len(_saved(cast)) == 1
    assert len(_saved(cast, WindowKind.FAMILY)) == 1
    assert cast.erin_record.availability.filter(weekday=0).count() == 0


def test_the_builder_joins_stored_windows_that_overlap_or_touch(cast):
    for start, end in ((T(9), T(12)), (T(11), T(14)), (T(14), T(15)), (T(17), T(19))):
        PatientAvailability.objects.create(
            patient=cast.erin_record, weekday=0, start=start, end=end
        )
    profile = cast.alice.staff_profile
    for start, end in ((T(12), T(16)), (T(16), T(21))):
        StaffAvailability.objects.create(staff=profile, weekday=1, start=start, end=end)
    instance = build_instance([cast.site_a], next_monday()).instance
    erin = next(p for p in instance["patients"] if p["id"] == str(cast.erin_record.public_id))
    assert erin["availability"] == {"mon": [["09:00", "15:00"], ["17:00", "19:00"]]}
    alice = next(c for c in instance["clinicians"] if c["id"] == str(cast.alice.public_id))
    assert alice["availability"] == {"tue": [["12:00", "21:00"]]}


# --- the rules themselves (windows.py), without the database -----------------------------------
@pytest.mark.parametrize(
    ("windows", "fault"),
    [
        ([(0, T(9), T(12)), (0, T(13), T(15)), (1, T(9), T(12))], None),
        ([(0, T(12), T(9))], "Each window ends after it starts."),
        ([(0, T(9), T(9))], "Each window ends after it starts."),
        ([(7, T(9), T(12))], "Each window ends after it starts."),
        (
            [(2, T(12), T(14)), (2, T(9), T(12))],
            "Wednesday 09:00–12:00 and 12:00–14:00 touch; write them as one window, "
            "Wednesday 09:00–14:00.",
        ),
        (
            [(4, T(9), T(12)), (4, T(11), T(13))],
            "Friday 09:00–12:00 and 11:00–13:00 overlap; write them as one window, "
            "Friday 09:00–13:00.",
        ),
    ],
)
def test_the_rules_name_the_first_fault(windows, fault):
    assert windows_rules.problem(windows) == fault


def test_joined_makes_one_stretch_of_windows_that_overlap_or_touch():
    rows = [
        (0, T(12), T(14)),
        (0, T(9), T(12)),
        (0, T(13), T(13, 30)),
        (0, T(17), T(21)),
        (3, T(18), T(20)),
    ]
    assert windows_rules.joined(rows) == {
        0: [(T(9), T(14)), (T(17), T(21))],
        3: [(T(18), T(20))],
    }
    assert windows_rules.joined([]) == {}


@pytest.mark.parametrize(
    ("line", "said"),
    [
        ("Mon 25:00-26:00", "Line 1: 25:00 is not a time of day (00:00 to 23:59)."),
        ("Fri 17:00-21:70", "Line 1: 21:70 is not a time of day (00:00 to 23:59)."),
        ("Tue 9:00-12:00pm", "Line 1: use the 24-hour clock"),
        ("Tue 9am-12pm", "Line 1: use the 24-hour clock"),
        ("Wed 5 p.m.-9 p.m.", "Line 1: use the 24-hour clock"),
        ("Someday 17:00-21:00", "Line 1: write a day and two times"),
    ],
)
def test_a_line_that_cannot_be_read_says_what_is_wrong_with_it(line, said):
    with pytest.raises(forms.ValidationError) as error:
        parse_windows(line)
    assert error.value.messages[0].startswith(said)


def test_clearing_every_time_warns_that_the_patient_will_not_be_booked(cast, login):
    client = login(cast.alice)
    page = client.post(_url(cast), {"patient": "", "family": ""}, follow=True)
    body = page.content.decode()
    name = cast.erin_record.display_name
    assert f"Saved with no times for {name}" in body
    assert f"No times are recorded for {name}" in body
    assert not cast.erin_record.availability.exists()


def test_a_summary_joins_consecutive_days_with_the_same_windows():
    week = [(d, T(13), T(21, 30)) for d in range(5)] + [(5, T(8, 30), T(13, 30))]
    assert windows_rules.summary(week) == ["Mon–Fri 13:00–21:30", "Sat 08:30–13:30"]
    apart = [(0, T(9), T(12)), (2, T(9), T(12)), (3, T(9), T(12)), (3, T(17), T(20))]
    assert windows_rules.summary(apart) == [
        "Mon 09:00–12:00",
        "Wed 09:00–12:00",
        "Thu 09:00–12:00, 17:00–20:00",
    ]
    assert windows_rules.summary([]) == []
