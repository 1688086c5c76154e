"""End to end in headless Chromium: Copy the link says it copied, and where the browser
refuses the clipboard it selects the link and says to copy it by hand (it did nothing)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from trellis.core.tests.browser import PASSWORD

pytestmark = [pytest.mark.e2e]


def test_copy_the_link_says_what_happened(
    audit_truncate_for_flush: None,
    django_db_serialized_rollback: None,
    e2e_server: LiveServer,
    browser_page: Page,
    cast,
    portal_week,
) -> None:
    page = browser_page
    cast.erin.set_password(PASSWORD)
    cast.erin.save()
    page.goto(f"{e2e_server.url}/login/")
    page.get_by_label("Username").fill(cast.erin.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    page.goto(f"{e2e_server.url}/portal/calendar/")
    page.get_by_role("button", name="Make a calendar link").click()
    copy = page.get_by_role("button", name="Copy the link")
    expect(copy).to_be_visible()

    page.evaluate(
        "() => { navigator.clipboard.writeText = () => Promise.reject(new Error('denied')); }"
    )
    copy.click()
    expect(page.get_by_text("the link is selected, copy it with Ctrl+C")).to_be_visible()
    selected = page.evaluate("() => window.getSelection().toString().trim()")
    assert selected.startswith(f"{e2e_server.url}/schedule/feed/")
    assert selected.endswith(".ics")

    page.evaluate("() => { navigator.clipboard.writeText = () => Promise.resolve(); }")
    copy.click()
    expect(page.get_by_text("Copied.")).to_be_visible()
