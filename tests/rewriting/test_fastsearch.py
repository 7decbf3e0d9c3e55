"""The compiled certifying search against the pure-Python reference: the same bound, the same
meeting path and the same links, step for step, on random theorems of every theory; and the
compiled walk that moves away against the Python one."""

from __future__ import annotations

import itertools
import os
import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rpsdg_formal.rewriting import away, fastsearch
from rpsdg_formal.rewriting import walk as walk_module
from rpsdg_formal.rewriting.certify import Certified, certify, certify_python
from rpsdg_formal.rewriting.graph import SearchBounds, largest_expression
from rpsdg_formal.rewriting.selection import SelectConfig, select_theorem
from rpsdg_formal.rewriting.steps import RuleIndex, Step, apply_step, in_step_set
from rpsdg_formal.rewriting.walk import DEFAULT_SHAPE, WalkConfig, draw_walk
from rpsdg_formal.terms.artifacts import NATURAL, is_textbook
from rpsdg_formal.terms.expr import var, variables
from rpsdg_formal.terms.sample import random_expr
from rpsdg_formal.theory.catalogue import rules_path
from rpsdg_formal.theory.rules import load_rules

THEORIES = ("field", "calculus", "equation")
RULES = {t: load_rules(rules_path(t)) for t in THEORIES}
INDEXES = {t: RuleIndex.build(r.rules) for t, r in RULES.items()}
SIGNATURES = {t: r.theory.signature for t, r in RULES.items()}

needs_extension = pytest.mark.skipif(
    not fastsearch.available(),
    reason="the C search is not built here (pip install -e . builds it; see the README)",
)


def _steps(path: tuple[Step, ...] | None) -> object:
    """Steps as their (rule, direction, path, values, ends)."""
    if path is None:
        return None
    return tuple((s.rule.name, s.reverse, s.path, s.substitution, s.before, s.after) for s in path)


def _keys(found: Certified) -> tuple[object, ...]:
    """Everything a result says."""
    return (found.bound, _steps(found.path), tuple(_steps(link) for link in found.links))


def _replays(path: tuple[Step, ...]) -> bool:
    """Every step applies (through the independent `apply_step`) and they chain."""
    if any(a.after is not b.before for a, b in itertools.pairwise(path)):
        return False
    return all(
        apply_step(s.before, s.rule, s.reverse, s.path, s.binding()).after is s.after for s in path
    )


@needs_extension
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    theory=st.sampled_from(THEORIES),
    seed=st.integers(0, 2**32),
    steps=st.integers(1, 9),
    budget=st.sampled_from((50, 200, 1000, 3000)),
    depth=st.integers(2, 8),
)
def test_compiled_and_python_searches_agree(
    theory: str, seed: int, steps: int, budget: int, depth: int
) -> None:
    index = INDEXES[theory]
    walk = draw_walk(WalkConfig(steps=steps), index, random.Random(seed))
    fresh = tuple(var(v) for v in variables(walk.start))
    via = (walk.start, *(s.after for s in walk.steps))
    cap = largest_expression(walk.steps)
    bounds = SearchBounds(max_depth=depth, node_budget=budget)
    reference = certify_python(walk.start, walk.end, index, fresh, cap, steps, bounds, via)
    compiled = fastsearch.certify_compiled(
        walk.start, walk.end, index, fresh, cap, steps, bounds, via
    )
    assert compiled is not None
    assert _keys(compiled) == _keys(reference)
    if compiled.path is not None:
        assert len(compiled.path) == compiled.bound.value and compiled.bound.exact
        assert compiled.path[0].before is walk.start and compiled.path[-1].after is walk.end
        assert _replays(compiled.path) and all(in_step_set(s, fresh) for s in compiled.path)
    for link in compiled.links:
        assert _replays(link) and all(in_step_set(s, fresh) for s in link)


@needs_extension
@pytest.mark.parametrize("theory", THEORIES)
def test_selected_theorems_are_the_same_with_either_search(theory: str) -> None:
    index = INDEXES[theory]
    for i in range(25):
        walk = draw_walk(WalkConfig(steps=6), index, random.Random(f"fast:{theory}:{i}"))
        chosen = [
            select_theorem(walk, index, SelectConfig(proofs=3, compiled=compiled))
            for compiled in (False, True)
        ]
        if chosen[0] is None:
            assert chosen[1] is None
            continue
        assert chosen[1] is not None
        assert chosen[0].bound == chosen[1].bound
        assert chosen[0].proofs == chosen[1].proofs


def test_the_search_falls_back_to_python_where_the_extension_cannot_run() -> None:
    index = INDEXES["field"]
    walk = draw_walk(WalkConfig(steps=3), index, random.Random(7))
    fresh = tuple(var(v) for v in variables(walk.start))
    bounds = SearchBounds()
    # a start equal to its end is left to the reference, which answers it directly
    found = certify(walk.start, walk.start, index, fresh, 30, 3, bounds)
    assert found.bound.value == 0 and found.path == ()
    assert fastsearch.certify_compiled(walk.start, walk.start, index, fresh, 30, 3, bounds) is None


@needs_extension
def test_searches_that_share_the_kept_arrays_answer_as_each_alone() -> None:
    """The C search keeps its arrays from one search to the next (`kept`): searches of other
    indexes (other plans), larger ones, and one that cannot run in between change nothing."""

    def search(theory: str, seed: int, budget: int = 200) -> object:
        index = INDEXES[theory]
        walk = draw_walk(WalkConfig(steps=6), index, random.Random(seed))
        fresh = tuple(var(v) for v in variables(walk.start))
        via = (walk.start, *(s.after for s in walk.steps))
        bounds = SearchBounds(node_budget=budget)
        cap = largest_expression(walk.steps)
        found = fastsearch.certify_compiled(
            walk.start, walk.end, index, fresh, cap, 6, bounds, via, walk.steps
        )
        assert found is not None
        return _keys(found)

    cases = [(t, seed) for seed in range(4) for t in THEORIES]
    alone = [search(t, seed) for t, seed in cases]
    too_many = tuple(var(f"v{k}") for k in range(17))  # more fresh values than the C search takes
    walk = draw_walk(WalkConfig(steps=2), INDEXES["field"], random.Random(0))
    for k, (theory, seed) in enumerate(reversed(cases)):
        search("field", 99, budget=5000)  # a larger search: more nodes to clear after it
        assert (
            fastsearch.certify_compiled(
                walk.start, walk.end, INDEXES["field"], too_many, 30, 2, SearchBounds()
            )
            is None
        )
        assert search(theory, seed) == alone[len(cases) - 1 - k]


@needs_extension
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    theory=st.sampled_from(THEORIES),
    seed=st.integers(0, 2**32),
    steps=st.integers(1, 14),
    cap=st.integers(6, 16),
    natural=st.booleans(),
)
def test_the_compiled_away_walk_is_the_python_one(
    theory: str, seed: int, steps: int, cap: int, natural: bool
) -> None:
    index = INDEXES[theory]
    start = random_expr(DEFAULT_SHAPE, random.Random(seed))
    fresh = tuple(var(v) for v in variables(start))
    sig = SIGNATURES[theory]
    keep = (lambda e: is_textbook(e, sig, NATURAL)) if natural else None
    compiled_rng, python_rng = random.Random(seed + 1), random.Random(seed + 1)
    compiled = away.away_walk(start, index, fresh, steps, cap, compiled_rng, keep)
    assert compiled is not None
    python = walk_module.random_walk(
        start, index, steps, cap, python_rng, away=True, keep=keep, compiled=False
    )
    assert compiled == python
    assert keep is None or all(keep(s.after) for s in compiled)
    assert compiled_rng.random() == python_rng.random()  # the same draws were made
    assert _replays(compiled) and all(in_step_set(s, fresh) for s in compiled)


def test_ci_builds_the_compiled_search() -> None:
    """CI installs with gcc present, so a silent fall back to Python there is a broken build."""
    if os.environ.get("CI") != "true":
        pytest.skip("outside CI a machine without a C compiler may use the Python search")
    assert fastsearch.available()
