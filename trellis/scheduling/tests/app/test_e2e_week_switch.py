"""End to end in headless Chromium: changing what the week shows offers that view's choices at
once, without pressing Show."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from trellis.core.tests.browser import sign_in

pytestmark = [pytest.mark.e2e]


def test_the_which_list_follows_the_show_switch(
    audit_truncate_for_flush: None,
    django_db_serialized_rollback: None,
    e2e_server: LiveServer,
    browser_page: Page,
    cast,
    week,
    booked,
) -> None:
    page = browser_page
    sign_in(page, e2e_server, cast.charlie)
    page.goto(f"{e2e_server.url}/schedule/?view=site&key=north&week={week.monday}")
    expect(page.get_by_label("Site", exact=True)).to_contain_text("Northside")

    # The status line outside the grid stays the same node (a live region replaced would not
    # be announced) and says what the switch showed.
    page.evaluate("() => { document.getElementById('view-shown').dataset.marker = 'kept'; }")
    page.get_by_label("Show").select_option("clinician")
    expect(page.locator("#view-shown")).to_have_text(
        f"Showing Alice Archer, week of {week.monday:%-d %b %Y}."
    )
    assert page.evaluate("() => document.getElementById('view-shown').dataset.marker") == "kept"
    # The second list is named by the view, and the tab's title follows the page.
    expect(page.get_by_label("Clinician", exact=True)).to_contain_text("Gus Grant")
    expect(page.locator("h1")).to_contain_text("Alice Archer")  # the view's first choice
    expect(page).to_have_title(f"Schedule: Alice Archer, week of {week.monday:%-d %b %Y} · Trellis")
    assert "view=clinician" in page.url
    expect(page.get_by_label("Week of", exact=True)).to_have_value(str(week.monday))


def test_back_shows_the_lists_as_the_week_shown(
    audit_truncate_for_flush: None,
    django_db_serialized_rollback: None,
    e2e_server: LiveServer,
    browser_page: Page,
    cast,
    week,
    booked,
) -> None:
    """The browser does not put back the last choice beside another week's grid (a review:
    after Back the list said Gus Grant over Alice Archer's week)."""
    page = browser_page
    sign_in(page, e2e_server, cast.charlie)
    page.goto(f"{e2e_server.url}/schedule/?view=site&key=north&week={week.monday}")
    page.get_by_label("Show").select_option("clinician")
    expect(page.locator("h1")).to_contain_text("Alice Archer")
    page.get_by_label("Clinician", exact=True).select_option(label="Gus Grant")
    page.get_by_role("button", name="Show week").click()
    expect(page.locator("h1")).to_contain_text("Gus Grant")
    page.go_back()
    expect(page.locator("h1")).to_contain_text("Alice Archer")
    expect(page.get_by_label("Clinician", exact=True)).to_have_value(str(cast.alice.public_id))
