"""A patient's availability windows and active calendar feeds."""

from __future__ import annotations

import datetime

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from trellis.accounts.models import Role, User
from trellis.patients.models import OPEN_STATUSES, EpisodeOfCare, Patient

from ..models import (
    CalendarFeed,
    PatientAvailability,
)


# --- availability and feeds -------------------------------------------------------------------
def patient_availability(patient: Patient) -> QuerySet[PatientAvailability]:
    return PatientAvailability.objects.filter(patient=patient).select_related("changed_by")


def active_feeds(*, user: User | None = None, patient: Patient | None = None) -> QuerySet:
    """Links not revoked; a patient's, not lapsed either (``lapsed``). Two queries."""
    feeds = CalendarFeed.objects.filter(revoked_at__isnull=True)
    if user is not None:
        return feeds.filter(user=user)
    mine = feeds.filter(patient=patient)
    episodes = list(EpisodeOfCare.objects.filter(patient=patient))
    today = timezone.localdate()
    gone = [f.pk for f in mine.only("pk", "created_at") if lapsed(f, episodes, today)]
    return mine.exclude(pk__in=gone) if gone else mine


# After a patient's care ends, their feed serves this long more: long enough for a calendar that
# syncs it to receive the cancelled bookings (and so take them off the patient's calendar),
# short enough that a forgotten link stops.
FEED_AFTER_CARE = datetime.timedelta(days=14)


def lapsed(feed: CalendarFeed, episodes: list[EpisodeOfCare], today: datetime.date) -> bool:
    """A patient's link lapses for good once, after it was made, their care ended and none
    followed within ``FEED_AFTER_CARE``: coming back into care later does not bring a forgotten
    link back (before 2026-12-07 it served again at the next admission), and the patient makes
    a new one. A readmission within the fortnight keeps it (care went on)."""
    made = timezone.localdate(feed.created_at)
    for ended in episodes:
        stop = ended.discharged_on
        # A discharge recorded with an earlier date than the link counts too.
        if stop is None or stop < made - FEED_AFTER_CARE or stop >= today - FEED_AFTER_CARE:
            continue
        went_on = any(
            other.pk != ended.pk
            and other.referred_on <= stop + FEED_AFTER_CARE
            and (other.discharged_on is None or other.discharged_on >= stop)
            for other in episodes
        )
        if not went_on:
            return True
    return False


def feed_serving(token_hash: str, today: datetime.date | None = None) -> CalendarFeed | None:
    """The calendar feed a secret link opens, or None when it does not (404).

    A clinician's feed serves while its owner is an active clinician. A patient's serves while
    they have an episode of care open, or one that ended (discharge, transfer) within
    ``FEED_AFTER_CARE``, and not once their portal account (if any) is switched off, nor once
    it has ``lapsed``."""
    today = today or timezone.localdate()
    in_care = EpisodeOfCare.objects.filter(patient=OuterRef("patient")).filter(
        Q(status__in=OPEN_STATUSES) | Q(discharged_on__gte=today - FEED_AFTER_CARE)
    )
    feed = (
        CalendarFeed.objects.filter(token_hash=token_hash, revoked_at__isnull=True)
        .filter(
            Q(patient__isnull=True, user__is_active=True, user__role=Role.CLINICIAN)
            | Q(
                Exists(in_care),
                Q(patient__user__isnull=True) | Q(patient__user__is_active=True),
                patient__isnull=False,
            )
        )
        .select_related("user", "patient")
        .first()
    )
    if feed is None or feed.patient is None:
        return feed
    episodes = list(EpisodeOfCare.objects.filter(patient=feed.patient))
    return None if lapsed(feed, episodes, today) else feed
