"""Long-lived direct-route workers: one process per core, batches in, verdicts out.

Each batch is split over the workers. A worker that dies (an ABI slip, a stack overflow on
an absurd term) is restarted, and what it was checking is re-checked one theorem at a time,
so only a theorem that kills a worker on its own is lost (reported as `lean-limit`). A
worker that fails its start-up self-test is never used: `start_pool` raises
`DirectUnavailable` and the caller falls back to the `lean` route.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from rpsdg_formal.errors import KernelCrashError
from rpsdg_formal.kernel.check import Rejected, Verdict
from rpsdg_formal.kernel.direct import DirectSetup
from rpsdg_formal.kernel.emit import LeanTheorem
from rpsdg_formal.kernel.faults import LIMIT
from rpsdg_formal.kernel.proofspec import AnySpec


class DirectUnavailable(KernelCrashError):
    """The direct route cannot be trusted here (self-test failed, or the worker died)."""


class _Worker:
    """One worker process and the batches sent to it, answered in order."""

    def __init__(self, setup: DirectSetup) -> None:
        self.setup = setup
        self.generation = 0
        self._start()

    def _start(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "rpsdg_formal.kernel.worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )
        self.answers: dict[int, list[Verdict]] = {}
        self.sent = 0
        self._send(self.setup)
        reply = self._receive()
        if reply[0] != "ready" or reply[1] is not None:
            self.stop()
            raise DirectUnavailable(f"the direct kernel route failed its self-test: {reply[1]}")

    def _send(self, message: Any) -> None:
        assert self.process.stdin is not None
        pickle.dump(message, self.process.stdin, protocol=pickle.HIGHEST_PROTOCOL)
        self.process.stdin.flush()

    def _receive(self) -> Any:
        assert self.process.stdout is not None
        try:
            return pickle.load(self.process.stdout)
        except (EOFError, pickle.UnpicklingError, OSError) as err:
            self.process.wait()
            raise DirectUnavailable(
                f"a direct kernel worker died (exit code {self.process.returncode})"
            ) from err

    def submit(self, specs: list[AnySpec]) -> tuple[int, int]:
        """Send a batch; (generation, sequence number) to collect it by."""
        seq = self.sent
        self.sent += 1
        try:
            self._send(("check", seq, specs))
        except (BrokenPipeError, OSError):
            pass  # the worker died: `collect` finds out and re-checks
        return self.generation, seq

    def collect(self, ticket: tuple[int, int]) -> list[Verdict] | None:
        """The verdicts of the batch `ticket`, or None if the worker died before answering
        (it is then restarted)."""
        generation, seq = ticket
        if generation != self.generation:
            return None
        while seq not in self.answers:
            try:
                _, done, verdicts = self._receive()
            except DirectUnavailable:
                self.restart()
                return None
            self.answers[done] = verdicts
        return self.answers.pop(seq)

    def restart(self) -> None:
        self.stop()
        self.generation += 1
        self._start()

    def stop(self) -> None:
        if self.process.poll() is None:
            try:
                self._send(("stop",))
                assert self.process.stdin is not None
                self.process.stdin.close()
                self.process.wait(timeout=10)
            except (OSError, subprocess.TimeoutExpired):
                self.process.kill()
                self.process.wait()

    def pid(self) -> int:
        return self.process.pid


@dataclass
class PendingDirect:
    """A batch being checked by the pool: `wait` returns a verdict per theorem, in order."""

    pool: KernelPool
    parts: list[tuple[_Worker, tuple[int, int], list[AnySpec]]] = field(default_factory=list)

    def wait(self) -> list[Verdict]:
        out: list[Verdict] = []
        for worker, ticket, specs in self.parts:
            verdicts = worker.collect(ticket)
            out.extend(verdicts if verdicts is not None else self.pool.one_by_one(worker, specs))
        return out


class KernelPool:
    """The direct-route workers of one theory."""

    def __init__(self, setup: DirectSetup, workers: int | None = None) -> None:
        count = max(1, workers or os.cpu_count() or 1)
        self.setup = setup
        self.workers: list[_Worker] = []
        try:
            for _ in range(count):
                self.workers.append(_Worker(setup))
        except BaseException:
            self.close()
            raise

    def submit(self, theorems: Sequence[LeanTheorem]) -> PendingDirect:
        """Start checking `theorems` (each must carry its spec), split over the workers."""
        specs = [spec_of(t) for t in theorems]
        pending = PendingDirect(self)
        share = -(-len(specs) // len(self.workers)) if specs else 0
        for number, worker in enumerate(self.workers):
            part = specs[number * share : (number + 1) * share]
            if part:
                pending.parts.append((worker, worker.submit(part), part))
        return pending

    def check(self, theorems: Sequence[LeanTheorem]) -> list[Verdict]:
        return self.submit(theorems).wait()

    def one_by_one(self, worker: _Worker, specs: list[AnySpec]) -> list[Verdict]:
        """Re-check `specs` singly on `worker` (restarted): a theorem that kills it alone is
        reported as a kernel limit."""
        out: list[Verdict] = []
        for spec in specs:
            verdicts = worker.collect(worker.submit([spec]))
            if verdicts is None:
                why = "the direct kernel worker died checking this theorem alone"
                out.append(Rejected(LIMIT, (why,)))
            else:
                out.extend(verdicts)
        return out

    def pids(self) -> list[int]:
        return [w.pid() for w in self.workers]

    def close(self) -> None:
        for worker in self.workers:
            worker.stop()

    def __enter__(self) -> KernelPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def spec_of(theorem: LeanTheorem) -> AnySpec:
    spec = theorem.origin
    if spec is None or spec.name != theorem.name:
        raise KernelCrashError(f"theorem {theorem.name} carries no proof spec for the kernel")
    return spec
