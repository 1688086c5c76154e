"""Pure-Python weekly IOP scheduler on the trellis-week/1 interchange format (no Django)."""

from .errors import InstanceError, SchedulingError, SolutionError
from .instance import Instance, parse_instance
from .solution import Schedule, parse_schedule
from .solve import Progress, solve

__all__ = [
    "Instance",
    "InstanceError",
    "Progress",
    "Schedule",
    "SchedulingError",
    "SolutionError",
    "parse_instance",
    "parse_schedule",
    "solve",
]
