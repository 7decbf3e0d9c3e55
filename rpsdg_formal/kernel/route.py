"""`generate`'s direct route: every theorem checked by the direct kernel, a sample by `lean` too.

Each batch's Lean file is written exactly as on the `lean` route (it is the published
certificate the records point to); its theorems were checked from their specs by the direct
kernel in the processes that prepared them (`pipeline.fused`, started from `setup`). The first
batch and one in `sample_every` are also checked by `lean` on that file; a theorem on which the
two routes disagree (verdict, or axioms) stops the run.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from rpsdg_formal.errors import KernelDisagreementError
from rpsdg_formal.kernel.check import Accepted, Kernel, PendingCheck, Verdict, start_check
from rpsdg_formal.kernel.direct import DirectSetup
from rpsdg_formal.kernel.emit import LeanTheorem, batch_file
from rpsdg_formal.kernel.faults import LIMIT, Settled, settle

LEAN_SAMPLE = 100
"""One batch in this many (and the first) is also checked by `lean`: a cross-check of the
term builder against the published text, not the verification itself (the kernel checks
every theorem on the direct route). At 250 theorems a batch and about 13 ms a theorem in
`lean`, one in 100 costs about 0.13 ms a theorem on average, 4% of the 3.6 ms that
1,000,000 theorems per CPU-hour allow (one in 20 cost 0.65 ms, 18%)."""


@dataclass(frozen=True)
class DirectRoute:
    """What the checking processes start the direct kernel from, and how often `lean` checks
    a batch too (0: only the first)."""

    setup: DirectSetup
    sample_every: int = LEAN_SAMPLE

    def sampled(self, number: int) -> bool:
        return number == 0 or (self.sample_every > 0 and number % self.sample_every == 0)


@dataclass
class DirectCheck:
    """A batch the direct kernel has judged (and, when sampled, `lean` is checking)."""

    path: Path
    theorems: Sequence[LeanTheorem]
    verdicts: Sequence[Verdict]  # the direct kernel's, one per theorem
    lean: PendingCheck | None

    def kill(self) -> None:
        if self.lean is not None:
            self.lean.kill()

    def settle(self) -> Settled:
        """A conclusive verdict per theorem; KernelDisagreementError if the sample differs."""
        settled = Settled({}, {})
        for theorem, verdict in zip(self.theorems, self.verdicts, strict=True):
            settled.verdicts[theorem.name] = verdict
            settled.files[theorem.name] = self.path.name
        if self.lean is not None:
            compare(settled, settle(self.lean, self.theorems), self.path)
        return settled


def start_direct(
    route: DirectRoute,
    kernel: Kernel,
    judged: tuple[Sequence[LeanTheorem], Sequence[Verdict]],
    path: Path,
    number: int,
) -> DirectCheck:
    """Write the file of batch `number` (its theorems and the direct kernel's verdicts on
    them, `judged`) and, when sampled, start `lean` on it."""
    theorems, verdicts = judged
    batch = batch_file(kernel.theory, theorems)
    if route.sampled(number):
        return DirectCheck(path, theorems, verdicts, start_check(kernel, batch, path))
    path.write_text(batch.text, encoding="utf-8")
    return DirectCheck(path, theorems, verdicts, None)


def agree(direct: Verdict, lean: Verdict) -> bool:
    """Same verdict, and the same axioms in the same order when accepted. A verdict about
    Lean's resources (`lean-limit`) says nothing about the theorem, so it agrees with any."""
    if LIMIT in (getattr(direct, "reason", ""), getattr(lean, "reason", "")):
        return True
    if isinstance(direct, Accepted) or isinstance(lean, Accepted):
        return direct == lean
    return True


def compare(direct: Settled, lean: Settled, path: Path) -> None:
    """Raise KernelDisagreementError on the first theorem the two routes judge differently."""
    for name, verdict in direct.verdicts.items():
        other = lean.verdicts[name]
        if not agree(verdict, other):
            raise KernelDisagreementError(
                f"{path}: the direct kernel route and `lean` disagree on {name} "
                f"(direct: {verdict}; lean: {other}); rerun with --kernel lean and report it"
            )
