"""Refusals read as clock times people use: nothing ends at "26:00"."""

from trellis.scheduling import rules


def test_a_move_past_midnight_reads_as_next_day():
    instance = {
        "sites": [{"id": "dt", "name": "Downtown", "hours": {"mon": [["08:00", "21:00"]]}}],
        "group_types": [
            {"id": "rp", "name": "Relapse prevention", "minutes": 180, "min_size": 3, "max_size": 9}
        ],
    }
    proposed = {"id": "s1", "type": "rp", "site": "dt", "day": "mon", "start": "23:00"}
    problems = rules.violations(instance, [], proposed)
    assert "Downtown is not open Monday 23:00–02:00 (next day)." in problems
    assert not any("26:00" in p for p in problems)


def test_clock_label_keeps_ordinary_times():
    assert rules.clock_label(17 * 60 + 30) == "17:30"
    assert rules.clock_label(24 * 60) == "00:00 (next day)"


def test_the_minimum_size_is_left_out_only_when_asked():
    instance = {
        "sites": [{"id": "dt", "name": "Downtown", "hours": {"mon": [["08:00", "21:00"]]}}],
        "group_types": [
            {"id": "rp", "name": "Relapse prevention", "minutes": 90, "min_size": 3, "max_size": 4}
        ],
    }
    short = {"id": "s1", "type": "rp", "site": "dt", "day": "mon", "start": "17:00"}
    said = "Relapse prevention needs at least 3 patients; this session would have 0."
    assert said in rules.violations(instance, [], short)
    assert said not in rules.violations(instance, [], short, below_minimum_ok=True)
    # The maximum always holds.
    full = {**short, "patients": ["p1", "p2", "p3", "p4", "p5"]}
    assert any(
        "takes at most 4" in p for p in rules.violations(instance, [], full, below_minimum_ok=True)
    )
