"""`rpsdg-formal check`: judge an existing dataset or Lean file again with the kernel.

For a dataset folder, every record is replayed from its start and steps and its certificate is
re-emitted from the replayed trees (so a hand-edited statement, step or proof is caught before
Lean is asked), then the certificates are checked in batches. For a `.lean` file, the file is
checked as it is and the axioms of each of its theorems are audited.
"""

from __future__ import annotations

import itertools
import re
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from rpsdg_formal.dataset.jsonl import iter_jsonl
from rpsdg_formal.errors import OutputError, RewriteError
from rpsdg_formal.families.equation_records import EquationCandidate, replay_equation
from rpsdg_formal.families.records import Candidate, replay
from rpsdg_formal.kernel.check import Accepted, Kernel, check_batch
from rpsdg_formal.kernel.emit import BatchFile, batch_file
from rpsdg_formal.progress import Progress
from rpsdg_formal.theory.rules import RuleSet

_THEOREM = re.compile(r"^theorem\s+([A-Za-z_][A-Za-z0-9_]*)\b")
_PRINT = re.compile(r"^#print\s+axioms\s+([A-Za-z_][A-Za-z0-9_]*)\s*$")


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
    path: Path, rules: RuleSet, failures: list[tuple[str, str]]
) -> Iterator[Candidate | EquationCandidate]:
    """Each record of `path` replayed; what cannot be replayed goes to `failures`."""
    for number, record in iter_jsonl(path):
        if isinstance(record, str):
            failures.append((f"line {number}", record))
            continue
        label = str(record.get("id", f"line {number}"))
        if record.get("theory") != rules.theory.name:
            failures.append(
                (label, f"theory {record.get('theory')!r} is not {rules.theory.name!r}")
            )
            continue
        try:
            if str(record.get("family", "")).startswith("equation"):
                yield replay_equation(record, rules)
            else:
                yield replay(record, rules)
        except RewriteError as err:
            failures.append((label, str(err)))


def _judge_chunk(
    chunk: list[Candidate | EquationCandidate], kernel: Kernel, rules: RuleSet, path: Path
) -> list[tuple[str, str]]:
    """Check every proof of `chunk`; a theorem fails if any of its proofs is rejected."""
    batch = batch_file(rules.theory, [p.lean for c in chunk for p in c.proofs])
    verdicts = dict(zip(batch.names, check_batch(kernel, batch, path), strict=True))
    failures = []
    for candidate in chunk:
        bad = [
            f"{p.lean.name}: " + "; ".join((v.reason, *v.messages))
            for p in candidate.proofs
            if not isinstance(v := verdicts[p.lean.name], Accepted)
        ]
        if bad:
            failures.append((candidate.id, " | ".join(bad)))
    return failures


CHECK_BATCH = 500
"""Theorems per Lean file when a dataset is re-checked (a memory knob)."""


def _counted(
    items: Iterator[Candidate | EquationCandidate], progress: Progress, checked: Callable[[], int]
) -> Iterator[Candidate | EquationCandidate]:
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
        stream = _counted(_replayed(path, rules, replay_failures), progress, lambda: checked)
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


def file_batch(text: str) -> BatchFile:
    """Theorem names, spans and axiom-report lines of an existing Lean file.

    Theorems without a `#print axioms` line get one appended.
    """
    lines = text.split("\n")
    starts = [(i + 1, m.group(1)) for i, line in enumerate(lines) if (m := _THEOREM.match(line))]
    printed = {m.group(1): i + 1 for i, line in enumerate(lines) if (m := _PRINT.match(line))}
    tail = next(
        (
            i
            for i, line in enumerate(lines)
            if i + 1 > (starts[-1][0] if starts else 0)
            and (line.startswith("end") or line.startswith("#print"))
        ),
        len(lines),
    )
    spans = [
        (first, (starts[k + 1][0] - 1) if k + 1 < len(starts) else tail)
        for k, (first, _) in enumerate(starts)
    ]
    extra = [name for _, name in starts if name not in printed]
    body = text if text.endswith("\n") else text + "\n"
    base = body.count("\n")
    for offset, name in enumerate(extra, 1):
        printed[name] = base + offset
    body += "".join(f"#print axioms {name}\n" for name in extra)
    names = tuple(name for _, name in starts)
    return BatchFile(body, names, tuple(spans), tuple(printed[n] for n in names))


def check_lean_file(path: Path, kernel: Kernel) -> CheckReport:
    """Check a Lean file as it is; audit each theorem's axioms against the theory."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as err:
        raise OutputError(f"cannot read {path}: {err.strerror or err}") from err
    batch = file_batch(text)
    if not batch.names:
        return CheckReport(0, 0, ((str(path), "no theorem found in the file"),))
    with tempfile.TemporaryDirectory(prefix="rpsdg-check-") as tmp:
        verdicts = check_batch(kernel, batch, Path(tmp) / path.name)
    failures = tuple(
        (name, "; ".join((v.reason, *v.messages)))
        for name, v in zip(batch.names, verdicts, strict=True)
        if not isinstance(v, Accepted)
    )
    return CheckReport(len(batch.names), len(batch.names) - len(failures), failures)
