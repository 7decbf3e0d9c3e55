"""Checking theorems with the Lean kernel: a batch file in, one verdict per theorem out.

Accepted means: Lean reported no error and no warning for the theorem, and `#print axioms`
lists only axioms the theory declares. The kernel rejecting a theorem is a normal outcome
(`Rejected`); Lean crashing, timing out or printing what we cannot attribute is an exception.
"""

from __future__ import annotations

import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from rpsdg_formal.errors import KernelCrashError
from rpsdg_formal.kernel import LeanRunner, build_theory, default_cache_dir
from rpsdg_formal.kernel.emit import BatchFile, LeanTheorem, batch_file
from rpsdg_formal.kernel.messages import DEPENDS, NO_AXIOMS, json_messages, line_of
from rpsdg_formal.theory.section import Theory


@dataclass(frozen=True)
class Accepted:
    """The kernel checked the theorem; these are the axioms it depends on."""

    axioms: tuple[str, ...]


@dataclass(frozen=True)
class Rejected:
    """The theorem is not verified; `reason` says why, `messages` are Lean's own words."""

    reason: str
    messages: tuple[str, ...] = ()


Verdict = Accepted | Rejected


@dataclass(frozen=True)
class Kernel:
    """A Lean ready to check theorems of one theory (theory compiled, LEAN_PATH set)."""

    theory: Theory
    runner: LeanRunner
    version: str
    threads: int = 1
    timeout: float = 900.0  # seconds of wall time per batch file
    memory_mb: int = 0  # Lean's memory limit per file; 0: none
    heartbeats: int = 0  # Lean's maxHeartbeats per theorem (thousands); 0: Lean's default
    # Elaborate theorems one after another, with no async tasks: about 1.5x less CPU, for
    # callers that run one Lean per core. A failed theorem is then reported as an error at its
    # `#print axioms` line too ("Unknown constant"), not by an internal exception.
    sequential: bool = False

    def args(self, path: Path) -> list[str]:
        args = ["--json", f"-j{self.threads}"]
        if self.sequential:
            args += ["-D", "Elab.async=false"]
        if self.memory_mb:
            args.append(f"--memory={self.memory_mb}")
        if self.heartbeats:
            args += ["-D", f"maxHeartbeats={self.heartbeats}"]
        return [*args, str(path)]


def prepare_kernel(
    theory: Theory,
    runner: LeanRunner | None = None,
    cache_dir: Path | None = None,
    threads: int = 1,
    memory_mb: int = 0,
    timeout: float = 900.0,
    heartbeats: int = 0,
    sequential: bool = False,
) -> Kernel:
    """Check that Lean runs, compile the theory (cached), and return a ready `Kernel`."""
    base = runner if runner is not None else LeanRunner.embedded()
    version = base.version()
    lean_path = build_theory(theory, base, cache_dir or default_cache_dir(), version)
    runner = base.with_lean_path(lean_path)
    return Kernel(theory, runner, version, threads, timeout, memory_mb, heartbeats, sequential)


@dataclass
class PendingCheck:
    """A batch whose Lean process is running."""

    kernel: Kernel
    batch: BatchFile
    path: Path
    process: subprocess.Popen[str]
    started: float = field(default_factory=time.monotonic)

    def kill(self) -> None:
        """Stop Lean if it is still running (on interrupt or error)."""
        if self.process.poll() is None:
            self.process.kill()
            self.process.communicate()

    def wait(self) -> list[Verdict]:
        left = max(0.0, self.started + self.kernel.timeout - time.monotonic())
        try:
            stdout, stderr = self.process.communicate(timeout=left)
        except subprocess.TimeoutExpired as err:
            self.kill()
            raise KernelCrashError(
                f"Lean did not finish {self.path} within {self.kernel.timeout} s"
            ) from err
        return parse_verdicts(
            self.batch,
            stdout,
            stderr,
            self.process.returncode,
            self.kernel.theory.axioms,
            self.path,
        )


def start_check(kernel: Kernel, batch: BatchFile, path: Path) -> PendingCheck:
    """Write `batch` to `path` and start Lean on exactly that file."""
    path.write_text(batch.text, encoding="utf-8")
    process = kernel.runner.start(kernel.args(path.resolve()))
    return PendingCheck(kernel, batch, path, process)


def check_batch(kernel: Kernel, batch: BatchFile, path: Path) -> list[Verdict]:
    """Check one batch file and return a verdict per theorem, in order."""
    return start_check(kernel, batch, path).wait()


def parse_verdicts(
    batch: BatchFile,
    stdout: str,
    stderr: str,
    returncode: int,
    allowed_axioms: frozenset[str],
    path: Path,
) -> list[Verdict]:
    """Turn Lean's JSON messages into one verdict per theorem of `batch`."""
    if returncode not in (0, 1):
        raise KernelCrashError(
            f"Lean exited with code {returncode} on {path}: {(stderr or stdout).strip()[-800:]}"
        )
    owner: dict[int, int] = {}  # line number -> index of the theorem it belongs to
    for index, (first, last) in enumerate(batch.spans):
        for line in range(first, last + 1):
            owner[line] = index
    for index, line in enumerate(batch.print_lines):
        owner[line] = index
    problems: dict[int, list[str]] = {}
    axioms: dict[int, tuple[str, ...]] = {}
    for message in json_messages(stdout, path):
        line = line_of(message)
        text = str(message.get("data", ""))
        severity = message.get("severity")
        who = owner.get(line)
        if who is None:
            raise KernelCrashError(
                f"Lean reported on {path}:{line}, outside every theorem: {text[:800]}"
            )
        if severity in ("error", "warning"):
            problems.setdefault(who, []).append(f"{path.name}:{line}: {severity}: {text}")
            continue
        if line != batch.print_lines[who]:
            continue  # an axiom report counts only from the `#print axioms` the batch appended
        if m := DEPENDS.match(text):
            if m.group("name") == batch.names[who]:
                axioms[who] = tuple(a.strip() for a in m.group("axioms").split(",") if a.strip())
        elif (m := NO_AXIOMS.match(text)) and m.group("name") == batch.names[who]:
            axioms[who] = ()
    if returncode == 1 and not problems:
        raise KernelCrashError(f"Lean failed on {path} without saying why: {stderr.strip()[-800:]}")
    verdicts: list[Verdict] = []
    for index in range(len(batch.names)):
        if index in problems:
            verdicts.append(Rejected("rejected by the Lean kernel", tuple(problems[index])))
        elif index not in axioms:
            verdicts.append(Rejected("Lean printed no axiom report for the theorem"))
        else:
            foreign = sorted(set(axioms[index]) - allowed_axioms)
            if foreign:
                verdicts.append(
                    Rejected(
                        f"depends on axiom(s) the theory does not declare: {', '.join(foreign)}"
                    )
                )
            else:
                verdicts.append(Accepted(axioms[index]))
    return verdicts


def check_theorems(
    kernel: Kernel,
    theorems: Sequence[LeanTheorem],
    path: Path,
    parallel: int = 2,
    per_file: int = 30,
) -> list[Verdict]:
    """Verdicts for `theorems`, checked in files of at most `per_file` theorems (Lean stops
    reporting errors after 100, and a rejected theorem costs two: its own and its `#print
    axioms`), `parallel` Lean processes at a time. The files are `path` itself when one is
    enough, else `path_000.lean`, `path_001.lean`, …"""
    chunks = [theorems[i : i + per_file] for i in range(0, len(theorems), per_file)]
    verdicts: list[Verdict] = []
    pending: list[PendingCheck] = []
    try:
        for number, chunk in enumerate(chunks):
            if len(pending) >= max(1, parallel):
                verdicts.extend(pending.pop(0).wait())
            target = path
            if len(chunks) > 1:
                target = path.with_name(f"{path.stem}_{number:03d}{path.suffix}")
            pending.append(start_check(kernel, batch_file(kernel.theory, chunk), target))
        while pending:
            verdicts.extend(pending.pop(0).wait())
    finally:
        for check in pending:
            check.kill()
    return verdicts
