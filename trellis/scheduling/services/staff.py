"""What the schedule optimizer knows of a clinician: competencies, weekly limit and weekly
availability, edited by directors and administrators for the staff of their sites."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction
from django.utils.translation import gettext as _

from trellis.accounts.models import Competency, StaffAvailability, StaffProfile, User
from trellis.audit.models import AuditAction
from trellis.audit.services import audit_record
from trellis.core.errors import ValidationFailed

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
