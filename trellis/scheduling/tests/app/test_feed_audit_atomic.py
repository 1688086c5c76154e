"""A calendar fetch is noted and audited in one transaction (transactional: the failure is
that the note committed without its event)."""

from __future__ import annotations

from django.urls import reverse

from trellis.scheduling import services


def test_a_fetch_is_not_noted_without_its_audit_event(
    audit_truncate_for_flush: None,
    django_db_serialized_rollback: None,
    transactional_db: None,
    cast,
    week,
    client,
    monkeypatch,
) -> None:
    """Noted, a fetch in the same hour from the same address is not audited again: so the
    note is kept only with its event."""
    from trellis.scheduling.services import feeds

    feed, token = services.feed_create(actor=cast.alice, user=cast.alice)

    def down(**kwargs: object) -> None:
        raise RuntimeError("the audit store is down")

    monkeypatch.setattr(feeds, "audit_record", down)
    client.raise_request_exception = False
    assert client.get(reverse("scheduling:ical", args=[token])).status_code == 500
    feed.refresh_from_db()
    assert feed.last_used_at is None
