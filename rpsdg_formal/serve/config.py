"""The service's settings and limits, and the request errors every part of it raises.

`ServiceConfig` says how the service listens and how much one request may ask for; the
constants bound what a single proof may contain. HTTP errors live here (`RequestError` with a
status), not in the core error tree's commands.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

from rpsdg_formal.errors import ConfigError
from rpsdg_formal.serve.errors import RequestError

Json = dict[str, Any]
Log = Callable[[str], None]


MAX_STATEMENT_CHARS = 10_000
"""The longest human-syntax `statement` of a tactic proof accepted (characters)."""

MAX_ID_CHARS = 200
"""The longest proof `id` accepted (characters)."""


MAX_VARIABLES = 64
"""The most variables a tactic proof's statement may declare."""

MAX_MESSAGE_CHARS = 4000
"""Lean messages longer than this are cut in answers."""

PER_FILE = 30
"""Kernel-syntax theorems per Lean file (Lean stops reporting after 100 errors)."""

DRAIN_LIMIT = 8 << 20
"""At most this many bytes of a refused body are read and dropped, so the client sees the answer."""

NOT_CLOSED = "goal not closed"

PATHS = {"/health": "GET", "/theories": "GET", "/openapi.json": "GET", "/verify": "POST"}
"""Every endpoint and the one method it answers."""


@dataclass(frozen=True)
class ServiceConfig:
    """How the service listens and how much work one request may ask for."""

    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 2  # Lean checks running at once
    max_body_bytes: int = 1 << 20
    max_proofs: int = 64  # proofs per request
    max_tactics: int = 64  # tactics per proof
    request_timeout: float = 60.0  # seconds of Lean time per request, and per Lean file
    memory_mb: int = 2048  # Lean's --memory per process
    queue_limit: int = 32  # requests waiting for a worker; one more is refused with 503
    io_timeout: float = 30.0  # seconds a client may take to send its request

    def __post_init__(self) -> None:
        problems = [
            f"{name} must be at least {low}, got {value}"
            for name, value, low in (
                ("workers", self.workers, 1),
                ("max_body_bytes", self.max_body_bytes, 1),
                ("max_proofs", self.max_proofs, 1),
                ("max_tactics", self.max_tactics, 1),
                ("memory_mb", self.memory_mb, 0),
                ("queue_limit", self.queue_limit, 0),
            )
            if value < low
        ]
        if not 0 <= self.port <= 65535:
            problems.append(f"port must be in 0..65535, got {self.port}")
        if self.request_timeout <= 0 or self.io_timeout <= 0:
            problems.append("request_timeout and io_timeout must be positive")
        if problems:
            raise ConfigError("service configuration: " + "; ".join(problems))


def bad_request(message: str) -> RequestError:
    return RequestError(HTTPStatus.BAD_REQUEST, message)


def unprocessable(message: str) -> RequestError:
    return RequestError(HTTPStatus.UNPROCESSABLE_ENTITY, message)
