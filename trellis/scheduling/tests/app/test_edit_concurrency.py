"""Two coordinators editing one site's week at once are served one after the other (the site's
row lock, services/locks.py), so the second checks the week the first wrote. PostgreSQL only:
SQLite serialises writers itself. Not marked django_db: transactional (see conftest)."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.db import connection

from trellis.core.errors import ValidationFailed
from trellis.scheduling import services
from trellis.scheduling.models import GroupSession, GroupType


@pytest.mark.postgres
def test_two_coordinators_adding_a_session_to_one_room_at_once_get_one(
    audit_truncate_for_flush: None,
    django_db_serialized_rollback: None,
    transactional_db: None,
    cast,
    week,
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers itself; the row lock is PostgreSQL's")
    rp = GroupType.objects.get(code="rp")
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def add(actor, facilitator) -> None:
        try:
            barrier.wait()
            services.session_add(
                actor=actor,
                site=cast.site_a,
                group_type=rp,
                date=week.monday,
                start=datetime.time(17),
                room=week.group_room,
                facilitator=facilitator,
            )
            outcomes.append("added")
        except ValidationFailed:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [
        threading.Thread(target=add, args=(cast.charlie, cast.alice)),
        threading.Thread(target=add, args=(cast.ivy, week.gus)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["added", "refused"]
    assert GroupSession.objects.filter(date=week.monday, room=week.group_room).count() == 1
