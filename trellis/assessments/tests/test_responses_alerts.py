"""Instrument administration, immutable responses, safety alerts on home and chart."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from trellis.assessments import services
from trellis.assessments.models import ImmutableRecord, InstrumentResponse, SafetyAlert
from trellis.audit.models import AuditEvent

PHQ9_ITEM9_ONLY = {**{str(n): 0 for n in range(1, 9)}, "9": 1}
PHQ9_ZERO = {str(n): 0 for n in range(1, 10)}


def _post_phq9(client: Any, patient: Any, answers: dict[str, int]) -> Any:
    data = {f"item_{k}": str(v) for k, v in answers.items()}
    return client.post(reverse("assessments:administer", args=[patient.public_id, "phq9"]), data)


def test_phq9_item9_alone_raises_alert_on_home_and_chart_until_acknowledged(cast, login) -> None:
    client = login(cast.alice)
    resp = _post_phq9(client, cast.erin_record, PHQ9_ITEM9_ONLY)
    assert resp.status_code == 302
    response = InstrumentResponse.objects.get(patient=cast.erin_record)
    assert response.total == 1
    assert "suicide_risk" in response.flags
    alert = SafetyAlert.objects.get(patient=cast.erin_record)
    assert alert.reason == "phq9_item9"

    for user in (cast.alice, cast.charlie):
        client = login(user)
        assert alert.detail in client.get(reverse("home")).content.decode()
        chart = client.get(reverse("patients:chart", args=[cast.erin_record.public_id]))
        assert alert.detail in chart.content.decode()
    # bob (other site) does not see it on his home page
    assert alert.detail not in login(cast.bob).get(reverse("home")).content.decode()

    client = login(cast.alice)
    url = reverse("assessments:acknowledge", args=[cast.erin_record.public_id, alert.public_id])
    bad = client.post(url, {"action": "safety_plan", "note": ""})
    assert bad.status_code == 200
    assert "This field is required" in bad.content.decode()
    ok = client.post(url, {"action": "safety_plan", "note": "Safety plan reviewed in person."})
    assert ok.status_code == 302
    alert.refresh_from_db()
    assert alert.acknowledged_by == cast.alice
    assert alert.action == "safety_plan"
    assert AuditEvent.objects.filter(
        action="alert.acknowledge", object_id=str(alert.public_id)
    ).exists()
    assert alert.detail not in login(cast.charlie).get(reverse("home")).content.decode()


def test_alerts_never_paged(cast, login) -> None:
    for i in range(30):
        services.alert_raise(actor=cast.alice, patient=cast.erin_record, note=f"risk note {i}")
    home = login(cast.charlie).get(reverse("home")).content.decode()
    assert all(f"risk note {i}" in home for i in range(30))


@pytest.mark.parametrize(
    ("answers", "band", "alerted"),
    [
        ({"1": True, "2": True, "3": True, "4": False, "5": False, "6": False}, "moderate", True),
        ({"1": True, "2": True, "3": False, "4": True, "5": False, "6": False}, "high", True),
        ({"1": True, "2": False, "6": False}, "low", False),
    ],
)
def test_cssrs_moderate_or_high_raises_alert(cast, answers, band, alerted) -> None:
    response = services.response_record(
        actor=cast.alice, patient=cast.erin_record, instrument="cssrs", answers=answers
    )
    assert response.band == band
    assert SafetyAlert.objects.filter(patient=cast.erin_record, reason="cssrs").exists() is alerted


def test_clinician_marked_risk(cast, login) -> None:
    client = login(cast.alice)
    url = reverse("assessments:mark_risk", args=[cast.erin_record.public_id])
    client.post(url, {"note": "Said goodbye to the group."})
    alert = SafetyAlert.objects.get(patient=cast.erin_record)
    assert alert.reason == "clinician"
    assert "Said goodbye" in login(cast.charlie).get(reverse("home")).content.decode()


def test_responses_are_immutable_and_corrections_chain(cast) -> None:
    original = services.response_record(
        actor=cast.alice, patient=cast.erin_record, instrument="phq9", answers=PHQ9_ZERO
    )
    original.band = "severe"
    with pytest.raises(ImmutableRecord):
        original.save()
    with pytest.raises(ImmutableRecord):
        original.delete()
    fixed = services.response_correct(
        actor=cast.alice, original=original, answers=PHQ9_ITEM9_ONLY, reason="Misread item 9"
    )
    assert fixed.replaces == original
    assert fixed.total == 1
    assert SafetyAlert.objects.filter(response=fixed).exists()  # risk in a correction is not lost
    with pytest.raises(services.AlreadyCorrected):
        services.response_correct(
            actor=cast.alice, original=original, answers=PHQ9_ZERO, reason="again"
        )
    original.refresh_from_db()
    assert original.total == 0


def test_invalid_answers_shown_by_the_field_and_kept(cast, login) -> None:
    client = login(cast.alice)
    answers = {k: v for k, v in PHQ9_ZERO.items() if k != "4"}
    answers["2"] = 3
    resp = _post_phq9(client, cast.erin_record, answers)
    assert resp.status_code == 200
    assert resp.context["form"].errors.get("item_4")
    assert 'value="3" required id="id_item_2_3" checked' in resp.content.decode() or (
        resp.context["form"]["item_2"].value() == "3"
    )
    assert not InstrumentResponse.objects.exists()


@pytest.mark.parametrize("name", ["bob", "dana", "erin", "frank"])
def test_out_of_scope_users_get_404(cast, login, name) -> None:
    client = login(cast.user(name))
    pid = cast.erin_record.public_id
    assert client.get(reverse("assessments:patient", args=[pid])).status_code == 404
    assert client.get(reverse("assessments:administer", args=[pid, "phq9"])).status_code == 404
    assert client.get(reverse("assessments:placement", args=[pid])).status_code == 404
    alert = services.alert_raise(actor=cast.alice, patient=cast.erin_record, note="x")
    url = reverse("assessments:acknowledge", args=[pid, alert.public_id])
    assert client.post(url, {"action": "other", "note": "n"}).status_code == 404
