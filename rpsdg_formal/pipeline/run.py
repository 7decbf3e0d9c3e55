"""The generation pipeline: prepare (walk, select, emit) → admit → check (kernel) → write.

Worker processes prepare theorem i for i = 0, 1, 2, … (`workers`); the parent admits them in
index order (`admission`), packs them into batch files and keeps up to `lean_jobs` Lean
processes checking while the workers go on. On the direct route the workers also check each
item with the direct kernel before handing it back (`fused`), so the parent only admits,
writes the batch files and records, and starts `lean` on the sampled batches. A batch Lean
cannot finish is settled by halves (`faults`). Batches are written in order, a whole batch at
a time, each followed by an atomic checkpoint, so a run killed at any moment resumes to exactly
the output of an uninterrupted one.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from rpsdg_formal.dataset.jsonl import read_jsonl
from rpsdg_formal.errors import ConfigError, OutputError
from rpsdg_formal.kernel.check import Kernel, PendingCheck, start_check
from rpsdg_formal.kernel.emit import LeanTheorem, batch_file
from rpsdg_formal.kernel.faults import require_progress, settle
from rpsdg_formal.kernel.route import (
    Coverage,
    DirectCheck,
    DirectRoute,
    lean_sample,
    start_direct,
)
from rpsdg_formal.pipeline import checkpoint
from rpsdg_formal.pipeline.admission import KEY_BYTES, Admission, KeySet, short_key
from rpsdg_formal.pipeline.batch_rows import Item, batch_rows, verdicts_of
from rpsdg_formal.pipeline.config import GenerateConfig, GenerateSummary, manifest
from rpsdg_formal.pipeline.fused import FusedWorkers
from rpsdg_formal.pipeline.outputs import (
    KEYS,
    Outputs,
    prepare_output,
    resumable,
    write_manifest,
)
from rpsdg_formal.pipeline.prepare import Prepared, Preparer
from rpsdg_formal.pipeline.workers import prepared_items
from rpsdg_formal.progress import Progress
from rpsdg_formal.rewriting.selection import quotas
from rpsdg_formal.terms.expr import statement_key
from rpsdg_formal.terms.parse import parse_expr
from rpsdg_formal.theory.rules import RuleSet


def statements_of(folder: Path, rules: RuleSet) -> frozenset[bytes]:
    """The canonical statements (up to renaming and swapping sides) of an earlier dataset, so a
    new run can avoid them. Raises OutputError naming the file and line of a bad record."""
    path = folder / "theorems.jsonl"
    keys: set[bytes] = set()
    for number, record in read_jsonl(path):
        try:
            start = parse_expr(record["start"], rules.theory.signature)
            end = parse_expr(record["end"], rules.theory.signature)
        except (ValueError, KeyError, TypeError) as err:
            raise OutputError(f"{path}:{number}: not a theorem record ({err})") from err
        keys.add(statement_key(start, end))
    return frozenset(keys)


@dataclass
class _Batch:
    """Admitted items packed into one Lean file (and the Lean process checking it)."""

    number: int
    size: int  # theorems asked of it (its items with no error)
    start: int  # the index its first draw was
    items: list[Item]
    theorems: list[LeanTheorem]
    pending: PendingCheck | DirectCheck


@dataclass
class _Run:
    """The mutable state of one run, saved as a checkpoint after every batch written."""

    config: GenerateConfig
    kernel: Kernel
    source: Iterator[Item]
    admission: Admission
    taken: int  # statements admitted by this run
    state: checkpoint.Checkpoint
    in_flight: deque[_Batch] = field(default_factory=deque)
    progress: Progress | None = None
    prepared: int = 0  # items prepared by this process (shown while Lean checks)
    direct: DirectRoute | None = None  # the direct kernel route (else `lean` checks every batch)
    coverage: Coverage = field(default_factory=Coverage)  # the names `lean` has been shown

    def show(self) -> None:
        """The progress line: theorems verified, and items prepared and rejected so far."""
        if self.progress is not None and self.progress.enabled:
            rejected = f", {self.state.rejected} rejected" if self.state.rejected else ""
            self.progress.update(self.state.accepted, f", {self.prepared} prepared{rejected}")

    def form(self, size: int) -> _Batch:
        """Draw and admit items in index order until `size` theorems are packed; start Lean."""
        items: list[Item] = []
        first: int | None = None
        packed = 0
        while packed < size:
            item = next(self.source)
            self.prepared += 1
            self.show()
            first = item.index if first is None else first
            if self.admission.admit(item):
                items.append(item)
                packed += item.error is None
                self.taken += 1
            elif item.index > 1000 + 1000 * (self.taken + 1):
                raise ConfigError(
                    f"{item.index} draws gave only {self.taken} new distinct theorems in the "
                    "requested family and difficulty; widen --difficulty, raise --steps, "
                    "--max-size or the operator counts"
                )
        number = self.state.batches + len(self.in_flight)
        theorems = [t for item in items if item.error is None for t in item.theorems]
        path = self.config.out / "lean" / f"batch_{number:05d}.lean"
        pending: PendingCheck | DirectCheck
        if self.direct is not None:
            judged = (theorems, verdicts_of(items))
            sample = lean_sample(self.direct, self.coverage, theorems, number)
            pending = start_direct(self.kernel, judged, path, sample, self.direct.memory)
        else:
            pending = start_check(self.kernel, batch_file(self.kernel.theory, theorems), path)
        assert first is not None
        return _Batch(number, size, first, items, theorems, pending)

    def wanted(self) -> int:
        asked = sum(b.size for b in self.in_flight)
        return min(self.config.batch_size, self.config.count - self.state.accepted - asked)


def _restore(config: GenerateConfig, state: checkpoint.Checkpoint) -> Admission:
    """The admission state as of the checkpoint: excluded and already-taken statements, and the
    quotas left."""
    out = config.out
    checkpoint.truncate(out / "theorems.jsonl", state.good_bytes)
    checkpoint.truncate(out / "rejected.jsonl", state.bad_bytes)
    checkpoint.truncate(out / KEYS, state.key_bytes)
    try:
        taken = KeySet.from_bytes((out / KEYS).read_bytes())
    except OSError as err:
        raise OutputError(f"cannot read {out / KEYS}: {err.strerror or err}") from err
    admission = _admission(config, taken)
    if state.room is not None:
        admission.room = dict(state.room)
    return admission


@dataclass(frozen=True)
class Opened:
    """A run's folder ready for writing: where it stands and what it has taken."""

    state: checkpoint.Checkpoint
    admission: Admission


def open_run(
    rules: RuleSet, config: GenerateConfig, lean_version: str, backend: str = "local"
) -> Opened:
    """Prepare `config.out` for a run: resume an interrupted run of the same command there
    (outputs cut back to its checkpoint), or start afresh (refusing to overwrite without
    --force)."""
    content = manifest(config, rules, lean_version, backend)
    resume = None if config.force else resumable(config.out, content)
    prepare_output(config.out, config.force, resume is not None)
    write_manifest(config.out, content)
    state = resume or checkpoint.Checkpoint()
    if resume is None:
        checkpoint.save(config.out, state)
    return Opened(state, _restore(config, state))


def generate(
    rules: RuleSet,
    config: GenerateConfig,
    kernel: Kernel,
    show_progress: bool = True,
    direct: DirectRoute | None = None,
) -> GenerateSummary:
    """Generate `config.count` kernel-verified theorems into `config.out`.

    The caller vouches for the rule set: the CLI calls `audit.require_audit` first, and so
    should any other caller (a kernel-checked proof from a false axiom proves a false theorem).
    Rejected theorems (which a sound, audited rule set never produces) go to `rejected.jsonl`
    with Lean's messages. With `direct`, the kernel checks terms built from each theorem's
    spec (`kernel.route`), and `lean` checks a sample of the same files.
    """
    preparer = Preparer(rules, config.family, config.seed)  # validates the family first
    fused = None
    if direct is not None:  # DirectUnavailable before anything is written if it fails here
        fused = FusedWorkers(preparer, direct.setup, kernel.version, config.workers)
    try:
        opened = open_run(rules, config, kernel.version)
    except BaseException:
        if fused is not None:
            fused.close()
        raise
    state, admission = opened.state, opened.admission
    source: Iterator[Item] = (
        prepared_items(preparer, state.position, config.workers)
        if fused is None
        else fused.items(state.position, config.count - state.accepted)
    )
    progress = Progress(config.count, "verified", show_progress, frequent=True)
    taken = state.key_bytes // KEY_BYTES
    run = _Run(
        config, kernel, source, admission, taken, state, progress=progress, direct=direct,
        coverage=direct.coverage() if direct is not None else Coverage(),
    )  # fmt: skip
    out = config.out
    try:
        with Outputs(out) as outputs:
            for size in state.sizes:  # the batches in flight when the checkpoint was made
                run.in_flight.append(run.form(size))
            while _settle_next(run, outputs):
                pass
    finally:
        for batch in run.in_flight:
            batch.pending.kill()
        _close(source)
        if fused is not None:
            fused.close()
        progress.close()
    s = run.state
    return GenerateSummary(
        s.accepted, s.rejected, s.batches, out, s.disagreements, s.refused, state.accepted
    )


def _settle_next(run: _Run, outputs: Outputs) -> bool:
    """Keep `lean_jobs` batches in flight, settle the oldest and commit it (outputs and
    checkpoint together); False once nothing is left to check."""
    config = run.config
    while len(run.in_flight) < config.lean_jobs and run.wanted() > 0:
        run.in_flight.append(run.form(run.wanted()))
    if not run.in_flight:
        return False
    batch = run.in_flight.popleft()
    pending = batch.pending
    settled = (
        pending.settle() if isinstance(pending, DirectCheck) else settle(pending, batch.theorems)
    )
    require_progress(settled, pending.path)
    room = config.count - run.state.accepted
    ok_rows, bad_rows = batch_rows(batch.items, settled, room, run.kernel.version)
    run.state = outputs.commit(
        run.state,
        batch.items,
        ok_rows,
        bad_rows,
        batches=batch.number + 1,
        position=run.in_flight[0].start if run.in_flight else _after(batch),
        sizes=tuple(b.size for b in run.in_flight),
        room=room_left(run.admission, run.in_flight),
    )
    run.show()
    if run.state.rejected > max(100, config.count):
        raise ConfigError(
            f"the kernel rejected {run.state.rejected} theorems; is the rule set "
            f"sound? See {config.out / 'rejected.jsonl'}"
        )
    return True


def _after(batch: _Batch) -> int:
    return batch.items[-1].index + 1 if batch.items else batch.start


def room_left(
    admission: Admission, in_flight: Iterable[_Batch] = ()
) -> tuple[tuple[int, int], ...] | None:
    """The quotas as they were before the batches in flight were admitted."""
    if admission.room is None:
        return None
    room = dict(admission.room)
    for batch in in_flight:
        for item in batch.items:
            if item.error is None:
                room[item.bucket] += 1
    return tuple(sorted(room.items()))


def _close(source: Iterator[Item]) -> None:
    close = getattr(source, "close", None)
    if close is not None:
        close()


def admitted(rules: RuleSet, config: GenerateConfig) -> Iterator[Prepared]:
    """The items a run takes, in index order, before the kernel sees them (in this process)."""
    admission = _admission(config, KeySet())
    preparer = Preparer(rules, config.family, config.seed)
    for item in prepared_items(preparer, 0, 1):
        if admission.admit(item):
            yield item


def _admission(config: GenerateConfig, seen: KeySet) -> Admission:
    """Admission for a run that has taken `seen`: the excluded datasets' statements count as
    seen too, and the difficulty quotas are whole."""
    for key in config.exclude:
        seen.add(short_key(key))
    histogram = config.select.histogram
    family = config.family.run_name
    room = quotas(histogram, config.count) if histogram and family == "rewrite" else None
    return Admission(seen, room)
