"""Development and demo settings: SQLite by default, debug on, tasks run inline."""

from __future__ import annotations

from config.env import env_bool

from .base import *  # noqa: F403
from .base import TASKS

DEBUG = env_bool("DEBUG", True)
# The demo runs background jobs inline: nobody has to start a worker.
TASKS["default"] = {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}

# Serve static files straight from the source folders; no collectstatic in development.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
