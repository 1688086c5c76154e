"""Pages that name patients write an audit event for each, and what publishing left out names
only patients in the viewer's list (a privacy review of 2026-12-07)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from trellis.audit.models import AuditAction, AuditEvent
from trellis.core.tests import factories as f
from trellis.patients.models import EpisodeStatus
from trellis.scheduling.tests.app.pages import WEEK, pinned_clash, solved

pytestmark = pytest.mark.django_db


def _views_of(patient, actor) -> int:
    return AuditEvent.objects.filter(action=AuditAction.VIEW, patient=patient, actor=actor).count()


# --- 1. the move and cancel pages of an appointment name its patient, unaudited -------------
@pytest.mark.parametrize("page", ["move", "cancel"])
def test_an_appointments_move_and_cancel_pages_audit_the_patient_they_name(
    cast, week, appointment, login, page
) -> None:
    patient = appointment.patient
    url = reverse(f"scheduling:{page}", args=["appointment", appointment.public_id])
    body = login(cast.charlie).get(url).content.decode()
    assert patient.display_name in body  # the page names the patient and their appointment
    assert _views_of(patient, cast.charlie) >= 1  # ...but writes no audit event


# --- 2. Plans not met names patients, their hours and cancellations, unaudited --------------
def test_plans_not_met_audits_each_patient_it_names(cast, week, login) -> None:
    url = reverse("scheduling:unmet") + f"?site={cast.site_a.code}&week={week.monday}"
    body = login(cast.charlie).get(url).content.decode()
    for patient in week.patients:
        assert patient.display_name in body
    assert {p.pk for p in week.patients} <= set(
        AuditEvent.objects.filter(action=AuditAction.VIEW, actor=cast.charlie).values_list(
            "patient_id", flat=True
        )
    )


# --- 3. the run preview names patients (unmet plans, default plans), unaudited -------------
def test_the_run_preview_audits_each_patient_it_names(cast, week, login) -> None:
    run = solved(cast, week)
    body = login(cast.charlie).get(reverse("scheduling:run", args=[run.public_id]))
    body = body.content.decode()
    named = [p for p in week.patients if p.display_name in body]
    assert named  # default plans (no signed plan): every patient is named
    for patient in named:
        assert _views_of(patient, cast.charlie) >= 1


# --- 4. what publishing left out names patients outside the coordinator's list -------------
def test_left_out_bookings_do_not_name_a_patient_outside_the_coordinators_sites(
    cast, week, login
) -> None:
    # Xena lives at Southside (site B) but is treated on Northside's track: charlie (director
    # of Northside) sees her everywhere as "A patient outside your sites".
    xena = f.PatientFactory(site=cast.site_b, first_name="Xena", last_name="Outside")
    episode = f.EpisodeFactory(patient=xena, track=cast.track_a, status=EpisodeStatus.ACTIVE)
    run = solved(cast, week)
    # Xena's pinned appointment a week later, in the room and at the time of the run's session.
    day = pinned_clash(run, week, xena, episode, week.gus).date
    client = login(cast.charlie)
    # The week view, by policy, does not name her to charlie.
    grid = client.get(f"{WEEK}?view=site&key=north&week={day}").content.decode()
    assert "A patient outside your sites" in grid
    assert "Xena" not in grid
    published = client.post(reverse("scheduling:publish", args=[run.public_id]), follow=True)
    assert published.status_code == 200
    assert run.publications.get().dropped_count >= 1
    assert "clashes with the pinned" in published.content.decode()
    assert "Xena" not in published.content.decode()  # flash message names her
    run_page = client.get(reverse("scheduling:run", args=[run.public_id])).content.decode()
    assert "Xena" not in run_page  # and so does the run page, for good
    assert "A patient outside your sites" in run_page
    # A user whose list holds her (the administrator) reads her name; the stored text holds
    # a reference, never the name.
    admin_page = login(cast.adam).get(reverse("scheduling:run", args=[run.public_id]))
    assert "Individual session of Xena Outside" in admin_page.content.decode()
    assert "Xena" not in str(run.publications.get().dropped)


# --- 5. an invalid POST of a patient's availability page shows the page unaudited ----------
def test_a_refused_availability_form_still_audits_the_page_it_shows(cast, week, login) -> None:
    url = reverse("scheduling:patient", args=[cast.olive.public_id])
    response = login(cast.charlie).post(url, {"patient": "Mon 25:00-26:00", "family": ""})
    assert response.status_code == 200
    body = response.content.decode()
    assert cast.olive.display_name in body
    assert _views_of(cast.olive, cast.charlie) >= 1
