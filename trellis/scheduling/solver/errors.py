"""Named errors raised by the solver package."""

from __future__ import annotations


class SchedulingError(ValueError):
    """Base class of every error the solver raises on bad input."""


class InstanceError(SchedulingError):
    """An instance is malformed or inconsistent; the message names what is wrong."""


class SolutionError(SchedulingError):
    """A (previous) solution is malformed or cannot be used, e.g. a pinned booking is infeasible."""
