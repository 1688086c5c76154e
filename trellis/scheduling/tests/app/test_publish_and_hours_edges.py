"""Edges found reviewing the day's change (2026-12-07): a publish span of one week, a week alone at
two sites, site hours stored in other shapes (the admin)."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from trellis.core.errors import ValidationFailed
from trellis.scheduling import services
from trellis.scheduling.models import Publication, RunStatus
from trellis.scheduling.tests.app.pages import solved

WEEK = datetime.timedelta(weeks=1)


def test_with_a_one_week_span_the_ordinary_publish_button_is_not_a_week_alone(
    cast, week, login, settings
):
    # SCHEDULE_PUBLISH_WEEKS = 1 is supported (run.html has the singular "for this week").
    settings.TRELLIS = {**settings.TRELLIS, "SCHEDULE_PUBLISH_WEEKS": 1}
    run = solved(cast, week)
    page = login(cast.charlie).get(reverse("scheduling:run", args=[run.public_id]))
    assert "Publish: create these bookings for this week" in page.content.decode()
    assert 'name="only"' not in page.content.decode()  # no "this week only" beside it
    login(cast.charlie).post(reverse("scheduling:publish", args=[run.public_id]), {})
    run.refresh_from_db()
    # The ordinary publication of a first week: published, source "run" (what continues).
    assert run.status == RunStatus.PUBLISHED
    assert Publication.objects.get().source == "run"


def test_a_week_alone_is_refused_when_one_of_the_runs_sites_has_no_schedule_there(cast, week):
    # Northside's schedule is published for 8 weeks; Southside has never been published.
    services.run_publish(actor=cast.adam, run=solved(cast, week))
    run = services.run_create(
        actor=cast.adam,
        sites=[cast.site_a, cast.site_b],
        week_start=week.monday + WEEK,
        time_limit=1,
    )
    services.run_execute(run.public_id)
    run.refresh_from_db()
    assert run.status == RunStatus.DONE
    # Southside's week is outside its (non-existent) published schedule: a week alone there
    # is a lone week the continuation never repeats.
    with pytest.raises(ValidationFailed, match="only inside the published schedule"):
        services.run_publish(actor=cast.adam, run=run, this_week_only=True)


@pytest.mark.parametrize(
    "hours",
    [{"mon": [["08:00"]]}, {"mon": "08:00-21:30"}],
    ids=["span-of-one", "string-not-list"],
)
def test_rooms_and_hours_pages_show_malformed_legacy_hours_as_stored(cast, week, login, hours):
    site = cast.site_a
    site.hours = hours  # as the Django admin may have saved them
    site.save()
    client = login(cast.charlie)
    assert client.get(reverse("scheduling:sites")).status_code == 200
    assert client.get(reverse("scheduling:site_edit", args=[site.code])).status_code == 200


def test_a_run_of_a_site_with_malformed_legacy_hours_is_not_a_server_error(cast, week):
    from trellis.core.errors import TrellisError

    site = cast.site_a
    site.hours = {**site.hours, "thu": [["08:00"]]}  # a span of one time, saved in the admin
    site.save()
    try:
        run = services.run_create(
            actor=cast.charlie, sites=[site], week_start=week.monday, time_limit=1
        )
    except TrellisError:
        return  # refused in words: fine
    services.run_execute(run.public_id)  # fails in words (the solver), as before 0011


def test_a_closed_day_stored_as_null_still_lets_hand_edits_and_runs_work(cast, week, booked):
    # {"sun": None}: a day closed in the admin's JSON. rules._inside and review._windows
    # read it as closed ("or []", "if spans"); before this change everything worked.
    site = cast.site_a
    site.hours = {**site.hours, "sun": None}
    site.save()
    services.session_move(
        actor=cast.charlie,
        session=booked,
        date=week.monday,
        start=datetime.time(18),
        room=week.group_room,
    )
    run = services.run_create(
        actor=cast.charlie, sites=[site], week_start=week.monday, time_limit=1
    )
    assert run.instance["sites"][0]["hours"]["mon"] == [["08:00", "21:30"]]
