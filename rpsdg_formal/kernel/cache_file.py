"""A memo file of the kernel cache: written whole under a temporary name, then renamed into
place, so a reader (another run, at the same time) never sees half of one. A memo only spares
work, so one that cannot be written is skipped, with nothing left behind."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path


def write_memo(target: Path, text: str) -> None:
    """Write `text` to `target` (its folder made if needed), or nothing if that fails."""
    temp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        temp.write_text(text, encoding="utf-8")
        temp.replace(target)
    except OSError:
        with contextlib.suppress(OSError):
            temp.unlink(missing_ok=True)
