"""A run's bound on its page and in the list: a repair run proves none, so none is shown."""

from __future__ import annotations

import pytest
from django.urls import reverse

from trellis.scheduling import services
from trellis.scheduling.models import RunStatus, ScheduleRun

pytestmark = pytest.mark.django_db


def _solved(cast, week) -> ScheduleRun:
    run = services.run_create(
        actor=cast.charlie, sites=[week.group_room.site], week_start=week.monday, time_limit=2
    )
    services.run_execute(run.public_id)
    run.refresh_from_db()
    return run


def test_a_fresh_run_shows_its_bound_and_gap(cast, week, login) -> None:
    run = _solved(cast, week)
    assert run.bound_computed
    page = login(cast.charlie).get(reverse("scheduling:run", args=[run.public_id]))
    assert "gap " in page.content.decode()
    assert "not worked out" not in page.content.decode()


def test_a_repair_run_says_its_bound_is_not_worked_out_and_shows_no_gap(cast, week, login) -> None:
    services.run_publish(actor=cast.charlie, run=_solved(cast, week))
    repair = _solved(cast, week)  # the published week is its previous week: repair mode
    assert "moved" in repair.stats
    assert repair.bound is None
    assert not repair.bound_computed
    assert repair.gap_percent is None
    client = login(cast.charlie)
    page = client.get(reverse("scheduling:run", args=[repair.public_id])).content.decode()
    assert "not worked out" in page
    assert "gap " not in page
    listing = client.get(reverse("scheduling:runs")).content.decode()
    assert "not worked out" in listing
    assert "At most possible" in listing


def test_a_repair_run_stored_with_the_patient_count_as_bound_shows_no_gap(
    cast, week, login
) -> None:
    """Runs from before `bound_proven` kept the patient count as their bound in repair."""
    run = ScheduleRun.objects.create(
        week_start=week.monday,
        status=RunStatus.DONE,
        plans_met=3,
        bound=4,
        patients=4,
        stats={"moved": 1},
        created_by=cast.charlie,
    )
    run.sites.set([week.group_room.site])
    page = login(cast.charlie).get(reverse("scheduling:run", args=[run.public_id]))
    body = page.content.decode()
    assert "not worked out" in body
    assert "gap " not in body


@pytest.mark.parametrize(
    ("status", "label", "not_label"),
    [
        (RunStatus.RUNNING, "Plans met so far", None),
        (RunStatus.DONE, "Plans met", "Plans met so far"),
    ],
)
def test_plans_met_says_so_far_only_while_the_run_is_running(
    cast, week, login, status, label, not_label
) -> None:
    run = ScheduleRun.objects.create(
        week_start=week.monday, status=status, plans_met=3, patients=4, created_by=cast.charlie
    )
    run.sites.set([week.group_room.site])
    body = login(cast.charlie).get(reverse("scheduling:run", args=[run.public_id])).content.decode()
    assert f"<dt>{label}</dt>" in body
    if not_label:
        assert not_label not in body


@pytest.mark.parametrize(
    ("backend", "said"),
    [
        ("django_tasks.backends.immediate.ImmediateBackend", "Solving the week: the page changes"),
        ("django_tasks_db.backend.DatabaseBackend", "Starting the run…"),
    ],
)
def test_the_run_form_says_what_starting_a_run_will_do(
    cast, week, login, settings, backend, said
) -> None:
    """Inline (the demo) the page waits for the whole solve; with a worker it does not."""
    settings.TASKS = {"default": {"BACKEND": backend}}
    body = login(cast.charlie).get(reverse("scheduling:runs")).content.decode()
    assert f'data-busy="{said}' in body
    assert "data-busy-note" in body
