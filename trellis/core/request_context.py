"""The current request's id and client address, for audit events written deep in services."""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestInfo:
    request_id: str = ""
    ip: str | None = None


_NO_REQUEST = RequestInfo()
_current: ContextVar[RequestInfo] = ContextVar("trellis_request")


def current_request_info() -> RequestInfo:
    """The current request's id and IP; empty outside a request (commands, tasks, tests)."""
    return _current.get(_NO_REQUEST)


def set_request_info(info: RequestInfo) -> object:
    return _current.set(info)


def reset_request_info(token: object) -> None:
    _current.reset(token)  # type: ignore[arg-type]
