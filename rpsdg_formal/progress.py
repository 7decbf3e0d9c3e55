"""A dependency-free progress line on stderr: redrawn in place on a terminal, one line per
update otherwise (so CI logs stay readable)."""

from __future__ import annotations

import sys
import time
from typing import TextIO

TTY_INTERVAL = 0.2  # seconds between redraws on a terminal, for frequent (per item) updates
LOG_INTERVAL = 5.0  # seconds between lines in a log, for frequent updates


class Progress:
    """Reports `done / total` with a rate; silent when `enabled` is False. With `frequent`,
    updates come per item, so they are drawn at most every TTY_INTERVAL (terminal) or
    LOG_INTERVAL (log) seconds, and always when `done` reaches `total`."""

    def __init__(
        self,
        total: int,
        label: str,
        enabled: bool = True,
        stream: TextIO | None = None,
        frequent: bool = False,
    ):
        self.total = total
        self.label = label
        self.enabled = enabled
        self.stream = stream if stream is not None else sys.stderr
        self.started = time.monotonic()
        self.tty = self.stream.isatty()
        self.interval = (TTY_INTERVAL if self.tty else LOG_INTERVAL) if frequent else 0.0
        self.drawn = float("-inf")

    def update(self, done: int, note: str = "") -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self.drawn < self.interval and done < self.total:
            return
        self.drawn = now
        elapsed = max(now - self.started, 1e-9)
        width = 30
        filled = int(width * done / self.total) if self.total else width
        bar = "#" * filled + "-" * (width - filled)
        line = f"{self.label} [{bar}] {done}/{self.total} ({done / elapsed:.0f}/s){note}"
        if self.tty:
            self.stream.write("\r" + line + "\x1b[K")
        else:
            self.stream.write(line + "\n")
        self.stream.flush()

    def close(self) -> None:
        if self.enabled and self.tty:
            self.stream.write("\n")
            self.stream.flush()
