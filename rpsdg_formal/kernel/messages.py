"""Lean's `--json` messages read in one place: the JSON lines, their positions, the axiom
reports of `#print axioms`, and the first error in a form a person can read."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path

from rpsdg_formal.errors import KernelCrashError

DEPENDS = re.compile(r"^'(?P<name>[^']+)' depends on axioms: \[(?P<axioms>.*)\]\s*$", re.DOTALL)
NO_AXIOMS = re.compile(r"^'(?P<name>[^']+)' does not depend on any axioms\s*$")
_LOCATION = re.compile(r"^[^\n]*?:\d+: (?:error|warning): ")


def json_messages(stdout: str, path: Path) -> list[dict[str, object]]:
    """Lean's `--json` output, one object per non-empty line; anything else means Lean broke."""
    messages = []
    for line in stdout.splitlines():
        if not line.strip():
            continue
        try:
            message = json.loads(line)
        except json.JSONDecodeError as err:
            raise KernelCrashError(
                f"Lean printed a line that is not JSON for {path}: {line[:300]}"
            ) from err
        if not isinstance(message, dict):
            raise KernelCrashError(f"unexpected Lean output for {path}: {line[:300]}")
        messages.append(message)
    return messages


def line_of(message: dict[str, object]) -> int:
    """The 1-based line a message points at (0 when it has no position)."""
    pos = message.get("pos")
    return int(pos.get("line", 0)) if isinstance(pos, dict) else 0


def first_message(messages: Sequence[str], reason: str) -> str:
    """Lean's first error (without the file and line prefix), else its first message."""
    errors = [m for m in messages if ": error: " in m] or list(messages)
    return _LOCATION.sub("", errors[0], count=1) if errors else reason
