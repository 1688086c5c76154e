"""export → solve → import → publish, through the command line, creates the expected bookings."""

from __future__ import annotations

import datetime
import json

from trellis.accounts.models import DAY_CODES
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
                        "id": "g1",
                        "type": "rp",
                        "site": "north",
                        "day": "mon",
                        "start": "17:00",
                        "room": "nowhere",
                        "facilitators": [],
                        "patients": [],
                    }
                ],
                "appointments": [],
            }
        )
    )

    assert _run("import", str(solution_path), "--instance", str(instance_path)) == 2

    assert "unknown room 'nowhere'" in capsys.readouterr().err
    assert not GroupSession.objects.exists()
    assert not Publication.objects.exists()


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
