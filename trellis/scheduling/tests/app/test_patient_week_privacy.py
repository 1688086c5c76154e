"""A patient's week shows the groups they attend: it follows the chart's rule for clinicians,
every read of it is audited, and no signed-in page is kept by the browser's caches."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from trellis.audit.models import AuditAction, AuditEvent
from trellis.core.tests import factories as f
from trellis.scheduling import selectors

from .pages import WEEK, messages_of, options

pytestmark = pytest.mark.django_db


def _week_of(patient, week) -> str:
    return f"{WEEK}?view=patient&key={patient.public_id}&week={week.monday}"


def _views_of(patient) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=AuditAction.VIEW, patient_id=patient.pk))


def test_reading_a_patients_week_is_audited(cast, week, booked, login) -> None:
    response = login(cast.ivy).get(_week_of(cast.olive, week))
    assert response.status_code == 200
    assert "Relapse prevention" in response.content.decode()
    (event,) = _views_of(cast.olive)
    assert event.actor == cast.ivy
    assert event.summary == f"Schedule, week of {week.monday:%Y-%m-%d}"
    # The site's week names no patient and writes no such event.
    login(cast.ivy).get(f"{WEEK}?view=site&key={cast.site_a.code}&week={week.monday}")
    assert len(_views_of(cast.olive)) == 1


def test_a_clinician_sees_the_weeks_of_the_patients_they_treat_only(cast, week, login) -> None:
    client = login(cast.alice)
    # Erin is on alice's care team; Olive is not, and alice leads none of her groups.
    assert "Erin Marsh" in options(client.get(f"{WEEK}?view=patient"), "key")
    assert "Olive Stone" not in options(client.get(f"{WEEK}?view=patient"), "key")
    response = client.get(_week_of(cast.olive, week))
    assert response.status_code == 200
    assert messages_of(response) == ["That patient is not one whose week you can see."]
    assert "Olive Stone" not in response.content.decode()
    assert _views_of(cast.olive) == []
    assert client.get(_week_of(cast.erin_record, week)).status_code == 200
    assert len(_views_of(cast.erin_record)) == 1


def test_leading_the_patients_group_lets_a_clinician_see_their_week(
    cast, week, booked, login
) -> None:
    assert cast.alice in booked.facilitators.all()
    response = login(cast.alice).get(_week_of(cast.olive, week))
    assert messages_of(response) == []
    assert "Olive Stone" in response.content.decode()


def test_a_coordinator_sees_every_patient_in_treatment_in_their_list(cast, week, login) -> None:
    names = options(login(cast.ivy).get(f"{WEEK}?view=patient"), "key")
    assert {"Erin Marsh", "Olive Stone"} <= set(names)
    assert set(selectors.week_patients(cast.dana)) == set()  # billing sees no one's week


def test_the_availability_page_read_is_audited(cast, week, login) -> None:
    url = reverse("scheduling:patient", args=[cast.erin_record.public_id])
    assert login(cast.alice).get(url).status_code == 200
    (event,) = _views_of(cast.erin_record)
    assert event.summary == "Availability and schedule"


def test_signed_in_pages_are_not_cached_and_keep_no_htmx_history(cast, week, login) -> None:
    response = login(cast.alice).get(WEEK)
    assert "no-store" in response["Cache-Control"]
    assert 'hx-history="false"' in response.content.decode()


def test_the_sign_in_page_is_not_marked(client) -> None:
    response = client.get(reverse("login"))
    assert 'hx-history="false"' not in response.content.decode()


@pytest.fixture
def treated_here(cast, week):
    """An individual session at Northside of a patient listed at Southside (her episode is on a
    Northside track), with gus, Thursday of the week."""
    from trellis.core.tests import factories as f
    from trellis.patients.models import EpisodeStatus

    nia = f.PatientFactory(site=cast.site_b, first_name="Nia", last_name="Far")
    episode = f.EpisodeFactory(patient=nia, track=cast.track_a, status=EpisodeStatus.ACTIVE)
    return f.AppointmentFactory(
        episode=episode,
        clinician=week.gus,
        site=cast.site_a,
        room=week.office,
        date=week.monday + datetime.timedelta(days=10),
        start=datetime.time(16),
        end=datetime.time(17),
    )


def test_a_patient_outside_the_list_is_not_named_in_the_week_or_on_the_booking(
    cast, week, treated_here, login
) -> None:
    client = login(cast.charlie)
    monday = treated_here.date - datetime.timedelta(days=treated_here.date.weekday())
    page = client.get(f"{WEEK}?view=site&key={cast.site_a.code}&week={monday}").content.decode()
    assert "Individual session: A patient outside your sites" in page
    assert "Nia Far" not in page
    move = reverse("scheduling:move", args=["appointment", treated_here.public_id])
    page = client.get(move).content.decode()
    assert "A patient outside your sites" in page
    assert "Nia Far" not in page
    # An administrator lists every patient, and sees her name.
    assert "Nia Far" in login(cast.adam).get(move).content.decode()
    cancel = reverse("scheduling:cancel", args=["appointment", treated_here.public_id])
    text = login(cast.charlie).post(cancel, {"reason": "Ill"}, follow=True).content.decode()
    assert "Cancelled Individual session (A patient outside your sites)" in text


def test_the_move_check_does_not_name_a_patient_outside_the_list(
    cast, week, treated_here, login
) -> None:
    url = reverse("scheduling:move", args=["appointment", treated_here.public_id])
    data = {"date": str(treated_here.date), "start": "18:00", "room": week.office.pk}
    checked = login(cast.charlie).post(url, {"check": "1", **data}, HTTP_HX_REQUEST="true")
    text = checked.content.decode()
    assert "A patient outside your sites" in text  # she has no times on record
    assert "Nia" not in text


def test_plans_not_met_counts_a_patient_outside_the_list_without_naming_them(
    cast, week, treated_here, login
) -> None:
    monday = treated_here.date - datetime.timedelta(days=treated_here.date.weekday())
    url = reverse("scheduling:unmet") + f"?site={cast.site_a.code}&week={monday}"
    page = login(cast.charlie).get(url).content.decode()
    assert "A patient outside your sites" in page
    assert "Nia" not in page


@pytest.fixture
def olive_with_gus(cast, week):
    """Olive (gus's patient, not on alice's care team) has an individual session with gus on
    Tuesday 18:00."""
    return f.AppointmentFactory(
        episode=cast.olive_episode,
        clinician=week.gus,
        site=cast.site_a,
        room=week.office,
        date=week.monday + datetime.timedelta(days=1),
        start=datetime.time(18),
        end=datetime.time(19),
    )


def test_the_site_week_names_another_care_teams_patient_to_no_clinician(
    cast, week, olive_with_gus, login
) -> None:
    """Alice may not open Olive's week, so no week view names her appointment to Alice."""
    client = login(cast.alice)
    for view in (f"view=site&key={cast.site_a.code}", f"view=clinician&key={week.gus.public_id}"):
        page = client.get(f"{WEEK}?{view}&week={week.monday}").content.decode()
        assert "Olive Stone" not in page
        assert "Individual session: A patient of another care team" in page
    assert _views_of(cast.olive) == []
    # Gus, whose appointment it is, sees her name, and the read is audited.
    page = login(week.gus).get(f"{WEEK}?view=site&key={cast.site_a.code}&week={week.monday}")
    assert "Individual session: Olive Stone" in page.content.decode()
    (event,) = _views_of(cast.olive)
    assert event.actor == week.gus
    assert event.summary == f"Schedule, site week of {week.monday:%Y-%m-%d}"


def test_a_coordinators_site_week_audits_each_patient_it_names(
    cast, week, olive_with_gus, appointment, login
) -> None:
    page = login(cast.charlie).get(f"{WEEK}?view=site&key={cast.site_a.code}&week={week.monday}")
    assert "Individual session: Olive Stone" in page.content.decode()
    assert [e.actor for e in _views_of(cast.olive)] == [cast.charlie]
    assert [e.actor for e in _views_of(week.patients[0])] == [cast.charlie]
    # The patient's own week is audited once, not again for the appointment it names.
    login(cast.charlie).get(_week_of(cast.olive, week))
    assert len(_views_of(cast.olive)) == 2
