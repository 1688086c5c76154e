"""Publishing is safe against a second press, against time and against the sites' own dates:
a run is published once, the daily continuation goes on past two years and past one
publication it cannot continue, an imported week out of range is refused, and nothing a
site has already held (its own yesterday) is replaced."""

from __future__ import annotations

import copy
import datetime
import logging

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from trellis.audit.models import AuditAction, AuditEvent
from trellis.core.errors import ValidationFailed
from trellis.scheduling import services, weeks
from trellis.scheduling.models import (
    GroupSession,
    GroupType,
    Publication,
    ScheduleRun,
)
from trellis.scheduling.services import publishable, publishing
from trellis.scheduling.tests.app.pages import pinned_clash, solved

pytestmark = pytest.mark.django_db


def test_a_run_published_twice_is_told_so_and_written_once(cast, week) -> None:
    run = solved(cast, week)
    page_copy = ScheduleRun.objects.get(pk=run.pk)  # the second press's page
    services.run_publish(actor=cast.charlie, run=run)
    with pytest.raises(ValidationFailed, match="This run has already been published"):
        services.run_publish(actor=cast.charlie, run=page_copy)
    assert Publication.objects.count() == 1


def test_the_daily_continuation_goes_on_past_two_years(cast, week) -> None:
    run = solved(cast, week)
    services.solution_publish(
        actor=cast.charlie, instance=run.instance, solution=run.solution, weeks=8, run=run
    )
    # Nobody published since: 100 weeks on, the week is 108 weeks behind the horizon.
    later = week.monday + datetime.timedelta(weeks=100)
    (extension,) = services.schedule_extend(today=later)
    assert extension.weeks == 100
    assert GroupSession.objects.filter(date__gte=later).exists()


def test_one_publication_that_cannot_be_continued_is_logged_without_names(
    cast, week, monkeypatch, caplog, login
) -> None:
    run = solved(cast, week)
    services.solution_publish(
        actor=cast.charlie, instance=run.instance, solution=run.solution, weeks=2, run=run
    )

    def refused(**kwargs):
        raise ValidationFailed("booking g1: Erin Marsh is not available")

    monkeypatch.setattr(publishing, "solution_publish", refused)
    failed: list[Publication] = []
    with caplog.at_level(logging.WARNING):
        assert services.schedule_extend(today=timezone.localdate(), failed=failed) == []
    assert [p.run for p in failed] == [run]
    assert "was not continued: ValidationFailed" in caplog.text
    assert "Erin" not in caplog.text
    # The coordinator's button says so (it was a server error).
    response = login(cast.charlie).post(reverse("scheduling:continue"), follow=True)
    assert "The week published for Northside could not be continued" in (response.content.decode())


@pytest.mark.parametrize("week_start", ["2040-01-02", "9999-12-27"])
def test_an_imported_week_out_of_range_is_refused_in_words(cast, week, week_start) -> None:
    run = solved(cast, week)
    instance = copy.deepcopy(run.instance)
    instance["week_start"] = week_start
    with pytest.raises(weeks.WeekOutOfRange, match="is out of range: schedules go from"):
        services.solution_publish(
            actor=None, instance=instance, solution=run.solution, source="import"
        )
    assert not Publication.objects.exists()


def test_nothing_the_site_has_already_held_is_replaced(cast, week, monkeypatch) -> None:
    run = solved(cast, week)
    monday = week.monday
    # Monday 23:30 in New York (the server's zone) is already Tuesday in San Juan.
    instant = datetime.datetime(
        monday.year,
        monday.month,
        monday.day,
        23,
        30,
        tzinfo=datetime.timezone(-datetime.timedelta(hours=5)),
    )
    monkeypatch.setattr(timezone, "now", lambda: instant)
    site = cast.site_a
    site.timezone = "America/Puerto_Rico"
    site.save()
    assert weeks.site_today(site) == monday + datetime.timedelta(days=1)
    held = GroupSession.objects.create(
        group_type=GroupType.objects.get(code="rp"),
        site=site,
        room=week.group_room,
        date=monday,
        start=datetime.time(17),
        end=datetime.time(18, 30),
    )
    services.solution_publish(
        actor=cast.charlie, instance=run.instance, solution=run.solution, weeks=1, run=run
    )
    assert GroupSession.objects.filter(pk=held.pk).exists()


def test_every_booking_that_breaks_a_rule_is_named(cast, week) -> None:
    run = solved(cast, week)
    solution = copy.deepcopy(run.solution)
    sessions = solution["sessions"]
    assert len(sessions) >= 2
    for session in sessions[:2]:
        session["day"] = "sun"  # the site is closed on Sundays
    with pytest.raises(publishable.BookingsRefused) as refused:
        services.solution_publish(
            actor=None, instance=run.instance, solution=solution, source="import"
        )
    named = [problem.split(":")[0] for problem in refused.value.problems]
    assert named[:2] == [f"Booking {s['id']!r}" for s in sessions[:2]]
    assert str(refused.value).startswith("The solution cannot be published: ")
    assert not Publication.objects.exists()


def test_a_published_runs_page_says_what_publishing_wrote_not_a_continuation(
    cast, week, login
) -> None:
    run = solved(cast, week)
    publication = services.run_publish(actor=cast.charlie, run=run, weeks=2)
    (extension,) = services.schedule_extend(today=timezone.localdate())
    assert extension.run == run
    page = login(cast.charlie).get(reverse("scheduling:run", args=[run.public_id])).content.decode()
    assert (
        f"by Charlie Chen, from the week of {week.monday:%-d %b %Y} for 2 weeks: "
        f"{publication.sessions_created} sessions and {publication.appointments_created} "
        "appointments created" in page
    )
    # Compared now, the week is itself: no empty "added / removed" lists, it says why.
    assert "This run is published: the week shown in the schedule is now this one" in page
    assert "Sessions added" not in page


def test_a_run_after_a_gap_in_the_published_schedule_says_so(cast, week, login) -> None:
    run = solved(cast, week)
    services.run_publish(actor=cast.charlie, run=run, weeks=1)
    later = week.monday + datetime.timedelta(weeks=3)
    second = services.run_create(
        actor=cast.charlie, sites=[week.group_room.site], week_start=later, time_limit=1
    )
    services.run_execute(second.public_id)
    page = login(cast.charlie).get(reverse("scheduling:run", args=[second.public_id]))
    gap = week.monday + datetime.timedelta(weeks=1)
    assert (
        f"The published schedule ends before this week: from the week of {gap:%-d %B %Y} to "
        f"the week of "
        f"{later:%-d %B %Y} nothing is booked" in page.content.decode()
    )
    # The week right after the published one says nothing of the kind.
    following = services.run_create(
        actor=cast.charlie,
        sites=[week.group_room.site],
        week_start=week.monday + datetime.timedelta(weeks=1),
        time_limit=1,
    )
    services.run_execute(following.public_id)
    page = login(cast.charlie).get(reverse("scheduling:run", args=[following.public_id]))
    assert "ends before this week" not in page.content.decode()


def test_the_publish_message_naming_a_left_out_patient_audits_the_read(cast, week, login):
    """A pinned appointment of Olive's in the second week takes the room of a session the
    first week repeats: the message after Publish names her, and that read is audited."""
    run = solved(cast, week)
    pinned_clash(run, week, cast.olive, cast.olive_episode, week.gus)
    client = login(cast.charlie)
    client.post(reverse("scheduling:publish", args=[run.public_id]))
    assert run.publications.get().dropped_count >= 1
    (event,) = AuditEvent.objects.filter(patient=cast.olive, action=AuditAction.VIEW)
    assert (event.actor, event.summary) == (cast.charlie, f"Run published, week of {week.monday}")
    said = [str(m) for m in get_messages(client.get(reverse("scheduling:runs")).wsgi_request)]
    assert any("Olive Stone" in m for m in said)
