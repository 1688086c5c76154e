"""Keep each site's published week repeating eight weeks ahead: run daily (cron, a timer)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from trellis.scheduling.models import Publication
from trellis.scheduling.services import schedule_extend


class Command(BaseCommand):
    help = (
        "Continue each site's newest published week up to SCHEDULE_PUBLISH_WEEKS weeks ahead "
        "of today (nothing replaced; clashes and patients no longer in treatment left out)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        failed: list[Publication] = []
        continued = schedule_extend(failed=failed)
        for publication in continued:
            self.stdout.write(
                f"{', '.join(publication.sites)}: from {publication.week_start} for "
                f"{publication.span}, {publication.sessions_created} sessions, "
                f"{publication.appointments_created} appointments, "
                f"{publication.dropped_count} left out"
            )
        for publication in failed:
            self.stderr.write(
                f"{', '.join(publication.sites)}: the week published on "
                f"{publication.created_at:%Y-%m-%d} could not be continued; run and publish a "
                "later week"
            )
        if not continued and not failed:
            self.stdout.write("Every published week already reaches far enough ahead.")
