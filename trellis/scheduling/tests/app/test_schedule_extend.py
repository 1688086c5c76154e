"""Continuing a published week past its last week: nothing replaced, clashes left out."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from trellis.audit.models import AuditAction, AuditEvent
from trellis.core.tests import factories as f
from trellis.scheduling import services
from trellis.scheduling.instance_builder import monday_of
from trellis.scheduling.models import GroupSession, GroupType, Publication, RunStatus

pytestmark = pytest.mark.django_db


def _published(cast, week, weeks: int = 2) -> Publication:
    run = services.run_create(
        actor=cast.charlie, sites=[week.group_room.site], week_start=week.monday, time_limit=1
    )
    services.run_execute(run.public_id)
    run.refresh_from_db()
    assert run.status == RunStatus.DONE
    solution = run.solution
    assert solution is not None
    assert solution["sessions"]
    return services.solution_publish(
        actor=cast.charlie, instance=run.instance, solution=solution, weeks=weeks, run=run
    )


def _dates(start: datetime.date) -> set[datetime.date]:
    return set(GroupSession.objects.filter(date__gte=start).values_list("date", flat=True))


def test_the_week_is_continued_up_to_eight_weeks_ahead_and_only_once(cast, week) -> None:
    first = _published(cast, week)
    per_week = first.sessions_created // 2
    today = timezone.localdate()
    (extension,) = services.schedule_extend(today=today)
    horizon = monday_of(today) + datetime.timedelta(weeks=8)
    assert extension.source == "extension"
    assert extension.week_start == week.monday + datetime.timedelta(weeks=2)
    assert extension.week_start + datetime.timedelta(weeks=extension.weeks) == horizon
    assert extension.sessions_created == per_week * extension.weeks
    assert extension.run == first.run
    assert extension.sites == first.sites == [cast.site_a.code]
    # Every new week is the published week again, day for day.
    week_one = sorted(
        (s.date.weekday(), s.start, s.group_type_id)
        for s in GroupSession.objects.filter(date__lt=week.monday + datetime.timedelta(weeks=1))
    )
    later = extension.week_start + datetime.timedelta(weeks=1)
    assert week_one == sorted(
        (s.date.weekday(), s.start, s.group_type_id)
        for s in GroupSession.objects.filter(
            date__gte=later, date__lt=later + datetime.timedelta(weeks=1)
        )
    )
    assert AuditEvent.objects.filter(
        action=AuditAction.CREATE, object_id=str(extension.public_id)
    ).exists()
    assert services.schedule_extend(today=today) == []  # already far enough ahead


def test_nothing_is_replaced_and_a_clash_is_left_out(cast, week) -> None:
    _published(cast, week)
    third = week.monday + datetime.timedelta(weeks=2)
    model = GroupSession.objects.filter(date__lt=week.monday + datetime.timedelta(weeks=1)).first()
    assert model is not None
    day = third + datetime.timedelta(days=model.date.weekday())
    # A booking of another group made by hand in the third week, in the same room at the
    # same time (the same group there would be the week's own session, not a clash).
    by_hand = f.GroupSessionFactory(
        group_type=GroupType.objects.exclude(pk=model.group_type_id).order_by("code").first(),
        site=model.site,
        room=model.room,
        date=day,
        start=model.start,
        end=model.end,
        facilitators=[cast.alice],
    )
    (extension,) = services.schedule_extend()
    assert GroupSession.objects.filter(pk=by_hand.pk).exists()
    assert extension.bookings_replaced == 0
    assert extension.dropped_count >= 1
    assert any("clashes with" in d["why"] for d in extension.dropped)
    assert GroupSession.objects.filter(date=day, start=model.start, room=model.room).count() == 1


def test_a_publication_partly_superseded_is_not_continued(cast, week) -> None:
    older = _published(cast, week)
    Publication.objects.filter(pk=older.pk).update(sites=[cast.site_a.code, cast.site_b.code])
    newer = _published(cast, week, weeks=1)
    Publication.objects.filter(pk=newer.pk).update(
        week_start=week.monday + datetime.timedelta(weeks=20)  # ends far ahead
    )
    before = GroupSession.objects.count()
    assert services.schedule_extend() == []
    assert GroupSession.objects.count() == before


def test_the_command_and_the_button_continue_it(cast, week, login) -> None:
    _published(cast, week)
    out = []

    class Out:
        def write(self, text: str) -> None:
            out.append(text)

        def flush(self) -> None:
            pass

    call_command("extend_schedule", stdout=Out())
    assert f"{cast.site_a.code}: from {week.monday + datetime.timedelta(weeks=2)}" in "".join(out)
    call_command("extend_schedule", stdout=Out())
    assert "already reaches far enough ahead" in "".join(out)
    response = login(cast.charlie).post(reverse("scheduling:continue"), follow=True)
    assert "Nothing was continued" in response.content.decode()
    assert login(cast.alice).post(reverse("scheduling:continue")).status_code == 404


def test_the_warning_offers_to_continue_and_the_button_does(cast, week, login) -> None:
    _published(cast, week, weeks=1)  # ends next Sunday: within two weeks
    client = login(cast.charlie)
    page = client.get(reverse("scheduling:runs")).content.decode()
    assert "ends on" in page
    assert "Continue the published week" in page
    response = client.post(
        reverse("scheduling:continue"), {"next": reverse("scheduling:runs")}, follow=True
    )
    text = response.content.decode()
    assert f"Continued {cast.site_a.name} from" in text
    assert "ends on" not in text  # far enough ahead now
