"""Checkpoints of a generation run, so a run killed at any moment resumes without loss.

After each batch's records are appended and flushed, `out/checkpoint.json` is replaced
atomically (write, fsync, rename) with how far the run got: batches done, the next theorem
index, the sizes of the batches then in flight, the counters, the quotas left, and the byte
length of each output file (the records, the rejected rows and the statement keys). Resuming
truncates the outputs to those lengths (dropping a half-written batch or line), restores the
keys, re-forms the batches that were in flight from the same indices (theorem i depends only on
the seed and i) and goes on: nothing is redone, and the result is byte-for-byte the output of an
uninterrupted run.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from rpsdg_formal.errors import OutputError

NAME = "checkpoint.json"


@dataclass(frozen=True)
class Checkpoint:
    """How far a run got, as of its last completed batch."""

    batches: int = 0  # batches whose results are in the output files
    position: int = 0  # the theorem index the first batch in flight started from
    sizes: tuple[int, ...] = ()  # theorems asked of each batch in flight at that moment
    accepted: int = 0
    rejected: int = 0
    disagreements: int = 0
    refused: int = 0
    good_bytes: int = 0  # length of theorems.jsonl
    bad_bytes: int = 0  # length of rejected.jsonl
    key_bytes: int = 0  # length of keys.bin (the statements taken so far)
    room: tuple[tuple[int, int], ...] | None = None  # theorems still wanted per bound (quotas)


def save(out: Path, checkpoint: Checkpoint) -> None:
    """Replace `out/checkpoint.json` atomically."""
    target = out / NAME
    temp = target.with_suffix(".tmp")
    try:
        with open(temp, "w", encoding="utf-8") as stream:
            stream.write(json.dumps(asdict(checkpoint)) + "\n")
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temp, target)
    except OSError as err:
        raise OutputError(f"cannot write {target}: {err.strerror or err}") from err


def load(out: Path) -> Checkpoint | None:
    """The checkpoint of an earlier run in `out`, or None if there is none (or it is unreadable,
    which a run that crashed before its first checkpoint leaves)."""
    try:
        data = json.loads((out / NAME).read_text(encoding="utf-8"))
        data["sizes"] = tuple(data["sizes"])
        if data["room"] is not None:
            data["room"] = tuple((int(k), int(n)) for k, n in data["room"])
        return Checkpoint(**data)
    except (OSError, ValueError, TypeError, KeyError):
        return None


def truncate(path: Path, length: int) -> None:
    """Cut `path` back to `length` bytes (what the checkpoint vouches for)."""
    try:
        with open(path, "r+b") as stream:
            stream.truncate(length)
    except OSError as err:
        raise OutputError(f"cannot truncate {path} to resume: {err.strerror or err}") from err
