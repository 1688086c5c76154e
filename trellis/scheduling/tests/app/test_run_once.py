"""One unfinished run per week and site; a run whose worker stopped stops blocking the week."""

from __future__ import annotations

import datetime
import threading
import time

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from trellis.audit.models import AuditAction, AuditEvent
from trellis.scheduling import services
from trellis.scheduling.models import RunStatus, ScheduleRun
from trellis.scheduling.services import runs


def _queued(cast, week, **kwargs) -> ScheduleRun:
    """A run created but not executed: what a coordinator's run is while the worker has it."""
    return services.run_create(
        actor=cast.charlie,
        sites=[week.group_room.site],
        week_start=kwargs.get("week_start", week.monday),
        time_limit=2,
    )


def _age(run: ScheduleRun, seconds: float) -> None:
    """Pretend the run was started `seconds` ago."""
    then = timezone.now() - datetime.timedelta(seconds=seconds)
    ScheduleRun.objects.filter(pk=run.pk).update(created_at=then)
    run.refresh_from_db()


def _stale_age(run: ScheduleRun) -> float:
    return run.time_limit + settings.TRELLIS["SCHEDULE_RUN_STALE_AFTER"] + 5


def test_a_second_run_of_the_same_week_and_site_is_refused_in_plain_words(cast, week):
    first = _queued(cast, week)
    with pytest.raises(services.RunAlreadyActive) as error:
        _queued(cast, week)
    message = str(error.value)
    assert "already running" in message
    assert "Northside" in message
    assert "Charlie Chen" in message
    assert error.value.run == first
    assert ScheduleRun.objects.count() == 1


def test_other_weeks_and_finished_runs_do_not_block(cast, week):
    first = _queued(cast, week)
    _queued(cast, week, week_start=week.monday + datetime.timedelta(weeks=1))
    services.run_execute(first.public_id)
    first.refresh_from_db()
    assert first.status == RunStatus.DONE
    _queued(cast, week)  # the week's run has finished: a new one may start
    assert ScheduleRun.objects.count() == 3


def test_a_stale_run_is_marked_stopped_and_no_longer_blocks(cast, week):
    stuck = _queued(cast, week)
    ScheduleRun.objects.filter(pk=stuck.pk).update(status=RunStatus.RUNNING)
    _age(stuck, _stale_age(stuck) - 10)
    assert stuck.is_active
    assert not stuck.is_stale
    with pytest.raises(services.RunAlreadyActive):
        _queued(cast, week)

    _age(stuck, _stale_age(stuck))
    assert stuck.is_stale
    assert not stuck.is_active
    assert stuck.status_label == "Stopped"
    fresh = _queued(cast, week)

    stuck.refresh_from_db()
    assert stuck.status == RunStatus.STOPPED
    assert "Stopped without a result" in stuck.error
    assert stuck.finished_at is not None
    assert fresh.status == RunStatus.QUEUED
    assert AuditEvent.objects.filter(
        action=AuditAction.TRANSITION, object_id=str(stuck.public_id)
    ).exists()


def test_a_run_taken_as_stopped_is_not_solved_afterwards(cast, week):
    stuck = _queued(cast, week)
    _age(stuck, _stale_age(stuck))
    _queued(cast, week)
    services.run_execute(stuck.public_id)  # its worker comes back late
    stuck.refresh_from_db()
    assert stuck.status == RunStatus.STOPPED
    assert stuck.solution is None


def test_a_run_stopped_while_solving_keeps_its_error(cast, week, monkeypatch):
    run = _queued(cast, week)
    from trellis.scheduling import solver

    real = solver.solve
    relay_once = runs._relay_once

    def slow_solve(*args, **kwargs):
        time.sleep(3 * runs.PROGRESS_EVERY)  # the job's thread looks in meanwhile
        return real(*args, **kwargs)

    def meanwhile(run_, relay):
        # Another coordinator found it stale and started the week again.
        ScheduleRun.objects.filter(pk=run.pk).update(status=RunStatus.FAILED, error="Stopped")
        relay_once(run_, relay)

    monkeypatch.setattr(solver, "solve", slow_solve)
    monkeypatch.setattr(runs, "_relay_once", meanwhile)
    services.run_execute(run.public_id)
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED
    assert run.error == "Stopped"
    assert run.solution is None


def test_starting_a_week_already_running_links_to_that_run(cast, week, login):
    first = _queued(cast, week)
    client = login(cast.charlie)
    response = client.post(
        reverse("scheduling:runs"),
        {"sites": [week.group_room.site.pk], "week": str(week.monday), "time_limit": "2"},
    )
    assert response.status_code == 200
    assert b"already running" in response.content
    assert reverse("scheduling:run", args=[first.public_id]).encode() in response.content
    assert ScheduleRun.objects.count() == 1


def test_pages_show_a_stale_run_as_stopped_and_stop_polling(cast, week, login):
    stuck = _queued(cast, week)
    _age(stuck, _stale_age(stuck))
    client = login(cast.charlie)
    listing = client.get(reverse("scheduling:runs")).content.decode()
    assert ">Stopped<" in listing
    page = client.get(reverse("scheduling:run", args=[stuck.public_id])).content.decode()
    assert "stopped without a result" in page
    assert "hx-trigger" not in page
    assert "Run this week again" in page


@pytest.mark.postgres
def test_two_coordinators_starting_the_same_week_at_once_get_one_run(
    audit_truncate_for_flush: None,
    django_db_serialized_rollback: None,
    transactional_db: None,
    cast,
    week,
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers itself; the row lock is PostgreSQL's")
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def start() -> None:
        try:
            barrier.wait()
            _queued(cast, week)
            outcomes.append("started")
        except services.RunAlreadyActive:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=start) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["refused", "started"]
    assert ScheduleRun.objects.count() == 1
