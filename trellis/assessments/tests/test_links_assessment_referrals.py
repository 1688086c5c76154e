"""Self-completion links, comprehensive assessment lock, placement decisions, referrals."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from trellis.assessments import services
from trellis.assessments.models import (
    InstrumentResponse,
    Referral,
    SafetyAlert,
    SelfCompletionLink,
)
from trellis.assessments.selectors import recommend_for
from trellis.audit.models import AuditEvent

PHQ9_POST = {**{f"item_{n}": "0" for n in range(1, 9)}, "item_9": "2"}


def test_link_completes_once_stores_response_and_raises_alert(cast) -> None:
    link, token = services.link_create(
        actor=cast.alice, patient=cast.erin_record, instrument="phq9"
    )
    assert token not in link.token_hash
    assert len(link.token_hash) == 64
    url = reverse("selfcomplete:form", args=[token])
    anon = Client()
    page = anon.get(url)
    assert page.status_code == 200
    assert "Send my answers" in page.content.decode()
    done = anon.post(url, PHQ9_POST)
    assert done.status_code == 200
    assert "Thank you" in done.content.decode()
    response = InstrumentResponse.objects.get(patient=cast.erin_record)
    assert response.source == "self"
    assert response.entered_by is None
    assert SafetyAlert.objects.filter(response=response).exists()
    # single use
    assert anon.get(url).status_code == 410
    assert anon.post(url, PHQ9_POST).status_code == 410
    assert InstrumentResponse.objects.count() == 1


def test_link_expires(cast) -> None:
    link, token = services.link_create(
        actor=cast.alice, patient=cast.erin_record, instrument="gad7"
    )
    assert link.expires_at - timezone.now() > datetime.timedelta(hours=71)
    SelfCompletionLink.objects.filter(pk=link.pk).update(
        expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    url = reverse("selfcomplete:form", args=[token])
    assert Client().get(url).status_code == 410
    assert Client().post(url, {f"item_{n}": "0" for n in range(1, 8)}).status_code == 410
    assert not InstrumentResponse.objects.exists()
    assert Client().get(reverse("selfcomplete:form", args=["not-a-token"])).status_code == 410


def test_send_link_page_shows_link_once(cast, login) -> None:
    client = login(cast.alice)
    resp = client.post(
        reverse("assessments:send_link", args=[cast.erin_record.public_id]), {"instrument": "phq9"}
    )
    assert resp.status_code == 200
    assert "/q/" in resp.content.decode()
    assert AuditEvent.objects.filter(action="link.create").exists()


def _assessment_post(**over: str) -> dict[str, str]:
    data = {f"dimension{n}_rating": "1" for n in range(1, 7)}
    data.update(
        {
            "substance_use_history": "Alcohol daily for 5 years",
            "diagnoses": "F10.20 Alcohol use disorder, moderate",
        }
    )
    data.update(over)
    return data


def test_assessment_sign_locks_and_refuses_edits(cast, login) -> None:
    client = login(cast.alice)
    url = reverse("assessments:assessment", args=[cast.erin_record.public_id])
    bad = client.post(url, _assessment_post(diagnoses="F1 too short"))
    assert bad.status_code == 200
    assert "not an ICD-10-CM code" in bad.content.decode()
    assert "Alcohol daily for 5 years" in bad.content.decode()  # typed input kept
    assert client.post(url, _assessment_post()).status_code == 302
    assert client.post(url, {**_assessment_post(), "sign": "1"}).status_code == 302
    assessment = cast.erin_episode.assessments.get()
    assert assessment.is_locked
    assert assessment.diagnoses.get().code == "F10.20"
    with pytest.raises(services.AssessmentLocked):
        services.assessment_save(
            actor=cast.alice,
            episode=cast.erin_episode,
            assessment=assessment,
            fields={"medical": "changed"},
        )
    page = client.get(url)
    assert "Signed and locked" in page.content.decode()


def test_placement_accept_and_override_needs_justification(cast, login) -> None:
    services.assessment_save(
        actor=cast.alice,
        episode=cast.erin_episode,
        fields={
            f"dimension{n}_rating": r for n, r in zip(range(1, 7), (4, 1, 1, 1, 1, 1), strict=False)
        },
    )
    rec, _snap, _a = recommend_for(cast.erin_episode)
    assert rec.level == "WM"
    client = login(cast.alice)
    url = reverse("assessments:placement", args=[cast.erin_record.public_id])
    page = client.get(url).content.decode()
    assert "Dimension 1 (intoxication / withdrawal potential) is rated 3 or 4" in page
    bad = client.post(url, {"decision": "override", "level": "2.1", "justification": ""})
    assert bad.status_code == 200
    assert "needs a justification" in bad.content.decode()
    with pytest.raises(services.OverrideNeedsJustification):
        services.placement_decide(
            actor=cast.alice,
            episode=cast.erin_episode,
            recommendation=rec,
            inputs={},
            chosen_code="2.1",
        )
    ok = client.post(
        url,
        {
            "decision": "override",
            "level": "2.1",
            "justification": "Ambulatory withdrawal with daily nursing checks.",
        },
    )
    assert ok.status_code == 302
    cast.erin_episode.refresh_from_db()
    assert cast.erin_episode.level_of_care.code == "2.1"
    decision = cast.erin_episode.placement_decisions.get()
    assert decision.outcome == "overridden"
    assert decision.rules_fired[0]["id"] == "d1-withdrawal"
    assert AuditEvent.objects.filter(action="placement.decide").exists()
    client.post(url, {"decision": "accept"})
    cast.erin_episode.refresh_from_db()
    assert cast.erin_episode.level_of_care.code == "WM"


REFERRAL = {
    "first_name": "Olive",
    "last_name": "Stone",
    "source": "provider",
    "reason": "Alcohol use",
    "urgency": "routine",
    "referred_on": "",
}


def test_duplicate_referral_detected_and_merged(cast, login) -> None:
    client = login(cast.ivy)
    data = {
        **REFERRAL,
        "site": cast.site_a.pk,
        "date_of_birth": cast.olive.date_of_birth.isoformat(),
        "referred_on": timezone.localdate().isoformat(),
    }
    url = reverse("assessments:referral_new")
    warn = client.post(url, data)
    assert warn.status_code == 200
    assert "already on record" in warn.content.decode()
    assert not Referral.objects.exists()
    merged = client.post(url, {**data, "duplicate_choice": str(cast.olive.public_id)})
    assert merged.status_code == 302
    assert Referral.objects.get().patient == cast.olive
    assert AuditEvent.objects.filter(action="referral.merge").exists()


def test_waitlist_order_and_conversion(cast, login) -> None:
    today = timezone.localdate()

    def make(name: str, urgency: str, days: int) -> Referral:
        return services.referral_create(
            actor=cast.ivy,
            site=cast.site_a,
            first_name=name,
            last_name="Test",
            date_of_birth=datetime.date(1990, 1, 1),
            source="self",
            reason="r",
            urgency=urgency,
            referred_on=today - datetime.timedelta(days=days),
        )

    make("Routine", "routine", 30)
    make("UrgentNew", "urgent", 1)
    old = make("UrgentOld", "urgent", 5)
    client = login(cast.ivy)
    page = client.get(reverse("assessments:waitlist")).content.decode()
    assert page.index("UrgentOld") < page.index("UrgentNew") < page.index("Routine")
    assert (
        login(cast.bob).get(reverse("assessments:referral", args=[old.public_id])).status_code
        == 404
    )
    client = login(cast.ivy)
    resp = client.post(
        reverse("assessments:referral", args=[old.public_id]), {"track": cast.track_a.pk}
    )
    assert resp.status_code == 302
    old.refresh_from_db()
    assert old.status == "converted"
    assert old.episode is not None
    assert old.episode.patient.first_name == "UrgentOld"
