"""End to end in headless Chromium: a clinician signs in, finds a patient, opens the chart."""

from __future__ import annotations

import datetime
import os
import shutil
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page
from pytest_django.live_server_helper import LiveServer

from trellis.accounts.models import Role, StaffProfile, User
from trellis.organization.models import LevelOfCare, Organization, Site, Track
from trellis.patients.models import CareTeamRole
from trellis.patients.services import care_team_add, patient_register

CHROMIUM = "/usr/bin/chromium"
PASSWORD = "A-long-test-password-1"

pytestmark = [pytest.mark.e2e]


@pytest.fixture
def e2e_server(transactional_db: None) -> Iterator[LiveServer]:
    """A live server for this test only. pytest-django's own is session-scoped, and its thread
    would hold a PostgreSQL connection open while the test database is dropped."""
    server = LiveServer("localhost")
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def browser_page() -> Iterator[Page]:
    if not shutil.which(CHROMIUM):
        if os.environ.get("TRELLIS_E2E_REQUIRED"):
            pytest.fail(f"{CHROMIUM} is required for end-to-end tests (apt-get install chromium)")
        pytest.skip(f"{CHROMIUM} is not installed")
    # Playwright's sync API runs an event loop in this thread; the ORM calls of the live
    # server happen in its own thread, but fixtures here touch the ORM after the loop exists.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        page = browser.new_page()
        try:
            yield page
        finally:
            browser.close()
            # Under Playwright's event loop the ORM keeps its connections apart from the test's
            # own; close them here, or PostgreSQL cannot drop the test database at the end.
            from django.db import connections

            connections.close_all()
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


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
    audit_truncate_for_flush: None, e2e_server: LiveServer, browser_page: Page
) -> None:
    clinician, surname = _program()
    page = browser_page
    page.goto(f"{e2e_server.url}/login/")
    page.get_by_label("Username").fill(clinician.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{e2e_server.url}/")
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
