"""Preparing items on every core: a pool of worker processes, results back in index order.

The pool is forked from the parent once the preparer is built, so workers share its rule set
without pickling it. Work is handed out in chunks of consecutive indices with a bounded number
of chunks in flight, so memory stays flat however long the run. Workers ignore Ctrl-C and die
with the parent.
"""

from __future__ import annotations

import ctypes
import itertools
import multiprocessing
import signal
from collections import deque
from collections.abc import Iterator
from multiprocessing.pool import AsyncResult

from rpsdg_formal.pipeline.prepare import Prepared, Preparer

_PREPARER: Preparer | None = None  # the forked workers' copy


def _quiet() -> None:
    """Worker start: leave Ctrl-C to the parent, and die with it even if it is killed -9."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    pr_set_pdeathsig = 1
    ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL)


def _prepare_chunk(first: int, size: int) -> list[Prepared]:
    assert _PREPARER is not None
    return [_PREPARER(i) for i in range(first, first + size)]


def prepared_items(
    preparer: Preparer, start: int, workers: int, chunk: int = 4
) -> Iterator[Prepared]:
    """`preparer(start)`, `preparer(start + 1)`, … in order, forever, computed by `workers`
    processes (in this process when `workers` is 1). Closing the iterator stops the pool."""
    if workers <= 1:
        for index in itertools.count(start):
            yield preparer(index)
        return
    global _PREPARER
    _PREPARER = preparer
    context = multiprocessing.get_context("fork")
    with context.Pool(workers, initializer=_quiet) as pool:
        pending: deque[AsyncResult[list[Prepared]]] = deque()
        following = start
        while True:
            while len(pending) < 4 * workers:
                pending.append(pool.apply_async(_prepare_chunk, (following, chunk)))
                following += chunk
            yield from pending.popleft().get()
