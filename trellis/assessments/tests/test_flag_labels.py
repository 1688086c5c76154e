"""Summaries show questionnaire flags in words, never their codes."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from trellis.assessments import services

CSSRS_HIGH = {"1": True, "2": True, "3": False, "4": True, "5": False, "6": False}


def test_placement_and_signed_assessment_show_flags_in_words(cast, login) -> None:
    response = services.response_record(
        actor=cast.alice, patient=cast.erin_record, instrument="cssrs", answers=CSSRS_HIGH
    )
    assert "suicide_risk" in response.flags
    assessment = services.assessment_save(
        actor=cast.alice,
        episode=cast.erin_episode,
        fields={f"dimension{n}_rating": 1 for n in range(1, 7)},
        responses=[response],
    )
    services.assessment_sign(actor=cast.alice, assessment=assessment)
    client = login(cast.alice)
    for name in ("assessments:placement", "assessments:assessment"):
        page = client.get(reverse(name, args=[cast.erin_record.public_id])).content.decode()
        assert "Suicide risk" in page, name
        assert "suicide_risk" not in page, name
        # Dates for people ("23 Nov 2026"), not ISO.
        assert timezone.localdate().isoformat() not in page, name
