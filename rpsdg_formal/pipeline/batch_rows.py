"""What a settled batch writes: its records (JSON lines) and its rejected.jsonl rows.

An item reaches the parent either prepared (the `lean` route: its record is finished here with
the verdicts `lean` gave) or judged (the direct route: its worker checked it and serialised its
record, leaving only the Lean file to fill in).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rpsdg_formal.kernel.check import Rejected, Verdict
from rpsdg_formal.kernel.faults import Settled
from rpsdg_formal.pipeline.judged import Judged
from rpsdg_formal.pipeline.outputs import json_line, rejected_row
from rpsdg_formal.pipeline.prepare import Prepared, finish

Item = Prepared | Judged
"""An item as the workers hand it back: judged already on the direct route."""


def verdicts_of(items: Sequence[Item]) -> list[Verdict]:
    """The direct kernel's verdicts on the theorems of `items` (judged by the workers), in the
    order the batch file lists the theorems."""
    out: list[Verdict] = []
    for item in items:
        if not isinstance(item, Judged):
            raise TypeError(f"item {item.index} reached the direct route unjudged")
        if item.error is None:
            out.extend(item.verdicts)
    return out


def batch_rows(
    items: Sequence[Item], settled: Settled, room: int, lean_version: str
) -> tuple[list[bytes], list[dict[str, Any]]]:
    """Records of the batch's verified theorems (at most `room`, as UTF-8 JSON lines), and its
    rejected.jsonl rows (errors found while preparing, and every proof the kernel did not
    accept)."""
    files = {name: f"lean/{file}" for name, file in settled.files.items()}
    good: list[bytes] = []
    bad: list[dict[str, Any]] = []
    for item in items:
        if item.error is not None:
            bad.append(dict(item.error))
            continue
        if isinstance(item, Judged):
            file = files[item.theorems[0].name]
            line = item.record_line(file)
            if line is None or len(item.theorems) > 1:  # else its one theorem was accepted
                bad += item.rejected_rows(file)
        else:
            bad += _rejected(item, settled, files)
            record = finish(item, settled.verdicts, lean_version, files)
            line = None if record is None else json_line(record).encode()
        if line is not None and len(good) < room:
            good.append(line)
    return good, bad


def _rejected(item: Prepared, settled: Settled, files: dict[str, str]) -> list[dict[str, Any]]:
    """The rows of the item's theorems the kernel did not accept."""
    out = []
    for theorem in item.theorems:
        verdict = settled.verdicts[theorem.name]
        if isinstance(verdict, Rejected):
            out.append(rejected_row(theorem.name, verdict, files[theorem.name]))
    return out
