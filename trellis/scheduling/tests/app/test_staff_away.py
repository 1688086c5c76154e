"""Days a clinician is away: recorded on the staff page, left out of the runs of the weeks that
hold them, refused to hand edits, and published for that week only."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from trellis.audit.models import AuditEvent
from trellis.core.errors import NotPermitted, ValidationFailed
from trellis.scheduling import services
from trellis.scheduling.instance_builder import build_instance
from trellis.scheduling.models import (
    GroupSession,
    GroupType,
    Publication,
    RunStatus,
    StaffAway,
)
from trellis.scheduling.tests.app.pages import messages_of, solved

DAY = datetime.timedelta(days=1)
WEEK = datetime.timedelta(weeks=1)


def _edit_url(person) -> str:
    return reverse("scheduling:staff_edit", args=[person.public_id])


def _alice(instance: dict, cast) -> dict:
    return next(c for c in instance["clinicians"] if c["id"] == str(cast.alice.public_id))


def test_a_recorded_absence_leaves_the_clinician_no_time_those_days_of_that_week(cast, week):
    services.staff_away_add(
        actor=cast.charlie,
        clinician=cast.alice,
        first_day=week.monday + DAY,
        last_day=week.monday + 3 * DAY,
    )
    instance = build_instance([cast.site_a], week.monday).instance
    assert sorted(_alice(instance, cast)["availability"]) == ["mon"]
    # The week after is untouched; Gus is untouched.
    later = build_instance([cast.site_a], week.monday + WEEK).instance
    assert sorted(_alice(later, cast)["availability"]) == ["mon", "tue", "wed"]
    gus = next(c for c in instance["clinicians"] if c["id"] == str(week.gus.public_id))
    assert sorted(gus["availability"]) == ["mon", "tue", "wed"]
    event = AuditEvent.objects.filter(summary__startswith="Alice Archer away from").get()
    assert event.actor == cast.charlie


@pytest.mark.parametrize(
    ("first", "last", "said"),
    [
        (3, 1, "The last day away is before the first."),
        (-9, -8, "Those days have passed"),
        (0, 400, "Record at most 366 days at a time"),
        (800, 801, "beyond the weeks the schedule goes to"),
    ],
)
def test_days_away_out_of_order_gone_by_too_many_or_too_far_are_refused(
    cast, week, first, last, said
):
    today = timezone.localdate()
    with pytest.raises(ValidationFailed, match=said):
        services.staff_away_add(
            actor=cast.charlie,
            clinician=cast.alice,
            first_day=today + first * DAY,
            last_day=today + last * DAY,
        )
    assert not StaffAway.objects.exists()


def test_overlapping_days_are_refused_naming_those_recorded_and_only_editors_record(cast, week):
    services.staff_away_add(
        actor=cast.charlie, clinician=cast.alice, first_day=week.monday, last_day=week.monday + DAY
    )
    with pytest.raises(ValidationFailed, match="Alice Archer is already away from"):
        services.staff_away_add(
            actor=cast.charlie,
            clinician=cast.alice,
            first_day=week.monday + DAY,
            last_day=week.monday + 4 * DAY,
        )
    with pytest.raises(NotPermitted):
        services.staff_away_add(
            actor=cast.alice, clinician=week.gus, first_day=week.monday, last_day=week.monday
        )
    assert StaffAway.objects.count() == 1


def test_a_hand_booking_on_a_day_away_is_refused(cast, week):
    services.staff_away_add(
        actor=cast.charlie, clinician=cast.alice, first_day=week.monday, last_day=week.monday
    )
    rp = GroupType.objects.get(code="rp")
    with pytest.raises(ValidationFailed, match="Alice Archer"):
        services.session_add(
            actor=cast.charlie,
            site=cast.site_a,
            group_type=rp,
            date=week.monday,
            start=datetime.time(17),
            room=week.group_room,
            facilitator=cast.alice,
        )
    # The next day she is there.
    services.session_add(
        actor=cast.charlie,
        site=cast.site_a,
        group_type=rp,
        date=week.monday + DAY,
        start=datetime.time(17),
        room=week.group_room,
        facilitator=cast.alice,
    )


def test_the_staff_page_records_lists_and_takes_back_days_away(cast, week, login):
    client = login(cast.charlie)
    url = _edit_url(cast.alice)
    # Bad input keeps what was typed and says what is wrong.
    bad = client.post(url, {"first_day": "2027-01-20", "last_day": "2027-01-10"})
    assert bad.status_code == 200
    body = bad.content.decode()
    assert "The last day away is before the first." in body
    assert 'value="2027-01-20"' in body
    assert 'value="2027-01-10"' in body
    assert not StaffAway.objects.exists()

    first = week.monday + DAY
    response = client.post(url, {"first_day": first, "last_day": first + DAY}, follow=True)
    assert any("Alice Archer is away from" in m for m in messages_of(response))
    away = StaffAway.objects.get()
    assert "take back" in response.content.decode()
    listed = client.get(reverse("scheduling:staff")).content.decode()
    assert f"{first:%a} {first.day} {first:%b}" in listed
    # The other form on the page is left alone by a days-away post.
    assert cast.alice.staff_profile.availability.count() == 3

    response = client.post(url, {"away_remove": str(away.public_id)}, follow=True)
    assert any("no longer recorded as away" in m for m in messages_of(response))
    assert not StaffAway.objects.exists()
    # A clinician cannot reach the page at all.
    assert login(cast.alice).post(url, {"first_day": first, "last_day": first}).status_code in (
        403,
        404,
    )


def test_a_week_with_someone_away_is_published_for_that_week_alone(cast, week, login):
    first = solved(cast, week)
    services.run_publish(actor=cast.charlie, run=first)
    after = week.monday + 2 * WEEK
    kept = set(GroupSession.objects.filter(date__gte=after).values_list("pk", flat=True))
    assert kept, "the published week repeats"

    away_week = week.monday + WEEK
    services.staff_away_add(
        actor=cast.charlie, clinician=cast.alice, first_day=away_week, last_day=away_week + 6 * DAY
    )
    run = solved(cast, week, monday=away_week)
    page = login(cast.charlie).get(reverse("scheduling:run", args=[run.public_id]))
    body = page.content.decode()
    assert "Away this week" in body
    assert "Alice Archer" in body
    assert "Publish this week only" in body

    response = login(cast.charlie).post(
        reverse("scheduling:publish", args=[run.public_id]), {"only": "week"}, follow=True
    )
    assert any("over 1 week." in m for m in messages_of(response))
    run.refresh_from_db()
    assert run.status == RunStatus.PUBLISHED
    publication = run.publications.get()
    assert (publication.source, publication.weeks) == ("week", 1)
    # Nobody leads with Alice that week; the weeks after keep their bookings untouched.
    assert not GroupSession.objects.filter(
        date__range=(away_week, away_week + 6 * DAY), facilitators=cast.alice
    ).exists()
    assert set(GroupSession.objects.filter(date__gte=after).values_list("pk", flat=True)) == kept
    # The daily continuation repeats the schedule's week, not the week alone.
    continued = services.schedule_extend(today=away_week + 8 * WEEK)
    assert continued
    assert all(p.run_id == first.pk for p in continued)


def test_a_week_alone_is_not_published_outside_the_published_schedule(cast, week, login):
    run = solved(cast, week)
    body = login(cast.charlie).get(reverse("scheduling:run", args=[run.public_id])).content
    assert "Publish this week only" not in body.decode()
    with pytest.raises(ValidationFailed, match="only inside the published schedule"):
        services.run_publish(actor=cast.charlie, run=run, this_week_only=True)
    assert not Publication.objects.exists()
    bad = login(cast.charlie).post(
        reverse("scheduling:publish", args=[run.public_id]), {"only": "month"}
    )
    assert bad.status_code == 400


def test_a_clinicians_week_says_when_they_are_away(cast, week, login):
    services.staff_away_add(
        actor=cast.charlie, clinician=cast.alice, first_day=week.monday, last_day=week.monday
    )
    url = f"{reverse('scheduling:week')}?view=clinician&key={cast.alice.public_id}"
    body = login(cast.charlie).get(f"{url}&week={week.monday}").content.decode()
    assert f"Alice Archer is away: {week.monday:%a} {week.monday.day} {week.monday:%b %Y}." in body
    later = login(cast.charlie).get(f"{url}&week={week.monday + WEEK}").content.decode()
    assert "is away" not in later


def test_a_refusal_sits_next_to_the_date_it_is_about(cast, week, login):
    services.staff_away_add(
        actor=cast.charlie, clinician=cast.alice, first_day=week.monday, last_day=week.monday
    )
    page = login(cast.charlie).post(
        _edit_url(cast.alice), {"first_day": week.monday, "last_day": week.monday + DAY}
    )
    form = page.context["away_form"]
    assert "Alice Archer is already away" in form.errors["first_day"][0]
    assert not form.non_field_errors()


def test_hand_edits_and_plans_not_met_say_away_not_unavailable(cast, week, booked):
    services.staff_away_add(
        actor=cast.charlie, clinician=cast.alice, first_day=week.monday, last_day=week.monday
    )
    with pytest.raises(ValidationFailed, match="Alice Archer is away on Monday"):
        services.session_move(
            actor=cast.charlie,
            session=booked,
            date=week.monday,
            start=datetime.time(18),
            room=week.group_room,
        )


def test_taking_back_days_of_a_week_published_alone_says_to_run_it_again(cast, week, login):
    first = solved(cast, week)
    services.run_publish(actor=cast.charlie, run=first)
    away_week = week.monday + WEEK
    client = login(cast.charlie)
    client.post(_edit_url(cast.alice), {"first_day": away_week, "last_day": away_week + DAY})
    run = solved(cast, week, monday=away_week)
    services.run_publish(actor=cast.charlie, run=run, this_week_only=True)
    away = StaffAway.objects.get()
    response = client.post(_edit_url(cast.alice), {"away_remove": str(away.public_id)}, follow=True)
    said = " ".join(messages_of(response))
    assert "no longer recorded as away" in said
    assert "was published without them: run it again" in said


def test_an_away_week_after_the_schedule_warns_that_it_would_repeat(cast, week, login):
    services.staff_away_add(
        actor=cast.charlie, clinician=cast.alice, first_day=week.monday, last_day=week.monday
    )
    run = solved(cast, week)
    body = login(cast.charlie).get(reverse("scheduling:run", args=[run.public_id])).content
    text = body.decode()
    assert "cannot be published alone" in text
    assert "with them away in every week" in text
    assert "Publish this week only" not in text


def test_days_gone_by_are_judged_by_the_clinicians_sites_date(cast, week, monkeypatch):
    # Where Alice works it is still yesterday (a site far west of the server): yesterday's
    # absence is not "passed" there, as bookings judge days by the site's own date.
    from trellis.scheduling.services import staff

    yesterday = timezone.localdate() - DAY
    monkeypatch.setattr(staff, "site_today", lambda site: yesterday)
    away = services.staff_away_add(
        actor=cast.charlie, clinician=cast.alice, first_day=yesterday, last_day=yesterday
    )
    services.staff_away_remove(actor=cast.charlie, away=away)
    monkeypatch.setattr(staff, "site_today", lambda site: yesterday + DAY)
    with pytest.raises(ValidationFailed, match="Those days have passed"):
        services.staff_away_add(
            actor=cast.charlie, clinician=cast.alice, first_day=yesterday, last_day=yesterday
        )
