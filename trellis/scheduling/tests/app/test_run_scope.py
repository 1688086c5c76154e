"""A run or a publication holding several sites is handled only by someone who coordinates all
of them: its preview names every site's patients, and publishing rewrites every site's weeks."""

from __future__ import annotations

import pytest
from django.urls import reverse

from trellis.core.errors import NotPermitted
from trellis.scheduling import services
from trellis.scheduling.models import GroupSession, Publication, RunStatus, ScheduleRun

pytestmark = pytest.mark.django_db


@pytest.fixture
def both_sites_run(cast, week) -> ScheduleRun:
    return services.run_create(
        actor=cast.adam, sites=[cast.site_a, cast.site_b], week_start=week.monday, time_limit=1
    )


def test_a_run_holding_another_site_is_not_found_by_a_coordinator_of_one(
    cast, both_sites_run, login
) -> None:
    run = both_sites_run
    for user in (cast.charlie, cast.ivy):  # director and intake of Northside only
        client = login(user)
        listing = client.get(reverse("scheduling:runs")).content.decode()
        assert str(run.public_id) not in listing
        detail = reverse("scheduling:run", args=[run.public_id])
        assert client.get(detail).status_code == 404
        assert client.post(reverse("scheduling:publish", args=[run.public_id])).status_code == 404
        assert client.post(reverse("scheduling:stop", args=[run.public_id])).status_code == 404
    run.refresh_from_db()
    assert run.status == RunStatus.QUEUED
    assert run.stop_requested_at is None
    admin = login(cast.adam)
    assert str(run.public_id) in admin.get(reverse("scheduling:runs")).content.decode()
    assert admin.get(reverse("scheduling:run", args=[run.public_id])).status_code == 200


def test_a_run_of_their_own_site_stays_visible(cast, week, login) -> None:
    run = services.run_create(
        actor=cast.adam, sites=[cast.site_a], week_start=week.monday, time_limit=1
    )
    client = login(cast.ivy)
    assert client.get(reverse("scheduling:run", args=[run.public_id])).status_code == 200


def test_the_services_refuse_a_coordinator_of_one_site(cast, week, both_sites_run) -> None:
    with pytest.raises(NotPermitted, match="Southside"):
        services.run_stop(actor=cast.charlie, run=both_sites_run)
    with pytest.raises(NotPermitted, match="Southside"):
        services.run_publish(actor=cast.ivy, run=both_sites_run)
    with pytest.raises(NotPermitted, match="Southside"):
        services.run_create(
            actor=cast.charlie,
            sites=[cast.site_a, cast.site_b],
            week_start=week.monday,
            time_limit=1,
        )
    # A clinician coordinates nothing, not even their own site's runs.
    with pytest.raises(NotPermitted, match="Northside"):
        services.run_create(
            actor=cast.alice, sites=[cast.site_a], week_start=week.monday, time_limit=1
        )


def test_continuing_leaves_a_week_published_with_another_site_to_the_daily_job(
    cast, week, login
) -> None:
    run = services.run_create(
        actor=cast.charlie, sites=[cast.site_a], week_start=week.monday, time_limit=1
    )
    services.run_execute(run.public_id)
    run.refresh_from_db()
    assert run.solution is not None
    publication = services.solution_publish(
        actor=cast.adam, instance=run.instance, solution=run.solution, weeks=2, run=run
    )
    # As if it had been published for both sites together (the demo publishes that way).
    Publication.objects.filter(pk=publication.pk).update(sites=[cast.site_a.code, cast.site_b.code])
    before = GroupSession.objects.count()
    response = login(cast.charlie).post(reverse("scheduling:continue"), follow=True)
    text = response.content.decode()
    assert "The week published for Northside, Southside was not continued here" in text
    assert "Nothing was continued" not in text
    assert GroupSession.objects.count() == before
    assert Publication.objects.count() == 1
    (extension,) = services.schedule_extend()  # the daily job holds every site
    assert extension.sessions_created > 0
