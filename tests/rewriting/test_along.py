"""Links that retrace the walk, taken from the walk instead of replayed (`along.Along`): the
compiled search gives the same result with and without them, and the reference's."""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rpsdg_formal.rewriting import fastsearch
from rpsdg_formal.rewriting.along import plan_numbers, position
from rpsdg_formal.rewriting.certify import Certified, certify_python
from rpsdg_formal.rewriting.graph import SearchBounds, largest_expression
from rpsdg_formal.rewriting.steps import RuleIndex, Step
from rpsdg_formal.rewriting.walk import Walk, WalkConfig, draw_walk
from rpsdg_formal.terms.expr import positions, var, variables
from rpsdg_formal.theory.catalogue import rules_path
from rpsdg_formal.theory.rules import load_rules

THEORIES = ("field", "calculus", "equation")
INDEXES = {t: RuleIndex.build(load_rules(rules_path(t)).rules) for t in THEORIES}

needs_extension = pytest.mark.skipif(
    not fastsearch.available(),
    reason="the C search is not built here (pip install -e . builds it; see the README)",
)


def _steps(path: tuple[Step, ...] | None) -> object:
    if path is None:
        return None
    return tuple((s.rule.name, s.reverse, s.path, s.substitution, s.before, s.after) for s in path)


def _said(found: Certified | None) -> object:
    assert found is not None
    return (found.bound, _steps(found.path), tuple(_steps(link) for link in found.links))


def _searches(walk: Walk, index: RuleIndex, budget: int) -> tuple[object, ...]:
    """The compiled search with the walk's steps, without them, and the reference."""
    fresh = tuple(var(v) for v in variables(walk.start))
    via = (walk.start, *(s.after for s in walk.steps))
    args = (walk.start, walk.end, index, fresh, largest_expression(walk.steps), len(walk.steps))
    bounds = SearchBounds(node_budget=budget)
    return (
        fastsearch.certify_compiled(*args, bounds, via, walk.steps),
        fastsearch.certify_compiled(*args, bounds, via),
        certify_python(*args, bounds, via),
    )


@needs_extension
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    theory=st.sampled_from(THEORIES),
    seed=st.integers(0, 2**32),
    steps=st.integers(1, 10),
    budget=st.sampled_from((50, 200, 1000)),
    away=st.booleans(),
)
def test_links_taken_from_the_walk_are_the_replayed_links(
    theory: str, seed: int, steps: int, budget: int, away: bool
) -> None:
    index = INDEXES[theory]
    walk = draw_walk(WalkConfig(steps=steps, away=away), index, random.Random(seed))
    along, replayed, reference = _searches(walk, index, budget)
    assert _said(along) == _said(replayed) == (_said(reference) if reference else None)


@needs_extension
def test_most_links_of_default_walks_are_taken_from_the_walk() -> None:
    index = INDEXES["field"]
    taken = total = 0
    for seed in range(40):
        walk = draw_walk(WalkConfig(), index, random.Random(seed))
        along, _, _ = _searches(walk, index, 200)
        assert along is not None
        walk_ids = {id(s) for s in walk.steps}
        total += len(along.links)
        taken += sum(all(id(s) in walk_ids for s in link) for link in along.links)
    assert total > 0 and taken / total > 0.5  # measured: about three in four


def test_position_is_the_pre_order_number() -> None:
    walk = draw_walk(WalkConfig(), INDEXES["calculus"], random.Random(3))
    for tree in (walk.start, walk.end):
        for number, (path, _) in enumerate(positions(tree)):
            assert position(tree, path) == number


def test_plan_numbers_leave_out_shared_directions() -> None:
    plans = fastsearch._encoding(INDEXES["field"]).plans
    numbers = plan_numbers(plans)
    assert numbers and all(
        (plans[k].rule.name, plans[k].reverse) == key for key, k in numbers.items()
    )
    doubled = plan_numbers((*plans, plans[0]))
    assert (plans[0].rule.name, plans[0].reverse) not in doubled
