"""The audit page: directors and administrators only, scoped to their sites, filterable."""

from __future__ import annotations

import pytest
from django.urls import reverse

from trellis.audit.models import AuditAction
from trellis.audit.services import audit_record
from trellis.core.tests import factories as f

AUDIT_PAGE = {
    "alice": 404,
    "bob": 404,
    "charlie": 200,
    "dana": 404,
    "ivy": 404,
    "adam": 200,
    "erin": 404,
    "frank": 404,
}


@pytest.mark.parametrize(("who", "expected"), list(AUDIT_PAGE.items()))
def test_audit_page_is_for_directors_and_administrators(cast, login, who, expected):
    response = login(cast.user(who)).get(reverse("audit:list"))
    assert response.status_code == expected


@pytest.fixture
def trail(cast):
    audit_record(actor=cast.alice, action=AuditAction.CHART_VIEW, patient=cast.erin_record)
    audit_record(actor=cast.bob, action=AuditAction.CHART_VIEW, patient=cast.bea)
    audit_record(actor=cast.bob, action=AuditAction.LOGIN, summary="Signed in")
    audit_record(actor=cast.alice, action=AuditAction.LOGIN, summary="Signed in")
    audit_record(actor=None, action=AuditAction.LOGIN_FAILED, actor_label="mallory")


def rows(response) -> list[tuple[str, str]]:
    page = response.context["page"]
    return [(e.actor_label, e.action) for e in page]


def test_a_director_sees_events_of_their_site_only(cast, login, trail):
    found = rows(login(cast.charlie).get(reverse("audit:list")))
    assert ("alice", "chart.view") in found
    assert ("alice", "auth.login") in found
    assert ("mallory", "auth.login_failed") in found  # no site known: directors see it
    assert not any(label == "bob" for label, _action in found)


def test_an_administrator_sees_everything(cast, login, trail):
    found = rows(login(cast.adam).get(reverse("audit:list")))
    assert ("bob", "chart.view") in found
    assert ("bob", "auth.login") in found


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"patient": "a000001"}, [("alice", "chart.view")]),
        ({"user": "ALICE", "action": "auth.login"}, [("alice", "auth.login")]),
        ({"action": "auth.login_failed"}, [("mallory", "auth.login_failed")]),
    ],
)
def test_filters(cast, login, trail, query, expected):
    response = login(cast.adam).get(reverse("audit:list"), query)
    assert rows(response) == expected


def test_date_filters(cast, login, trail):
    today = f.today()
    client = login(cast.adam)
    assert len(rows(client.get(reverse("audit:list"), {"date_from": today, "date_to": today}))) >= 5
    tomorrow = today.replace(year=today.year + 1)
    assert rows(client.get(reverse("audit:list"), {"date_from": tomorrow})) == []


def test_an_end_date_before_the_start_date_is_an_error_next_to_the_field(cast, login, trail):
    response = login(cast.adam).get(
        reverse("audit:list"), {"date_from": "2025-03-02", "date_to": "2025-03-01", "user": "bob"}
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert "The end date is before the start date." in content
    assert 'value="bob"' in content  # what was typed is kept


def test_filters_are_posted_and_paging_keeps_them(cast, login, trail):
    """An MRN typed into the filter travels in the request body, not the URL."""
    for _ in range(60):
        audit_record(actor=cast.adam, action="chart.view", patient=cast.olive)
    client = login(cast.adam)
    page = client.get(reverse("audit:list")).content.decode()
    assert 'id="audit-filter"' in page
    assert 'method="post"' in page
    first = client.post(reverse("audit:list"), {"patient": cast.olive.mrn})
    assert first.status_code == 200
    assert 'name="page" value="2"' in first.content.decode()
    second = client.post(reverse("audit:list"), {"patient": cast.olive.mrn, "page": "2"})
    events = list(second.context["page"])
    assert second.context["page"].number == 2
    assert events
    assert all(e.patient == cast.olive for e in events)
