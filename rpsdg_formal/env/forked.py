"""`work` over a list of tasks on forked worker processes, results in task order: how the
prover's search (`search.search_all`, used by `evaluate` and the curriculum's prover effort)
uses every core.

The workers are forked once, so they inherit `work` and the tasks without pickling them;
each worker has up to IN_FLIGHT chunks of consecutive tasks sent over its own pipe, and the
next chunk goes to whichever worker answers (a search that proves its theorem in one step and
one that spends its whole budget differ widely in cost), while
the results are handed on in task order (as `pipeline.workers` hands on prepared theorems).

What `multiprocessing.Pool`, used here before, did not give: a worker that dies (killed, out
of memory) ends the run with `SearchWorkerDiedError`, where `Pool` replaced it and waited
forever for the chunk it lost; workers ignore Ctrl-C (only the parent raises
`KeyboardInterrupt`, so no worker prints a traceback) and die with the parent; and closing
the iterator (an interrupt, an error) kills them at once, not after their current search.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Generator, Iterator, Sequence
from functools import partial
from multiprocessing import get_context
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from typing import Generic, TypeVar, cast

from rpsdg_formal.errors import RpsdgError
from rpsdg_formal.forking import quiet, receive, request, serve

T = TypeVar("T")
R = TypeVar("R")
IN_FLIGHT = 2  # chunks queued per worker


class SearchWorkerDiedError(RpsdgError, RuntimeError):
    """A search worker process ended without answering (killed, or out of memory)."""


def _serve(work: Callable[[T], R], tasks: Sequence[T], connection: Connection) -> None:
    """A worker: each (first, size) answered with the results of that chunk of `tasks`."""
    quiet()
    serve(connection, partial(_chunk, work, tasks))


def _chunk(work: Callable[[T], R], tasks: Sequence[T], request: tuple[int, int]) -> list[R]:
    first, size = request
    return [work(t) for t in tasks[first : first + size]]


def _receive(connection: Connection, process: BaseProcess, first: int, size: int) -> list[R]:
    """The results of the chunk at `first`; SearchWorkerDiedError if its worker died."""

    def died(code: int | None) -> Exception:
        return SearchWorkerDiedError(
            f"a search worker died (exit code {code}) while searching tasks {first + 1} to "
            f"{first + size}; if the machine ran out of memory, lower --workers or the budget"
        )

    return cast(list[R], receive(connection, process, died)[1])


def forked_map(
    work: Callable[[T], R], tasks: Sequence[T], workers: int, chunk: int = 2
) -> Generator[R, None, None]:
    """`work(task)` for each task, in order, computed by `workers` forked processes (in this
    process when `workers` is 1 or there is a single task). Closing the iterator, or an
    exception out of it, kills the workers."""
    if workers <= 1 or len(tasks) < 2:
        yield from map(work, tasks)
        return
    chunks = [(first, min(chunk, len(tasks) - first)) for first in range(0, len(tasks), chunk)]
    pool: _Pool[T, R] = _Pool(work, tasks, min(workers, len(chunks)))
    try:
        done: dict[int, list[R]] = {}
        for number in range(len(chunks)):
            while number not in done:
                done.update(pool.answers(chunks))
            yield from done.pop(number)
    finally:
        pool.close()


class _Pool(Generic[T, R]):
    """The forked workers, each with up to IN_FLIGHT chunks sent and not yet answered: a
    worker that answers gets the next chunk, so a slow search holds up only its own worker."""

    def __init__(self, work: Callable[[T], R], tasks: Sequence[T], workers: int) -> None:
        context = get_context("fork")
        self.workers: list[tuple[BaseProcess, Connection]] = []
        self.sent: dict[Connection, deque[int]] = {}
        self.next = 0
        try:
            for _ in range(workers):
                here, there = context.Pipe()
                started = context.Process(target=_serve, args=(work, tasks, there), daemon=True)
                started.start()
                there.close()
                self.workers.append((started, here))
                self.sent[here] = deque()
        except BaseException:
            self.close()
            raise

    def answers(self, chunks: Sequence[tuple[int, int]]) -> Iterator[tuple[int, list[R]]]:
        """(chunk number, its results) for every chunk answered once some worker answers,
        after topping every worker up to IN_FLIGHT chunks."""
        for _, connection in self.workers:
            while len(self.sent[connection]) < IN_FLIGHT and self.next < len(chunks):
                request(connection, chunks[self.next])
                self.sent[connection].append(self.next)
                self.next += 1
        busy = [c for _, c in self.workers if self.sent[c]]
        ready = set(wait(busy))
        for process, connection in self.workers:
            if connection in ready:
                number = self.sent[connection].popleft()
                yield number, _receive(connection, process, *chunks[number])

    def close(self) -> None:
        """Stop every worker now (whatever it is searching)."""
        for worker, connection in self.workers:
            connection.close()
            worker.kill()
            worker.join()
