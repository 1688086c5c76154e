"""Times a patient gives that their site is closed at: saved, and said, since no session can
ever be booked in them (the portal's and the staff's availability pages)."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from trellis.organization.models import Site
from trellis.patients.models import EpisodeOfCare, Patient

from ..instance_builder import SCHEDULED_STATUSES
from ..windows import Window, closed_then, readable_hours, summary


def treated_at(patient: Patient) -> Site:
    """The site whose groups the patient is scheduled in: their episode's track's, or the
    site they are listed at."""
    episode = (
        EpisodeOfCare.objects.filter(patient=patient, status__in=SCHEDULED_STATUSES)
        .select_related("track__site")
        .order_by("-created_at")
        .first()
    )
    return episode.track.site if episode is not None else patient.site


def closed_words(patient: Patient, windows: Iterable[Window]) -> str:
    """ "Sun 02:00–04:00 is outside Northside's opening hours (Mon–Fri 08:00–21:30), so no
    session can be booked then.", or "" when every window shares time with the hours."""
    site = treated_at(patient)
    hours = readable_hours(site.hours)
    if hours is None:
        return ""  # hours it cannot read: nothing to compare with
    closed = closed_then(windows, hours)
    if not closed:
        return ""
    opening = "; ".join(summary(hours)) or _("closed every day")
    return ngettext(
        "%(times)s is outside %(site)s's opening hours (%(hours)s), so no session can be "
        "booked then.",
        "%(times)s are outside %(site)s's opening hours (%(hours)s), so no session can be "
        "booked then.",
        len(closed),
    ) % {"times": ", ".join(summary(closed)), "site": site.name, "hours": opening}
