"""Background jobs (Django's tasks API; inline with the ImmediateBackend of the demo and tests)."""

from __future__ import annotations

from django_tasks import task

from . import services


@task()
def run_schedule(run_id: str) -> None:
    """Solve one ScheduleRun, writing its progress to the row as it goes."""
    services.run_execute(run_id)
