"""A dependency-free progress line on stderr: redrawn in place on a terminal, one line per
update otherwise (so CI logs stay readable)."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class Progress:
    """Reports `done / total` with a rate; silent when `enabled` is False."""

    def __init__(self, total: int, label: str, enabled: bool = True, stream: TextIO | None = None):
        self.total = total
        self.label = label
        self.enabled = enabled
        self.stream = stream if stream is not None else sys.stderr
        self.started = time.monotonic()
        self.tty = self.stream.isatty()

    def update(self, done: int, note: str = "") -> None:
        if not self.enabled:
            return
        elapsed = max(time.monotonic() - self.started, 1e-9)
        width = 30
        filled = int(width * done / self.total) if self.total else width
        bar = "#" * filled + "-" * (width - filled)
        line = f"{self.label} [{bar}] {done}/{self.total} ({done / elapsed:.0f}/s){note}"
        if self.tty:
            self.stream.write("\r" + line)
        else:
            self.stream.write(line + "\n")
        self.stream.flush()

    def close(self) -> None:
        if self.enabled and self.tty:
            self.stream.write("\n")
            self.stream.flush()
