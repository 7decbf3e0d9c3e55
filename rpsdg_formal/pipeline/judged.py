"""A prepared item the kernel has already judged: what a fused worker hands the parent.

On the default route the process that prepares theorem i also checks it with the direct kernel
(`fused`), so proof specs never cross a pipe. What does cross is a `Judged` item: what admission
needs (index, statement key, bound, error), its theorems as Lean text (for the batch file and
the `lean` sample), one verdict per theorem, and its record already serialised. The one field
of the record only the parent can know, the Lean file the admitted item lands in, is left as a
gap: the line is kept as the text before and after that JSON string.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from rpsdg_formal.dataset.record import TheoremRecord, Verified
from rpsdg_formal.dataset.record_line import line_around_nul, record_line
from rpsdg_formal.errors import KernelCrashError
from rpsdg_formal.kernel.check import Rejected, Verdict
from rpsdg_formal.kernel.emit import LeanTheorem
from rpsdg_formal.kernel.faults import LIMIT
from rpsdg_formal.pipeline.outputs import rejected_row
from rpsdg_formal.pipeline.prepare import Prepared, finished

GAP = "\0"
"""The record's `lean_file` while the worker serialises it: no file name holds a NUL, so its
JSON form `"\\u0000"` occurs exactly once in the line."""
_GAP_JSON = json.dumps(GAP)
DIED = "the direct kernel worker died checking this theorem alone"


@dataclass(frozen=True, eq=False)
class Judged:
    """The work of one index with the kernel's verdicts. `key` is None when the index drew
    nothing usable; `error` is its rejected.jsonl row when it was refused before the kernel;
    otherwise `theorems` (Lean text only, primary first) each have a verdict in `verdicts`, and
    `line` is its record's JSON line around the Lean file name (None: not verified)."""

    index: int
    key: bytes | None = None
    bucket: int = 0
    theorems: tuple[LeanTheorem, ...] = ()
    verdicts: tuple[Verdict, ...] = ()
    line: tuple[str, str] | None = None
    error: Mapping[str, Any] | None = None

    def record_line(self, lean_file: str) -> str | None:
        """Its theorems.jsonl line (with the newline) naming `lean_file`, or None."""
        if self.line is None:
            return None
        head, tail = self.line
        return head + _quoted(lean_file) + tail

    def rejected_rows(self, lean_file: str) -> list[dict[str, Any]]:
        """Its rejected.jsonl rows: the error, or each theorem the kernel did not accept."""
        if self.error is not None:
            return [dict(self.error)]
        return [
            rejected_row(t.name, v, lean_file)
            for t, v in zip(self.theorems, self.verdicts, strict=True)
            if isinstance(v, Rejected)
        ]


def judged(item: Prepared, verdicts: Sequence[Verdict], lean_version: str) -> Judged:
    """`item` with `verdicts` (one per theorem; ignored for an item the kernel never sees)."""
    if item.key is None or item.error is not None:
        return Judged(item.index, item.key, item.bucket, error=item.error)
    if len(verdicts) != len(item.theorems):
        raise KernelCrashError(
            f"item {item.index}: {len(verdicts)} verdicts for {len(item.theorems)} theorems"
        )
    texts = tuple([LeanTheorem(t.name, t.statement, t.proof) for t in item.theorems])
    done = finished(item, verdicts, lean_version, GAP)
    line = None if done is None else _line(*done)
    return Judged(item.index, item.key, item.bucket, texts, tuple(verdicts), line)


def died(item: Prepared, lean_version: str) -> Judged:
    """`item` as reported when checking it alone killed the kernel's process: each theorem
    rejected as a kernel limit (so not written as verified)."""
    limit = Rejected(LIMIT, (DIED,))
    return judged(item, [limit] * len(item.theorems), lean_version)


@functools.lru_cache(maxsize=4)
def _quoted(lean_file: str) -> str:
    """The JSON string of a Lean file name (one per batch, for each of its records)."""
    return json.dumps(lean_file, ensure_ascii=False)


def _line(record: TheoremRecord, verified: Verified) -> tuple[str, str]:
    """The record's line (with its newline) around its Lean file's gap: cut there by the
    compiled writer where it can, else found in the written line."""
    cut = line_around_nul(record, verified)
    if cut is not None:
        return cut[0], cut[1] + "\n"
    return _split(record_line(record, verified))


def _split(line: str) -> tuple[str, str]:
    """The line around its Lean file's gap (the newline added after it)."""
    head, gap, tail = line.partition(_GAP_JSON)
    if not gap or _GAP_JSON in tail:
        raise KernelCrashError(f"a record line does not hold its Lean file exactly once: {line}")
    return head, tail + "\n"
