"""Which schedule weeks the pages and runs accept, and today in a site's zone.

A schedule week starts on a Monday. The week pages and runs go from ``WEEKS_BACK`` weeks before
this week to ``WEEKS_AHEAD`` weeks after it: far enough for last year's record and the next two
years' planning, and never near the ends of the calendar, where the week's arithmetic fails.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.contrib import messages
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from trellis.core.errors import ValidationFailed
from trellis.organization.models import Site

from .instance_builder import monday_of

WEEKS_BACK = 52
WEEKS_AHEAD = 104


class WeekOutOfRange(ValidationFailed):
    """A schedule week further back or further ahead than the schedule goes."""


class DateInPast(ValidationFailed):
    """A booking moved or added to a day before today (in the site's zone)."""


def site_today(site: Site) -> datetime.date:
    """Today's date where the site is (``Site.zone``)."""
    return timezone.now().astimezone(site.zone).date()


def week_bounds(today: datetime.date | None = None) -> tuple[datetime.date, datetime.date]:
    """The first and the last Monday the schedule shows and runs."""
    this_week = monday_of(today or timezone.localdate())
    return (
        this_week - datetime.timedelta(weeks=WEEKS_BACK),
        this_week + datetime.timedelta(weeks=WEEKS_AHEAD),
    )


def week_has_ended(week_start: datetime.date, today: datetime.date | None = None) -> bool:
    """Whether the week starting `week_start` is over (its Sunday is before today)."""
    return (today or timezone.localdate()) >= week_start + datetime.timedelta(weeks=1)


def published_span(
    week_start: datetime.date, weeks: int, today: datetime.date, from_week: int = 0
) -> tuple[datetime.date, datetime.date]:
    """The first and the last day publishing ``weeks`` weeks from ``week_start`` writes.

    Nothing is written before today; ``from_week`` > 0 starts that many weeks in (a
    publication extended). The first day is after the last when nothing is left to write.
    """
    first = max(week_start + datetime.timedelta(weeks=from_week), today)
    return first, week_start + datetime.timedelta(weeks=weeks, days=-1)


def range_text(today: datetime.date | None = None) -> str:
    first, last = week_bounds(today)
    return _("from the week of %(first)s to the week of %(last)s") % {
        "first": date_format(first),
        "last": date_format(last),
    }


def clamp_week(
    day: datetime.date, today: datetime.date | None = None
) -> tuple[datetime.date, bool]:
    """The Monday of ``day``'s week kept inside the range, and whether it had to be moved."""
    first, last = week_bounds(today)
    if day < first:
        return first, True
    if day > last + datetime.timedelta(days=6):
        return last, True
    return monday_of(day), False


def check_week(week_start: datetime.date, today: datetime.date | None = None) -> None:
    """Raise WeekOutOfRange, naming the range, for a week the schedule does not go to."""
    if clamp_week(week_start, today)[1]:
        raise WeekOutOfRange(
            _("The week of %(week)s is out of range: schedules go %(range)s.")
            % {"week": date_format(week_start), "range": range_text(today)}
        )


def site_now(site: Site) -> datetime.datetime:
    """Now on the site's wall clock (``Site.zone``), naive, as bookings' dates and times are."""
    return timezone.now().astimezone(site.zone).replace(tzinfo=None)


def begun(site: Site, day: datetime.date, start: datetime.time) -> bool:
    """Whether a booking of ``site`` at ``day`` ``start`` has begun there: it is the record."""
    return datetime.datetime.combine(day, start) < site_now(site)


def begun_rows(sites: Iterable[Site]) -> Q:
    """Bookings of today that have begun at their site (for querysets of sessions or
    appointments): publishing keeps them as the record."""
    rows = Q(pk__in=[])
    for site in sites:
        now = site_now(site)
        rows |= Q(site=site, date=now.date(), start__lt=now.time())
    return rows


def check_not_past(
    site: Site,
    day: datetime.date,
    message: str = "",
    *,
    start: datetime.time | None = None,
    begun: str = "",
) -> None:
    """Raise DateInPast when ``day`` is before today where the site is, or, given ``start``,
    when it is today and ``start`` has passed there: bookings are moved, added and cancelled
    from now on; what has begun is the record. ``message`` (translated, with ``%(day)s`` and
    ``%(today)s``) says what cannot be done on a day gone by, ``begun`` (with ``%(time)s`` and
    ``%(now)s``) at an hour gone by today; by default moving or adding."""
    now = site_now(site)
    today = now.date()
    if day < today:
        message = message or _(
            "%(day)s has passed; bookings can be moved or added from today (%(today)s) on."
        )
        raise DateInPast(message % {"day": date_format(day), "today": date_format(today)})
    if start is not None and day == today and start < now.time():
        begun = begun or _(
            "%(time)s today has passed (it is %(now)s where the site is); bookings can be "
            "moved or added from now on."
        )
        raise DateInPast(begun % {"time": f"{start:%H:%M}", "now": f"{now:%H:%M}"})


def week_param(request: HttpRequest) -> datetime.date:
    """The Monday of the ``week`` a page is asked for (this week when none), kept inside the
    range; a week that is not a date or is out of range is replaced, with a message."""
    raw = request.GET.get("week", "").strip()
    today = timezone.localdate()
    if not raw:
        return monday_of(today)
    try:
        day = datetime.date.fromisoformat(raw)
    except ValueError:
        messages.warning(request, _("The week must be a date, like 2027-01-04; showing this week."))
        return monday_of(today)
    monday, moved = clamp_week(day, today)
    if moved:
        messages.warning(
            request,
            _("Schedules go %(range)s; showing the week of %(week)s.")
            % {"range": range_text(today), "week": date_format(monday)},
        )
    return monday


def week_nav(week_start: datetime.date) -> dict[str, datetime.date | None]:
    """This week, the previous and next weeks (None past the range's ends) and the range, for
    the pages."""
    first, last = week_bounds()
    previous, following = (week_start + datetime.timedelta(weeks=n) for n in (-1, 1))
    return {
        "this_week": monday_of(timezone.localdate()),
        "previous_week": previous if previous >= first else None,
        "next_week": following if following <= last else None,
        "first_week": first,
        "last_day": last + datetime.timedelta(days=6),
    }
