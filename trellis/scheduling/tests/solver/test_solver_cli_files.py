"""The command line with the files and pipes people give it by accident (a review of
2026-12-07): nothing half-written, no traceback, a solve not lost to a closed pipe."""

from __future__ import annotations

import io
import json
import os
import stat
from pathlib import Path

import pytest

from trellis.scheduling.solver.cli import main

from .support import tiny_instance


def _source(tmp_path: Path, **changes: object) -> Path:
    source = tmp_path / "week.json"
    instance = tiny_instance(1, patients=6)
    instance.update(changes)
    source.write_text(json.dumps(instance))
    return source


class _ClosedPipe(io.StringIO):
    def write(self, text: str) -> int:
        raise BrokenPipeError(32, "Broken pipe")


def test_a_closed_pipe_for_the_progress_loses_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source, out = _source(tmp_path), tmp_path / "solution.json"
    monkeypatch.setattr("sys.stderr", _ClosedPipe())
    assert main(["solve", str(source), "-o", str(out), "--time-limit", "1"]) == 0
    assert json.loads(out.read_text())["sessions"] is not None


def test_the_output_is_never_the_instance_nor_half_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    source = _source(tmp_path)
    before = source.read_text()
    assert main(["solve", str(source), "-o", str(source), "--time-limit", "1"]) == 2
    assert "is the instance itself" in capsys.readouterr().err
    assert source.read_text() == before
    # A directory that does not exist is said before the solve, not after it.
    missing = tmp_path / "nowhere" / "o.json"
    assert main(["solve", str(source), "-o", str(missing), "--time-limit", "1"]) == 2
    assert "no directory" in capsys.readouterr().err
    # A write that fails (a full disk) leaves the earlier file as it was, and no stray file.
    out = tmp_path / "solution.json"
    out.write_text('{"earlier": true}')

    def full_disk(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    # The temporary file is written; putting it in place fails (as a full disk would).
    monkeypatch.setattr("trellis.scheduling.solver.cli.os.replace", full_disk)
    assert main(["solve", str(source), "-o", str(out), "--time-limit", "1"]) == 2
    assert "No space left on device" in capsys.readouterr().err
    assert out.read_text() == '{"earlier": true}'
    assert sorted(p.name for p in tmp_path.iterdir()) == ["solution.json", "week.json"]


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("[" * 100_000, "is nested too deeply to be read"),
        ("\ufeff" + "{}", "unknown instance format"),  # a byte-order mark is read, then {}
    ],
)
def test_odd_files_get_a_line_not_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, said: str
) -> None:
    source = tmp_path / "odd.json"
    source.write_text(text, encoding="utf-8")
    assert main(["solve", str(source), "-o", str(tmp_path / "o.json")]) == 2
    err = capsys.readouterr().err
    assert said in err
    assert "Traceback" not in err


def test_a_number_too_large_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    instance = tiny_instance(1, patients=6)
    instance["clinicians"][0]["max_minutes"] = 10**30
    source = tmp_path / "week.json"
    source.write_text(json.dumps(instance))
    assert main(["solve", str(source), "-o", str(tmp_path / "o.json")]) == 2
    err = capsys.readouterr().err
    assert "clinician c1.max_minutes is too large: 10000" in err
    assert "Traceback" not in err


def test_the_highest_seed_solves(tmp_path: Path) -> None:
    source, out = _source(tmp_path), tmp_path / "o.json"
    args = ["solve", str(source), "-o", str(out), "--time-limit", "2", "--seed", str(2**31 - 1)]
    assert main(args) == 0


def test_a_previous_solution_of_another_instance_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source, out = _source(tmp_path), tmp_path / "o.json"
    assert main(["solve", str(source), "-o", str(out), "--time-limit", "1"]) == 0
    solution = json.loads(out.read_text())
    for s in solution["sessions"]:
        s["patients"] = [f"x{p}" for p in s["patients"]]
    for a in solution["appointments"]:
        a["patient"] = f"x{a['patient']}"
    solution["instance"] = "another"
    previous = tmp_path / "previous.json"
    previous.write_text(json.dumps(solution))
    capsys.readouterr()
    args = ["solve", str(source), "-o", str(out), "--time-limit", "1", "--previous"]
    assert main([*args, str(previous)]) == 2
    assert "books none of this instance's patients" in capsys.readouterr().err


def test_the_solution_has_the_usual_permissions_and_a_link_is_written_through(
    tmp_path: Path,
) -> None:
    source = _source(tmp_path)
    real = tmp_path / "real.json"
    real.write_text("{}")
    link = tmp_path / "link.json"
    link.symlink_to(real)
    umask = os.umask(0o022)
    try:
        assert main(["solve", str(source), "-o", str(link), "--time-limit", "1"]) == 0
    finally:
        os.umask(umask)
    assert link.is_symlink()  # still the link, its target written
    assert "sessions" in json.loads(real.read_text())
    assert stat.S_IMODE(real.stat().st_mode) == 0o644  # not a temporary file's 0600


def test_a_previous_solution_of_the_same_instance_whose_patients_all_left_repairs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source, out = _source(tmp_path), tmp_path / "o.json"
    assert main(["solve", str(source), "-o", str(out), "--time-limit", "1"]) == 0
    solution = json.loads(out.read_text())
    for s in solution["sessions"]:
        s["patients"] = [f"gone{p}" for p in s["patients"]]
    for a in solution["appointments"]:
        a["patient"] = f"gone{a['patient']}"
    previous = tmp_path / "previous.json"
    previous.write_text(json.dumps(solution))  # same instance name: discharged since
    args = ["solve", str(source), "-o", str(out), "--time-limit", "1", "--previous"]
    assert main([*args, str(previous)]) == 0


def test_a_group_count_too_large_is_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    instance = tiny_instance(1, patients=6)
    plan = instance["patients"][0]["plan"]
    plan["groups"] = {instance["group_types"][0]["id"]: 10**30}
    source = tmp_path / "week.json"
    source.write_text(json.dumps(instance))
    assert main(["solve", str(source), "-o", str(tmp_path / "o.json")]) == 2
    err = capsys.readouterr().err
    assert "is too large" in err
    assert "Traceback" not in err
