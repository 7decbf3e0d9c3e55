"""The service's refusals: each carries the HTTP status that says why. They live with the
service, not in the core error tree, because only the HTTP layer gives them a meaning."""

from __future__ import annotations

from http import HTTPStatus

from rpsdg_formal.errors import RpsdgError


class RequestError(RpsdgError, ValueError):
    """A request the service refuses; `status` is the HTTP status that says why."""

    def __init__(self, status: int, message: str, allow: str = "") -> None:
        self.status = status
        self.allow = allow
        super().__init__(message)


class BusyError(RequestError):
    """Every Lean worker is taken and the queue is full: the client should retry later."""

    def __init__(self, message: str) -> None:
        super().__init__(HTTPStatus.SERVICE_UNAVAILABLE, message)
