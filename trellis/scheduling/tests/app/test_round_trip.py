"""export → solve → import → publish, through the command line, creates the expected bookings."""

from __future__ import annotations

import datetime
import json

from trellis.accounts.models import DAY_CODES
from trellis.patients.models import EpisodeOfCare, EpisodeStatus
from trellis.scheduling.models import Appointment, GroupSession, Publication
from trellis.scheduling.solver import parse_instance
from trellis.scheduling.solver.cli import main


def _run(*argv: str) -> int:
    return main(list(argv))


def test_export_solve_import_creates_the_weeks_bookings(week, tmp_path, capsys):
    instance_path, solution_path = tmp_path / "week.json", tmp_path / "solution.json"

    assert _run("export", "north", "--week", str(week.monday), "-o", str(instance_path)) == 0
    instance = json.loads(instance_path.read_text())
    parse_instance(instance)
    assert len(instance["patients"]) == 4

    assert (
        _run("solve", str(instance_path), "-o", str(solution_path), "--time-limit", "3", "--quiet")
        == 0
    )
    solution = json.loads(solution_path.read_text())
    assert solution["sessions"], "the tiny week has room for groups"

    assert _run("import", str(solution_path), "--instance", str(instance_path), "--weeks", "2") == 0
    assert f"published the week of {week.monday} for 2 weeks:" in capsys.readouterr().err

    for n in range(2):
        monday = week.monday + datetime.timedelta(weeks=n)
        for s in solution["sessions"]:
            day = monday + datetime.timedelta(days=DAY_CODES.index(s["day"]))
            row = GroupSession.objects.get(
                date=day, start=datetime.time.fromisoformat(s["start"]), group_type__code=s["type"]
            )
            assert row.room is not None
            assert str(row.room.public_id) == s["room"]
            assert sorted(str(u.public_id) for u in row.facilitators.all()) == sorted(
                s["facilitators"]
            )
            assert sorted(str(m.patient.public_id) for m in row.members.all()) == sorted(
                s["patients"]
            )
        for a in solution["appointments"]:
            day = monday + datetime.timedelta(days=DAY_CODES.index(a["day"]))
            booking = Appointment.objects.get(
                date=day,
                start=datetime.time.fromisoformat(a["start"]),
                patient__public_id=a["patient"],
            )
            assert (booking.kind, str(booking.clinician.public_id)) == (a["kind"], a["clinician"])
    assert GroupSession.objects.count() == 2 * len(solution["sessions"])
    assert Appointment.objects.count() == 2 * len(solution["appointments"])
    assert Publication.objects.get().source == "import"


def test_import_of_a_broken_solution_says_why_and_writes_nothing(week, tmp_path, capsys):
    instance_path, solution_path = tmp_path / "week.json", tmp_path / "solution.json"
    assert _run("export", "north", "--week", str(week.monday), "-o", str(instance_path)) == 0
    solution_path.write_text(
        json.dumps(
            {
                "format": "trellis-week-solution/1",
                "sessions": [
                    {
                        "id": f"g{n}",
                        "type": "rp",
                        "site": "north",
                        "day": "mon",
                        "start": "17:00",
                        "room": room,
                        "facilitators": [],
                        "patients": [],
                    }
                    for n, room in enumerate(["nowhere", "elsewhere"], 1)
                ],
                "appointments": [],
            }
        )
    )

    assert _run("import", str(solution_path), "--instance", str(instance_path)) == 2

    err = capsys.readouterr().err
    # Every wrong booking is named, each on its line, not only the first.
    assert "2 bookings are wrong:" in err
    assert "  Booking 'g1': unknown room 'nowhere'." in err
    assert "  Booking 'g2': unknown room 'elsewhere'." in err
    assert not GroupSession.objects.exists()
    assert not Publication.objects.exists()


def test_import_names_a_patient_in_a_broken_rule_by_public_id_only(week, tmp_path, capsys):
    """The command's output may be kept in a job's log: no patient's name goes there."""
    instance_path, solution_path = tmp_path / "week.json", tmp_path / "solution.json"
    assert _run("export", "north", "--week", str(week.monday), "-o", str(instance_path)) == 0
    assert _run("solve", str(instance_path), "-o", str(solution_path), "--time-limit", "3") == 0
    solution = json.loads(solution_path.read_text())
    booking = solution["appointments"][0]
    booking.update(day="mon", start="09:00")  # the patient is free from 16:00
    solution_path.write_text(json.dumps(solution))
    capsys.readouterr()
    assert _run("import", str(solution_path), "--instance", str(instance_path)) == 2
    err = capsys.readouterr().err
    patient = next(p for p in week.patients if str(p.public_id) == booking["patient"])
    assert f"patient {patient.public_id} is not available Monday 09:00" in err
    assert patient.display_name not in err
    assert "[[patient:" not in err


def test_export_names_an_unknown_site(db, tmp_path, capsys):
    assert _run("export", "nowhere", "--week", "2027-01-04", "-o", str(tmp_path / "x")) == 2
    assert "no site with code 'nowhere'" in capsys.readouterr().err


def test_export_takes_its_options_in_any_order(week, tmp_path):
    path = tmp_path / "week.json"
    assert _run("export", "--week", str(week.monday), "-o", str(path), "north") == 0
    assert json.loads(path.read_text())["format"] == "trellis-week/1"


def test_a_publication_of_one_week_says_one_week(week) -> None:
    assert Publication(week_start=week.monday, weeks=1).span == "1 week"
    assert (
        str(Publication(week_start=week.monday, weeks=8)) == f"Published {week.monday} for 8 weeks"
    )


def _exported_and_solved(week, tmp_path) -> tuple[dict, dict]:
    instance_path, solution_path = tmp_path / "week.json", tmp_path / "solution.json"
    assert _run("export", "north", "--week", str(week.monday), "-o", str(instance_path)) == 0
    argv = ("solve", str(instance_path), "-o", str(solution_path), "--time-limit", "2", "--quiet")
    assert _run(*argv) == 0
    return json.loads(instance_path.read_text()), json.loads(solution_path.read_text())


def _import(tmp_path, instance: dict, solution: dict, *extra: str) -> int:
    (tmp_path / "i.json").write_text(json.dumps(instance))
    (tmp_path / "s.json").write_text(json.dumps(solution))
    return _run("import", str(tmp_path / "s.json"), "--instance", str(tmp_path / "i.json"), *extra)


def test_import_refuses_what_would_publish_a_wrong_week(week, booked, tmp_path, capsys):
    instance, solution = _exported_and_solved(week, tmp_path)
    patient = instance["patients"][0]["id"]
    broken = {
        # No sessions list: publishing it would replace the week's groups with nothing.
        "no sessions": ({k: v for k, v in solution.items() if k != "sessions"}, instance, ()),
        "an hour past midnight": (
            {**solution, "appointments": [{**solution["appointments"][0], "start": "25:00"}]},
            instance,
            (),
        ),
        "a patient the instance does not list": (
            {
                **solution,
                "appointments": [
                    {
                        **solution["appointments"][0],
                        "patient": "0" * 8 + "-0000-0000-0000-" + "0" * 12,
                    }
                ],
            },
            instance,
            (),
        ),
        "an instance of other ids": (
            solution,
            {**instance, "patients": [{**instance["patients"][0], "id": "p1"}]},
            (),
        ),
        "ten years": (solution, instance, ("--weeks", "500")),
    }
    said = {
        "no sessions": "it has no sessions list",
        "an hour past midnight": "'25:00' is not an HH:MM time",
        "a patient the instance does not list": "is not in the instance",
        "an instance of other ids": f"patient {patient!r} is not in the instance",
        "ten years": "A week is published for 1 to 104 weeks, not 500.",
    }
    for case, (bad, inst, extra) in broken.items():
        assert _import(tmp_path, inst, bad, *extra) == 2, case
        err = capsys.readouterr().err
        assert said[case] in err, (case, err)
        assert "Traceback" not in err
    assert GroupSession.objects.get() == booked  # nothing replaced
    assert not Publication.objects.exists()


def test_import_lists_what_it_left_out(week, tmp_path, capsys):
    instance, solution = _exported_and_solved(week, tmp_path)
    assert solution["appointments"]
    first = solution["appointments"][0]
    EpisodeOfCare.objects.filter(patient__public_id=first["patient"]).update(
        status=EpisodeStatus.DISCHARGED
    )
    # The database changed since the export: refused, naming the change, and nothing written.
    assert _import(tmp_path, instance, solution, "--weeks", "1") == 2
    assert (
        "the database changed since the instance was exported: 1 patient is no longer in "
        "treatment here" in capsys.readouterr().err
    )
    assert not Publication.objects.exists()
    assert _import(tmp_path, instance, solution, "--weeks", "1", "--force") == 0
    captured = capsys.readouterr()
    left = Publication.objects.get().dropped_count
    assert left >= 1
    assert f"{left} left out" in captured.err
    listed = [line for line in captured.out.splitlines() if line.startswith("  left out: ")]
    assert len(listed) == len(Publication.objects.get().dropped)
    assert any("no longer in treatment" in line for line in listed)


def test_export_refuses_a_week_outside_the_schedules_range(week, tmp_path, capsys):
    far = week.monday + datetime.timedelta(weeks=520)
    assert _run("export", "north", "--week", str(far), "-o", str(tmp_path / "x")) == 2
    assert f"--week {far} is outside" in capsys.readouterr().err


def test_an_export_is_an_audit_event(cast, week, tmp_path, capsys):
    from trellis.audit.models import AuditAction, AuditEvent

    path = tmp_path / "week.json"
    assert _run("export", "north", "--week", str(week.monday), "-o", str(path)) == 0
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert event.actor is None
    assert event.actor_label == "command line"
    assert event.summary == (
        f"Schedule instance of the week of {week.monday} (north; 4 patients) written to a file"
    )
    args = ("export", "north", "--week", str(week.monday), "-o", str(path), "--actor")
    assert _run(*args, "charlie") == 0
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT).latest("pk").actor == cast.charlie
    assert _run(*args, "nobody") == 2
    assert "no user 'nobody'" in capsys.readouterr().err
