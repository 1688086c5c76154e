"""Helpers the schedule page tests share: the week page's address, flash messages, the options
of a select, the queries of a page, a finished run, a pinned appointment its repeat clashes
with, and the people of `more_people` (conftest.py) as the dropdowns name them."""

from __future__ import annotations

import html
import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

WEEK = reverse("scheduling:week")


def solved(cast, week, monday=None, time_limit: int = 1):
    """A run of the week's site (of `monday`'s week; the fixture's by default), executed and
    finished (RunStatus.DONE)."""
    from trellis.scheduling import services
    from trellis.scheduling.models import RunStatus

    run = services.run_create(
        actor=cast.charlie,
        sites=[week.group_room.site],
        week_start=monday or week.monday,
        time_limit=time_limit,
    )
    services.run_execute(run.public_id)
    run.refresh_from_db()
    assert run.status == RunStatus.DONE
    return run


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def queries_for(client, url: str) -> int:
    """How many SQL queries one GET of `url` makes (it must answer 200)."""
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def options(response, name: str) -> list[str]:
    body = response.content.decode()
    select = re.search(rf'<select [^>]*name="{name}"[^>]*>(.*?)</select>', body, re.S)
    assert select, name
    return [
        html.unescape(label)
        for value, label in re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select[1])
        if value
    ]


CLINICIANS = ["Alice Archer", "Bella Zorn", "Gus Grant"]
PATIENTS = ["Erin Marsh", "Olive Stone", "Pat0 Extra", "Pat1 Extra", "Zack Able"]


def pinned_clash(run, week, patient, episode, clinician):
    """A pinned appointment of ``patient`` a week after ``run``'s week, in the room and at the
    time of its first session: publishing two weeks leaves that session's repeat out."""
    import datetime

    from trellis.accounts.models import DAY_CODES
    from trellis.organization.models import Room
    from trellis.scheduling.models import Appointment

    first = run.solution["sessions"][0]
    start = datetime.time.fromisoformat(first["start"])
    day = week.monday + datetime.timedelta(weeks=1, days=DAY_CODES.index(first["day"]))
    room = Room.objects.get(public_id=first["room"])
    return Appointment.objects.create(
        kind="individual",
        patient=patient,
        episode=episode,
        clinician=clinician,
        site=room.site,
        room=room,
        date=day,
        start=start,
        end=(datetime.datetime.combine(day, start) + datetime.timedelta(minutes=60)).time(),
        pinned=True,
    )
