"""The command line: exit 2 with one clear line on bad input; a summary line on success."""

from __future__ import annotations

import json
import os
import signal
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from trellis.scheduling.solver.cli import Aborted, _interruptible, main
from trellis.scheduling.solver.errors import SchedulingError

from .support import tiny_instance


def test_malformed_instance_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"format": "trellis-week/1", "slot_minutes": 15, "sites": []}))
    code = main(["solve", str(bad), "-o", str(tmp_path / "out.json")])
    err = capsys.readouterr().err
    assert code == 2
    assert err.strip() == "trellis.scheduling: instance lacks 'rooms'"
    assert "Traceback" not in err


def test_unreadable_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["solve", str(tmp_path / "missing.json"), "-o", str(tmp_path / "o.json")])
    assert code == 2
    assert "cannot read instance" in capsys.readouterr().err


def test_not_json_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{nope")
    assert main(["solve", str(bad), "-o", str(tmp_path / "o.json")]) == 2
    assert "is not valid JSON" in capsys.readouterr().err


def test_solve_writes_solution_and_summary(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "week.json"
    source.write_text(json.dumps(tiny_instance(2, patients=12)))
    out = tmp_path / "solution.json"
    assert main(["solve", str(source), "-o", str(out), "--time-limit", "2"]) == 0
    solution = json.loads(out.read_text())
    assert solution["format"] == "trellis-week-solution/1"
    last = capsys.readouterr().err.strip().splitlines()[-1]
    assert last.startswith("plans met ")
    assert "bound" in last
    assert "gap" in last


def test_a_repair_says_its_bound_is_not_computed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "week.json"
    source.write_text(json.dumps(tiny_instance(2, patients=12)))
    first, again = tmp_path / "first.json", tmp_path / "again.json"
    assert main(["solve", str(source), "-o", str(first), "--time-limit", "2", "--quiet"]) == 0
    capsys.readouterr()
    argv = ["solve", str(source), "-o", str(again), "--time-limit", "2", "--previous", str(first)]
    assert main(argv) == 0
    err = capsys.readouterr().err.strip().splitlines()
    assert "bound not computed" in err[-1]
    assert "gap" not in err[-1]
    assert all("bound not computed" in line for line in err[:-1])


def _interrupt_after(seconds: float, times: int = 1) -> None:
    """Ctrl-C to this process, as a terminal sends it, from a timer thread."""

    def send() -> None:
        for _ in range(times):
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(0.2)

    threading.Timer(seconds, send).start()


def test_ctrl_c_stops_the_search_and_returns_the_week_found() -> None:
    asked: list[bool] = []

    def work(should_stop: Callable[[], bool]) -> dict[str, object]:
        while not should_stop():
            time.sleep(0.01)
        asked.append(True)
        return {"stats": {"stopped": True}}

    _interrupt_after(0.3)
    assert _interruptible(work) == {"stats": {"stopped": True}}
    assert asked == [True]


def test_ctrl_c_twice_aborts() -> None:
    released = threading.Event()

    def work(should_stop: Callable[[], bool]) -> dict[str, object]:
        released.wait(10)  # a search that does not stop at once
        return {}

    _interrupt_after(0.3, times=2)
    try:
        with pytest.raises(Aborted):
            _interruptible(work)
    finally:
        released.set()


def test_errors_inside_the_solve_reach_the_caller() -> None:
    def work(should_stop: Callable[[], bool]) -> dict[str, object]:
        raise SchedulingError("instance lacks 'rooms'")

    with pytest.raises(SchedulingError, match="lacks 'rooms'"):
        _interruptible(work)


def _solved_tiny(tmp_path: Path) -> tuple[Path, dict[str, object]]:
    source = tmp_path / "week.json"
    source.write_text(json.dumps(tiny_instance(2, patients=12)))
    out = tmp_path / "solution.json"
    assert main(["solve", str(source), "-o", str(out), "--time-limit", "2"]) == 0
    return source, json.loads(out.read_text())


def _broken_previous(solution: dict[str, object], case: str) -> object:
    broken = json.loads(json.dumps(solution))
    if case == "a list":
        return []
    if case == "no appointments":
        del broken["appointments"]
    elif case == "patients as text":
        broken["sessions"][0]["patients"] = "p1"
    elif case == "an id twice":
        broken["sessions"][1]["id"] = broken["sessions"][0]["id"]
    elif case == "off the grid":
        broken["sessions"][0]["start"] = "17:07"
    return broken


@pytest.mark.parametrize(
    ("case", "said"),
    [
        ("a list", "the previous solution is not a JSON object"),
        ("no appointments", "the solution has no appointments list"),
        ("patients as text", "patients is not a list"),
        ("an id twice", "is used twice in the solution"),
        ("off the grid", "starts off the 15-minute grid"),
    ],
)
def test_an_unusable_previous_solution_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], case: str, said: str
) -> None:
    source, solution = _solved_tiny(tmp_path)
    assert len(solution["sessions"]) >= 2  # type: ignore[arg-type]
    previous = tmp_path / "previous.json"
    previous.write_text(json.dumps(_broken_previous(solution, case)))
    capsys.readouterr()
    code = main(
        [
            "solve",
            str(source),
            "-o",
            str(tmp_path / "o.json"),
            "--time-limit",
            "2",
            "--previous",
            str(previous),
        ]
    )
    err = capsys.readouterr().err
    assert code == 2, err
    assert said in err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("option", "said"),
    [
        (["--seed", "99999999999999"], "--seed must be from 0 to 2147483647"),
        (["--time-limit", "nan"], "--time-limit must be positive, not nan"),
        (["--time-limit", "inf"], "--time-limit must be positive, not inf"),
    ],
)
def test_options_out_of_range_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], option: list[str], said: str
) -> None:
    source = tmp_path / "week.json"
    source.write_text(json.dumps(tiny_instance(1, patients=4)))
    code = main(["solve", str(source), "-o", str(tmp_path / "o.json"), *option])
    err = capsys.readouterr().err
    assert code == 2
    assert said in err
    assert "Traceback" not in err
