"""Settling a batch whatever Lean does: a crash, a time or memory limit, or one bad theorem
costs only the theorems at fault.

A theorem's verdict is conclusive when the kernel accepted it or rejected it for a reason of
its own. Everything else (the whole file crashed or timed out, Lean hit a memory or heartbeat
limit, or stopped reporting) is re-checked by halves in new files beside the batch, until each
offender is alone; a theorem that fails alone is reported as `lean-limit` and dropped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from rpsdg_formal.errors import KernelCrashError
from rpsdg_formal.kernel.check import Kernel, PendingCheck, Rejected, Verdict, start_check
from rpsdg_formal.kernel.emit import LeanTheorem, batch_file

LIMIT = "lean-limit"
_NOT_THE_THEOREMS_FAULT = (
    "excessive memory consumption",
    "(deterministic) timeout",
    "maximum recursion depth",
    "deep recursion",
    "stack overflow",
)


@dataclass(frozen=True)
class Settled:
    """The verdict on every theorem of a batch, and the file (name) each was judged in."""

    verdicts: dict[str, Verdict]
    files: dict[str, str]


def conclusive(verdict: Verdict) -> bool:
    """Whether the verdict is about the theorem, not about Lean's resources or output."""
    if not isinstance(verdict, Rejected):
        return True
    if verdict.reason == "Lean printed no axiom report for the theorem":
        return False
    return not any(m in text for text in verdict.messages for m in _NOT_THE_THEOREMS_FAULT)


def settle(pending: PendingCheck, theorems: Sequence[LeanTheorem]) -> Settled:
    """Wait for `pending` (the check of `theorems`) and settle every verdict, re-checking the
    inconclusive ones by halves (synchronously)."""
    kernel, path = pending.kernel, pending.path
    try:
        verdicts = pending.wait()
        trouble = ""
    except KernelCrashError as err:
        verdicts = []
        trouble = str(err)
    settled = Settled({}, {})
    unsettled: list[LeanTheorem] = []
    for number, theorem in enumerate(theorems):
        verdict = verdicts[number] if verdicts else None
        if verdict is not None and conclusive(verdict):
            settled.verdicts[theorem.name] = verdict
            settled.files[theorem.name] = path.name
        else:
            unsettled.append(theorem)
            if isinstance(verdict, Rejected):
                trouble = "; ".join(verdict.messages) or verdict.reason
    if not unsettled:
        return settled
    if len(theorems) == 1:
        settled.verdicts[theorems[0].name] = Rejected(LIMIT, (trouble[-800:],))
        settled.files[theorems[0].name] = path.name
        return settled
    half = (len(unsettled) + 1) // 2
    for tag, part in (("a", unsettled[:half]), ("b", unsettled[half:])):
        if part:
            retry = path.with_name(f"{path.stem}{tag}.lean")  # batch_00007.lean → batch_00007a.lean
            more = settle(_start(kernel, part, retry), part)
            settled.verdicts.update(more.verdicts)
            settled.files.update(more.files)
    return settled


def require_progress(settled: Settled, path: Path) -> None:
    """Raise KernelCrashError when every theorem of a batch of several failed alone: Lean
    itself is failing (a broken theory, limits too tight for any theorem), not a theorem."""
    verdicts = list(settled.verdicts.values())
    if len(verdicts) > 1 and all(isinstance(v, Rejected) and v.reason == LIMIT for v in verdicts):
        first = verdicts[0]
        assert isinstance(first, Rejected)
        raise KernelCrashError(
            f"Lean failed on every theorem of {path}, each alone ({first.messages[0][:500]}); "
            "raise --lean-timeout, --max-heartbeats or --memory-mb, or check the theory"
        )


def _start(kernel: Kernel, theorems: Sequence[LeanTheorem], path: Path) -> PendingCheck:
    return start_check(kernel, batch_file(kernel.theory, theorems), path)
