"""Secrets in URL paths (calendar feeds, questionnaire links) never reach the log."""

from __future__ import annotations

import logging

from django.conf import settings

from trellis.core.logfilters import SecretPathFilter, mask


def _record(msg: str, *args: object) -> logging.LogRecord:
    return logging.LogRecord("django.request", logging.ERROR, __file__, 1, msg, args, None)


def test_the_tokens_of_feed_and_questionnaire_paths_are_masked() -> None:
    record = _record("Internal Server Error: %s", "/schedule/feed/AbC-123_xyz.ics")
    SecretPathFilter().filter(record)
    assert record.getMessage() == "Internal Server Error: /schedule/feed/[secret]"
    record = _record("Not Found: /q/s3cr3t-t0ken/ and more")
    SecretPathFilter().filter(record)
    assert record.getMessage() == "Not Found: /q/[secret]/ and more"


def test_other_paths_are_left_as_they_are() -> None:
    path = "/patients/5d53756e-a387-46aa-8a61-7122565e05ac/"
    assert mask(f"Internal Server Error: {path}") == f"Internal Server Error: {path}"


def test_the_console_handler_uses_the_filter() -> None:
    logging_config: dict = settings.LOGGING
    assert logging_config["handlers"]["console"]["filters"] == ["secret_paths"]
    handler = logging.getLogger("django.request").handlers[0]
    assert any(isinstance(f, SecretPathFilter) for f in handler.filters)
