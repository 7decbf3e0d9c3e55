"""Preparing items on every core: forked worker processes, results back in index order.

The workers are forked from the parent once the preparer is built, so they share its rule set
without pickling it. Chunk k of consecutive indices goes to worker k mod N over its own pipe,
and the parent reads chunk k back from that worker, so results come in index order with no
helper thread in the parent (`multiprocessing.Pool`'s three threads cost about 1.5 ms of CPU
per theorem in `generate`: a maintenance loop woken by every result, and the result thread
rebuilding every expression tree). A bounded number of chunks is in flight, so memory stays
flat however long the run. Each item's proof specs cross the pipe packed (`PackedSpec`), so
the parent never rebuilds their trees. `generate` uses these workers on the `lean` route; on the
direct route its workers also check what they prepare (`fused`). Workers ignore Ctrl-C and die
with the parent.
"""

from __future__ import annotations

import gc
import itertools
import multiprocessing
from collections.abc import Callable, Iterator
from dataclasses import replace
from functools import partial
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import cast

from rpsdg_formal import forking
from rpsdg_formal.errors import RpsdgError
from rpsdg_formal.kernel.emit import LeanTheorem
from rpsdg_formal.kernel.proofspec import PackedSpec
from rpsdg_formal.pipeline.prepare import Prepared, Preparer

IN_FLIGHT = 4  # chunks queued per worker


class WorkerDiedError(RpsdgError, RuntimeError):
    """A preparing worker process ended without answering (killed, or out of memory)."""


def quiet() -> None:
    """Worker start: `forking.quiet`, and collect cycles rarely (`rare_collections`)."""
    forking.quiet()
    rare_collections()


def rare_collections() -> None:
    """Freeze what the worker inherited (never scanned again) and collect the youngest
    generation every 50,000 allocations instead of 700: a preparation's objects die by
    reference count, and the default cadence spent about a fifth of a default preparation
    re-scanning the long-lived memos (`scripts/scalestages.py`, with and without)."""
    gc.freeze()
    gc.set_threshold(50_000, 10, 10)


def packed(item: Prepared) -> Prepared:
    """`item` with its theorems' specs packed for the trip through the parent."""
    if not item.theorems:
        return item
    return replace(item, theorems=tuple(_packed(t) for t in item.theorems))


def _packed(theorem: LeanTheorem) -> LeanTheorem:
    if theorem.origin is None or isinstance(theorem.origin, PackedSpec):
        return theorem
    return replace(theorem, origin=PackedSpec.pack(theorem.origin))


def _serve(preparer: Preparer, connection: Connection) -> None:
    """A worker: each (first, size) answered with that chunk of indices prepared."""
    quiet()
    forking.serve(connection, partial(_prepare, preparer))


def _prepare(preparer: Preparer, request: tuple[int, int]) -> list[Prepared]:
    first, size = request
    return [packed(preparer(i)) for i in range(first, first + size)]


def dead_worker(doing: str) -> Callable[[int | None], WorkerDiedError]:
    """The error for a worker `doing` something that died with an exit code."""

    def error(code: int | None) -> WorkerDiedError:
        return WorkerDiedError(
            f"a worker {doing} died (exit code {code}); if the machine ran out of memory, "
            "lower --workers"
        )

    return error


def _receive(connection: Connection, process: BaseProcess) -> list[Prepared]:
    return cast(
        list[Prepared], forking.receive(connection, process, dead_worker("preparing theorems"))[1]
    )


def prepared_items(
    preparer: Preparer, start: int, workers: int, chunk: int = 4
) -> Iterator[Prepared]:
    """`preparer(start)`, `preparer(start + 1)`, … in order, forever, computed by `workers`
    processes (in this process when `workers` is 1). Closing the iterator stops them."""
    if workers <= 1:
        for index in itertools.count(start):
            yield preparer(index)
        return
    context = multiprocessing.get_context("fork")
    pool: list[tuple[BaseProcess, Connection]] = []
    try:
        for _ in range(workers):
            here, there = context.Pipe()
            started = context.Process(target=_serve, args=(preparer, there), daemon=True)
            started.start()
            there.close()
            pool.append((started, here))
        sent = received = 0
        while True:
            while sent - received < IN_FLIGHT * workers:
                forking.request(pool[sent % workers][1], (start + sent * chunk, chunk))
                sent += 1
            worker, connection = pool[received % workers]
            items = _receive(connection, worker)
            received += 1
            yield from items
    finally:
        for worker, connection in pool:
            connection.close()
            worker.kill()
            worker.join()
