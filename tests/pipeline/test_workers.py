"""The preparing workers: forked processes that hand back items in index order, with their
proof specs packed, no helper thread in the parent, and failures that reach the parent."""

from __future__ import annotations

import itertools
import os
import threading

import pytest

from rpsdg_formal.families.rewrite_family import RewriteFamily
from rpsdg_formal.kernel.proofspec import PackedSpec, unpacked
from rpsdg_formal.pipeline.prepare import Prepared, Preparer
from rpsdg_formal.pipeline.workers import WorkerDiedError, prepared_items
from rpsdg_formal.rewriting.walk import WalkConfig
from rpsdg_formal.theory.rules import RuleSet


def _preparer(rules: RuleSet) -> Preparer:
    return Preparer(rules, RewriteFamily(WalkConfig(steps=4)), 3)


def test_workers_give_the_items_of_one_process_in_order_with_packed_specs(
    field_rules: RuleSet,
) -> None:
    preparer = _preparer(field_rules)
    alone = list(itertools.islice(prepared_items(preparer, 7, 1), 30))
    threads = threading.active_count()
    source = prepared_items(preparer, 7, 2, chunk=3)
    forked = list(itertools.islice(source, 30))
    assert threading.active_count() == threads  # no helper thread in the parent
    source.close()
    assert [i.index for i in forked] == list(range(7, 37))
    packed = 0
    for mine, theirs in zip(alone, forked, strict=True):
        assert (theirs.key, theirs.bucket, theirs.record) == (mine.key, mine.bucket, mine.record)
        assert theirs.theorems == mine.theorems  # name, statement and proof text
        for here, there in zip(mine.theorems, theirs.theorems, strict=True):
            assert isinstance(there.origin, PackedSpec) and here.origin is not None
            assert unpacked(there.origin) == here.origin  # the same spec, rebuilt
            packed += 1
    assert packed >= 20


class _Failing(Preparer):
    """Raises a ValueError at index 5 (a bug in a family, say)."""

    def __call__(self, index: int) -> Prepared:
        if index == 5:
            raise ValueError("no theorem at index 5")
        return super().__call__(index)


class _Dying(Preparer):
    """Its process dies at index 5 (killed, out of memory)."""

    def __call__(self, index: int) -> Prepared:
        if index == 5:
            os._exit(9)
        return super().__call__(index)


def test_an_error_in_a_worker_is_raised_in_the_parent(field_rules: RuleSet) -> None:
    preparer = _Failing(field_rules, RewriteFamily(WalkConfig(steps=4)), 3)
    source = prepared_items(preparer, 0, 2, chunk=2)
    with pytest.raises(ValueError, match="no theorem at index 5"):
        list(itertools.islice(source, 10))


def test_a_worker_that_dies_stops_the_run_with_a_typed_error(field_rules: RuleSet) -> None:
    preparer = _Dying(field_rules, RewriteFamily(WalkConfig(steps=4)), 3)
    source = prepared_items(preparer, 0, 2, chunk=2)
    with pytest.raises(WorkerDiedError, match="exit code 9"):
        list(itertools.islice(source, 10))


class _Unsendable(Exception):
    """An exception that cannot be pickled (it holds a lambda), as one holding a handle."""

    def __init__(self, index: int) -> None:
        super().__init__(index)
        self.held = lambda: index


class _RaisingUnsendable(Preparer):
    def __call__(self, index: int) -> Prepared:
        if index == 5:
            raise _Unsendable(index)
        return super().__call__(index)


def test_an_error_that_cannot_cross_the_pipe_is_named_not_a_dead_worker(
    field_rules: RuleSet,
) -> None:
    """Before the workers shared `forking.send`, the worker died pickling it and the parent
    reported a dead worker, hiding what went wrong."""
    preparer = _RaisingUnsendable(field_rules, RewriteFamily(WalkConfig(steps=4)), 3)
    source = prepared_items(preparer, 0, 2, chunk=2)
    with pytest.raises(RuntimeError, match=r"could not send back its answer: .*_Unsendable"):
        list(itertools.islice(source, 10))
