"""A patient is told in the portal what staff changed in their bookings: a move, a
cancellation, a hand booking, a removal, or a week published differently."""

from __future__ import annotations

import copy
import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from trellis.audit.models import AuditAction, AuditEvent
from trellis.core.tests import factories as f
from trellis.organization.models import Site
from trellis.scheduling import services
from trellis.scheduling.models import NoticeKind, ScheduleNotice
from trellis.scheduling.tests.app.pages import solved

pytestmark = pytest.mark.django_db

T = datetime.time


def _words(patient) -> list[str]:
    return [n.words for n in ScheduleNotice.objects.filter(patient=patient).order_by("created_at")]


def _day(day: datetime.date) -> str:
    return date_format(day, "D j M")


def test_every_member_is_told_of_a_session_moved_and_nobody_of_a_new_facilitator_alone(
    cast, week, booked
) -> None:
    tuesday = week.monday + datetime.timedelta(days=1)
    services.session_move(
        actor=cast.charlie,
        session=booked,
        date=week.monday,
        start=T(17),
        room=week.group_room,
        facilitator=week.gus,
    )
    assert not ScheduleNotice.objects.exists()  # same day, time and room: nothing to tell
    services.session_move(
        actor=cast.charlie, session=booked, date=tuesday, start=T(18), room=week.group_room
    )
    said = f"Relapse prevention moved from {_day(week.monday)} 17:00 to {_day(tuesday)} 18:00."
    for patient in week.patients:
        assert _words(patient) == [said]
    # Moved again before they read it: one notice, from where it was at first.
    services.session_move(
        actor=cast.charlie, session=booked, date=tuesday, start=T(19), room=week.group_room
    )
    said = f"Relapse prevention moved from {_day(week.monday)} 17:00 to {_day(tuesday)} 19:00."
    assert _words(week.patients[0]) == [said]
    # Moved back where it was: nothing is left to tell.
    services.session_move(
        actor=cast.charlie, session=booked, date=week.monday, start=T(17), room=week.group_room
    )
    assert _words(week.patients[0]) == []


def test_a_move_within_the_day_or_to_another_room_says_just_that(cast, week, booked) -> None:
    services.session_move(
        actor=cast.charlie, session=booked, date=week.monday, start=T(18), room=week.group_room
    )
    assert _words(week.patients[0]) == [
        f"Relapse prevention on {_day(week.monday)} now starts at 18:00 (was 17:00)."
    ]
    ScheduleNotice.objects.update(seen_at=timezone.now())
    other = f.RoomFactory(site=cast.site_a, name="Group B", kind="group", capacity=10)
    services.session_move(
        actor=cast.charlie, session=booked, date=week.monday, start=T(18), room=other
    )
    assert _words(week.patients[0])[-1] == (
        f"Relapse prevention on {_day(week.monday)} 18:00 is now in Group B (was Group A)."
    )


def test_a_cancellation_a_hand_booking_and_a_removal_are_told_to_their_patient(
    cast, week, booked, appointment
) -> None:
    erin = week.patients[0]
    tuesday = appointment.date
    services.booking_cancel(actor=cast.charlie, booking=appointment, reason="Clinician ill")
    services.appointment_add(
        actor=cast.charlie,
        patient=erin,
        kind="individual",
        clinician=cast.alice,
        date=tuesday,
        start=T(19),
        minutes=60,
        room=week.office,
    )
    services.session_remove_patient(actor=cast.charlie, session=booked, patient=erin)
    services.session_add_patient(actor=cast.charlie, session=booked, patient=erin)
    rebook = "To rebook, call your site" + (f": {cast.site_a.phone}." if cast.site_a.phone else ".")
    assert _words(erin) == [
        f"Individual session on {_day(tuesday)} 16:00 is cancelled. {rebook}",
        f"Individual session booked for you on {_day(tuesday)} 19:00, in Office 1.",
        f"You are no longer booked in Relapse prevention on {_day(week.monday)} 17:00.",
        f"Relapse prevention booked for you on {_day(week.monday)} 17:00, in Group A.",
    ]
    # The reason is the staff's note: not told.
    assert not any("ill" in w for w in _words(erin))
    # Nobody else was touched.
    assert _words(week.patients[1]) == []


def test_publishing_tells_those_whose_weeks_change_and_nobody_when_nothing_does(cast, week) -> None:
    run = solved(cast, week)
    services.solution_publish(
        actor=cast.charlie, instance=run.instance, solution=run.solution, weeks=2, run=run
    )
    told = ScheduleNotice.objects.filter(kind=NoticeKind.WEEK)
    booked = {p for s in run.solution["sessions"] for p in s["patients"]}
    booked |= {a["patient"] for a in run.solution["appointments"]}
    assert {str(n.patient.public_id) for n in told} == booked
    first = told.first()
    assert first is not None
    # Nothing was booked for them before: their first schedule, not a change.
    assert first.words.startswith(f"Your weekly schedule starts on {_day(week.monday)}")
    # The same week published again changes nobody's bookings, and weeks added past the old
    # end are more of the same.
    services.solution_publish(
        actor=cast.charlie, instance=run.instance, solution=run.solution, weeks=4
    )
    assert told.count() == len(booked)
    # A room changed by publishing is a change.
    moved = copy.deepcopy(run.solution)
    other = f.RoomFactory(site=cast.site_a, name="Group B", kind="group", capacity=10)
    instance = copy.deepcopy(run.instance)
    instance["rooms"].append(
        {"id": str(other.public_id), "site": cast.site_a.code, "kind": "group", "capacity": 10}
    )
    session = moved["sessions"][0]
    session["room"] = str(other.public_id)
    services.solution_publish(actor=cast.charlie, instance=instance, solution=moved, weeks=4)
    changed = told.filter(title="").values_list("patient__public_id", flat=True)
    assert {str(p) for p in changed} == set(session["patients"])
    # The notice counts what changes in the first changed week: that group in another room
    # (one new, one gone).
    notice = told.filter(title="").first()
    assert notice is not None
    assert notice.after_date is not None
    assert (notice.added, notice.removed) == (1, 1)
    assert notice.words == (
        f"Your weekly schedule changes from {_day(notice.after_date)}: that week, 1 booking is "
        "new or at another time or room and 1 is no longer booked."
    )


def test_a_week_notice_counts_what_is_gone_or_new_alone() -> None:
    site = Site(name="Northside", phone="")
    notice = ScheduleNotice(
        kind=NoticeKind.WEEK, title="", site=site, after_date=datetime.date(2026, 12, 14)
    )
    assert notice.words == "Your weekly schedule changes from Mon 14 Dec."
    notice.removed = 3
    assert notice.words.endswith("that week, 3 bookings are no longer booked.")
    notice.removed, notice.added = 0, 2
    assert notice.words.endswith("that week, 2 bookings are new or at another time or room.")


def test_the_portal_home_lists_unread_notices_until_the_patient_marks_them_read(
    cast, week, booked, login
) -> None:
    tuesday = week.monday + datetime.timedelta(days=1)
    services.session_move(
        actor=cast.charlie, session=booked, date=tuesday, start=T(18), room=week.group_room
    )
    client = login(cast.erin)
    home = client.get(reverse("home")).content.decode()
    assert "Changes to your schedule" in home
    assert f"Relapse prevention moved from {_day(week.monday)} 17:00" in home
    response = client.post(reverse("portal:notices_seen"))
    assert response.status_code == 302
    assert "Changes to your schedule" not in client.get(reverse("home")).content.decode()
    assert AuditEvent.objects.filter(
        actor=cast.erin, action=AuditAction.UPDATE, summary__startswith="Read 1 schedule notice"
    ).exists()
    # Olive's notice is hers: Erin marking hers read leaves it.
    assert ScheduleNotice.objects.filter(patient=cast.olive, seen_at__isnull=True).count() == 1
    # Staff and family cannot mark anything read.
    assert login(cast.charlie).post(reverse("portal:notices_seen")).status_code == 404
    assert login(cast.frank).post(reverse("portal:notices_seen")).status_code == 403


def test_taken_out_and_put_back_then_moved_back_leaves_no_stale_time(cast, week, booked) -> None:
    erin = week.patients[0]
    tuesday = week.monday + datetime.timedelta(days=1)
    services.session_move(
        actor=cast.charlie, session=booked, date=tuesday, start=T(18), room=week.group_room
    )
    services.session_remove_patient(actor=cast.charlie, session=booked, patient=erin)
    services.session_add_patient(actor=cast.charlie, session=booked, patient=erin)
    services.session_move(
        actor=cast.charlie, session=booked, date=week.monday, start=T(17), room=week.group_room
    )
    # Her last word is where the session is now (before: "booked for you on Tue 18:00").
    assert _words(erin)[-1] == (
        f"Relapse prevention moved from {_day(tuesday)} 18:00 to {_day(week.monday)} 17:00."
    )


def test_a_pinned_booking_far_ahead_does_not_make_appended_weeks_a_change(
    cast, week, booked
) -> None:
    run = solved(cast, week)
    services.solution_publish(
        actor=cast.charlie, instance=run.instance, solution=run.solution, weeks=2, run=run
    )
    told = ScheduleNotice.objects.filter(kind=NoticeKind.WEEK)
    first = told.count()
    far = week.monday + datetime.timedelta(weeks=3)
    f.GroupSessionFactory(
        group_type=booked.group_type,
        site=booked.site,
        room=week.group_room,
        date=far,
        start=T(20),
        end=T(21, 30),
        facilitators=[cast.alice],
        pinned=True,
    )
    services.solution_publish(
        actor=cast.charlie, instance=run.instance, solution=run.solution, weeks=4
    )
    assert told.count() == first  # the weeks past the old end are more of the same


def test_marking_read_and_its_audit_are_one_write(cast, week, booked, login, monkeypatch) -> None:
    tuesday = week.monday + datetime.timedelta(days=1)
    services.session_move(
        actor=cast.charlie, session=booked, date=tuesday, start=T(18), room=week.group_room
    )
    from trellis.scheduling.services import notices

    def broken(**kwargs):
        raise RuntimeError("audit store down")

    monkeypatch.setattr(notices, "audit_record", broken)
    with pytest.raises(RuntimeError):
        notices.mark_seen(actor=cast.erin, patient=cast.erin_record)
    assert notices.unseen(cast.erin_record).count() == 1


def test_the_portal_home_reads_notices_in_a_fixed_number_of_queries(cast, week, login) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(cast.erin)
    counts = []
    for n in (1, 9):
        ScheduleNotice.objects.bulk_create(
            ScheduleNotice(
                patient=cast.erin_record,
                kind=NoticeKind.CANCELLED,
                title="Relapse prevention",
                site=cast.site_a,
                before_date=week.monday,
                before_start=T(17),
            )
            for _ in range(n)
        )
        with CaptureQueriesContext(connection) as queries:
            page = client.get(reverse("home")).content.decode()
        assert page.count("is cancelled") == len(ScheduleNotice.objects.all())
        counts.append(len(queries))
    assert counts[0] == counts[1]  # each notice's words name its site: read with it


def test_my_schedule_keeps_the_last_30_days_of_changes_read_or_not(
    cast, week, booked, login
) -> None:
    tuesday = week.monday + datetime.timedelta(days=1)
    services.session_move(
        actor=cast.charlie, session=booked, date=tuesday, start=T(18), room=week.group_room
    )
    client = login(cast.erin)
    client.post(reverse("portal:notices_seen"))
    old = ScheduleNotice.objects.create(
        patient=cast.erin_record,
        kind=NoticeKind.CANCELLED,
        title="CBT skills",
        site=cast.site_a,
        before_date=week.monday,
        before_start=T(17),
    )
    ScheduleNotice.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=31)
    )
    page = client.get(reverse("portal:schedule")).content.decode()
    assert "1 change to your bookings in the last 30 days" in page
    assert f"Relapse prevention moved from {_day(week.monday)} 17:00" in page  # read, kept
    assert "CBT skills" not in page  # older than 30 days
