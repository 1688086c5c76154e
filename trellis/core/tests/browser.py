"""Browser fixtures for end-to-end tests: a live server per test and headless Chromium, and
`sign_in` through the login page.

Registered for the whole suite by `pytest_plugins` in the root conftest.py.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Page
from pytest_django.live_server_helper import LiveServer

CHROMIUM = "/usr/bin/chromium"
PASSWORD = "A-long-test-password-1"


def sign_in(page: Page, server: LiveServer, user: Any) -> None:
    """Give `user` the tests' PASSWORD and sign them in through the login page."""
    user.set_password(PASSWORD)
    user.save()
    page.goto(f"{server.url}/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{server.url}/")


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
