"""`generate`'s direct route: every theorem checked by the direct kernel, a sample by `lean` too.

Each batch's Lean file is written exactly as on the `lean` route (it is the published
certificate the records point to); its theorems were checked from their specs by the direct
kernel in the processes that prepared them (`pipeline.fused`, started from `setup`). `lean` also
checks a sample of them, written with the same header to a file of its own in a private
temporary folder: in the first batch and one in `sample_every`, one theorem in `SPREAD` (only the
first, once `lean` has confirmed `SPREAD_CONFIRMED` spread theorems of this code and theory in
earlier runs: `kernel.confirmed`); then, in every batch, theorems until each name (a constant, a
rule, a binder, a step) any theorem of the batch uses has been used by a theorem `lean` checked
this run or confirmed in an earlier one. A theorem on which the two routes disagree (verdict, or
axioms) stops the run.

Why names: the sample cross-checks the term builder against the published text, and each thing
either of them can get wrong on its own (a rule's instance, an operator, a numeral, a binder, a
congruence step, a chain's length) shows up as a name in the text. The theorems that cover the
names are picked greedily, the one bringing the most unseen names first: in the first batch of
a default field run, after the spread, 4 more cover every name, where taking each theorem that
brought one, in order, took 19. The spread is a hedge against a fault that no new name reveals;
such a fault belongs to the code and theory, like the names, so the spread is owed once per code
and theory, not once per run.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from rpsdg_formal.errors import KernelDisagreementError
from rpsdg_formal.kernel.check import Accepted, Kernel, PendingCheck, Verdict, start_check
from rpsdg_formal.kernel.confirmed import Confirmed, Memory
from rpsdg_formal.kernel.direct import DirectSetup
from rpsdg_formal.kernel.emit import LeanTheorem, batch_file
from rpsdg_formal.kernel.faults import LIMIT, Settled, settle

LEAN_SAMPLE = 100
"""One batch in this many (and the first) also has one theorem in `SPREAD` checked by `lean`,
besides the theorems that cover the names `lean` has not seen. `lean` takes about 10–13 ms a
theorem and 60 ms to start; the first default run of 1,000 field theorems of this code has 29–30
checked (0.36–0.40 s of CPU, where the whole run costs 1.8 s), a later one 1 (0.06 s)."""

SPREAD = 10
"""In a sampled batch, `lean` also checks the 1st, 11th, 21st, … theorem."""

SPREAD_CONFIRMED = 25
"""Once `lean` has confirmed this many spread theorems of the same code and theory (the first
batch of one default run), a sampled batch's spread is its first theorem: every run still has
`lean` check at least one theorem."""


def names_in(theorem: LeanTheorem) -> list[str]:
    """The words of the theorem's statement and proof, parentheses aside (its name aside):
    its identifiers and a few symbols, repeats included. Plain string splitting: a regular
    expression for identifiers alone took twice the time, and the parent looks at every
    theorem."""
    words = theorem.statement.replace("(", " ").replace(")", " ").split()
    words += theorem.proof.replace("(", " ").replace(")", " ").split()
    return words


@dataclass
class Coverage:
    """The names used by the theorems `lean` has been given this run or confirmed in earlier
    ones, and whether the spread is still owed (`thin`: it is not)."""

    seen: set[str] = field(default_factory=set)
    thin: bool = False

    @classmethod
    def after(cls, confirmed: Confirmed) -> Coverage:
        """The coverage a run starts from, given what earlier runs had `lean` confirm."""
        return cls(set(confirmed.names), confirmed.spread >= SPREAD_CONFIRMED)

    def unseen(self, theorem: LeanTheorem) -> set[str]:
        """The names `theorem` uses that no theorem given to `lean` used."""
        names = names_in(theorem)
        if self.seen.issuperset(names):  # the common case, without building a set
            return set()
        return set(names) - self.seen

    def cover(self, theorems: Sequence[LeanTheorem], given: set[int]) -> set[int]:
        """`given` (indices into `theorems`) and more, until every name of `theorems` is seen
        (and counts as seen from now). The more are picked greedily, the theorem bringing the
        most unseen names first (the earliest among equals): not always the fewest possible,
        but far fewer than each theorem that brings a name, in order."""
        chosen = set(given)
        for k in sorted(chosen):
            self.seen.update(names_in(theorems[k]))
        fresh = {
            k: news for k, t in enumerate(theorems) if k not in chosen if (news := self.unseen(t))
        }
        while fresh:
            best = max(fresh, key=lambda k: (len(fresh[k]), -k))
            news = fresh.pop(best)
            chosen.add(best)
            self.seen.update(news)
            fresh = {k: left for k, names in fresh.items() if (left := names - news)}
        return chosen


@dataclass(frozen=True)
class DirectRoute:
    """What the checking processes start the direct kernel from, and how often `lean` checks
    a batch too (0: only the first)."""

    setup: DirectSetup
    sample_every: int = LEAN_SAMPLE
    memory: Memory | None = None  # what `lean` confirmed in earlier runs (None: not kept)

    def coverage(self) -> Coverage:
        """The coverage this run starts from."""
        return Coverage.after(self.memory.load() if self.memory is not None else Confirmed())

    def sampled(self, number: int) -> bool:
        return number == 0 or (self.sample_every > 0 and number % self.sample_every == 0)


@dataclass(frozen=True)
class Sample:
    """The theorems of a batch `lean` checks too, in batch order, and which are the spread's."""

    theorems: tuple[LeanTheorem, ...] = ()
    spread: frozenset[str] = frozenset()


@dataclass
class DirectCheck:
    """A batch the direct kernel has judged (and `lean` is checking a sample of, in `folder`)."""

    path: Path
    theorems: Sequence[LeanTheorem]
    verdicts: Sequence[Verdict]  # the direct kernel's, one per theorem
    lean: PendingCheck | None
    sample: Sample = Sample()
    folder: Path | None = None  # the sample's private folder, removed when settled or killed
    memory: Memory | None = None  # where what `lean` confirms is remembered

    def kill(self) -> None:
        if self.lean is not None:
            self.lean.kill()
        self._clean()

    def settle(self) -> Settled:
        """A conclusive verdict per theorem; KernelDisagreementError if the sample differs."""
        settled = Settled({}, {})
        for theorem, verdict in zip(self.theorems, self.verdicts, strict=True):
            settled.verdicts[theorem.name] = verdict
            settled.files[theorem.name] = self.path.name
        try:
            if self.lean is not None:
                lean = settle(self.lean, self.sample.theorems)
                compare(settled, lean, self.path)
                if self.memory is not None:
                    self.memory.add(confirmed(self.sample, settled, lean))
        finally:
            self._clean()
        return settled

    def _clean(self) -> None:
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)


def spread_of(route: DirectRoute, coverage: Coverage, size: int, number: int) -> set[int]:
    """The spread's theorems in batch `number` of `size` (indices; see the module docstring)."""
    if not route.sampled(number) or size == 0:
        return set()
    return {0} if coverage.thin else set(range(0, size, SPREAD))


def lean_sample(
    route: DirectRoute, coverage: Coverage, theorems: Sequence[LeanTheorem], number: int
) -> Sample:
    """The theorems of batch `number` that `lean` checks too (see the module docstring)."""
    spread = spread_of(route, coverage, len(theorems), number)
    chosen = tuple(theorems[k] for k in sorted(coverage.cover(theorems, spread)))
    return Sample(chosen, frozenset(theorems[k].name for k in spread))


def confirmed(sample: Sample, direct: Settled, lean: Settled) -> Confirmed:
    """What `lean` confirmed of `sample`: the names of the theorems both routes accepted with
    the same axioms, and how many of those were the spread's."""
    accepted = [
        t
        for t in sample.theorems
        if isinstance(verdict := lean.verdicts.get(t.name), Accepted)
        and direct.verdicts.get(t.name) == verdict
    ]
    names = frozenset(n for t in accepted for n in names_in(t))
    return Confirmed(names, sum(t.name in sample.spread for t in accepted))


def start_direct(
    kernel: Kernel,
    judged: tuple[Sequence[LeanTheorem], Sequence[Verdict]],
    path: Path,
    sample: Sample,
    memory: Memory | None = None,
) -> DirectCheck:
    """Write the batch file at `path` (its theorems and the direct kernel's verdicts on them,
    `judged`) and start `lean` on `sample`, a file of its own, if there is one; what `lean`
    confirms is added to `memory`."""
    theorems, verdicts = judged
    path.write_text(batch_file(kernel.theory, theorems).text, encoding="utf-8")
    if not sample.theorems:
        return DirectCheck(path, theorems, verdicts, None)
    folder = Path(tempfile.mkdtemp(prefix="rpsdg-lean-sample-"))
    try:
        text = batch_file(kernel.theory, sample.theorems)
        lean = start_check(kernel, text, folder / path.name)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return DirectCheck(path, theorems, verdicts, lean, sample, folder, memory)


def agree(direct: Verdict, lean: Verdict) -> bool:
    """Same verdict, and the same axioms in the same order when accepted. A verdict about
    Lean's resources (`lean-limit`) says nothing about the theorem, so it agrees with any."""
    if LIMIT in (getattr(direct, "reason", ""), getattr(lean, "reason", "")):
        return True
    if isinstance(direct, Accepted) or isinstance(lean, Accepted):
        return direct == lean
    return True


def compare(direct: Settled, lean: Settled, path: Path) -> None:
    """Raise KernelDisagreementError on the first theorem `lean` judged (all, or a sample)
    differently from the direct route."""
    for name, other in lean.verdicts.items():
        verdict = direct.verdicts[name]
        if not agree(verdict, other):
            raise KernelDisagreementError(
                f"{path}: the direct kernel route and `lean` disagree on {name} "
                f"(direct: {verdict}; lean: {other}); rerun with --kernel lean and report it"
            )
