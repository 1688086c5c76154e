"""One worker and a seed give the same week every time."""

from __future__ import annotations

from trellis.scheduling.solver import solve

from .support import tiny_instance


def test_one_worker_is_deterministic() -> None:
    instance = tiny_instance(5, patients=16)
    first = solve(instance, time_limit=2, workers=1, seed=3)
    second = solve(instance, time_limit=2, workers=1, seed=3)
    assert first["sessions"] == second["sessions"]
    assert first["appointments"] == second["appointments"]
