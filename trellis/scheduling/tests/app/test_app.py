"""Runs, preview, publish, pins, manual bookings, unmet reasons, calendar feeds, permissions."""

from __future__ import annotations

import datetime
import html

import pytest
from django.urls import reverse

from trellis.audit.models import AuditEvent
from trellis.core.errors import ValidationFailed
from trellis.core.tests import factories as f
from trellis.scheduling import services
from trellis.scheduling.instance_builder import build_instance
from trellis.scheduling.models import Appointment, GroupSession, RunStatus, ScheduleRun
from trellis.scheduling.review import unmet_reasons
from trellis.scheduling.solver import parse_instance


def _start_run(client, week, limit="2"):
    return client.post(
        reverse("scheduling:runs"),
        {"sites": [week.group_room.site.pk], "week": str(week.monday), "time_limit": limit},
    )


def test_instance_builder_output_is_valid_for_the_solver(week):
    built = build_instance([week.group_room.site], week.monday)
    parse_instance(built.instance)
    erin = next(p for p in built.instance["patients"] if p["id"] == str(week.patients[0].public_id))
    assert erin["availability"] == {d: [["16:00", "21:00"]] for d in ("mon", "tue", "wed")}
    assert erin["plan"]["min_minutes"] == 540  # the adult default: 9 h over 3 days
    assert len(built.default_plans) == 4


def test_a_run_solves_in_the_background_shows_a_preview_and_publishes(cast, week, login):
    client = login(cast.charlie)
    response = _start_run(client, week)
    run = ScheduleRun.objects.get()
    assert response.status_code == 302
    assert run.status == RunStatus.DONE  # ImmediateBackend: inline
    assert run.plans_met is not None
    assert run.bound is not None
    # Finished within the request: its page says so and opens on the preview.
    assert response["Location"].endswith("?finished=1")

    page = client.get(response["Location"])
    assert f"The run has finished: {run.plans_met} of {run.patients} plans met." in (
        page.content.decode()
    )
    assert b"Sessions added" in page.content
    assert b"Publish" in page.content
    assert b"default weekly requirement" in page.content

    client.post(reverse("scheduling:publish", args=[run.public_id]))
    run.refresh_from_db()
    assert run.status == RunStatus.PUBLISHED
    assert GroupSession.objects.filter(date__gte=week.monday).exists()
    assert AuditEvent.objects.filter(object_type="scheduling.publication").exists()


def test_htmx_progress_fragment_opens_the_finished_run_at_its_preview(cast, week, login):
    client = login(cast.charlie)
    _start_run(client, week)
    run = ScheduleRun.objects.get()
    fragment = client.get(
        reverse("scheduling:run", args=[run.public_id]) + "?was=active", HTTP_HX_REQUEST="true"
    )
    url = reverse("scheduling:run", args=[run.public_id]) + "?finished=1"
    assert fragment["HX-Redirect"] == url
    page = client.get(url).content.decode()
    assert "The run has finished:" in page
    assert 'id="preview-h" tabindex="-1" data-autofocus' in page


def test_htmx_progress_announces_a_change_of_stage_only(cast, week, login):
    client = login(cast.charlie)
    run = services.run_create(
        actor=cast.charlie, sites=[week.group_room.site], week_start=week.monday, time_limit=5
    )
    ScheduleRun.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING, stage="timetable")
    url = reverse("scheduling:run", args=[run.public_id]) + "?was=active"
    same = client.get(url + "&seen=running:timetable", HTTP_HX_REQUEST="true").content.decode()
    assert "run-announce" not in same
    changed = client.get(url + "&seen=running:construct", HTTP_HX_REQUEST="true").content.decode()
    assert '<p id="run-announce" hx-swap-oob="innerHTML">' in changed
    assert "Running. timetable" in changed
    assert "aria-live" not in changed


def test_publish_keeps_pinned_bookings(cast, week):
    site = week.group_room.site
    pinned = f.AppointmentFactory(
        episode=cast.erin_episode,
        clinician=cast.alice,
        site=site,
        room=week.office,
        date=week.monday,
        start=datetime.time(16),
        end=datetime.time(17),
        pinned=True,
    )
    loose = f.AppointmentFactory(
        episode=cast.olive_episode,
        clinician=week.gus,
        site=site,
        room=week.office,
        date=week.monday + datetime.timedelta(days=1),
        start=datetime.time(16),
        end=datetime.time(17),
    )
    run = services.run_create(
        actor=cast.charlie, sites=[site], week_start=week.monday, time_limit=2
    )
    services.run_execute(run.public_id)
    run.refresh_from_db()
    services.run_publish(actor=cast.charlie, run=run)

    assert Appointment.objects.filter(pk=pinned.pk, pinned=True).exists()
    assert not Appointment.objects.filter(pk=loose.pk).exists()
    # The pinned appointment is part of the week, so the week repeats it (unpinned) after.
    repeats = Appointment.objects.filter(
        patient=pinned.patient, clinician=cast.alice, start=datetime.time(16), pinned=False
    ).values_list("date", flat=True)
    assert sorted(repeats) == [week.monday + datetime.timedelta(weeks=n) for n in range(1, 8)]


def test_move_into_a_busy_room_is_refused_in_plain_words(cast, week, booked, appointment):
    with pytest.raises(ValidationFailed) as error:
        services.appointment_move(
            actor=cast.charlie,
            appointment=appointment,
            date=week.monday,
            start=datetime.time(17),
            room=week.group_room,
        )
    message = str(error.value)
    assert "Group A is already in use Monday 17:00–18:30" in message
    assert "Erin" in message
    assert "is already booked Monday" in message
    appointment.refresh_from_db()
    assert appointment.date == week.monday + datetime.timedelta(days=1)


def test_move_outside_the_clinicians_hours_names_them(cast, week, booked):
    with pytest.raises(ValidationFailed, match="Alice Archer is not available Monday 20:30"):
        services.session_move(
            actor=cast.charlie,
            session=booked,
            date=week.monday,
            start=datetime.time(20, 30),
            room=week.group_room,
        )


def test_facilitator_without_the_competency_is_refused(cast, week, booked):
    ivy_like = f.UserFactory(first_name="Nora", last_name="New", sites=[week.group_room.site])
    lacks = "Nora New cannot lead Relapse prevention: lacks Group facilitation, Substance use"
    with pytest.raises(ValidationFailed, match=lacks):
        services.session_move(
            actor=cast.charlie,
            session=booked,
            date=week.monday,
            start=datetime.time(17),
            room=week.group_room,
            facilitator=ivy_like,
        )


def test_a_change_of_who_leads_a_group_is_audited_with_both_names(cast, week, booked):
    """Leading a group opens its members' charts: the audit trail keeps who led it before."""
    services.session_move(
        actor=cast.charlie,
        session=booked,
        date=booked.date,
        start=booked.start,
        room=booked.room,
        facilitator=week.gus,
    )
    event = AuditEvent.objects.filter(object_id=str(booked.public_id)).latest("id")
    assert event.summary == f"Changed who leads Relapse prevention of {booked.date} 17:00"
    assert event.changes["facilitators"] == ["Alice Archer", "Gus Grant"]
    # The same facilitator again is no change of them.
    services.session_move(
        actor=cast.charlie,
        session=booked,
        date=booked.date,
        start=datetime.time(18),
        room=booked.room,
        facilitator=week.gus,
    )
    event = AuditEvent.objects.filter(object_id=str(booked.public_id)).latest("id")
    assert event.summary == f"Moved Relapse prevention to {booked.date} 18:00"
    assert "facilitators" not in event.changes


def test_adding_a_patient_beyond_the_groups_maximum_is_refused(cast, week, booked):
    booked.group_type.max_size = 4
    booked.group_type.save()
    extra = f.PatientFactory(site=week.group_room.site, first_name="Zed", last_name="Late")
    f.EpisodeFactory(patient=extra, track=cast.track_a)
    with pytest.raises(
        ValidationFailed, match="takes at most 4 patients; this session would have 5"
    ):
        services.session_add_patient(actor=cast.charlie, session=booked, patient=extra)


def test_move_form_shows_the_broken_rule_and_keeps_the_booking(cast, week, booked, login):
    response = login(cast.charlie).post(
        reverse("scheduling:move", args=["session", booked.public_id]),
        {"date": str(week.monday), "start": "20:30", "room": week.group_room.pk},
    )
    assert response.status_code == 200
    assert "would break the schedule" in response.content.decode()
    booked.refresh_from_db()
    assert booked.start == datetime.time(17)


def test_unmet_reasons_say_why_in_plain_words():
    instance = {
        "sites": [{"id": "s1", "hours": {d: [["08:00", "21:00"]] for d in ("mon", "sat")}}],
        "group_types": [
            {
                "id": "rp",
                "name": "Relapse prevention",
                "minutes": 90,
                "requires": ["group", "sud"],
                "populations": ["adult-sud"],
                "min_size": 1,
                "max_size": 9,
            }
        ],
        "clinicians": [
            {
                "id": "c1",
                "site": "s1",
                "competencies": ["group"],
                "availability": {"sat": [["09:00", "13:00"]]},
            }
        ],
        "patients": [
            {
                "id": "p1",
                "site": "s1",
                "population": "adult-sud",
                "availability": {"sat": [["09:00", "13:00"]]},
                "plan": {
                    "min_minutes": 540,
                    "min_days": 3,
                    "min_day_minutes": 180,
                    "max_day_minutes": 240,
                    "groups": {"rp": 1},
                    "individual": {"clinician": "c9", "count": 1, "minutes": 60},
                },
            }
        ],
    }
    reasons = unmet_reasons(instance, {"sessions": [], "appointments": []})["p1"]
    assert "available only Saturday; needs 3 days" in reasons
    assert "no qualified facilitator free for Relapse prevention when available" in reasons
    assert "no individual slot with their clinician" in reasons


def test_calendar_feed_works_with_its_token_and_404s_after_revoke(cast, week, booked, client):
    feed, token = services.feed_create(actor=cast.charlie, patient=cast.erin_record)
    url = reverse("scheduling:ical", args=[token])
    response = client.get(url)
    assert response.status_code == 200
    assert b"BEGIN:VEVENT" in response.content
    # A patient's feed calls a group "Group session": its name says what they are treated for.
    assert b"SUMMARY:Group session" in response.content
    assert b"Relapse prevention" not in response.content
    assert b"Olive" not in response.content

    services.feed_revoke(actor=cast.charlie, feed=feed)
    assert client.get(url).status_code == 404
    assert client.get(reverse("scheduling:ical", args=["not-a-token"])).status_code == 404


def test_clinician_makes_their_own_feed(cast, week, booked, login):
    client = login(cast.alice)
    made = client.post(reverse("scheduling:feed_new"), {"week": str(week.monday)})
    # Back to the week they were on, at the link, with a message pointing to it.
    here = f"{reverse('scheduling:week')}?view=clinician&week={week.monday}"
    assert made["Location"] == f"{here}#feed-h"
    page = client.get(here)
    assert b"/schedule/feed/" in page.content
    assert "Your calendar link is ready below" in page.content.decode()


def test_availability_is_edited_on_the_patients_page(cast, week, login):
    client = login(cast.alice)
    url = reverse("scheduling:patient", args=[cast.erin_record.public_id])
    bad = client.post(url, {"patient": "Mon 17:00-21:00\nsomeday", "family": ""})
    assert "Line 2" in bad.content.decode()
    assert cast.erin_record.availability.count() == 3  # nothing lost
    client.post(url, {"patient": "Sat 09:00-13:00", "family": "Thu 18:00-20:00"})
    assert [str(a) for a in cast.erin_record.availability.all()] == [
        "Thursday 18:00–20:00",
        "Saturday 09:00–13:00",
    ]


@pytest.mark.parametrize("who", ["bob", "dana", "erin", "frank"])
def test_out_of_scope_users_get_404(cast, week, booked, login, who):
    client = login(cast.user(who))
    run = services.run_create(
        actor=cast.charlie, sites=[week.group_room.site], week_start=week.monday, time_limit=1
    )
    for url in (
        reverse("scheduling:run", args=[run.public_id]),
        reverse("scheduling:move", args=["session", booked.public_id]),
        reverse("scheduling:patient", args=[cast.erin_record.public_id]),
    ):
        assert client.get(url).status_code == 404, url
    assert (
        client.post(reverse("scheduling:pin", args=["session", booked.public_id])).status_code
        == 404
    )


def test_clinicians_see_week_views_but_cannot_run_or_pin(cast, week, booked, login):
    client = login(cast.alice)
    page = client.get(reverse("scheduling:week") + f"?view=site&key=north&week={week.monday}")
    assert b"Relapse prevention" in page.content
    assert client.get(reverse("scheduling:runs")).status_code == 404
    assert (
        client.post(reverse("scheduling:pin", args=["session", booked.public_id])).status_code
        == 404
    )


def test_coordinator_pins_a_session(cast, week, booked, login):
    login(cast.ivy).post(
        reverse("scheduling:pin", args=["session", booked.public_id]), {"pinned": "1"}
    )
    booked.refresh_from_db()
    assert booked.pinned


def test_pinning_twice_leaves_it_pinned_and_an_unsaid_state_is_refused(cast, week, booked, login):
    # The form says the state wanted, so a double click (or a page out of date) does not undo it.
    client = login(cast.ivy)
    pin = reverse("scheduling:pin", args=["session", booked.public_id])
    client.post(pin, {"pinned": "1"})
    client.post(pin, {"pinned": "1"})
    booked.refresh_from_db()
    assert booked.pinned
    assert client.post(pin).status_code == 400
    client.post(pin, {"pinned": "0"})
    booked.refresh_from_db()
    assert not booked.pinned


def _move_check(client, kind, booking, **data):
    url = reverse("scheduling:move", args=[kind, booking.public_id])
    return client.post(url, {"check": "1", **data}, HTTP_HX_REQUEST="true")


def test_move_page_checks_each_change_without_saving(cast, week, booked, appointment, login):
    client = login(cast.charlie)
    busy = _move_check(
        client,
        "appointment",
        appointment,
        date=str(week.monday),
        start="17:00",
        room=week.group_room.pk,
    )
    assert busy.status_code == 200
    assert b"Group A is already in use Monday 17:00" in busy.content
    assert b"<html" not in busy.content  # a fragment for the page's check area

    free = _move_check(
        client,
        "appointment",
        appointment,
        date=str(week.monday + datetime.timedelta(days=1)),
        start="16:30",
        room=week.office.pk,
    )
    assert b"No rule is broken" in free.content

    appointment.refresh_from_db()
    assert (appointment.date, appointment.start) == (
        week.monday + datetime.timedelta(days=1),
        datetime.time(16),
    )
    assert not AuditEvent.objects.filter(
        object_type="scheduling.appointment", summary__startswith="Moved"
    ).exists()


def test_move_page_check_says_nothing_until_the_form_is_complete(cast, week, booked, login):
    response = _move_check(login(cast.charlie), "session", booked, date="", start="17:00")
    assert response.status_code == 200
    assert b"No rule is broken" not in response.content
    assert b"would break" not in response.content


def test_the_move_page_says_what_is_being_moved(cast, week, booked, appointment, login):
    client = login(cast.charlie)
    page = client.get(reverse("scheduling:move", args=["appointment", appointment.public_id]))
    body = html.unescape(page.content.decode())
    day = appointment.date.strftime("%A %-d %B %Y")
    assert "Individual session" in body
    assert f"<dd>{week.patients[0].display_name}</dd>" in body
    assert "<dd>Alice Archer</dd>" in body
    assert f"{day}, 16:00–17:00, Office 1" in body

    page = client.get(reverse("scheduling:move", args=["session", booked.public_id]))
    body = html.unescape(page.content.decode())
    assert "Relapse prevention" in body
    assert "<dd>Alice Archer</dd>" in body
    assert f"{len(week.patients)} / {booked.most_patients} patients" in body  # Group A: 10
    assert f"{booked.date.strftime('%A %-d %B %Y')}, 17:00–18:30, Group A" in body
