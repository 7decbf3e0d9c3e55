"""The fused workers of the direct route: each prepares and kernel-checks its own items and hands
them back judged, in index order; a kernel that kills its process costs only the theorem that
does it alone (reported), a worker dying while preparing stops the run, a broken route is never
used."""

from __future__ import annotations

import itertools
import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from rpsdg_formal.errors import KernelCrashError
from rpsdg_formal.families.rewrite_family import RewriteFamily
from rpsdg_formal.kernel.check import Accepted, Kernel, Rejected, Verdict
from rpsdg_formal.kernel.direct import DirectKernel, DirectSetup
from rpsdg_formal.kernel.faults import LIMIT
from rpsdg_formal.kernel.pool import DirectUnavailable
from rpsdg_formal.kernel.proofspec import ProofSpec
from rpsdg_formal.kernel.runner import embedded_library
from rpsdg_formal.pipeline.fused import QUEUED, TAIL, FusedWorkers
from rpsdg_formal.pipeline.judged import DIED, Judged, judged
from rpsdg_formal.pipeline.outputs import json_line
from rpsdg_formal.pipeline.prepare import Prepared, Preparer, finish
from rpsdg_formal.pipeline.workers import WorkerDiedError
from rpsdg_formal.rewriting.walk import WalkConfig
from rpsdg_formal.theory.rules import RuleSet


def _preparer(rules: RuleSet) -> Preparer:
    return Preparer(rules, RewriteFamily(WalkConfig(steps=4)), 3)


def _setup(kernel: Kernel) -> DirectSetup:
    return DirectSetup(kernel.theory, Path(kernel.runner.env["LEAN_PATH"]), embedded_library())


def _first(fused: FusedWorkers, start: int, count: int) -> list[Judged]:
    return list(itertools.islice(fused.items(start, count, chunk=3), count))


@pytest.fixture()
def fused(field_rules: RuleSet, field_kernel: Kernel) -> Iterator[FusedWorkers]:
    workers = FusedWorkers(_preparer(field_rules), _setup(field_kernel), "4.35.0", 2)
    yield workers
    workers.close()


def _lines_of(
    item: Prepared, got: Judged, version: str = "4.35.0"
) -> tuple[str | None, str | None]:
    """The record line the worker serialised (with a file filled in) and the one the parent
    would have made from the prepared item and the same verdicts."""
    file = "lean/batch_00042.lean"
    by_name = {t.name: v for t, v in zip(item.theorems, got.verdicts, strict=True)}
    record = finish(item, by_name, version, dict.fromkeys(by_name, file))
    return got.record_line(file), None if record is None else json_line(record)


def test_fused_workers_judge_the_items_of_one_process_in_order(
    fused: FusedWorkers, field_rules: RuleSet
) -> None:
    preparer = _preparer(field_rules)
    got = _first(fused, 7, 30)
    assert [g.index for g in got] == list(range(7, 37))
    verified = 0
    for g in got:
        item = preparer(g.index)
        assert (g.key, g.bucket, g.error) == (item.key, item.bucket, item.error)
        assert g.theorems == item.theorems  # name, statement and proof text
        assert all(t.origin is None for t in g.theorems)  # no spec crossed the pipe
        assert len(g.verdicts) == (len(item.theorems) if item.error is None and item.key else 0)
        if item.key is not None and item.error is None:
            assert all(isinstance(v, Accepted) for v in g.verdicts)
            mine, theirs = _lines_of(item, g)
            assert mine == theirs and mine is not None
            verified += 1
    assert verified >= 20


def test_past_what_the_run_needs_only_small_requests_are_out(fused: FusedWorkers) -> None:
    """Requests cover the `needed` indices in chunks; past them, each asks for TAIL indices,
    so the work a finished run throws away is a few indices a worker, not a few chunks."""
    source = fused.items(5, 12, chunk=4)
    got = list(itertools.islice(source, 12))
    assert [g.index for g in got] == list(range(5, 17))
    asked = [request for worker in fused.pool for request in worker.waiting]
    assert asked and all(size == TAIL for first, size, _ in asked if first >= 17)
    assert max(first + size for first, size, _ in asked) <= 17 + QUEUED * len(fused.pool) * TAIL
    assert [g.index for g in itertools.islice(source, 6)] == list(range(17, 23))


@pytest.mark.parametrize("idle", [False, True])
def test_a_killed_worker_is_replaced_and_its_items_judged_again(
    fused: FusedWorkers, field_rules: RuleSet, field_kernel: Kernel, idle: bool
) -> None:
    """Killed while working, or once idle with its answers still in the pipe (the parent
    then sends it more work before it reads that it died)."""
    alone = FusedWorkers(_preparer(field_rules), _setup(field_kernel), "4.35.0", 1)
    try:
        expected = _first(alone, 0, 40)
    finally:
        alone.close()
    source = fused.items(0, 40, chunk=3)
    head = list(itertools.islice(source, 3))
    victim = fused.pool[1].process
    if idle:
        time.sleep(3)  # it answers its queued requests (about 0.1 s of work), then waits
    assert victim.pid is not None
    os.kill(victim.pid, signal.SIGKILL)
    victim.join(10)
    tail = list(itertools.islice(source, 37))
    assert fused.pool[1].process is not victim
    for mine, theirs in zip(expected, head + tail, strict=True):
        assert (mine.index, mine.key, mine.theorems) == (theirs.index, theirs.key, theirs.theorems)
        assert (mine.verdicts, mine.line) == (theirs.verdicts, theirs.line)


def _killer(name: str) -> object:
    """`DirectKernel.check_spec`, except that checking theorem `name` kills the process."""
    check = DirectKernel.check_spec

    def check_spec(self: DirectKernel, spec: ProofSpec) -> Verdict:
        if spec.name == name:
            os._exit(11)  # as a segfault in the kernel would
        return check(self, spec)

    return check_spec


def test_a_theorem_that_kills_the_kernel_alone_is_reported_as_a_limit(
    field_rules: RuleSet, field_kernel: Kernel, monkeypatch: pytest.MonkeyPatch
) -> None:
    preparer = _preparer(field_rules)
    index = next(i for i in range(4, 40) if preparer(i).key and preparer(i).error is None)
    doomed = preparer(index).theorems[0].name
    monkeypatch.setattr(DirectKernel, "check_spec", _killer(doomed))  # the forks inherit it
    fused = FusedWorkers(preparer, _setup(field_kernel), "4.35.0", 2)
    try:
        got = _first(fused, 0, 40)
    finally:
        fused.close()
    assert [g.index for g in got] == list(range(40))
    lost = got[index]
    assert lost.verdicts and all(v == Rejected(LIMIT, (DIED,)) for v in lost.verdicts)
    assert lost.line is None  # not verified, so no record
    assert [r["reason"] for r in lost.rejected_rows("lean/b.lean")] == [LIMIT] * len(lost.verdicts)
    others = [g for g in got if g.index != index and g.verdicts]
    assert len(others) >= 20 and all(isinstance(v, Accepted) for g in others for v in g.verdicts)


class _Dying(Preparer):
    """Its process dies at index 5 (killed, out of memory)."""

    def __call__(self, index: int) -> Prepared:
        if index == 5:
            os._exit(9)
        return super().__call__(index)


class _Failing(Preparer):
    """Raises a ValueError at index 5 (a bug in a family, say)."""

    def __call__(self, index: int) -> Prepared:
        if index == 5:
            raise ValueError("no theorem at index 5")
        return super().__call__(index)


@pytest.mark.parametrize(
    ("kind", "error", "match"),
    [(_Dying, WorkerDiedError, "exit code 9"), (_Failing, ValueError, "no theorem at index 5")],
)
def test_a_worker_that_fails_preparing_stops_the_run(
    field_rules: RuleSet, field_kernel: Kernel, kind: type[Preparer], error: type, match: str
) -> None:
    preparer = kind(field_rules, RewriteFamily(WalkConfig(steps=4)), 3)
    fused = FusedWorkers(preparer, _setup(field_kernel), "4.35.0", 2)
    try:
        with pytest.raises(error, match=match):
            _first(fused, 0, 10)
    finally:
        fused.close()


def test_a_route_that_fails_its_self_test_is_never_used(
    field_rules: RuleSet, field_kernel: Kernel, tmp_path: Path
) -> None:
    broken = DirectSetup(field_kernel.theory, tmp_path, embedded_library())  # no compiled theory
    with pytest.raises(DirectUnavailable, match="self-test"):
        FusedWorkers(_preparer(field_rules), broken, "4.35.0", 2)


def test_the_record_line_holds_the_lean_file_once_whatever_the_record_says(
    field_rules: RuleSet,
) -> None:
    """The gap left for the file is found exactly, even next to text that looks like it."""
    preparer = _preparer(field_rules)
    item = next(preparer(i) for i in range(50) if preparer(i).key and not preparer(i).error)
    verdicts = [Accepted(("X.a",))] * len(item.theorems)
    version = 'v "\0" \\u0000 "\\u0000"'  # the gap's own JSON text, and look-alikes
    got = judged(item, verdicts, version)
    mine, theirs = _lines_of(item, got, version)
    assert mine is not None and mine == theirs
    with pytest.raises(KernelCrashError, match="exactly once"):
        judged(item, verdicts, "\0")  # a second gap: refused, never written wrong
