"""The weekly service requirement of a plan, and the level-of-care band check. Pure Python.

A plan's interventions say how often (sessions per week) and how long (minutes per session) each
service happens. The scheduler needs that as the ``plan`` object of shared/scheduling/FORMAT.md:
minutes per week, days per week, minutes per attended day, groups by type, individual and family
sessions. This module turns one into the other and says, in plain words, when the total falls
outside the hours of the patient's level of care.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from trellis.core.durations import hours_minutes as _hours  # "9 h 20 min"

SLOT_MINUTES = 15

# Kinds of intervention. Only group, individual and family sessions are booked by the scheduler
# and count toward the weekly hours; the rest (medication management, 12-step meetings in the
# community, exercise on one's own) are part of the plan but not of the program's weekly hours.
GROUP = "group"
INDIVIDUAL = "individual"
FAMILY = "family"
OTHER = "other"
SCHEDULED_KINDS = frozenset({GROUP, INDIVIDUAL, FAMILY})


@dataclass(frozen=True)
class Line:
    """One intervention of a plan as the arithmetic sees it."""

    kind: str
    per_week: int
    minutes: int
    group_type: str = ""
    clinician: str = ""  # public id of the responsible clinician (individual sessions)


@dataclass(frozen=True)
class Band:
    """Weekly hours of a level of care for one population; None means no bound."""

    label: str
    min_hours: Decimal | None
    max_hours: Decimal | None


@dataclass
class Requirement:
    plan: dict[str, Any] | None
    weekly_minutes: int
    warnings: list[str] = field(default_factory=list)


def _floor_slot(minutes: float) -> int:
    return int(minutes // SLOT_MINUTES) * SLOT_MINUTES


def weekly_requirement(
    lines: list[Line],
    *,
    days_per_week: int,
    max_day_minutes: int,
    default_clinician: str = "",
) -> Requirement:
    """The FORMAT.md ``plan`` object for these interventions, with warnings.

    - ``min_minutes``: the sum of sessions per week times minutes, over group, individual and
      family lines.
    - ``min_days``: the attended days per week the plan asks for (never more than 7).
    - ``min_day_minutes``: the weekly minutes spread over those days, rounded *down* to the
      15-minute grid so the requirement can be met exactly.
    - ``max_day_minutes``: the plan's cap on one day.
    - ``groups``: sessions per week by group type code.
    - ``individual``: all individual sessions together: count, the longest session length, and
      the clinician of the line with the most sessions (else ``default_clinician``).
    - ``family``: count and the longest session length.
    """
    warnings: list[str] = []
    scheduled = [ln for ln in lines if ln.kind in SCHEDULED_KINDS and ln.per_week > 0]
    weekly = sum(ln.per_week * ln.minutes for ln in scheduled)
    if not scheduled:
        return Requirement(
            plan=None,
            weekly_minutes=0,
            warnings=["The plan has no weekly group, individual or family sessions."],
        )
    groups: dict[str, int] = {}
    for ln in scheduled:
        if ln.kind == GROUP:
            if not ln.group_type:
                warnings.append("A group intervention names no group type; it cannot be booked.")
                continue
            groups[ln.group_type] = groups.get(ln.group_type, 0) + ln.per_week
    individual: dict[str, Any] | None = None
    ind = [ln for ln in scheduled if ln.kind == INDIVIDUAL]
    if ind:
        lead = max(ind, key=lambda ln: ln.per_week)
        clinician = lead.clinician or default_clinician
        if len({ln.clinician for ln in ind if ln.clinician}) > 1:
            warnings.append(
                "Individual sessions name more than one clinician; the scheduler books them all "
                "with the clinician of the most frequent one."
            )
        if not clinician:
            warnings.append("Individual sessions have no responsible clinician.")
        individual = {
            "clinician": clinician,
            "count": sum(ln.per_week for ln in ind),
            "minutes": max(ln.minutes for ln in ind),
        }
    family: dict[str, Any] | None = None
    fam = [ln for ln in scheduled if ln.kind == FAMILY]
    if fam:
        family = {"count": sum(ln.per_week for ln in fam), "minutes": max(ln.minutes for ln in fam)}
    for ln in scheduled:
        if ln.minutes % SLOT_MINUTES:
            warnings.append(
                f"A session of {ln.minutes} minutes is off the {SLOT_MINUTES}-minute grid."
            )
        if ln.minutes > max_day_minutes:
            warnings.append(
                f"A session of {ln.minutes} minutes is longer than the daily cap of "
                f"{max_day_minutes} minutes."
            )
    days = max(1, min(7, days_per_week))
    if days != days_per_week:
        warnings.append("Days per week must be between 1 and 7.")
    min_day = _floor_slot(weekly / days)
    if min_day > max_day_minutes:
        warnings.append(
            f"{_hours(weekly)} over {days} days is {math.ceil(weekly / days)} minutes a day, "
            f"more than the daily cap of {max_day_minutes} minutes: add days or raise the cap."
        )
        min_day = max_day_minutes
    plan = {
        "min_minutes": weekly,
        "min_days": days,
        "min_day_minutes": min_day,
        "max_day_minutes": max_day_minutes,
        "groups": dict(sorted(groups.items())),
        "individual": individual,
        "family": family,
    }
    return Requirement(plan=plan, weekly_minutes=weekly, warnings=warnings)


def band_warnings(weekly_minutes: int, band: Band | None) -> list[str]:
    """A plain-words warning when the weekly hours fall outside the level of care's band."""
    if band is None:
        return []
    hours = Decimal(weekly_minutes) / 60
    if band.min_hours is not None and hours < band.min_hours:
        return [
            f"{_hours(weekly_minutes)} a week is below the {band.label} minimum of "
            f"{band.min_hours.normalize():f} hours: add services or consider a lower level of care."
        ]
    if band.max_hours is not None and hours > band.max_hours:
        return [
            f"{_hours(weekly_minutes)} a week is above the {band.label} maximum of "
            f"{band.max_hours.normalize():f} hours: reduce services or consider a higher level "
            "of care."
        ]
    return []
