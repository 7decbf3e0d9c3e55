"""One judge for offered wrong steps, rewrite and equation alike: each is a theorem the kernel
checks; rejected is label −1 with Lean's first message, accepted is +1 (a valid step after all).

Identical offers (same statement, same proof) are checked once, under the name `neg_<i>` of
their first occurrence; renaming keeps a theorem's proof spec under the same name, which is
how the direct route recognises the theorems it may build itself. A rejection that came without
Lean's words about it (Lean stopped reporting after 100 errors in a file: nothing, or only its
notice that it stopped) is checked again alone, so a −1 row carries what Lean said about that
step.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from rpsdg_formal.dataset.negative import REJECTED, VALID
from rpsdg_formal.kernel.check import (
    Accepted,
    Kernel,
    Rejected,
    Verdict,
    check_batch,
    check_theorems,
)
from rpsdg_formal.kernel.emit import LeanTheorem, batch_file
from rpsdg_formal.kernel.messages import first_message

BATCH = 30
"""Offered theorems per Lean file: at most 2 errors each stays under Lean's limit of 100."""
PARALLEL = 2
"""Lean processes a judgement runs at once."""
ERROR_LIMIT = "maximum number of errors"
"""Lean's notice, at the theorem where it stopped, that a file reached `maxErrors` (100)."""


@dataclass(frozen=True)
class Judgement:
    """The kernel's verdict on one offered wrong step, as a label and Lean's first message
    (`""` when accepted)."""

    label: int
    message: str


def judge_theorems(offered: Sequence[LeanTheorem], kernel: Kernel, path: Path) -> list[Judgement]:
    """A judgement per offered theorem, in order. The distinct ones go to the batch file
    `path` (`path_000.lean`, … when there are more than `BATCH`); names are ignored."""
    unique: dict[tuple[str, str], LeanTheorem] = {}
    keys = []
    for theorem in offered:
        key = (theorem.statement, theorem.proof)
        if key not in unique:
            unique[key] = theorem.renamed(f"neg_{len(unique)}")
        keys.append(key)
    theorems = list(unique.values())
    verdicts = check_theorems(kernel, theorems, path, PARALLEL, BATCH)
    judged = {
        key: _judgement(_said(theorem, verdict, kernel, path))
        for key, theorem, verdict in zip(unique, theorems, verdicts, strict=True)
    }
    return [judged[key] for key in keys]


def about_itself(verdict: Rejected) -> bool:
    """Whether a rejection carries Lean's words about the theorem: some message, and none of
    them Lean's notice that the file reached its error limit (then the theorem's own error may
    be missing)."""
    return bool(verdict.messages) and not any(ERROR_LIMIT in m for m in verdict.messages)


def _said(theorem: LeanTheorem, verdict: Verdict, kernel: Kernel, path: Path) -> Verdict:
    """`verdict`, or, for a rejection without Lean's words about the theorem, the verdict of
    `theorem` checked again alone (in `path_<name>.lean`)."""
    if not isinstance(verdict, Rejected) or about_itself(verdict):
        return verdict
    alone = path.with_name(f"{path.stem}_{theorem.name}{path.suffix}")
    return check_batch(kernel, batch_file(kernel.theory, [theorem]), alone)[0]


def _judgement(verdict: Verdict) -> Judgement:
    if isinstance(verdict, Accepted):
        return Judgement(VALID, "")
    return Judgement(REJECTED, first_message(verdict.messages, verdict.reason))
