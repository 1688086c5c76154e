"""Keep secrets that live in URLs out of the log.

A calendar feed (`/schedule/feed/<token>.ics`) and a self-completion questionnaire
(`/q/<token>/`) carry their bearer secret in the path, as calendar apps and emailed links need.
`django.request` logs the path of a request that failed ("Internal Server Error: /q/…/"), so
the handlers' filter masks those tokens before a record is written.
"""

from __future__ import annotations

import logging
import re

SECRET_PATHS = re.compile(r"(/schedule/feed/|/q/)[^/\s'\"]+")
MASK = r"\1[secret]"


def mask(text: str) -> str:
    return SECRET_PATHS.sub(MASK, text)


class SecretPathFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = mask(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(mask(a) if isinstance(a, str) else a for a in record.args)
        return True
