"""When a plan (or its next review) is due. Pure Python."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

INITIAL = "initial"
REVIEW = "review"


@dataclass(frozen=True)
class Due:
    kind: str  # INITIAL: the first plan; REVIEW: the next review
    on: datetime.date

    def days_left(self, today: datetime.date) -> int:
        return (self.on - today).days

    def is_overdue(self, today: datetime.date) -> bool:
        return self.on < today


def plan_due(
    *,
    admitted_on: datetime.date | None,
    first_signed_on: datetime.date | None,
    last_review_on: datetime.date | None,
    interval_days: int,
    due_days_after_admission: int,
) -> Due | None:
    """The next thing due on a plan.

    - No signed plan yet: the first plan is due ``due_days_after_admission`` days after admission
      (None before admission).
    - Otherwise the next review is due ``interval_days`` after the last review, or after the day
      the first plan took effect when there has been no review. Calendar days, so a 30-day
      interval from 31 January falls on 2 March (1 March in a leap year).
    """
    if first_signed_on is None:
        if admitted_on is None:
            return None
        return Due(INITIAL, admitted_on + datetime.timedelta(days=due_days_after_admission))
    start = max(first_signed_on, last_review_on) if last_review_on else first_signed_on
    return Due(REVIEW, start + datetime.timedelta(days=interval_days))
