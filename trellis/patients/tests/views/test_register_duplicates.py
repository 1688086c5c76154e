"""The register form shows possible duplicates, keeps what was typed, and can go ahead."""

from __future__ import annotations

from django.urls import reverse

from trellis.patients.models import Patient

from .test_forms import registration

SAME_AS_OLIVE = {
    "patient-first_name": "olive",
    "patient-last_name": "STONE",
    "patient-date_of_birth": "1990-05-17",
    "patient-preferred_name": "Livvy",
}


def test_a_possible_duplicate_is_shown_with_a_link_and_the_entry_kept(cast, login):
    response = login(cast.ivy).post(reverse("patients:new"), registration(cast, **SAME_AS_OLIVE))
    assert response.status_code == 200
    page = response.content.decode()
    assert "already on record" in page
    assert reverse("patients:chart", args=[cast.olive.public_id]) in page
    assert "MRN A000002" in page
    assert "This is a different person — register anyway" in page
    assert 'value="Livvy"' in page
    assert "Referred by her primary care doctor for alcohol use." in page
    assert Patient.objects.filter(last_name__iexact="stone").count() == 1


def test_matches_at_a_site_the_user_cannot_see_are_not_shown(cast, login):
    bea = {"patient-first_name": "Bea", "patient-last_name": "Lowe"}
    bea["patient-date_of_birth"] = "1990-05-17"
    response = login(cast.ivy).post(reverse("patients:new"), registration(cast, **bea))
    assert response.status_code == 302
    assert str(cast.bea.public_id) not in response["Location"]


def test_confirming_a_different_person_registers_them(cast, login):
    data = registration(cast, **SAME_AS_OLIVE) | {"confirm_new": "1"}
    response = login(cast.ivy).post(reverse("patients:new"), data)
    assert response.status_code == 302
    new = Patient.objects.get(preferred_name="Livvy")
    assert response["Location"] == reverse("patients:chart", args=[new.public_id])
    assert new != cast.olive
