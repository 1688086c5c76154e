"""Edge cases of the referral merge found walking the intake journey."""

from __future__ import annotations

import uuid

from django.urls import reverse
from django.utils import timezone

from trellis.assessments import services
from trellis.assessments.models import Referral

REFERRAL = {
    "first_name": "Olive",
    "last_name": "Stone",
    "source": "provider",
    "reason": "Alcohol use",
    "urgency": "routine",
}


def _data(cast) -> dict[str, object]:
    return {
        **REFERRAL,
        "site": cast.site_a.pk,
        "date_of_birth": cast.olive.date_of_birth.isoformat(),
        "referred_on": timezone.localdate().isoformat(),
    }


def test_merge_with_unknown_or_other_site_patient_is_404_not_500(cast, login) -> None:
    client = login(cast.ivy)
    url = reverse("assessments:referral_new")
    for choice in (str(uuid.uuid4()), str(cast.bea.public_id)):
        resp = client.post(url, {**_data(cast), "duplicate_choice": choice})
        assert resp.status_code == 404
    assert not Referral.objects.exists()


def test_converting_merged_referral_of_patient_in_treatment_says_why(cast, login) -> None:
    referral = services.referral_create(
        actor=cast.ivy,
        site=cast.site_a,
        use_patient=cast.erin_record,
        first_name="Erin",
        last_name="Record",
        date_of_birth=cast.erin_record.date_of_birth,
        source="self",
        reason="r",
        urgency="routine",
        referred_on=timezone.localdate(),
    )
    resp = login(cast.ivy).post(
        reverse("assessments:referral", args=[referral.public_id]),
        {"track": cast.track_a.pk},
        follow=True,
    )
    page = resp.content.decode()
    assert "already has an open episode" in page
    assert "may not change this patient" not in page
    referral.refresh_from_db()
    assert referral.status == "waiting"


def test_link_page_names_the_patient(cast, login) -> None:
    resp = login(cast.alice).post(
        reverse("assessments:send_link", args=[cast.erin_record.public_id]),
        {"instrument": "gad7"},
    )
    assert resp.status_code == 200
    assert f"GAD-7 link for {cast.erin_record.display_name}</h1>" in resp.content.decode()


def test_number_items_have_labels_and_radio_groups_have_legends(cast, login) -> None:
    client = login(cast.alice)
    bam = client.get(
        reverse("assessments:administer", args=[cast.erin_record.public_id, "bam"])
    ).content.decode()
    assert '<label for="id_item_2">' in bam
    assert 'id="id_item_2_helptext"' in bam or "id_item_2_helptext" not in bam
    placement = client.get(
        reverse("assessments:placement", args=[cast.erin_record.public_id])
    ).content.decode()
    assert "<legend>Decision" in placement


def test_result_flags_are_in_words(cast, login) -> None:
    from trellis.assessments.models import InstrumentResponse

    InstrumentResponse.objects.create(
        patient=cast.erin_record,
        instrument="phq9",
        answers={},
        total=10,
        band="moderate",
        flags=["suicide_risk"],
        source="clinician",
    )
    page = (
        login(cast.alice)
        .get(reverse("assessments:patient", args=[cast.erin_record.public_id]))
        .content.decode()
    )
    assert "Suicide risk" in page
    assert ">suicide_risk<" not in page
