"""What building the demo produced: logins and counts."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class DemoLogin:
    username: str
    role: str
    description: str


@dataclass
class DemoResult:
    logins: list[DemoLogin] = field(default_factory=list)
    patients: int = 0
    staff: int = 0
    sessions: int = 0
    appointments: int = 0
