"""Test settings: fast hashing, inline tasks, SQLite unless DATABASE_URL names PostgreSQL."""

from __future__ import annotations

from .base import *  # noqa: F403
from .base import DATABASES, TASKS

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TASKS["default"] = {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
ALLOWED_HOSTS = ["*"]
AXES_ENABLED = True
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
# The live server of the browser test must not keep connections open past the test.
DATABASES["default"]["CONN_MAX_AGE"] = 0
