"""End to end in headless Chromium: a clinician signs in, finds a patient, opens the chart."""

from __future__ import annotations

import datetime

import pytest
from playwright.sync_api import Page
from pytest_django.live_server_helper import LiveServer

from trellis.accounts.models import Role, StaffProfile, User
from trellis.core.tests.browser import PASSWORD, sign_in
from trellis.organization.models import LevelOfCare, Organization, Site, Track
from trellis.patients.models import CareTeamRole
from trellis.patients.services import care_team_add, patient_register

pytestmark = [pytest.mark.e2e]


def _program() -> tuple[User, str]:
    site = Site.objects.create(
        organization=Organization.objects.create(name="Test IOP"), name="Downtown", code="dt"
    )
    track = Track.objects.create(
        site=site,
        name="Adult SUD evening IOP",
        population="adult-sud",
        level_of_care=LevelOfCare.objects.get(system="asam-3", code="2.1"),
    )
    admin = User.objects.create_user("admin1", password=PASSWORD, role=Role.ADMINISTRATOR)
    clinician = User.objects.create_user(
        "morgan", password=PASSWORD, role=Role.CLINICIAN, first_name="Morgan", last_name="Reyes"
    )
    StaffProfile.objects.create(user=clinician).sites.add(site)
    for first, last in [("Rosa", "Delgado"), ("Omar", "Delaney"), ("Grace", "Okafor")]:
        _patient, episode = patient_register(
            actor=admin,
            track=track,
            referred_on=datetime.date.today() - datetime.timedelta(days=10),  # noqa: DTZ011
            reason="Test referral",
            first_name=first,
            last_name=last,
            date_of_birth=datetime.date(1990, 5, 17),
        )
        care_team_add(actor=admin, episode=episode, user=clinician, role=CareTeamRole.THERAPIST)
    return clinician, "Delgado"


def test_clinician_signs_in_searches_and_opens_the_chart(
    audit_truncate_for_flush: None,
    django_db_serialized_rollback: None,
    e2e_server: LiveServer,
    browser_page: Page,
) -> None:
    clinician, surname = _program()
    page = browser_page
    sign_in(page, e2e_server, clinician)
    assert page.get_by_role("heading", name="My caseload (3 patients)").is_visible()

    page.get_by_role("link", name="Patients", exact=True).click()
    page.get_by_label("Name or MRN").fill(surname)
    # htmx replaces the results as the clinician types.
    from playwright.sync_api import expect

    expect(page.locator("#patient-results tbody tr")).to_have_count(1)
    results = page.locator("#patient-results")
    assert "Delgado, Rosa" in results.inner_text()
    assert "Delaney" not in results.inner_text()

    results.get_by_role("link", name="Delgado, Rosa").click()
    assert page.get_by_role("heading", name="Rosa Delgado").is_visible()
    assert page.get_by_role("heading", name="Care team").is_visible()
    assert "Referred" in page.locator("main").inner_text()

    from trellis.audit.models import AuditEvent

    assert AuditEvent.objects.filter(
        action="chart.view", actor=clinician, patient__last_name="Delgado"
    ).exists()
