"""Reading a chart is audited: who, which patient, the request id and the client address."""

from __future__ import annotations

from django.urls import reverse

from trellis.audit.models import AuditAction, AuditEvent


def test_each_chart_read_writes_a_chart_view_event(cast, login):
    client = login(cast.alice)
    url = reverse("patients:chart", args=[cast.erin_record.public_id])

    response = client.get(url, headers={"X-Request-ID": "req-42"}, REMOTE_ADDR="10.1.2.3")
    client.get(url)

    assert response["X-Request-ID"] == "req-42"
    events = list(AuditEvent.objects.filter(action=AuditAction.CHART_VIEW).order_by("id"))
    assert len(events) == 2
    first = events[0]
    assert first.actor == cast.alice
    assert first.actor_label == "alice"
    assert first.patient == cast.erin_record
    assert first.object_id == str(cast.erin_record.public_id)
    assert first.request_id == "req-42"
    assert first.ip == "10.1.2.3"
    # Without a header the request still gets an id, echoed back to the client.
    assert len(events[1].request_id) == 32
    assert events[1].request_id != first.request_id


def test_the_restricted_header_is_audited_as_such(cast, login):
    login(cast.alice).get(reverse("patients:chart", args=[cast.olive.public_id]))
    event = AuditEvent.objects.exclude(action=AuditAction.LOGIN).get()
    assert event.action == AuditAction.CHART_VIEW_RESTRICTED
    assert event.patient == cast.olive


def test_a_404_leaves_no_chart_event(cast, login):
    login(cast.alice).get(reverse("patients:chart", args=[cast.bea.public_id]))
    assert not AuditEvent.objects.filter(patient=cast.bea).exists()


def test_the_patient_list_does_not_write_chart_events(cast, login):
    login(cast.charlie).get(reverse("patients:list"))
    assert not AuditEvent.objects.exclude(action=AuditAction.LOGIN).exists()
