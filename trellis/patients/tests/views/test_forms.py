"""Forms keep what was typed, show the error next to the field, and never lose an entry."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse

from trellis.audit.models import AuditAction, AuditEvent
from trellis.core.tests import factories as f
from trellis.patients.models import Contact, EpisodeStatus, Patient


def field_error(content: str, field_id: str) -> str:
    """The error text rendered next to the field (partials/_field.html)."""
    match = re.search(rf'<p class="error" id="{field_id}_error">([^<]*)</p>', content)
    assert match, f"no error next to {field_id}"
    return match.group(1)


def registration(cast, **overrides: str) -> dict[str, str]:
    data = {
        "patient-first_name": "Rosalind",
        "patient-last_name": "Quist",
        "patient-preferred_name": "Roz",
        "patient-date_of_birth": "1988-04-03",
        "patient-sex_at_birth": "female",
        "patient-phone": "555-0123",
        "patient-preferred_language": "Spanish",
        "referral-track": str(cast.track_a.pk),
        "referral-referred_on": str(f.today()),
        "referral-reason": "Referred by her primary care doctor for alcohol use.",
        "referral-primary_clinician": str(cast.alice.pk),
    }
    data.update(overrides)
    return data


def test_registering_a_patient_opens_the_chart(cast, login):
    response = login(cast.ivy).post(reverse("patients:new"), registration(cast))
    patient = Patient.objects.get(last_name="Quist")
    assert response.status_code == 302
    assert response["Location"] == reverse("patients:chart", args=[patient.public_id])
    assert patient.preferred_name == "Roz"
    episode = patient.episodes.get()
    assert episode.status == EpisodeStatus.REFERRED
    assert episode.primary_clinician == cast.alice


def test_a_future_date_of_birth_keeps_everything_typed(cast, login):
    future = str(f.today() + datetime.timedelta(days=3))
    response = login(cast.ivy).post(
        reverse("patients:new"), registration(cast, **{"patient-date_of_birth": future})
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert field_error(content, "id_patient-date_of_birth") == "The date of birth is in the future."
    assert "Nothing you typed was lost." in content
    for value in ("Rosalind", "Quist", "Roz", "555-0123", "Spanish", future):
        assert f'value="{value}"' in content
    assert "Referred by her primary care doctor for alcohol use.</textarea>" in content
    assert re.search(rf'<option value="{cast.track_a.pk}" selected>', content)
    assert re.search(rf'<option value="{cast.alice.pk}" selected>', content)
    assert not Patient.objects.filter(last_name="Quist").exists()


def test_missing_required_fields_are_marked(cast, login):
    response = login(cast.ivy).post(
        reverse("patients:new"),
        registration(cast, **{"patient-last_name": "", "referral-reason": ""}),
    )
    content = response.content.decode()
    assert field_error(content, "id_patient-last_name") == "This field is required."
    assert field_error(content, "id_referral-reason") == "This field is required."
    assert 'value="Rosalind"' in content


def test_a_future_referral_date_is_an_error_next_to_the_field(cast, login):
    tomorrow = str(f.today() + datetime.timedelta(days=1))
    response = login(cast.ivy).post(
        reverse("patients:new"), registration(cast, **{"referral-referred_on": tomorrow})
    )
    content = response.content.decode()
    assert field_error(content, "id_referral-referred_on") == "The referral date is in the future."
    assert f'value="{tomorrow}"' in content


def test_a_service_error_on_a_new_episode_is_shown_and_the_entry_kept(cast, login):
    response = login(cast.alice).post(
        reverse("patients:episode_new", args=[cast.erin_record.public_id]),
        {
            "track": str(cast.track_a.pk),
            "referred_on": str(f.today()),
            "reason": "Second referral while the first is open.",
        },
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "already has an open episode of care" in content
    assert "Second referral while the first is open.</textarea>" in content
    assert cast.erin_record.episodes.count() == 1


@pytest.mark.parametrize(
    ("name", "data", "error"),
    [
        ("discharge", {"discharge_reason": ""}, "Choose a discharge reason."),
        ("transfer", {"transferred_to": ""}, "Say where the patient is transferred to."),
        (
            "transfer",
            {"transferred_to": "Hillside IOP", "discharge_reason": ""},
            "Say whether the transfer is a step up, a step down or to another program",
        ),
        ("admit", {}, "An episode that is active cannot admit."),
    ],
)
def test_a_refused_transition_shows_the_reason_and_keeps_the_entry(cast, login, name, data, error):
    url = reverse(
        "patients:episode_transition",
        args=[cast.erin_record.public_id, cast.erin_episode.public_id, name],
    )
    response = login(cast.alice).post(
        url, {"reason": "Talked it over with the team.", "effective_on": str(f.today()), **data}
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert error in content
    assert "Talked it over with the team.</textarea>" in content
    cast.erin_episode.refresh_from_db()
    assert cast.erin_episode.status == EpisodeStatus.ACTIVE


def test_a_transition_through_the_form(cast, login):
    url = reverse(
        "patients:episode_transition",
        args=[cast.erin_record.public_id, cast.erin_episode.public_id, "discharge"],
    )
    response = login(cast.alice).post(
        url,
        {
            "reason": "Met all treatment goals.",
            "effective_on": str(f.today()),
            "discharge_reason": "completed",
        },
    )
    assert response.status_code == 302
    cast.erin_episode.refresh_from_db()
    assert cast.erin_episode.status == EpisodeStatus.DISCHARGED
    chart = login(cast.alice).get(response["Location"]).content.decode()
    assert "Met all treatment goals." in chart
    assert "Discharge: done." in chart


def test_an_unknown_transition_name_is_404(cast, login):
    url = reverse(
        "patients:episode_transition",
        args=[cast.erin_record.public_id, cast.erin_episode.public_id, "graduate"],
    )
    assert login(cast.alice).get(url).status_code == 404


def test_editing_details_keeps_typing_on_error_and_the_header_unchanged(cast, login):
    url = reverse("patients:edit", args=[cast.erin_record.public_id])
    response = login(cast.alice).post(
        url,
        {
            "first_name": "Erinne",
            "last_name": "Marsh",
            "date_of_birth": "1990-05-17",
            "sex_at_birth": "female",
            "email": "not an email",
            "preferred_language": "English",
        },
    )
    content = response.content.decode()
    assert field_error(content, "id_email") == "Enter a valid email address."
    assert 'value="Erinne"' in content
    assert "Edit details of Erin Marsh" in content  # the heading shows the stored name
    cast.erin_record.refresh_from_db()
    assert cast.erin_record.first_name == "Erin"


def test_editing_details_through_the_form_is_audited_with_the_change(cast, login):
    url = reverse("patients:edit", args=[cast.erin_record.public_id])
    response = login(cast.alice).post(
        url,
        {
            "first_name": "Erin",
            "last_name": "Marsh",
            "preferred_name": "Rin",
            "date_of_birth": "1990-05-17",
            "sex_at_birth": "unknown",
            "preferred_language": "English",
        },
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(action=AuditAction.UPDATE)
    assert event.patient == cast.erin_record
    assert event.changes == {"preferred_name": ["", "Rin"]}


def test_editing_a_contact_through_the_form_is_audited_with_the_change(cast, login):
    url = reverse(
        "patients:contact_edit", args=[cast.erin_record.public_id, cast.frank_contact.public_id]
    )
    response = login(cast.alice).post(
        url,
        {
            "name": "Frank Marsh",
            "relationship": "parent",
            "phone": "555-0111",
            "is_family_participant": "on",
        },
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(action=AuditAction.UPDATE)
    assert event.changes == {"phone": ["555-0199", "555-0111"]}


def test_adding_and_removing_a_contact(cast, login):
    client = login(cast.alice)
    response = client.post(
        reverse("patients:contact_new", args=[cast.erin_record.public_id]),
        {"name": "Gwen Marsh", "relationship": "sibling", "is_emergency_contact": "on"},
    )
    assert response.status_code == 302
    gwen = Contact.objects.get(name="Gwen Marsh")
    assert gwen.is_emergency_contact
    client.post(
        reverse("patients:contact_remove", args=[cast.erin_record.public_id, gwen.public_id])
    )
    gwen.refresh_from_db()
    assert gwen.active is False
    chart = client.get(reverse("patients:chart", args=[cast.erin_record.public_id]))
    assert "Gwen Marsh" not in chart.content.decode()
    # A removed contact cannot be edited any more.
    edit = reverse("patients:contact_edit", args=[cast.erin_record.public_id, gwen.public_id])
    assert client.get(edit).status_code == 404


def test_a_contact_of_another_patient_is_404(cast, login):
    other = f.ContactFactory(patient=cast.olive)
    url = reverse("patients:contact_edit", args=[cast.erin_record.public_id, other.public_id])
    assert login(cast.charlie).get(url).status_code == 404


def test_care_team_changes_through_the_chart(cast, login):
    client = login(cast.alice)
    chart = reverse("patients:chart", args=[cast.erin_record.public_id])
    add = reverse(
        "patients:care_team_add", args=[cast.erin_record.public_id, cast.erin_episode.public_id]
    )
    response = client.post(add, {"user": cast.ivy.pk, "role": "case_manager"})
    assert response["Location"] == chart
    member = cast.erin_episode.care_team.get(user=cast.ivy)
    content = client.get(chart).content.decode()
    assert "Ivy Irwin" in content
    assert "Care team updated." in content

    client.post(
        reverse("patients:care_team_remove", args=[cast.erin_record.public_id, member.public_id])
    )
    member.refresh_from_db()
    assert member.removed_on == f.today()

    response = client.post(add, {"user": cast.dana.pk, "role": "peer"})
    assert "Only clinical staff can join a care team." in client.get(chart).content.decode()


def test_a_staff_member_from_another_site_cannot_be_added(cast, login):
    client = login(cast.alice)
    add = reverse(
        "patients:care_team_add", args=[cast.erin_record.public_id, cast.erin_episode.public_id]
    )
    client.post(add, {"user": cast.bob.pk, "role": "therapist"})
    assert not cast.erin_episode.care_team.filter(user=cast.bob).exists()
    chart = client.get(reverse("patients:chart", args=[cast.erin_record.public_id]))
    assert "Choose a staff member and a role." in chart.content.decode()


def test_the_transfer_page_asks_for_the_direction_only(cast, login):
    url = reverse(
        "patients:episode_transition",
        args=[cast.erin_record.public_id, cast.erin_episode.public_id, "transfer"],
    )
    content = login(cast.alice).get(url).content.decode()
    assert "Transfer is" in content
    assert 'value="step_down"' in content
    assert 'value="completed"' not in content
