"""The fixed cast against the patient list and the charts: who gets what, and 404 not 403."""

from __future__ import annotations

import pytest
from django.urls import reverse

from trellis.audit.models import AuditAction, AuditEvent
from trellis.patients.models import BreakGlassGrant

FULL = "full"
RESTRICTED = "restricted"

# who: (patient list, erin's chart [alice's care team], olive's chart [site A, not alice's],
#       bea's chart [site B, bob's care team])
MATRIX = {
    "alice": (200, FULL, RESTRICTED, 404),
    "bob": (200, 404, 404, FULL),
    "charlie": (200, FULL, FULL, 404),
    "ivy": (200, RESTRICTED, RESTRICTED, 404),
    "adam": (200, FULL, FULL, FULL),
    "dana": (404, 404, 404, 404),
    "erin": (404, 404, 404, 404),
    "frank": (404, 404, 404, 404),
}
LISTED = {
    "alice": {"Marsh", "Stone"},
    "bob": {"Lowe"},
    "charlie": {"Marsh", "Stone"},
    "ivy": {"Marsh", "Stone"},
    "adam": {"Marsh", "Stone", "Lowe"},
}


@pytest.mark.parametrize("who", list(MATRIX))
def test_patient_list(cast, login, who):
    expected = MATRIX[who][0]
    response = login(cast.user(who)).get(reverse("patients:list"))
    assert response.status_code == expected
    if expected == 200:
        content = response.content.decode()
        shown = {name for name in ("Marsh", "Stone", "Lowe") if name in content}
        assert shown == LISTED[who]


def assert_chart(response, expected, patient) -> None:
    if expected == 404:
        assert response.status_code == 404
        assert patient.mrn not in response.content.decode()
        return
    assert response.status_code == 200
    content = response.content.decode()
    templates = {t.name for t in response.templates}
    assert patient.mrn in content
    if expected == FULL:
        assert "patients/chart.html" in templates
        assert "Episode timeline" in content
        assert "Care team" in content
    else:
        assert "patients/restricted.html" in templates
        assert "patients/chart.html" not in templates
        assert reverse("patients:break_glass", args=[patient.public_id]) in content
        assert "Episode timeline" not in content
        assert "Frank Marsh" not in content  # contacts are chart content
        assert reverse("patients:edit", args=[patient.public_id]) not in content


@pytest.mark.parametrize("who", list(MATRIX))
@pytest.mark.parametrize(("column", "patient"), [(1, "erin_record"), (2, "olive"), (3, "bea")])
def test_chart(cast, login, who, column, patient):
    record = getattr(cast, patient)
    response = login(cast.user(who)).get(reverse("patients:chart", args=[record.public_id]))
    assert_chart(response, MATRIX[who][column], record)


def test_full_chart_shows_episode_contacts_and_team(cast, login):
    content = (
        login(cast.alice)
        .get(reverse("patients:chart", args=[cast.erin_record.public_id]))
        .content.decode()
    )
    assert "North adult SUD evening" in content
    assert "Frank Marsh" in content
    assert "Alice Archer, LCSW" in content


def test_an_unknown_patient_is_404(cast, login):
    import uuid

    response = login(cast.adam).get(reverse("patients:chart", args=[uuid.uuid4()]))
    assert response.status_code == 404


def test_signed_out_visitors_are_sent_to_sign_in(cast, client):
    url = reverse("patients:chart", args=[cast.erin_record.public_id])
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert not AuditEvent.objects.filter(patient=cast.erin_record).exists()


# --- break-glass ---------------------------------------------------------------------------


def test_break_glass_opens_the_chart_for_a_few_hours_and_is_audited(cast, login):
    client = login(cast.alice)
    chart = reverse("patients:chart", args=[cast.olive.public_id])
    reason = "Patient is in crisis at the front desk; need the safety plan."

    response = client.post(
        reverse("patients:break_glass", args=[cast.olive.public_id]), {"reason": reason}
    )

    assert response.status_code == 302
    assert response["Location"] == chart
    assert_chart(client.get(chart), FULL, cast.olive)
    event = AuditEvent.objects.get(action=AuditAction.CHART_BREAK_GLASS)
    assert (event.actor, event.patient) == (cast.alice, cast.olive)
    assert event.changes["reason"] == reason
    grant = BreakGlassGrant.objects.get()
    hours = (grant.expires_at - grant.granted_at).total_seconds() / 3600
    assert 3.9 < hours < 4.1


def test_an_expired_grant_shows_the_restricted_header_again(cast, login):
    client = login(cast.alice)
    client.post(
        reverse("patients:break_glass", args=[cast.olive.public_id]),
        {"reason": "Crisis call about the patient's safety."},
    )
    BreakGlassGrant.objects.update(expires_at=BreakGlassGrant.objects.get().granted_at)
    response = client.get(reverse("patients:chart", args=[cast.olive.public_id]))
    assert_chart(response, RESTRICTED, cast.olive)


def test_a_too_short_reason_keeps_the_typed_text_and_says_why(cast, login):
    response = login(cast.alice).post(
        reverse("patients:break_glass", args=[cast.olive.public_id]), {"reason": "urgent"}
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "urgent</textarea>" in content
    assert 'id="id_reason_error"' in content
    assert "at least 10 characters" in content
    assert not BreakGlassGrant.objects.exists()
    assert not AuditEvent.objects.filter(action=AuditAction.CHART_BREAK_GLASS).exists()


def test_spaces_do_not_count_towards_the_reason(cast, login):
    # Eleven characters with the spaces, four without: too short.
    response = login(cast.alice).post(
        reverse("patients:break_glass", args=[cast.olive.public_id]), {"reason": "   help    "}
    )
    assert response.status_code == 200
    assert not BreakGlassGrant.objects.exists()


def test_break_glass_on_a_chart_already_open_just_shows_it(cast, login):
    response = login(cast.alice).post(
        reverse("patients:break_glass", args=[cast.erin_record.public_id]),
        {"reason": "No need, already on the team."},
    )
    assert response.status_code == 302
    assert not BreakGlassGrant.objects.exists()


@pytest.mark.parametrize("who", ["bob", "dana", "erin", "frank"])
def test_break_glass_is_404_out_of_scope(cast, login, who):
    response = login(cast.user(who)).post(
        reverse("patients:break_glass", args=[cast.olive.public_id]),
        {"reason": "Let me in, it is important."},
    )
    assert response.status_code == 404
    assert not BreakGlassGrant.objects.exists()
