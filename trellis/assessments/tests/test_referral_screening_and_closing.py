"""Pre-admission screening and closing a referral without admission."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from trellis.assessments import services
from trellis.assessments.models import Referral
from trellis.audit.models import AuditEvent
from trellis.core.errors import ValidationFailed

pytestmark = pytest.mark.django_db


def _referral(cast, **fields) -> Referral:
    values = {
        "first_name": "Nora",
        "last_name": "Quill",
        "date_of_birth": datetime.date(1988, 3, 4),
        "source": "provider",
        "reason": "Daily drinking",
        "urgency": "routine",
        "referred_on": timezone.localdate() - datetime.timedelta(days=3),
        **fields,
    }
    return services.referral_create(actor=cast.ivy, site=cast.site_a, **values)


def test_screening_with_withdrawal_risk_makes_the_referral_emergent(cast, login) -> None:
    referral = _referral(cast)
    response = login(cast.ivy).post(
        reverse("assessments:referral_screen", args=[referral.public_id]),
        {
            "screened_on": timezone.localdate().isoformat(),
            "outcome": "higher_level",
            "withdrawal_risk": "on",
            "notes": "Drinks a fifth a day; tremor in the mornings.",
        },
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.urgency == "emergent"
    assert referral.withdrawal_risk
    assert referral.screened_by == cast.ivy
    assert "tremor in the mornings" in referral.screening_notes
    page = login(cast.ivy).get(reverse("assessments:referral", args=[referral.public_id]))
    assert "withdrawal management" in page.content.decode()
    event = AuditEvent.objects.get(summary="Referral screened")
    assert event.changes["urgency"] == ["routine", "emergent"]


def test_screening_refuses_a_date_before_the_referral_and_keeps_the_notes(cast, login) -> None:
    referral = _referral(cast)
    response = login(cast.ivy).post(
        reverse("assessments:referral_screen", args=[referral.public_id]),
        {
            "screened_on": (referral.referred_on - datetime.timedelta(days=1)).isoformat(),
            "outcome": "appropriate",
            "notes": "Works days; wants evenings.",
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "before the referral date" in body
    assert "Works days; wants evenings." in body
    referral.refresh_from_db()
    assert referral.screened_on is None


def test_closing_a_referral_takes_it_off_the_waitlist_and_needs_a_note(cast, login) -> None:
    referral = _referral(cast)
    client = login(cast.ivy)
    url = reverse("assessments:referral_close", args=[referral.public_id])
    missing = client.post(url, {"reason": "declined", "note": ""})
    assert missing.status_code == 200
    referral.refresh_from_db()
    assert referral.status == "waiting"
    done = client.post(url, {"reason": "referred_elsewhere", "note": "Referred to PHP at Mercy."})
    assert done.status_code == 302
    referral.refresh_from_db()
    assert referral.status == "closed"
    assert referral.closed_on == timezone.localdate()
    assert "Nora" not in client.get(reverse("assessments:waitlist")).content.decode()
    with pytest.raises(ValidationFailed):
        services.referral_close(actor=cast.ivy, referral=referral, reason="other", note="again")


def test_out_of_scope_staff_cannot_screen_or_close(cast, login) -> None:
    referral = _referral(cast)
    for name in ("referral_screen", "referral_close"):
        url = reverse(f"assessments:{name}", args=[referral.public_id])
        assert login(cast.bob).post(url, {}).status_code == 404
        assert login(cast.dana).post(url, {}).status_code == 404
