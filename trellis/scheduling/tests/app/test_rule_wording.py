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
