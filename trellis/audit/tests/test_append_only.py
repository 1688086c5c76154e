"""The audit trail is append-only, in the application and (on PostgreSQL) in the database."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from trellis.audit.models import AuditAction, AuditEvent, AuditImmutable
from trellis.audit.services import audit_record


@pytest.fixture
def event(cast) -> AuditEvent:
    return audit_record(
        actor=cast.alice, action=AuditAction.CHART_VIEW, patient=cast.erin_record, summary="Read"
    )


def test_saving_a_stored_event_is_refused(event):
    event.summary = "Nothing to see"
    with pytest.raises(AuditImmutable):
        event.save()
    event.refresh_from_db()
    assert event.summary == "Read"


def test_deleting_an_event_is_refused(event):
    with pytest.raises(AuditImmutable):
        event.delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_bulk_update_is_refused(event):
    with pytest.raises(AuditImmutable):
        AuditEvent.objects.filter(pk=event.pk).update(summary="x")
    with pytest.raises(AuditImmutable):
        AuditEvent.objects.all().update(actor_label="x")
    event.summary = "x"
    with pytest.raises(AuditImmutable), transaction.atomic():
        AuditEvent.objects.bulk_update([event], ["summary"])
    assert AuditEvent.objects.get(pk=event.pk).summary == "Read"


def test_bulk_delete_is_refused(event):
    with pytest.raises(AuditImmutable):
        AuditEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(AuditImmutable):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.count() == 1


def test_new_events_can_still_be_written(event):
    audit_record(actor=None, action=AuditAction.LOGIN_FAILED, actor_label="mallory")
    assert AuditEvent.objects.count() == 2


def test_a_patient_with_audit_events_cannot_be_deleted(cast):
    from django.db.models import ProtectedError

    from trellis.core.tests.factories import PatientFactory

    patient = PatientFactory(site=cast.site_a)
    audit_record(actor=cast.charlie, action=AuditAction.CREATE, patient=patient)
    with pytest.raises(ProtectedError), transaction.atomic():
        patient.delete()
    assert AuditEvent.objects.filter(patient=patient).exists()


needs_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the append-only trigger exists on PostgreSQL only"
)


@pytest.mark.postgres
@needs_postgres
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_auditevent SET summary = 'tampered' WHERE id = %s",
        "DELETE FROM audit_auditevent WHERE id = %s",
    ],
)
def test_the_database_refuses_raw_update_and_delete(event, sql):
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, [event.pk])
    event.refresh_from_db()
    assert event.summary == "Read"


@pytest.mark.postgres
@needs_postgres
def test_the_database_refuses_truncate(event):
    with transaction.atomic(), connection.cursor() as cursor:
        # Django's foreign keys are deferred; run their checks now so TRUNCATE reaches the trigger.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("TRUNCATE audit_auditevent CASCADE")
    assert AuditEvent.objects.filter(pk=event.pk).exists()


@pytest.mark.postgres
@needs_postgres
def test_the_database_still_accepts_inserts(cast):
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO audit_auditevent (at, actor_label, action, object_type, object_id,"
            " summary, changes, request_id) VALUES (now(), 'sys', 'view', '', '', '', '{}', '')"
        )
    assert AuditEvent.objects.filter(actor_label="sys").exists()
