"""The default walk over the compiled match listing (`listed_walk`) against the pure-Python
walk, the reference: the same steps (rules, directions, positions, substitutions, trees) and
the same draws from the generator, on random starts of every theory, with and without a
`keep` filter; and the fall back to Python where the listing cannot run."""

from __future__ import annotations

import dataclasses
import random
from unittest.mock import patch

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rpsdg_formal.families.equation_textbook import textbook
from rpsdg_formal.rewriting import fastsearch
from rpsdg_formal.rewriting.listed_walk import listed_walk
from rpsdg_formal.rewriting.steps import Keep, RuleIndex, Step, apply_step
from rpsdg_formal.rewriting.walk import WalkConfig, draw_walk, random_walk, theorem_rng
from rpsdg_formal.terms.artifacts import NATURAL, is_textbook
from rpsdg_formal.terms.expr import Expr, app, num, var, variables
from rpsdg_formal.terms.sample import ExprShape, random_expr
from rpsdg_formal.terms.signature import Fixity
from rpsdg_formal.theory.catalogue import rules_path
from rpsdg_formal.theory.rules import RuleSet, load_rules

THEORIES = ("field", "calculus", "equation")
RULES = {t: load_rules(rules_path(t)) for t in THEORIES}
INDEXES = {t: RuleIndex.build(r.rules) for t, r in RULES.items()}

needs_extension = pytest.mark.skipif(
    not fastsearch.available(),
    reason="the C listing is not built here (pip install -e . builds it; see the README)",
)


def _shape(rules: RuleSet, variables: tuple[str, ...], numerals: float) -> ExprShape:
    """Starts over every operator of the theory (as `generate` draws them by default)."""
    sig = rules.theory.signature
    return ExprShape(
        unary=tuple(
            op.name for op in sig.operators if op.arity == 1 and op.fixity is not Fixity.INFIX
        ),
        binary=tuple(op.name for op in sig.operators if op.arity == 2),
        variables=variables,
        numeral_probability=numerals,
        min_ops=1,
        max_ops=7,
    )


def _keep(kind: str, rules: RuleSet) -> Keep | None:
    sig = rules.theory.signature
    if kind == "natural":
        return lambda expr: is_textbook(expr, sig, NATURAL)
    if kind == "textbook":
        return textbook(sig)
    return None


def _fields(steps: tuple[Step, ...]) -> list[tuple[object, ...]]:
    return [(s.rule.name, s.reverse, s.path, s.substitution, s.before, s.after) for s in steps]


@needs_extension
@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    theory=st.sampled_from(THEORIES),
    seed=st.integers(0, 2**32),
    steps=st.integers(1, 14),
    cap=st.integers(4, 40),
    names=st.sampled_from([("x",), ("x", "y"), ("x", "y", "z"), ("x", "y", "z", "w")]),
    numerals=st.sampled_from([0.0, 0.15, 0.6]),
    keep_kind=st.sampled_from(["none", "natural", "textbook"]),
)
def test_the_listed_walk_is_the_python_walk(
    theory: str,
    seed: int,
    steps: int,
    cap: int,
    names: tuple[str, ...],
    numerals: float,
    keep_kind: str,
) -> None:
    rules, index = RULES[theory], INDEXES[theory]
    start = random_expr(_shape(rules, names, numerals), random.Random(seed))
    fresh = tuple(var(v) for v in variables(start))
    keep = _keep(keep_kind, rules)
    listed_rng, python_rng = random.Random(seed + 1), random.Random(seed + 1)
    listed = listed_walk(start, index, fresh, steps, cap, listed_rng, keep)
    assert listed is not None  # the compiled listing really ran
    python = random_walk(start, index, steps, cap, python_rng, keep=keep, compiled=False)
    assert _fields(listed) == _fields(python)
    assert listed == python
    assert listed_rng.getstate() == python_rng.getstate()  # the same draws were made
    for step in listed:  # and each step really applies (replayed independently)
        assert apply_step(step.before, step.rule, step.reverse, step.path, step.binding()) == step


@needs_extension
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    theory=st.sampled_from(THEORIES),
    seed=st.integers(0, 2**32),
    index=st.integers(0, 10**6),
    natural=st.booleans(),
)
def test_whole_default_walks_are_the_same_either_way(
    theory: str, seed: int, index: int, natural: bool
) -> None:
    """`draw_walk` with `WalkConfig(compiled=…)`: restarts and all, the same walk."""
    rules = RULES[theory]
    config = WalkConfig(shape=_shape(rules, ("x", "y", "z"), 0.15), natural=natural)
    keep = _keep("natural" if natural else "none", rules)
    python_config = dataclasses.replace(config, compiled=False)
    compiled = draw_walk(config, INDEXES[theory], theorem_rng(seed, index), keep)
    python = draw_walk(python_config, INDEXES[theory], theorem_rng(seed, index), keep)
    assert compiled == python
    assert repr(config) == repr(python_config)  # not part of a run's settings (its hash)


@needs_extension
def test_a_start_without_variables_offers_no_fresh_values() -> None:
    """With no variables there is nothing to instantiate a rule's extra variables with: such
    rule directions are left out of the listing, as the Python walk leaves them out."""
    index = INDEXES["field"]
    start = app("add", app("mul", num(2), num(1)), num(0))
    listed_rng, python_rng = random.Random(5), random.Random(5)
    listed = listed_walk(start, index, (), 6, 20, listed_rng)
    python = random_walk(start, index, 6, 20, python_rng, compiled=False)
    assert listed is not None and len(listed) == 6
    assert listed == python
    assert listed_rng.getstate() == python_rng.getstate()


def test_without_the_extension_the_python_walk_runs() -> None:
    index = INDEXES["field"]
    start = app("add", var("x"), app("mul", var("y"), num(1)))
    rng = random.Random(9)
    state = rng.getstate()
    with patch.object(fastsearch, "_native", None):
        assert listed_walk(start, index, (var("x"), var("y")), 5, 20, rng) is None
        assert rng.getstate() == state  # nothing was drawn
        walked = random_walk(start, index, 5, 20, random.Random(9))
    assert walked == random_walk(start, index, 5, 20, random.Random(9), compiled=False)


def test_trees_beyond_the_compiled_limits_are_left_to_python() -> None:
    index = INDEXES["field"]
    deep: Expr = var("x")
    for _ in range(fastsearch.MAX_DEPTH + 1):
        deep = app("neg", deep)
    rng = random.Random(2)
    assert listed_walk(deep, index, (var("x"),), 2, 1000, rng) is None
    assert listed_walk(var("x"), index, (var("x"),), 2, fastsearch.MAX_DEPTH + 1, rng) is None
    assert rng.getstate() == random.Random(2).getstate()
    walked = random_walk(deep, index, 2, 1000, random.Random(2))
    assert walked == random_walk(deep, index, 2, 1000, random.Random(2), compiled=False)
    assert len(walked) == 2
