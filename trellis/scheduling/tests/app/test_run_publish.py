"""Publishing a run: refused when what the run was built from changed since, and it says what
it left out."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils.formats import date_format

from trellis.accounts.models import DAY_CODES, StaffAvailability
from trellis.core.errors import ValidationFailed
from trellis.core.tests import factories as f
from trellis.organization.models import Room
from trellis.patients.models import EpisodeOfCare, EpisodeStatus
from trellis.scheduling import services
from trellis.scheduling.models import (
    GroupSession,
    GroupType,
    PatientAvailability,
    RunStatus,
    ScheduleRun,
)
from trellis.scheduling.services.runs import RunOutOfDate
from trellis.scheduling.tests.app.pages import queries_for, solved

pytestmark = pytest.mark.django_db


def _refused(cast, run: ScheduleRun) -> str:
    before = GroupSession.objects.count()
    with pytest.raises(RunOutOfDate) as error:
        services.run_publish(actor=cast.charlie, run=run)
    run.refresh_from_db()
    assert run.status == RunStatus.DONE
    assert GroupSession.objects.count() == before
    return str(error.value)


def test_a_run_still_current_publishes(cast, week) -> None:
    run = solved(cast, week)
    services.run_publish(actor=cast.charlie, run=run)
    run.refresh_from_db()
    assert run.status == RunStatus.PUBLISHED


def test_a_patient_discharged_since_the_run_makes_it_out_of_date(cast, week) -> None:
    run = solved(cast, week)
    EpisodeOfCare.objects.filter(pk=week.episodes[1].pk).update(status=EpisodeStatus.DISCHARGED)
    message = _refused(cast, run)
    assert "1 patient is no longer in treatment here" in message
    assert "Run the week again" in message


def test_a_clinicians_availability_or_cap_changed_since_the_run(cast, week) -> None:
    run = solved(cast, week)
    StaffAvailability.objects.filter(staff=week.gus.staff_profile, weekday=0).delete()
    assert "clinicians' availability, competencies or weekly limits changed" in _refused(cast, run)

    other = solved(cast, week)
    profile = cast.alice.staff_profile
    profile.max_weekly_minutes = 60
    profile.save()
    assert "weekly limits changed" in _refused(cast, other)


def test_a_patients_availability_changed_since_the_run(cast, week) -> None:
    run = solved(cast, week)
    week.patients[0].availability.filter(weekday=2).delete()
    assert "1 patient's availability or plan changed" in _refused(cast, run)


def test_an_older_run_is_refused_once_a_newer_one_was_published(cast, week) -> None:
    older = solved(cast, week)
    newer = solved(cast, week)
    services.run_publish(actor=cast.charlie, run=newer)
    assert "another run was published for this week" in _refused(cast, older)


def test_a_booking_pinned_by_hand_since_the_run_makes_it_out_of_date(cast, week) -> None:
    services.run_publish(actor=cast.charlie, run=solved(cast, week))
    repair = solved(cast, week)
    session = GroupSession.objects.filter(
        date__range=(week.monday, week.monday + datetime.timedelta(days=6))
    ).first()
    assert session is not None
    services.booking_pin(actor=cast.charlie, booking=session, pinned=True)
    assert "the published week changed" in _refused(cast, repair)


def test_the_page_refuses_a_stale_run_and_offers_to_run_it_again(cast, week, login) -> None:
    run = solved(cast, week)
    EpisodeOfCare.objects.filter(pk=week.episodes[0].pk).update(status=EpisodeStatus.DISCHARGED)
    client = login(cast.charlie)
    page = client.post(reverse("scheduling:publish", args=[run.public_id]), follow=True)
    body = page.content.decode()
    assert "This run is out of date, so it was not published" in body
    assert "Run this week again with today" in body
    run.refresh_from_db()
    assert run.status == RunStatus.DONE

    again = client.post(
        reverse("scheduling:runs"),
        {"sites": [week.group_room.site.pk], "week": str(week.monday), "time_limit": "1"},
    )
    fresh = ScheduleRun.objects.exclude(pk=run.pk).get()
    assert again.status_code == 302
    assert fresh.patients == 3
    services.run_publish(actor=cast.charlie, run=fresh)


def test_the_run_page_says_a_run_is_out_of_date_before_publish_is_pressed(
    cast, week, login
) -> None:
    run = solved(cast, week)
    client = login(cast.charlie)
    url = reverse("scheduling:run", args=[run.public_id])
    publish = reverse("scheduling:publish", args=[run.public_id])
    current = client.get(url).content.decode()
    assert publish in current
    assert "every week for 8 weeks from this week on" in current
    assert "out of date" not in current

    EpisodeOfCare.objects.filter(pk=week.episodes[0].pk).update(status=EpisodeStatus.DISCHARGED)
    stale = client.get(url).content.decode()
    assert publish not in stale
    assert (
        "This run is out of date and cannot be published: 1 patient is no longer in treatment"
        in stale
    )
    assert 'class="primary">Run this week again with today' in stale


def _pinned_a_week_later(week, run: ScheduleRun, *, same_group: bool) -> GroupSession:
    """A pinned session in the room and at the time of the run's first session, a week later:
    of the same group (the week's own session kept) or of another (a clash)."""
    assert run.solution is not None
    first = run.solution["sessions"][0]
    group_type = GroupType.objects.get(code=first["type"])
    if not same_group:
        other = GroupType.objects.exclude(pk=group_type.pk).order_by("code").first()
        assert other is not None
        group_type = other
    start = datetime.time.fromisoformat(first["start"])
    return GroupSession.objects.create(
        group_type=group_type,
        site=week.group_room.site,
        room=Room.objects.get(public_id=first["room"]),
        date=week.monday + datetime.timedelta(weeks=1, days=DAY_CODES.index(first["day"])),
        start=start,
        end=(
            datetime.datetime.combine(week.monday, start)
            + datetime.timedelta(minutes=group_type.minutes)
        ).time(),
        pinned=True,
    )


def test_publishing_says_how_many_bookings_it_left_out_and_which(cast, week, login) -> None:
    run = solved(cast, week)
    assert run.solution is not None
    group_type = GroupType.objects.get(code=run.solution["sessions"][0]["type"])
    pinned = _pinned_a_week_later(week, run, same_group=False)
    other, start = pinned.group_type, pinned.start
    client = login(cast.charlie)
    page = client.post(reverse("scheduling:publish", args=[run.public_id]), follow=True)
    body = page.content.decode()
    assert "1 booking was left out:" in body
    assert f"{group_type.name}, " in body
    assert f"clashes with the pinned {other.name} {start:%H:%M}" in body
    assert date_format(pinned.date, "j M Y") in body
    publication = run.publications.get()
    assert publication.dropped_count == 1
    run_page = client.get(reverse("scheduling:run", args=[run.public_id])).content.decode()
    assert "1 booking was left out when publishing" in run_page


def test_a_progress_write_that_fails_does_not_fail_the_run(cast, week, monkeypatch) -> None:
    """CP-SAT reports progress from its own thread, whose SQLite connection can find the
    table locked; the run still finishes."""
    from django.db import OperationalError

    from trellis.scheduling.services import runs

    def locked(run, p) -> None:
        raise OperationalError("database table is locked")

    monkeypatch.setattr(runs, "_write_progress", locked)
    run = solved(cast, week)
    assert run.plans_met is not None


def test_a_run_of_a_week_that_has_begun_says_from_when_it_publishes(
    cast, week, login, monkeypatch
) -> None:
    this_monday = week.monday - datetime.timedelta(weeks=1)
    run = solved(cast, week, this_monday)
    wednesday = this_monday + datetime.timedelta(days=2)
    monkeypatch.setattr("trellis.scheduling.views.runs.timezone.localdate", lambda: wednesday)
    body = login(cast.charlie).get(reverse("scheduling:run", args=[run.public_id])).content
    last = this_monday + datetime.timedelta(weeks=8, days=-1)
    assert (
        f"has begun: publishing writes its bookings from today, {wednesday:%-d %B %Y}, "
        f"to {last:%-d %B %Y}" in body.decode()
    )
    assert reverse("scheduling:publish", args=[run.public_id]) in body.decode()


def test_a_run_of_a_week_that_has_ended_is_not_published(cast, week, login) -> None:
    three_weeks_ago = week.monday - datetime.timedelta(weeks=4)
    run = solved(cast, week, three_weeks_ago)
    body = login(cast.charlie).get(reverse("scheduling:run", args=[run.public_id])).content
    text = body.decode()
    assert "has passed. This run shows what the optimizer would have made of it" in text
    assert reverse("scheduling:publish", args=[run.public_id]) not in text
    assert "Run this week again" not in text
    with pytest.raises(ValidationFailed, match="has passed: a run of it is not published"):
        services.run_publish(actor=cast.charlie, run=run)
    assert not GroupSession.objects.exists()


def test_a_run_without_a_site_is_asked_for_one(cast, week, login) -> None:
    page = login(cast.charlie).post(
        reverse("scheduling:runs"), {"week": str(week.monday), "time_limit": "5"}
    )
    assert "Choose at least one site." in page.content.decode()


def test_the_run_page_makes_as_many_queries_for_more_patients(cast, week, login) -> None:
    # It builds the week's instance again to say whether the run is out of date.
    run = solved(cast, week)
    client = login(cast.charlie)
    url = reverse("scheduling:run", args=[run.public_id])
    client.get(url)

    before = queries_for(client, url)
    for n in range(3):
        patient = f.PatientFactory(site=cast.site_a, first_name=f"More{n}", last_name="Late")
        f.EpisodeFactory(patient=patient, track=cast.track_a, status=EpisodeStatus.ACTIVE)
        PatientAvailability.objects.create(
            patient=patient, weekday=0, start=datetime.time(16), end=datetime.time(21)
        )
    after = queries_for(client, url)
    assert after == before, (before, after)


@pytest.mark.parametrize(
    ("limit", "said"),
    [
        ("601", "A run may take at most 600 seconds."),
        ("0", "Give the run at least 1 second."),
        ("", "Give a time limit in seconds, like 30."),
    ],
)
def test_a_time_limit_out_of_range_is_explained_in_seconds(cast, week, login, limit, said):
    page = login(cast.charlie).post(
        reverse("scheduling:runs"),
        {"sites": [week.group_room.site.pk], "week": str(week.monday), "time_limit": limit},
    )
    assert said in page.content.decode()


def test_the_runs_list_marks_a_run_out_of_date(cast, week, login) -> None:
    run = solved(cast, week)
    client = login(cast.charlie)
    runs = reverse("scheduling:runs")
    assert "out of date" not in client.get(runs).content.decode()
    EpisodeOfCare.objects.filter(pk=week.episodes[0].pk).update(status=EpisodeStatus.DISCHARGED)
    page = client.get(runs).content.decode()
    assert "out of date" in page
    assert "1 patient is no longer in treatment" in page
    # A published run is a record: not checked.
    ScheduleRun.objects.filter(pk=run.pk).update(status=RunStatus.PUBLISHED)
    assert "out of date" not in client.get(runs).content.decode()


def test_the_runs_list_checks_a_bounded_number_of_runs(cast, week, login) -> None:
    first = solved(cast, week)
    client = login(cast.charlie)
    runs = reverse("scheduling:runs")

    def copies(n: int) -> None:
        for _ in range(n):
            copy = ScheduleRun.objects.create(
                week_start=first.week_start,
                time_limit=1,
                instance=first.instance,
                solution=first.solution,
                status=RunStatus.DONE,
                patients=first.patients,
                stats=first.stats,
            )
            copy.sites.set(first.sites.all())

    copies(2)  # three runs that could be published: each is checked
    three = queries_for(client, runs)
    copies(3)  # six: still three checks
    assert queries_for(client, runs) == three


def test_a_pinned_copy_of_the_weeks_session_is_not_reported_left_out(cast, week) -> None:
    run = solved(cast, week)
    pinned = _pinned_a_week_later(week, run, same_group=True)
    publication = services.run_publish(actor=cast.charlie, run=run)
    assert publication.dropped_count == 0
    assert (
        GroupSession.objects.filter(
            date=pinned.date, start=pinned.start, group_type=pinned.group_type
        ).get()
        == pinned
    )
