"""Malformed or inconsistent instances are rejected with named errors."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from trellis.scheduling.solver import InstanceError, parse_instance

from .support import tiny_instance


@pytest.fixture(scope="module")
def good() -> dict[str, Any]:
    return tiny_instance(1, patients=8)


def _break(instance: dict[str, Any], change: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    broken = copy.deepcopy(instance)
    change(broken)
    return broken


CASES: list[tuple[str, Callable[[dict[str, Any]], None], str]] = [
    ("format", lambda d: d.update(format="trellis-week/9"), "unknown instance format"),
    ("site", lambda d: d["patients"][0].update(site="s9"), "site 's9' does not exist"),
    (
        "grid",
        lambda d: d["patients"][0]["availability"].update(mon=[["17:07", "21:00"]]),
        "off the 15-minute slot grid",
    ),
    (
        "day",
        lambda d: d["clinicians"][0]["availability"].update(funday=[["09:00", "12:00"]]),
        "'funday' is not a day name",
    ),
    ("duplicate", lambda d: d["rooms"].append(dict(d["rooms"][0])), "duplicate id"),
    (
        "group type",
        lambda d: d["patients"][0]["plan"]["groups"].update(yoga=1),
        "group type 'yoga' does not exist",
    ),
    ("avoid", lambda d: d["patients"][0].update(avoid=["p999"]), "'p999' does not exist"),
    ("room kind", lambda d: d["rooms"][0].update(kind="gym"), "kind 'gym'"),
    ("missing", lambda d: d.pop("patients"), "lacks 'patients'"),
    (
        "null",
        lambda d: d["patients"][0].update(availability=None),
        r"availability must be an object, not null",
    ),
    (
        "text for a number",
        lambda d: d["group_types"][0].update(minutes="90"),
        r"minutes must be a whole number, not a string",
    ),
    # A site without hours read as closed all week: every plan unmet, exit 0.
    ("no hours", lambda d: d["sites"][0].pop("hours"), r"site s1 lacks 'hours'"),
    ("week not a date", lambda d: d.update(week_start="tomorrow"), "is not a YYYY-MM-DD date"),
    ("week not a Monday", lambda d: d.update(week_start="2027-01-05"), "is not a Monday"),
]


@pytest.mark.parametrize(("change", "message"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_malformed_instance_is_named(
    good: dict[str, Any], change: Callable[[dict[str, Any]], None], message: str
) -> None:
    with pytest.raises(InstanceError, match=message):
        parse_instance(_break(good, change))


def test_good_instance_parses(good: dict[str, Any]) -> None:
    parsed = parse_instance(good)
    assert len(parsed.patients) == 8
