"""Background jobs (Django's tasks API; inline with the ImmediateBackend of the demo and tests)."""

from __future__ import annotations

from django.conf import settings
from django_tasks import task

from . import services


def runs_inline() -> bool:
    """Whether a run is solved inside the request that starts it (the demo's and the tests'
    ImmediateBackend): the page then changes only once the run has finished."""
    return str(settings.TASKS["default"]["BACKEND"]).endswith("ImmediateBackend")


@task()
def run_schedule(run_id: str) -> None:
    """Solve one ScheduleRun, writing its progress to the row as it goes."""
    services.run_execute(run_id)
