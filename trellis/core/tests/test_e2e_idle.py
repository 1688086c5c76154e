"""End to end in headless Chromium: the idle warning offers to stay signed in, with the focus
on that button, and pressing it renews the session without leaving the page."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from trellis.core.tests.browser import sign_in

pytestmark = [pytest.mark.e2e]


def test_stay_signed_in_keeps_the_page_and_what_was_typed(
    audit_truncate_for_flush: None,
    django_db_serialized_rollback: None,
    e2e_server: LiveServer,
    browser_page: Page,
    cast,
    settings,
) -> None:
    settings.SESSION_IDLE_TIMEOUT_MINUTES = 1.05  # the warning comes after 3 s
    page = browser_page
    sign_in(page, e2e_server, cast.alice)
    page.goto(f"{e2e_server.url}/schedule/patients/{cast.erin_record.public_id}/")
    times = page.get_by_label("When the patient can attend")
    times.fill("Mon 17:00-21:00")
    warning = page.locator("#idle-warning")
    expect(warning).to_be_visible(timeout=10_000)
    stay = page.get_by_role("button", name="Stay signed in")
    expect(stay).to_be_focused()
    with page.expect_request("**/session/keep-alive/") as sent:
        stay.press("Enter")
    assert sent.value.method == "POST"
    expect(warning).to_be_hidden()
    expect(times).to_have_value("Mon 17:00-21:00")
