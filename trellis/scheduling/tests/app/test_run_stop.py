"""Stopping a run: a queued run never starts; a running one keeps the best week found so far."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection
from django.urls import reverse

from trellis.audit.models import AuditAction, AuditEvent
from trellis.scheduling import services
from trellis.scheduling.models import RunStatus, ScheduleRun
from trellis.scheduling.services import runs
from trellis.scheduling.solver.solve import Progress


def _queued(cast, week, time_limit: int = 2) -> ScheduleRun:
    return services.run_create(
        actor=cast.charlie,
        sites=[week.group_room.site],
        week_start=week.monday,
        time_limit=time_limit,
    )


def test_a_queued_run_stopped_never_starts(cast, week):
    run = _queued(cast, week)
    run = services.run_stop(actor=cast.charlie, run=run)
    assert run.status == RunStatus.STOPPED
    assert run.error == "Stopped before it started."
    assert run.stop_requested_by == cast.charlie
    services.run_execute(run.public_id)  # the worker picks it up afterwards
    run.refresh_from_db()
    assert run.status == RunStatus.STOPPED
    assert run.solution is None
    assert AuditEvent.objects.filter(
        action=AuditAction.TRANSITION, object_id=str(run.public_id)
    ).exists()
    _queued(cast, week)  # the week is free again


def test_a_running_run_stopped_keeps_the_best_week_and_can_be_published(
    audit_truncate_for_flush: None,
    django_db_serialized_rollback: None,
    transactional_db: None,
    cast,
    week,
    monkeypatch,
    login,
):
    # Transactional: the coordinator's Stop is written from inside the solve, which runs in a
    # thread (and so a connection) of its own and would not see an uncommitted run.
    run = _queued(cast, week, time_limit=120)
    from trellis.scheduling import solver

    real = solver.solve

    def stopped_while_solving(*args, should_stop, **kwargs):
        services.run_stop(actor=cast.charlie, run=ScheduleRun.objects.get(pk=run.pk))
        connection.close()  # this thread's
        waited = time.monotonic()  # the job's thread reads the Stop within half a second
        while not should_stop() and time.monotonic() - waited < 20:
            time.sleep(0.05)
        return real(*args, should_stop=should_stop, **kwargs)

    monkeypatch.setattr(solver, "solve", stopped_while_solving)
    services.run_execute(run.public_id)
    run.refresh_from_db()
    assert run.status == RunStatus.DONE
    assert run.stopped_early
    assert run.solution is not None
    assert run.seconds < 60  # not the 120 s it was given
    assert run.plans_met is not None

    page = login(cast.charlie).get(reverse("scheduling:run", args=[run.public_id]))
    text = page.content.decode()
    assert "Stopped early by Charlie Chen" in text
    assert "Publish" in text
    services.run_publish(actor=cast.charlie, run=run)


def test_a_finished_run_cannot_be_stopped(cast, week):
    run = _queued(cast, week)
    services.run_execute(run.public_id)
    run.refresh_from_db()
    with pytest.raises(services.RunNotActive):
        services.run_stop(actor=cast.charlie, run=run)


def test_the_run_page_offers_stop_while_running_and_says_when_asked(cast, week, login):
    run = _queued(cast, week)
    ScheduleRun.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING)
    client = login(cast.charlie)
    url = reverse("scheduling:run", args=[run.public_id])
    assert "Stop and keep the best week so far" in client.get(url).content.decode()

    response = client.post(reverse("scheduling:stop", args=[run.public_id]), follow=True)
    text = response.content.decode()
    assert "Stopping: the run ends its search within a few seconds" in text
    assert "Charlie Chen asked the run to stop at" in text
    assert "Stop and keep the best week so far" not in text
    run.refresh_from_db()
    assert run.status == RunStatus.RUNNING  # its worker finishes it
    assert run.status_label == "Stopping"


def test_stop_is_for_coordinators_only(cast, week, login):
    run = _queued(cast, week)
    response = login(cast.alice).post(reverse("scheduling:stop", args=[run.public_id]))
    assert response.status_code == 404
    run.refresh_from_db()
    assert run.stop_requested_at is None


def test_only_the_jobs_thread_uses_the_database(cast, week, monkeypatch):
    # Not transactional: the run exists only inside this test's transaction, so a query from
    # any thread but this one would not find it. The solver reports progress and asks whether
    # to stop from threads of its own; the job's thread writes the one and reads the other.
    run = _queued(cast, week, time_limit=120)
    from trellis.scheduling import solver

    real = solver.solve
    written: list[tuple[int, int | None]] = []

    def reports_then_waits_for_stop(instance, *, on_progress, should_stop, time_limit, **kwargs):
        assert threading.current_thread() is not threading.main_thread()
        on_progress(Progress(1.0, 7, 9, 9, "s1", "timetable", bound_proven=True))
        waited = time.monotonic()
        while not should_stop():
            assert time.monotonic() - waited < 20, "the Stop never reached the solver"
            time.sleep(0.05)
        return real(instance, time_limit=2, should_stop=should_stop, **kwargs)

    write = runs._write_progress

    def write_then_stop(run_, p):
        write(run_, p)
        row = ScheduleRun.objects.get(pk=run_.pk)
        written.append((threading.get_ident(), row.plans_met))
        services.run_stop(actor=cast.charlie, run=row)

    monkeypatch.setattr(solver, "solve", reports_then_waits_for_stop)
    monkeypatch.setattr(runs, "_write_progress", write_then_stop)
    services.run_execute(run.public_id)
    assert written == [(threading.get_ident(), 7)]
    run.refresh_from_db()
    assert run.status == RunStatus.DONE
    assert run.stopped_early
    assert run.solution is not None


def test_a_solver_crash_reaches_the_job_and_fails_the_run_at_once(cast, week, login, monkeypatch):
    run = _queued(cast, week)
    from trellis.scheduling import solver

    def crashes(*args, **kwargs):
        raise RuntimeError("solver bug")

    monkeypatch.setattr(solver, "solve", crashes)
    with pytest.raises(RuntimeError, match="solver bug"):
        services.run_execute(run.public_id)  # the job's log has the traceback
    run.refresh_from_db()
    # Failed now, not "running" until found stale: the week is free to run again.
    assert run.status == RunStatus.FAILED
    assert run.finished_at is not None
    assert "unexpected error" in run.error
    assert "solver bug" not in run.error  # the page says what to do, not the exception
    page = login(cast.charlie).get(reverse("scheduling:run", args=[run.public_id]))
    assert "Run the week again" in page.content.decode()
    _queued(cast, week)
