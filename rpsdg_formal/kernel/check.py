"""Checking theorems with the Lean kernel: a batch file in, one verdict per theorem out.

Accepted means: Lean reported no error and no warning for the theorem, and `#print axioms`
lists only axioms the theory declares. The kernel rejecting a theorem is a normal outcome
(`Rejected`); Lean crashing, timing out or printing what we cannot attribute is an exception.
"""

from __future__ import annotations

import dataclasses
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from rpsdg_formal.errors import KernelCrashError
from rpsdg_formal.kernel import LeanRunner, build_theory
from rpsdg_formal.kernel.config import KernelConfig
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
    """A Lean ready to check theorems of one theory (theory compiled, LEAN_PATH set), with the
    `KernelConfig` it was prepared from."""

    theory: Theory
    runner: LeanRunner
    version: str
    config: KernelConfig = field(default_factory=KernelConfig)

    @property
    def timeout(self) -> float:
        """Seconds of wall time per Lean file."""
        return self.config.timeout

    def args(self, path: Path) -> list[str]:
        """Lean's command line for checking the file at `path`."""
        return self.config.lean_args(path)

    def limited(
        self,
        timeout: float | None = None,
        memory_mb: int | None = None,
        heartbeats: int | None = None,
    ) -> Kernel:
        """The same kernel with other per-file limits (the service's per-request budget)."""
        old = self.config
        config = dataclasses.replace(
            old,
            timeout=old.timeout if timeout is None else timeout,
            memory_mb=old.memory_mb if memory_mb is None else memory_mb,
            heartbeats=old.heartbeats if heartbeats is None else heartbeats,
        )
        return dataclasses.replace(self, config=config)


def prepare_kernel(
    theory: Theory, config: KernelConfig | None = None, version: str | None = None
) -> Kernel:
    """Check that Lean runs, compile the theory (cached), and return a ready `Kernel`.
    `version`: Lean's version when the caller knows it already and has it verified where the
    library is loaded (`known_version`); None runs `lean --version`."""
    config = config if config is not None else KernelConfig()
    base = config.runner()
    version = version if version is not None else base.version()
    lean_path = build_theory(theory, base, config.cache(), version)
    return Kernel(theory, base.with_lean_path(lean_path), version, config)


@dataclass
class PendingCheck:
    """A batch whose Lean process is running; `started` is the clock reading taken before
    Lean was spawned, so the time limit counts everything Lean ran for."""

    kernel: Kernel
    batch: BatchFile
    path: Path
    process: subprocess.Popen[str]
    started: float

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
    """Write `batch` to `path` and start Lean on exactly that file. The time limit runs from
    before the spawn: a parent paused after it (a loaded machine, a garbage collection) must
    not lend Lean extra time."""
    path.write_text(batch.text, encoding="utf-8")
    started = time.monotonic()
    process = kernel.runner.start(kernel.args(path.resolve()))
    return PendingCheck(kernel, batch, path, process, started)


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
    enough, else `path_000.lean`, `path_001.lean`, …

    On the direct route (`KernelConfig.route`), the theorems that carry their spec are checked
    by the process's shared worker pool instead (`shared`), with the same kinds of verdict;
    the others (a user's kernel-syntax proof) still go through `lean`."""
    from rpsdg_formal.kernel import shared  # `shared` imports this module: imported on use

    direct = [i for i, t in enumerate(theorems) if t.origin is not None and t.origin.name == t.name]
    found = None
    if direct and shared.routed(kernel):
        found = shared.check_direct(kernel, [theorems[i] for i in direct])
    if found is None:
        return check_text(kernel, theorems, path, parallel, per_file)
    verdicts: dict[int, Verdict] = dict(zip(direct, found, strict=True))
    rest = [i for i in range(len(theorems)) if i not in verdicts]
    if rest:
        texts = check_text(kernel, [theorems[i] for i in rest], path, parallel, per_file)
        verdicts.update(zip(rest, texts, strict=True))
    return [verdicts[i] for i in range(len(theorems))]


def check_text(
    kernel: Kernel,
    theorems: Sequence[LeanTheorem],
    path: Path,
    parallel: int = 2,
    per_file: int = 30,
) -> list[Verdict]:
    """`check_theorems` through `lean` alone, whatever the route."""
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
