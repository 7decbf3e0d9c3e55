"""`rpsdg-formal check`: judge an existing dataset or Lean file again with the kernel.

For a dataset folder, every record is replayed from its start and steps, its certificate is
re-emitted from the replayed trees and every other field re-derived and compared
(`record_check`: a hand-edited statement, step, answer or proof is caught before Lean is
asked), then the certificates are checked in batches and the recorded axioms compared with
the kernel's. For a `.lean` file, the file is
checked as it is and the axioms of each of its theorems are audited.
"""

from __future__ import annotations

import itertools
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from rpsdg_formal.dataset.jsonl import iter_jsonl
from rpsdg_formal.dataset.record import TheoremRecord
from rpsdg_formal.errors import KernelCrashError, OutputError, RewriteError
from rpsdg_formal.kernel.check import Accepted, Kernel, check_batch
from rpsdg_formal.kernel.emit import batch_file
from rpsdg_formal.kernel.messages import json_messages
from rpsdg_formal.pipeline.lean_file import LeanFileError, file_verdicts, read_lean_file
from rpsdg_formal.pipeline.record_check import Checked, axioms_mismatch, check_record
from rpsdg_formal.progress import Progress
from rpsdg_formal.theory.rules import RuleSet


@dataclass(frozen=True)
class CheckReport:
    """How many theorems were checked and which failed (id and reason)."""

    total: int
    accepted: int
    failures: tuple[tuple[str, str], ...]

    @property
    def ok(self) -> bool:
        return self.total > 0 and self.accepted == self.total


def _replayed(
    path: Path, rules: RuleSet, lean_version: str, failures: list[tuple[str, str]]
) -> Iterator[Checked]:
    """Each record of `path` replayed and its fields checked; what fails goes to `failures`."""
    for number, raw in iter_jsonl(path):
        if isinstance(raw, str):
            failures.append((f"line {number}", raw))
            continue
        label = str(raw.get("id", f"line {number}"))
        if raw.get("theory") != rules.theory.name:
            failures.append((label, f"theory {raw.get('theory')!r} is not {rules.theory.name!r}"))
            continue
        try:
            yield check_record(TheoremRecord.from_json(raw), rules, lean_version)
        except RewriteError as err:
            failures.append((label, str(err)))


def _judge_chunk(
    chunk: list[Checked], kernel: Kernel, rules: RuleSet, path: Path
) -> list[tuple[str, str]]:
    """Check every proof of `chunk`; a theorem fails if any of its proofs is rejected, or its
    recorded axioms are not the ones the kernel lists."""
    batch = batch_file(rules.theory, [p.lean for c in chunk for p in c.replayed.proofs])
    verdicts = dict(zip(batch.names, check_batch(kernel, batch, path), strict=True))
    failures = []
    for checked in chunk:
        judged = [verdicts[p.lean.name] for p in checked.replayed.proofs]
        bad = [
            f"{p.lean.name}: " + "; ".join((v.reason, *v.messages))
            for p, v in zip(checked.replayed.proofs, judged, strict=True)
            if not isinstance(v, Accepted)
        ]
        accepted = [v for v in judged if isinstance(v, Accepted)]
        wrong = None if bad else axioms_mismatch(checked, accepted)
        if bad or wrong:
            failures.append((checked.id, " | ".join(bad) or str(wrong)))
    return failures


CHECK_BATCH = 500
"""Theorems per Lean file when a dataset is re-checked (a memory knob)."""


def _counted(
    items: Iterator[Checked], progress: Progress, checked: Callable[[], int]
) -> Iterator[Checked]:
    """`items`, showing per record how many are replayed while the kernel checks batches."""
    for replayed, item in enumerate(items, 1):
        progress.update(checked(), f", {replayed} replayed")
        yield item


def check_dataset(
    folder: Path,
    rules: RuleSet,
    kernel: Kernel,
    batch_size: int = CHECK_BATCH,
    show_progress: bool = True,
) -> CheckReport:
    """Replay and re-check every record of `folder/theorems.jsonl`, streaming it in batches
    (memory does not grow with the dataset, only with the number of failures)."""
    path = folder / "theorems.jsonl"
    lines = sum(1 for _ in iter_jsonl(path))
    replay_failures: list[tuple[str, str]] = []
    kernel_failures: list[tuple[str, str]] = []
    progress = Progress(lines, "checked", show_progress, frequent=True)
    checked = 0
    with tempfile.TemporaryDirectory(prefix="rpsdg-check-") as tmp:
        replayed = _replayed(path, rules, kernel.version, replay_failures)
        stream = _counted(replayed, progress, lambda: checked)
        for number in itertools.count():
            chunk = list(itertools.islice(stream, batch_size))
            if not chunk:
                break
            kernel_failures += _judge_chunk(chunk, kernel, rules, Path(tmp) / f"c{number}.lean")
            checked += len(chunk)
            progress.update(checked + len(replay_failures))
    progress.close()
    failures = tuple(replay_failures + kernel_failures)
    return CheckReport(checked + len(replay_failures), checked - len(kernel_failures), failures)


def check_lean_file(path: Path, kernel: Kernel) -> CheckReport:
    """Check a Lean file as it is; audit each theorem's axioms against the theory. Only the
    commands `lean_file` accepts may appear; anything else is refused before Lean runs."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise OutputError(f"cannot read {path}: {getattr(err, 'strerror', None) or err}") from err
    try:
        batch = read_lean_file(text, str(path), kernel.theory)
    except LeanFileError as err:
        return CheckReport(1, 0, ((str(path), str(err)),))
    if not batch.names:
        return CheckReport(0, 0, ((str(path), "no theorem found in the file"),))
    with tempfile.TemporaryDirectory(prefix="rpsdg-check-") as tmp:
        target = Path(tmp) / path.name
        target.write_text(batch.text, encoding="utf-8")
        result = kernel.runner.run(kernel.args(target.resolve()), timeout=kernel.timeout)
    if result.returncode not in (0, 1):
        raise KernelCrashError(
            f"Lean exited with code {result.returncode} on {path}: "
            f"{(result.stderr or result.stdout).strip()[-400:]}"
        )
    messages = json_messages(result.stdout, path)
    failures, accepted = file_verdicts(batch, messages, kernel.theory.axioms, str(path))
    return CheckReport(len(batch.names), accepted, tuple(failures))
