"""A clinician of two sites has one week: what they hold at the other site is fixed for a run,
a hand edit and publishing of this one (before, a run of Northside booked Alice Archer there at
the hour she already held at Southside, and nothing said so)."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from trellis.audit.models import AuditAction, AuditEvent
from trellis.core.tests import factories as f
from trellis.scheduling import services
from trellis.scheduling.elsewhere import bookings_elsewhere, free_of
from trellis.scheduling.instance_builder import build_instance
from trellis.scheduling.models import GroupSession, GroupType, PatientAvailability, ScheduleRun
from trellis.scheduling.services.bookings import RulesBroken
from trellis.scheduling.tests.app.pages import solved

pytestmark = pytest.mark.django_db

T = datetime.time


@pytest.fixture
def southside_monday(cast, week) -> GroupSession:
    """Alice also works at Southside, where she leads Relapse prevention Monday 18:00-19:30."""
    cast.alice.staff_profile.sites.add(cast.site_b)
    room = f.RoomFactory(site=cast.site_b, name="South group", kind="group", capacity=10)
    return f.GroupSessionFactory(
        group_type=GroupType.objects.get(code="rp"),
        site=cast.site_b,
        room=room,
        date=week.monday,
        start=T(18),
        end=T(19, 30),
        facilitators=[cast.alice],
    )


def _alice(instance, cast) -> dict:
    return next(c for c in instance["clinicians"] if c["id"] == str(cast.alice.public_id))


def test_free_of_takes_busy_spans_out_of_the_windows_of_their_day() -> None:
    windows = [(0, T(16), T(21)), (1, T(16), T(21))]
    assert free_of(windows, [(0, T(18), T(19, 30)), (0, T(20, 30), T(22))]) == [
        (0, T(16), T(18)),
        (0, T(19, 30), T(20, 30)),
        (1, T(16), T(21)),
    ]
    assert free_of(windows, [(1, T(15), T(22))]) == [(0, T(16), T(21))]


def test_a_run_of_one_site_leaves_the_clinician_their_hours_at_the_other(
    cast, week, southside_monday
) -> None:
    built = build_instance([cast.site_a], week.monday)
    alice = _alice(built.instance, cast)
    assert alice["availability"]["mon"] == [["16:00", "18:00"], ["19:30", "21:00"]]
    assert alice["availability"]["tue"] == [["16:00", "21:00"]]
    assert alice["max_minutes"] == cast.alice.staff_profile.max_weekly_minutes - 90
    assert "elsewhere" not in alice  # the rules' words are for checking weeks only
    # A run of both sites replaces both, so nothing is fixed for it.
    both = build_instance([cast.site_a, cast.site_b], week.monday)
    assert _alice(both.instance, cast)["availability"]["mon"] == [["16:00", "21:00"]]
    # A cancelled session at Southside holds no hour.
    services.booking_cancel(actor=cast.charlie, booking=southside_monday, reason="Room flooded")
    freed = build_instance([cast.site_a], week.monday)
    assert _alice(freed.instance, cast)["availability"]["mon"] == [["16:00", "21:00"]]


def test_a_hand_booking_at_the_hour_held_at_the_other_site_is_refused_in_words(
    cast, week, southside_monday
) -> None:
    with pytest.raises(RulesBroken) as refused:
        services.session_add(
            actor=cast.charlie,
            site=cast.site_a,
            group_type=GroupType.objects.get(code="rp"),
            date=week.monday,
            start=T(18, 30),
            room=week.group_room,
            facilitator=cast.alice,
        )
    assert (
        "Alice Archer is booked at Southside then (Relapse prevention 18:00)."
        in refused.value.problems
    )
    # An hour later she is free at Northside.
    services.session_add(
        actor=cast.charlie,
        site=cast.site_a,
        group_type=GroupType.objects.get(code="rp"),
        date=week.monday,
        start=T(19, 30),
        room=week.group_room,
        facilitator=cast.alice,
    )


def test_publishing_leaves_out_a_booking_that_would_put_the_clinician_in_two_places(
    cast, week, southside_monday
) -> None:
    instance = build_instance([cast.site_a], week.monday + datetime.timedelta(weeks=1)).instance
    # A week made before the Southside session: Alice at Northside Monday 18:00.
    alice = _alice(instance, cast)
    alice["availability"]["mon"] = [["16:00", "21:00"]]
    solution = {
        "format": "trellis-week-solution/1",
        "instance": "",
        "sessions": [
            {
                "id": "g1",
                "site": cast.site_a.code,
                "type": "rp",
                "day": "mon",
                "start": "18:00",
                "room": str(week.group_room.public_id),
                "facilitators": [alice["id"]],
                "patients": [str(p.public_id) for p in week.patients],
            }
        ],
        "appointments": [],
    }
    instance["week_start"] = week.monday.isoformat()
    publication = services.solution_publish(
        actor=cast.charlie, instance=instance, solution=solution, weeks=2
    )
    # The first Monday clashes with Southside; the second, free there, is booked.
    assert publication.dropped == [
        {
            "what": "Relapse prevention, Monday 18:00",
            "why": "Alice Archer is booked at Southside then (Relapse prevention 18:00)",
            "dates": [week.monday.isoformat()],
        }
    ]
    north = GroupSession.objects.filter(site=cast.site_a, facilitators=cast.alice)
    assert [s.date for s in north] == [week.monday + datetime.timedelta(weeks=1)]


def test_a_run_of_both_sites_says_where_it_schedules_a_clinician_of_both(cast, week, login) -> None:
    cast.alice.staff_profile.sites.add(cast.site_b)
    run = services.run_create(
        actor=cast.adam, sites=[cast.site_a, cast.site_b], week_start=week.monday, time_limit=1
    )
    services.run_execute(run.public_id)
    page = login(cast.adam).get(reverse("scheduling:run", args=[run.public_id]))
    body = page.content.decode()
    assert (
        "Alice Archer works at Northside and Southside. This run books them only at Northside"
        in body
    )
    # A run of one site places nobody.
    alone = services.run_create(
        actor=cast.adam, sites=[cast.site_a], week_start=week.monday, time_limit=1
    )
    services.run_execute(alone.public_id)
    page = login(cast.adam).get(reverse("scheduling:run", args=[alone.public_id]))
    assert "This run books them only at" not in page.content.decode()


def test_a_booking_in_another_zone_is_read_on_this_sites_clock_split_at_midnight(
    cast, week
) -> None:
    cast.alice.staff_profile.sites.add(cast.site_b)
    cast.site_b.timezone = "America/Los_Angeles"  # Northside is New York's
    cast.site_b.save()
    sunday = week.monday + datetime.timedelta(days=6)
    for day, start, end in ((week.monday, T(20), T(21, 30)), (sunday, T(22), T(23))):
        f.GroupSessionFactory(
            group_type=GroupType.objects.get(code="rp"),
            site=cast.site_b,
            room=None,
            date=day,
            start=start,
            end=end,
            facilitators=[cast.alice],
        )
    found = bookings_elsewhere([cast.alice], [cast.site_a], week.monday, sunday)
    tuesday = week.monday + datetime.timedelta(days=1)
    # 20:00-21:30 in Los Angeles is 23:00-00:30 in New York: an hour on Monday, half on
    # Tuesday; Sunday 22:00 there is Monday 01:00 of next week here, outside this week.
    assert [(b.date, b.start, b.end, b.minutes) for b in found] == [
        (week.monday, T(23), T(23, 59), 60),
        (tuesday, T(0), T(0, 30), 30),
    ]


def test_the_weekly_limit_message_counts_what_is_held_elsewhere(
    cast, week, southside_monday
) -> None:
    profile = cast.alice.staff_profile
    profile.max_weekly_minutes = 60  # already past it at Southside
    profile.save()
    with pytest.raises(RulesBroken) as refused:
        services.session_add(
            actor=cast.charlie,
            site=cast.site_a,
            group_type=GroupType.objects.get(code="rp"),
            date=week.monday + datetime.timedelta(days=1),
            start=T(17),
            room=week.group_room,
            facilitator=cast.alice,
        )
    assert (
        "Alice Archer would work 180 minutes this week, 90 of them booked at other sites; "
        "their limit is 60." in refused.value.problems
    )


def test_a_run_made_stale_by_the_other_site_says_so_in_its_own_words(cast, week) -> None:
    cast.alice.staff_profile.sites.add(cast.site_b)
    run = solved(cast, week)
    assert services.run_changes(run) == []
    f.GroupSessionFactory(
        group_type=GroupType.objects.get(code="rp"),
        site=cast.site_b,
        room=None,
        date=week.monday,
        start=T(18),
        end=T(19, 30),
        facilitators=[cast.alice],
    )
    assert services.run_changes(run) == ["a clinician's bookings at another of their sites changed"]


def test_a_later_week_the_other_site_fills_is_not_taken_past_the_weekly_limit(cast, week) -> None:
    """Northside is published for two weeks from a week in which Alice holds nothing at
    Southside; in the second she holds 90 minutes there, and her limit is 120."""
    cast.alice.staff_profile.sites.add(cast.site_b)
    profile = cast.alice.staff_profile
    profile.max_weekly_minutes = 120
    profile.save()
    second = week.monday + datetime.timedelta(weeks=1)
    f.GroupSessionFactory(
        group_type=GroupType.objects.get(code="rp"),
        site=cast.site_b,
        room=None,
        date=second + datetime.timedelta(days=2),
        start=T(10),
        end=T(11, 30),
        facilitators=[cast.alice],
    )
    instance = build_instance([cast.site_a], week.monday).instance
    assert _alice(instance, cast)["max_minutes"] == 120  # nothing at Southside in week 1
    solution = {
        "format": "trellis-week-solution/1",
        "instance": instance["name"],
        "sessions": [
            {
                "id": "g1",
                "site": cast.site_a.code,
                "type": "rp",
                "day": "mon",
                "start": "18:00",
                "room": str(week.group_room.public_id),
                "facilitators": [str(cast.alice.public_id)],
                "patients": [str(p.public_id) for p in week.patients],
            }
        ],
        "appointments": [],
    }
    publication = services.solution_publish(
        actor=cast.charlie, instance=instance, solution=solution, weeks=2
    )
    (left,) = publication.dropped
    assert left["dates"] == [second.isoformat()]
    assert left["why"].startswith("Alice Archer would work 180 minutes in the week of")
    assert left["why"].endswith(
        "past their weekly limit of 120 (bookings at their other sites count)"
    )
    north = GroupSession.objects.filter(site=cast.site_a, facilitators=cast.alice)
    assert [s.date for s in north] == [week.monday]


@pytest.fixture
def failed_on_pin(cast, week, booked) -> ScheduleRun:
    """A run of Northside that failed: its pinned session of before (Monday 17:00, 90 min) is
    now past Alice's limit of 120 minutes with her 90 at Southside."""
    cast.alice.staff_profile.sites.add(cast.site_b)
    profile = cast.alice.staff_profile
    profile.max_weekly_minutes = 120
    profile.save()
    booked.pinned = True
    booked.save()
    f.GroupSessionFactory(
        group_type=GroupType.objects.get(code="rp"),
        site=cast.site_b,
        room=None,
        date=week.monday + datetime.timedelta(days=2),
        start=T(10),
        end=T(11, 30),
        facilitators=[cast.alice],
    )
    return _run_of_north(cast, week)


def _run_of_north(cast, week) -> ScheduleRun:
    run = services.run_create(
        actor=cast.charlie, sites=[cast.site_a], week_start=week.monday, time_limit=1
    )
    services.run_execute(run.public_id)
    run.refresh_from_db()
    return run


def test_a_run_that_fails_on_a_pinned_booking_names_it_in_words(booked, failed_on_pin) -> None:
    """The solver said "pinned booking '<uuid>' breaks a hard rule in this instance"."""
    run = failed_on_pin
    assert run.status == "failed"
    assert run.error.startswith("The pinned Relapse prevention of ")
    assert "17:00 breaks a rule of this week" in run.error
    assert str(booked.public_id) not in run.error


def test_a_run_that_fails_on_a_pinned_booking_says_which_rule(cast, failed_on_pin, client) -> None:
    """The failure names the rule as a hand edit would, the minutes held elsewhere counted,
    instead of only pointing to Plans not met."""
    run = failed_on_pin
    assert (
        ": Alice Archer would work 180 minutes this week, 90 of them booked at other sites; "
        "their limit is 120. Change or unpin" in run.error
    )
    assert run.error.endswith("Change or unpin the booking, then run the week again.")
    client.force_login(cast.charlie)
    page = client.get(reverse("scheduling:run", args=[run.public_id])).content.decode()
    assert "Alice Archer would work" in page


def test_a_pinned_failure_naming_a_patient_stores_a_reference_and_audits_the_name(
    cast, week, appointment, client
) -> None:
    """Erin's pinned individual session, her Tuesday since taken out of her availability: the
    run's error keeps her as a reference; the run page names her for the coordinator and
    audits it."""
    appointment.pinned = True
    appointment.save()
    PatientAvailability.objects.filter(patient=week.patients[0], weekday=1).delete()
    run = _run_of_north(cast, week)
    assert run.status == "failed"
    name = week.patients[0].display_name
    assert name not in run.error
    assert f"[[patient:{week.patients[0].public_id}]] is not available Tuesday" in run.error
    client.force_login(cast.charlie)
    page = client.get(reverse("scheduling:run", args=[run.public_id])).content.decode()
    assert f"{name} is not available Tuesday" in page
    assert AuditEvent.objects.filter(
        actor=cast.charlie, patient=week.patients[0], action=AuditAction.VIEW
    ).exists()


def test_import_says_bookings_elsewhere_may_be_what_changed(cast, week, tmp_path, capsys) -> None:
    """An exported file keeps no run's fingerprints, so a change of Alice's bookings at
    Southside is named with her own data, not as her availability alone."""
    from trellis.scheduling.solver.cli import main

    cast.alice.staff_profile.sites.add(cast.site_b)
    instance, solution = tmp_path / "week.json", tmp_path / "solution.json"
    assert main(["export", "north", "--week", str(week.monday), "-o", str(instance)]) == 0
    assert main(["solve", str(instance), "-o", str(solution), "--time-limit", "2"]) == 0
    f.GroupSessionFactory(
        group_type=GroupType.objects.get(code="rp"),
        site=cast.site_b,
        room=None,
        date=week.monday + datetime.timedelta(days=2),
        start=T(16),
        end=T(17, 30),
        facilitators=[cast.alice],
    )
    capsys.readouterr()
    assert main(["import", str(solution), "--instance", str(instance)]) == 2
    assert (
        "clinicians' availability, competencies, weekly limits or bookings at their other "
        "sites changed" in capsys.readouterr().err
    )
