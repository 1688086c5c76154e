"""End to end in headless Chromium: a slow post (starting a run, which an inline task backend
solves inside the request; publishing) turns off its buttons and says the page is working, so a
second click cannot send it again."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, Route, expect
from pytest_django.live_server_helper import LiveServer

from trellis.core.tests.browser import sign_in
from trellis.scheduling.models import ScheduleRun

pytestmark = [pytest.mark.e2e]


def test_starting_a_run_turns_off_the_button_and_says_it_is_solving(
    audit_truncate_for_flush: None,
    django_db_serialized_rollback: None,
    e2e_server: LiveServer,
    browser_page: Page,
    cast,
    week,
) -> None:
    page = browser_page
    sign_in(page, e2e_server, cast.charlie)

    posts: list[str] = []

    def answer_posts_with_no_content(route: Route) -> None:
        # "204 No Content" keeps the page on screen as it is while the post is out, so the test
        # can look at it (a held navigation would block Playwright's reads of the page).
        if route.request.method == "POST":
            posts.append(route.request.post_data or "")
            route.fulfill(status=204)
        else:
            route.continue_()

    page.route("**/schedule/runs/", answer_posts_with_no_content)
    page.goto(f"{e2e_server.url}/schedule/runs/")
    page.get_by_label(cast.site_a.name).check()
    page.get_by_label("Week").fill(week.monday.isoformat())
    start = page.get_by_role("button", name="Start")
    start.click()

    expect(start).to_be_disabled()
    expect(page.get_by_role("status")).to_have_text(
        "Solving the week: the page changes when the run has finished, within its time limit."
    )
    # A second click, or a script submitting the form again, sends nothing more.
    start.click(force=True)
    page.evaluate("() => document.querySelector('form[data-busy]').requestSubmit()")
    page.wait_for_timeout(300)
    assert len(posts) == 1
    assert "sites=" in posts[0]  # the form's data went with the one post
    assert ScheduleRun.objects.count() == 0  # answered by the test, not the server
