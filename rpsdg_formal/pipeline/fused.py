"""Preparing and checking in one process type: forked workers that walk, select, emit, check with
the direct kernel in-process and hand back judged items (`judged.Judged`) in index order.

This is `workers.prepared_items` with the kernel moved into the preparing process: each worker
starts the Lean runtime once (and runs the route's self-test), then answers chunks of indices
with their judged items, so proof specs never cross a pipe and the parent only admits,
concatenates and writes. Chunk k goes to worker k mod N and is read back from it, so items
arrive in index order with no helper thread in the parent.

Failures keep the meaning they have with separate kernel workers (`kernel.pool`). A worker that
dies is restarted (forked again) and the chunk it was working on is redone one index at a time,
each index answered twice: first as it is to be reported if the kernel then kills the process
(every theorem a `lean-limit`, `judged.died`), then with its verdicts. So only a theorem that
kills the kernel on its own is lost, and it is reported in rejected.jsonl. A worker that dies
before it even prepared the index (killed, out of memory) stops the run with WorkerDiedError.
"""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Iterator
from functools import partial
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess

from rpsdg_formal import forking
from rpsdg_formal.kernel.direct import DirectKernel, DirectSetup, self_test
from rpsdg_formal.kernel.pool import DirectUnavailable, spec_of
from rpsdg_formal.kernel.worker import check_all
from rpsdg_formal.pipeline.judged import Judged, died, judged
from rpsdg_formal.pipeline.prepare import Prepared, Preparer
from rpsdg_formal.pipeline.workers import WorkerDiedError, dead_worker, quiet

Request = tuple[int, int, bool]  # (first index, how many, one index answered twice)

CHUNK, TAIL, QUEUED = 16, 2, 2
"""Indices a request asks for (TAIL past what the run is known to need), and requests queued
per worker. A request is prepared whole and then checked, which costs less CPU than
alternating the two index by index (`scripts/bench_fused_chunk.py` measures the sizes); two
queued keep a worker busy while the parent reads its last answer."""


def _judge(kernel: DirectKernel, item: Prepared, version: str) -> Judged:
    """`item` checked in this process, if the kernel is to see it."""
    if item.key is None or item.error is not None:
        return judged(item, (), version)
    return judged(item, check_all(kernel, [spec_of(t) for t in item.theorems]), version)


def _start_kernel(setup: DirectSetup) -> tuple[DirectKernel | None, str | None]:
    """The direct kernel of this process and None, or None and why it cannot be trusted."""
    try:
        kernel = DirectKernel(setup)
        problem = self_test(kernel)
    except Exception as err:  # any failure to start is reported: the caller falls back
        return None, f"{type(err).__name__}: {err}"
    return (kernel, None) if problem is None else (None, problem)


def _serve(preparer: Preparer, setup: DirectSetup, version: str, connection: Connection) -> None:
    """A worker's loop: ("ready", problem) first, then the judged items of each request (or the
    exception raised)."""
    quiet()
    kernel, problem = _start_kernel(setup)
    forking.send(connection, ("ready", problem))
    if kernel is not None:
        forking.serve(connection, partial(_answer, preparer, kernel, version, connection))


def _answer(
    preparer: Preparer, kernel: DirectKernel, version: str, connection: Connection, request: Request
) -> list[Judged]:
    """The judged items of `request`, prepared whole before any is checked (preparing and
    checking in alternation cost about 5% more CPU: each evicts the other's working set). An
    index answered twice is sent first as it is to be reported if the kernel kills us."""
    first, size, alone = request
    prepared = [preparer(i) for i in range(first, first + size)]
    if alone:
        forking.send(connection, ("ok", [died(prepared[0], version)]))
    return [_judge(kernel, item, version) for item in prepared]


class _Worker:
    """One fused worker process and the requests it has not answered yet, in order."""

    def __init__(self, fused: FusedWorkers) -> None:
        here, there = fused.context.Pipe()
        args = (fused.preparer, fused.setup, fused.version, there)
        self.process: BaseProcess = fused.context.Process(target=_serve, args=args, daemon=True)
        self.process.start()
        there.close()
        self.connection = here
        self.waiting: deque[Request] = deque()

    def ready(self) -> str | None:
        """None once the worker's kernel passed its self-test, else why not."""
        try:
            kind, problem = self.receive()
        except WorkerDiedError as err:
            return str(err)
        return None if kind == "ready" and problem is None else str(problem)

    def ask(self, request: Request) -> None:
        """Send `request`; if the worker has died, `receive` finds out and the caller redoes."""
        self.waiting.append(request)
        forking.request(self.connection, request)

    def receive(self) -> tuple[str, object]:
        return forking.receive(
            self.connection, self.process, dead_worker("preparing and checking theorems")
        )

    def stop(self) -> None:
        self.connection.close()
        self.process.kill()
        self.process.join()


class FusedWorkers:
    """`workers` forked processes preparing and checking the items of one run."""

    def __init__(self, preparer: Preparer, setup: DirectSetup, version: str, workers: int) -> None:
        """Start them and wait until each has imported the theory and passed the self-test;
        DirectUnavailable (nothing left running) if any has not."""
        self.preparer, self.setup, self.version = preparer, setup, version
        self.context = multiprocessing.get_context("fork")
        self.pool: list[_Worker] = []
        try:
            for _ in range(max(1, workers)):
                self.pool.append(_Worker(self))
            for worker in self.pool:
                problem = worker.ready()
                if problem is not None:
                    raise DirectUnavailable(
                        f"the direct kernel route failed its self-test: {problem}"
                    )
        except BaseException:
            self.close()
            raise

    def items(self, start: int, needed: int = 0, chunk: int = CHUNK) -> Iterator[Judged]:
        """The judged items of `start`, `start + 1`, … in order, forever. The first `needed`
        indices (a run needs at least that many) go out in requests of `chunk`, the rest in
        requests of TAIL, so little is prepared past the end of the run."""
        count = len(self.pool)
        sent = received = 0
        index = start
        while True:
            while sent - received < QUEUED * count:
                size = chunk if index + chunk <= start + needed else TAIL
                self.pool[sent % count].ask((index, size, False))
                index += size
                sent += 1
            yield from self._answer(received % count)
            received += 1

    def _answer(self, number: int) -> list[Judged]:
        """The answer to worker `number`'s oldest request; if the worker died on it, the
        request redone one index at a time (`_redo`), and the rest asked again."""
        worker = self.pool[number]
        try:
            items: list[Judged] = worker.receive()[1]  # type: ignore[assignment]
        except WorkerDiedError:
            lost = worker.waiting.popleft()
            rest = list(worker.waiting)
            items = self._redo(number, lost)
            for request in rest:
                self.pool[number].ask(request)
            return items
        worker.waiting.popleft()
        return items

    def _restart(self, number: int) -> _Worker:
        """A new worker in place of the dead worker `number`, nothing asked of it yet."""
        self.pool[number].stop()
        self.pool[number] = new = _Worker(self)
        problem = new.ready()
        if problem is not None:
            raise DirectUnavailable(f"a restarted direct kernel worker failed: {problem}")
        return new

    def _redo(self, number: int, lost: Request) -> list[Judged]:
        """Each index of `lost`, by a restarted worker, alone: with its verdicts, or each
        theorem a kernel limit if checking it kills the worker (then restarted again); a
        worker that dies preparing it raises WorkerDiedError."""
        first, size, _ = lost
        out: list[Judged] = []
        worker = self._restart(number)
        for index in range(first, first + size):
            worker.ask((index, 1, True))
            fallback: list[Judged] = worker.receive()[1]  # type: ignore[assignment]
            try:
                out.extend(worker.receive()[1])  # type: ignore[arg-type]
            except WorkerDiedError:
                out.extend(fallback)
                worker = self._restart(number)
            worker.waiting.clear()
        return out

    def close(self) -> None:
        for worker in self.pool:
            worker.stop()
        self.pool = []
