"""End to end in headless Chromium: the move page says which rule a change would break, as the
coordinator makes it, before anything is saved."""

from __future__ import annotations

import datetime

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from trellis.core.tests import factories as f
from trellis.core.tests.browser import sign_in
from trellis.scheduling.models import Appointment

pytestmark = [pytest.mark.e2e]


def test_coordinator_sees_a_broken_rule_while_editing_a_move(
    audit_truncate_for_flush: None,
    django_db_serialized_rollback: None,
    e2e_server: LiveServer,
    browser_page: Page,
    cast,
    week,
    booked,
) -> None:
    appointment = f.AppointmentFactory(
        episode=week.episodes[1],
        clinician=week.gus,
        site=week.group_room.site,
        room=week.office,
        date=week.monday,
        start=datetime.time(19),
        end=datetime.time(20),
    )

    page = browser_page
    sign_in(page, e2e_server, cast.charlie)

    page.goto(f"{e2e_server.url}/schedule/appointment/{appointment.public_id}/move/")
    page.get_by_label("Room").select_option(label=str(week.group_room))
    page.get_by_label("Start").fill("17:00")
    page.get_by_label("Start").blur()
    expect(page.locator("#move-check")).to_contain_text("Group A is already in use Monday")

    page.get_by_label("Start").fill("19:00")
    page.get_by_label("Start").blur()
    expect(page.locator("#move-check")).to_contain_text("No rule is broken")

    appointment.refresh_from_db()
    assert appointment.room == week.office  # nothing saved until Move
    assert Appointment.objects.get(pk=appointment.pk).start == datetime.time(19)
