"""The app's rules agree with FORMAT.md and check.py (a review of 2026-12-07): appointments
against the plan (rule 7), a member on hold, touching site hours, days in two windows."""

from __future__ import annotations

import datetime

import pytest

from trellis.core.errors import ValidationFailed
from trellis.core.tests import factories as f
from trellis.patients.models import EpisodeOfCare, EpisodeStatus
from trellis.scheduling import rules, services
from trellis.scheduling.instance_builder import build_instance
from trellis.scheduling.models import PatientAvailability
from trellis.scheduling.review import broken_bookings, patient_weeks, unmet_reasons
from trellis.scheduling.selectors import week_as_format
from trellis.scheduling.tests.solver.support import shared_module

TUESDAY = datetime.timedelta(days=1)


def _checked(site, monday):
    instance = build_instance([site], monday, checking=True).instance
    return instance, week_as_format([site], monday), shared_module("check").check


def _individual(cast, week, *, clinician, day, start, minutes=60):
    return services.appointment_add(
        actor=cast.charlie,
        patient=cast.erin_record,
        kind="individual",
        clinician=clinician,
        date=week.monday + day,
        start=start,
        minutes=minutes,
        room=week.office,
    )


def test_an_individual_session_with_another_clinician_than_the_plans_is_refused(cast, week):
    # Erin's plan (the default) asks for one 60-minute individual session with Alice.
    with pytest.raises(ValidationFailed, match="plan names Alice Archer for the individual"):
        _individual(cast, week, clinician=week.gus, day=TUESDAY, start=datetime.time(16))


def test_a_longer_or_an_extra_individual_session_is_refused_as_check_py_would(cast, week):
    _individual(cast, week, clinician=cast.alice, day=TUESDAY, start=datetime.time(16))
    with pytest.raises(ValidationFailed, match="would have 2 individual sessions this week"):
        _individual(cast, week, clinician=cast.alice, day=2 * TUESDAY, start=datetime.time(18))
    with pytest.raises(ValidationFailed, match="asks for 60-minute individual sessions"):
        _individual(
            cast, week, clinician=cast.alice, day=2 * TUESDAY, start=datetime.time(18), minutes=120
        )
    instance, solution, check = _checked(cast.site_a, week.monday)
    assert check(instance, solution)["valid"]


def test_plans_not_met_does_not_count_an_appointment_check_py_calls_invalid(
    cast, week, appointment
):
    appointment.clinician = week.gus  # as a move in the admin could leave it
    appointment.save()
    instance, solution, check = _checked(cast.site_a, week.monday)
    assert not check(instance, solution)["valid"]
    broken, _valid = broken_bookings(instance, solution)
    said = broken[str(cast.erin_record.public_id)]
    assert any(f"plan names {cast.alice.public_id} for the individual" in r for r in said)


def test_a_member_on_hold_does_not_break_the_session_for_the_others(cast, week, booked):
    EpisodeOfCare.objects.filter(pk=cast.olive_episode.pk).update(status=EpisodeStatus.ON_HOLD)
    instance, solution, _check = _checked(cast.site_a, week.monday)
    broken, valid = broken_bookings(instance, solution)
    erin = str(cast.erin_record.public_id)
    reasons = unmet_reasons(instance, valid, check_rules=False, broken=broken)
    assert not any("breaks a rule" in r for r in reasons.get(erin, []))
    assert patient_weeks(instance, valid)[erin].minutes == 90
    # Olive, on hold, has nothing to meet: she is not listed.
    assert str(cast.olive.public_id) not in reasons
    # And the session still takes a newcomer.
    newcomer = f.PatientFactory(site=cast.site_a, first_name="Nia", last_name="New")
    f.EpisodeFactory(patient=newcomer, track=cast.track_a, status=EpisodeStatus.ACTIVE)
    PatientAvailability.objects.create(
        patient=newcomer, weekday=0, start=datetime.time(16), end=datetime.time(21)
    )
    services.session_add_patient(actor=cast.charlie, session=booked, patient=newcomer)


def test_touching_site_hours_read_as_one_as_check_py_reads_them(cast, week, booked):
    cast.site_a.hours = {"mon": [["08:00", "17:30"], ["17:30", "21:30"]]}
    cast.site_a.save()
    instance, solution, check = _checked(cast.site_a, week.monday)
    assert instance["sites"][0]["hours"]["mon"] == [["08:00", "21:30"]]
    assert check(instance, solution)["valid"]
    bookings = solution["sessions"]
    assert rules.violations(instance, bookings, bookings[0], existing=True) == []


def test_a_day_of_two_windows_is_not_called_too_brief() -> None:
    rp = {
        "id": "rp",
        "name": "Relapse prevention",
        "minutes": 90,
        "min_size": 1,
        "max_size": 12,
        "requires": [],
        "populations": ["adult-sud"],
    }
    split = [["16:00", "17:30"], ["18:00", "19:30"]]  # 3 h a day, in two windows
    instance = {
        "slot_minutes": 15,
        "sites": [{"id": "s1", "hours": {d: [["08:00", "21:00"]] for d in ("mon", "tue")}}],
        "rooms": [{"id": "g1", "site": "s1", "kind": "group", "capacity": 12}],
        "group_types": [rp],
        "clinicians": [
            {
                "id": "c1",
                "site": "s1",
                "competencies": [],
                "max_minutes": 2400,
                "availability": {"mon": [["08:00", "21:00"]], "tue": [["08:00", "21:00"]]},
            }
        ],
        "patients": [
            {
                "id": "p1",
                "site": "s1",
                "population": "adult-sud",
                "availability": {"mon": split, "tue": split},
                "plan": {
                    "min_minutes": 360,
                    "min_days": 2,
                    "min_day_minutes": 180,
                    "max_day_minutes": 240,
                    "groups": {},
                    "individual": None,
                    "family": None,
                },
            }
        ],
    }

    def session(sid: str, start: str) -> dict:
        return {
            "id": sid,
            "type": "rp",
            "site": "s1",
            "day": "mon",
            "start": start,
            "room": "g1",
            "facilitators": ["c1"],
            "patients": ["p1"],
        }

    week = {"sessions": [session("a", "16:00"), session("b", "18:00")], "appointments": []}
    reasons = unmet_reasons(instance, week, check_rules=False)["p1"]
    assert not any("too briefly" in r for r in reasons), reasons


def test_a_clinician_of_two_sites_is_placed_where_most_plans_name_them(cast):
    cast.alice.staff_profile.sites.add(cast.site_b)
    EpisodeOfCare.objects.filter(pk=cast.bea_episode.pk).update(primary_clinician=cast.alice)
    other = f.PatientFactory(site=cast.site_b, first_name="Sol", last_name="South")
    f.EpisodeFactory(
        patient=other,
        track=cast.bea_episode.track,
        status=EpisodeStatus.ACTIVE,
        primary_clinician=cast.alice,
    )
    monday = datetime.date(2027, 1, 4)
    built = build_instance([cast.site_a, cast.site_b], monday)
    alice = next(c for c in built.instance["clinicians"] if c["id"] == str(cast.alice.public_id))
    assert alice["site"] == "south"  # two plans there name her, one at Northside
    bea = next(p for p in built.instance["patients"] if p["id"] == str(cast.bea.public_id))
    assert bea["plan"]["individual"]["clinician"] == alice["id"]
    erin = str(cast.erin_record.public_id)
    assert any("works at more than one of this run's sites" in n for n in built.notes[erin])


def test_plans_not_met_makes_as_many_queries_for_more_staff_windows(cast, week, booked, login):
    from trellis.accounts.models import StaffAvailability
    from trellis.scheduling.tests.app.pages import queries_for

    client = login(cast.charlie)
    url = f"/schedule/unmet/?site=north&week={week.monday}"
    before = queries_for(client, url)
    for weekday in (3, 4, 5):
        StaffAvailability.objects.create(
            staff=week.gus.staff_profile,
            weekday=weekday,
            start=datetime.time(9),
            end=datetime.time(12),
        )
    assert queries_for(client, url) == before


def test_the_run_preview_lists_a_session_kept_in_another_room() -> None:
    from trellis.scheduling.review import week_diff

    session = {
        "id": "s",
        "type": "rp",
        "site": "s1",
        "day": "mon",
        "start": "17:00",
        "room": "g1",
        "facilitators": ["c1"],
        "patients": ["p1", "p2"],
    }
    appointment = {
        "id": "a",
        "kind": "individual",
        "patient": "p3",
        "clinician": "c1",
        "site": "s1",
        "day": "tue",
        "start": "16:00",
        "minutes": 60,
        "room": "o1",
    }
    before = {"sessions": [session], "appointments": [appointment]}
    after = {
        "sessions": [{**session, "room": "g2"}],
        "appointments": [{**appointment, "room": "o2"}],
    }
    diff = week_diff(before, after)
    assert (diff.kept, diff.unchanged, diff.moved, diff.added, diff.removed) == (1, 0, [], [], [])
    assert [(a["room"], b["room"]) for a, b in diff.rooms] == [("g1", "g2"), ("o1", "o2")]
    # A room alone lists the patients: publishing tells them their week changed.
    assert diff.patients_moved == ["p1", "p2", "p3"]


def test_one_individual_session_too_many_breaks_the_rule_alone(cast, week, appointment):
    # Erin's plan asks for one individual session a week; a second (as the admin could leave
    # it) breaks rule 7, and only the second: the first still counts for her plan.
    from trellis.scheduling.models import Appointment

    second = Appointment.objects.create(
        kind="individual",
        patient=cast.erin_record,
        episode=cast.erin_episode,
        clinician=cast.alice,
        site=cast.site_a,
        room=week.office,
        date=appointment.date + datetime.timedelta(days=1),
        start=datetime.time(16),
        end=datetime.time(17),
    )
    instance, solution, check = _checked(cast.site_a, week.monday)
    assert not check(instance, solution)["valid"]
    broken, valid = broken_bookings(instance, solution)
    erin = str(cast.erin_record.public_id)
    assert len(broken[erin]) == 1
    assert "2nd individual session this week; their plan asks for 1" in broken[erin][0]
    assert [a["id"] for a in valid["appointments"]] == [str(appointment.public_id)]
    assert str(second.public_id) not in {a["id"] for a in valid["appointments"]}
