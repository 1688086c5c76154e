"""Named errors that services raise; views turn them into plain-words messages."""

from __future__ import annotations


class TrellisError(Exception):
    """Base of every error a service raises on purpose. ``str(error)`` is shown to the user."""


class ValidationFailed(TrellisError):
    """Input broke a rule; the message says which, in plain words."""


class NotPermitted(TrellisError):
    """The acting user may not do this."""
