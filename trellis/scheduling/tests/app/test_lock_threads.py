"""Two coordinators changing one booking or publishing one run at the same moment are served one
after the other (the site's row lock, services/locks.py, and the booking's or run's own row),
and the second re-reads what the first wrote before checking it. Whatever order they are
served in, the end state is one of the serial ones. PostgreSQL only: SQLite serialises writers
itself. Not marked django_db: transactional (see conftest)."""

from __future__ import annotations

import datetime
import threading
from collections.abc import Callable

import pytest
from django.db import connection

from trellis.audit.models import AuditAction, AuditEvent
from trellis.core.errors import ValidationFailed
from trellis.core.tests import factories as f
from trellis.scheduling import services
from trellis.scheduling.models import (
    Appointment,
    BookingStatus,
    GroupSession,
    GroupSessionPatient,
    GroupType,
    Publication,
    RunStatus,
    ScheduleRun,
)
from trellis.scheduling.tests.app.pages import solved

SKIP = "SQLite serialises writers itself; the row lock is PostgreSQL's"


def _at_once(**calls: Callable[[], object]) -> dict[str, str]:
    """Run each call in its own thread, all released at one barrier: name -> "done", or
    "refused: <message>" for a ValidationFailed (anything else: its repr, so a test fails)."""
    barrier = threading.Barrier(len(calls))
    outcomes: dict[str, str] = {}

    def run(name: str, call: Callable[[], object]) -> None:
        try:
            barrier.wait()
            call()
            outcomes[name] = "done"
        except ValidationFailed as error:
            outcomes[name] = f"refused: {error}"
        except Exception as error:  # reported in the assertion, so the test fails
            outcomes[name] = repr(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=item) for item in calls.items()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


@pytest.mark.postgres
def test_a_move_and_a_cancellation_at_once_leave_the_session_cancelled(
    audit_truncate_for_flush: None,
    django_db_serialized_rollback: None,
    transactional_db: None,
    cast,
    week,
    booked,
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip(SKIP)
    tuesday = week.monday + datetime.timedelta(days=1)
    mover_page = GroupSession.objects.get(pk=booked.pk)  # each coordinator's page copy
    canceller_page = GroupSession.objects.get(pk=booked.pk)
    outcomes = _at_once(
        move=lambda: services.session_move(
            actor=cast.charlie,
            session=mover_page,
            date=tuesday,
            start=datetime.time(17),
            room=week.group_room,
        ),
        cancel=lambda: services.booking_cancel(
            actor=cast.ivy, booking=canceller_page, reason="Facilitator ill"
        ),
    )
    booked.refresh_from_db()
    events = list(
        AuditEvent.objects.filter(
            object_id=str(booked.public_id),
            action__in=[AuditAction.UPDATE, AuditAction.TRANSITION],
        ).order_by("id")
    )
    # The cancellation is always served (a moved session can still be cancelled) and is the
    # last word: never "scheduled" again, never a move written after it.
    assert outcomes["cancel"] == "done", outcomes
    assert booked.status == BookingStatus.CANCELLED
    assert booked.cancelled_by == cast.ivy
    assert booked.cancel_reason == "Facilitator ill"
    assert events[-1].action == AuditAction.TRANSITION
    assert events[-1].changes["status"] == [BookingStatus.SCHEDULED, BookingStatus.CANCELLED]
    if outcomes["move"] == "done":  # served first: moved, then cancelled where it went
        assert [e.action for e in events] == [AuditAction.UPDATE, AuditAction.TRANSITION], events
        assert (booked.date, booked.start) == (tuesday, datetime.time(17))
        assert booked.end == datetime.time(18, 30)
    else:  # served second: it saw the cancellation and left the record as it was
        assert outcomes["move"].startswith("refused: This booking was cancelled"), outcomes
        assert [e.action for e in events] == [AuditAction.TRANSITION], events
        assert (booked.date, booked.start) == (week.monday, datetime.time(17))


@pytest.mark.postgres
def test_a_run_published_twice_at_once_is_published_once(
    audit_truncate_for_flush: None,
    django_db_serialized_rollback: None,
    transactional_db: None,
    cast,
    week,
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip(SKIP)
    run = solved(cast, week)
    first_page = ScheduleRun.objects.get(pk=run.pk)  # each press's page copy
    second_page = ScheduleRun.objects.get(pk=run.pk)
    outcomes = _at_once(
        first=lambda: services.run_publish(actor=cast.charlie, run=first_page),
        second=lambda: services.run_publish(actor=cast.charlie, run=second_page),
    )
    assert sorted(outcomes.values()) == [
        "done",
        "refused: This run has already been published.",
    ], outcomes
    publication = Publication.objects.get()
    assert publication.run == run
    run.refresh_from_db()
    assert run.status == RunStatus.PUBLISHED
    assert publication.sessions_created + publication.appointments_created > 0
    # The bookings are the one publication's, not written twice.
    assert GroupSession.objects.count() == publication.sessions_created
    assert Appointment.objects.count() == publication.appointments_created
    assert (
        AuditEvent.objects.filter(
            action=AuditAction.CREATE, object_id=str(publication.public_id)
        ).count()
        == 1
    )


@pytest.mark.postgres
def test_one_patient_added_to_a_session_twice_at_once_is_in_it_once(
    audit_truncate_for_flush: None,
    django_db_serialized_rollback: None,
    transactional_db: None,
    cast,
    week,
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip(SKIP)
    session = f.GroupSessionFactory(
        group_type=GroupType.objects.get(code="rp"),
        site=week.group_room.site,
        room=week.group_room,
        date=week.monday,
        start=datetime.time(17),
        end=datetime.time(18, 30),
        facilitators=[cast.alice],
    )
    for patient, episode in zip(week.patients[:3], week.episodes[:3], strict=True):
        f.GroupSessionPatientFactory(session=session, patient=patient, episode=episode)
    newcomer = week.patients[3]
    pages = [GroupSession.objects.get(pk=session.pk) for _ in range(2)]
    outcomes = _at_once(
        charlie=lambda: services.session_add_patient(
            actor=cast.charlie, session=pages[0], patient=newcomer
        ),
        ivy=lambda: services.session_add_patient(
            actor=cast.ivy, session=pages[1], patient=newcomer
        ),
    )
    assert sorted(outcomes.values()) == [
        "done",
        f"refused: {newcomer} is already in this session.",
    ], outcomes
    assert GroupSessionPatient.objects.filter(session=session, patient=newcomer).count() == 1
    assert GroupSessionPatient.objects.filter(session=session).count() == 4
    assert (
        AuditEvent.objects.filter(
            action=AuditAction.ADD, object_id=str(session.public_id), patient=newcomer
        ).count()
        == 1
    )
