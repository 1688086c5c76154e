"""The one lock of a site's schedule: every write that checks the week's rules and then books,
moves, publishes or continues takes its sites' rows first, in one order; so do a cancellation
and taking a patient out of a session, which write a notice naming the site.

On PostgreSQL two such writes for one site are served one after the other, so the second
checks the week the first wrote (two coordinators booking one room at once; Publish pressed
twice; the daily continuation beside a coordinator's). SQLite serialises every write anyway.
"""

from __future__ import annotations

from collections.abc import Iterable

from trellis.organization.models import Site


def lock_sites(sites: Iterable[Site]) -> None:
    """Lock the sites' rows until the transaction ends (call inside one)."""
    list(Site.objects.select_for_update().filter(pk__in=[s.pk for s in sites]).order_by("pk"))
