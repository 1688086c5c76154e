"""What the schedule optimizer knows of a clinician: competencies, weekly limit and weekly
availability, edited by directors and administrators for the staff of their sites."""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from trellis.accounts.models import Competency, StaffAvailability, StaffProfile, User
from trellis.audit.models import AuditAction
from trellis.audit.services import audit_record
from trellis.core.errors import ValidationFailed
from trellis.organization.selectors import sites_worked_at

from ..models import StaffAway
from ..weeks import range_text, site_today, week_bounds
from ..windows import Window
from .bookings import check_windows

# A week has 10,080 minutes; a limit is a multiple of the 15-minute slot.
MAX_WEEKLY_MINUTES = 7 * 24 * 60


class InvalidWeeklyLimit(ValidationFailed):
    """A weekly limit that is not a positive number of quarter hours within a week."""


@transaction.atomic
def staff_schedule_update(
    *,
    actor: User,
    clinician: User,
    competencies: Sequence[str],
    max_weekly_minutes: int,
    windows: Sequence[Window],
) -> StaffProfile:
    """Replace a clinician's competencies, weekly limit and availability windows together.

    Only a director or administrator of one of the clinician's sites may (``NotPermitted``).
    Raises ValidationFailed for an unknown competency, ``InvalidWeeklyLimit``,
    ``InvalidWindow`` and ``OverlappingWindows``; nothing changes then. One audit event lists
    what changed.
    """
    from ..selectors import staff_for

    staff_for(actor, clinician.public_id, write=True)  # NotPermitted / 404 outside scope
    unknown = sorted(set(competencies) - set(Competency.values))
    if unknown:
        raise ValidationFailed(_("Unknown competencies: %(c)s") % {"c": ", ".join(unknown)})
    if not 0 < max_weekly_minutes <= MAX_WEEKLY_MINUTES or max_weekly_minutes % 15:
        raise InvalidWeeklyLimit(
            _("The weekly limit is a positive number of quarter hours, at most a week.")
        )
    check_windows(windows)
    profile = StaffProfile.objects.select_for_update().get(user=clinician)
    before = {
        "competencies": sorted(profile.competencies),
        "max_weekly_minutes": profile.max_weekly_minutes,
        "availability": [str(w) for w in profile.availability.all()],
    }
    profile.competencies = sorted(set(competencies))
    profile.max_weekly_minutes = max_weekly_minutes
    profile.save(update_fields=["competencies", "max_weekly_minutes", "updated_at"])
    profile.availability.all().delete()
    created = StaffAvailability.objects.bulk_create(
        StaffAvailability(staff=profile, weekday=d, start=s, end=e) for d, s, e in sorted(windows)
    )
    after = {
        "competencies": profile.competencies,
        "max_weekly_minutes": max_weekly_minutes,
        "availability": [str(w) for w in created],
    }
    changes = {k: [before[k], after[k]] for k in before if before[k] != after[k]}
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=profile,
        summary=f"Schedule details of {clinician.display_name} updated",
        changes=changes,
    )
    return profile


def _their_today(clinician: User) -> datetime.date:
    """Today where the clinician works, as bookings judge days gone by (``site_today``): the
    earliest of their sites' dates, so that no site's today is taken for past."""
    dates = [site_today(site) for site in sites_worked_at(clinician)]
    return min(dates, default=timezone.localdate())


# An absence is recorded for at most a year at a time; a longer one is a change of hours.
MAX_AWAY_DAYS = 366


class InvalidAwayDays(ValidationFailed):
    """Days away out of order, too many, gone by, beyond the schedule, or overlapping
    days already recorded. ``field`` names the date it is about (``first_day``/``last_day``)."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


@transaction.atomic
def staff_away_add(
    *, actor: User, clinician: User, first_day: datetime.date, last_day: datetime.date
) -> StaffAway:
    """Record that ``clinician`` is away from ``first_day`` to ``last_day`` (inclusive).

    Only a director or administrator of one of the clinician's sites may (``NotPermitted``).
    Raises ``InvalidAwayDays`` when the days are out of order, more than a year, over before
    today, beyond the weeks the schedule goes to, or overlap days already recorded. One audit
    event. Runs of the weeks it touches leave the clinician those days; bookings already
    published stay (Plans not met and hand edits name them) until such a run is published."""
    from ..selectors import staff_for

    staff_for(actor, clinician.public_id, write=True)  # NotPermitted / 404 outside scope
    if last_day < first_day:
        raise InvalidAwayDays(_("The last day away is before the first."), "last_day")
    if (last_day - first_day).days + 1 > MAX_AWAY_DAYS:
        raise InvalidAwayDays(
            _("Record at most %(n)d days at a time; for longer, change their times.")
            % {"n": MAX_AWAY_DAYS},
            "last_day",
        )
    today = _their_today(clinician)
    if last_day < today:
        raise InvalidAwayDays(
            _("Those days have passed: the last day away is today or later."), "last_day"
        )
    _first, last_week = week_bounds()
    if first_day > last_week + datetime.timedelta(days=6):
        raise InvalidAwayDays(
            _("That is beyond the weeks the schedule goes to (%(range)s).")
            % {"range": range_text()},
            "first_day",
        )
    # One clinician's absences are recorded one at a time: lock their profile row first.
    StaffProfile.objects.select_for_update().filter(user=clinician).first()
    clash = (
        StaffAway.objects.filter(
            clinician=clinician, first_day__lte=last_day, last_day__gte=first_day
        )
        .order_by("first_day")
        .first()
    )
    if clash is not None:
        raise InvalidAwayDays(
            _("%(name)s is already away from %(first)s to %(last)s.")
            % {
                "name": clinician.display_name,
                "first": date_format(clash.first_day),
                "last": date_format(clash.last_day),
            },
            "first_day",
        )
    away = StaffAway.objects.create(
        clinician=clinician, first_day=first_day, last_day=last_day, created_by=actor
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=away,
        summary=f"{clinician.display_name} away from {first_day} to {last_day}",
    )
    return away


@transaction.atomic
def staff_away_remove(*, actor: User, away: StaffAway) -> None:
    """Take back a recorded absence that has not ended (one that has is kept as the record:
    ``InvalidAwayDays``). Same permission as adding; one audit event."""
    from ..selectors import staff_for

    staff_for(actor, away.clinician.public_id, write=True)
    if away.last_day < _their_today(away.clinician):
        raise InvalidAwayDays(_("An absence that has ended is kept as the record."))
    summary = (
        f"{away.clinician.display_name} no longer away from {away.first_day} to {away.last_day}"
    )
    audit_record(actor=actor, action=AuditAction.REMOVE, obj=away, summary=summary)
    away.delete()
