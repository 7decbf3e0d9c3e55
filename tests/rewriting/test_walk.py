"""Tree counting, random start expressions and random walks: determinism, no revisits, limits."""

from __future__ import annotations

import random
from functools import cache

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rpsdg_formal.errors import ConfigError
from rpsdg_formal.rewriting.steps import RuleIndex, apply_step
from rpsdg_formal.rewriting.walk import Walk, WalkConfig, draw_walk, random_walk, theorem_rng
from rpsdg_formal.terms.artifacts import NATURAL, is_textbook
from rpsdg_formal.terms.expr import Expr, Kind, positions, variables
from rpsdg_formal.terms.printers import to_human
from rpsdg_formal.terms.sample import ExprShape, count_trees, random_expr
from rpsdg_formal.theory.catalogue import rules_path
from rpsdg_formal.theory.rules import load_rules

FIELD = load_rules(rules_path("field"))
INDEX = RuleIndex.build(FIELD.rules)


def _ops(expr: Expr) -> int:
    return sum(1 for _, sub in positions(expr) if sub.kind is Kind.APP)


# --- counting trees -----------------------------------------------------------------------------


def test_count_trees_gives_the_large_schroeder_numbers() -> None:
    # One unary and one binary label: T(n) = T(n-1) + sum_k T(k) T(n-1-k), i.e. 1, 2, 6, 22, 90.
    assert [count_trees(n, 1, 1) for n in range(5)] == [1, 2, 6, 22, 90]


def test_count_trees_special_cases() -> None:
    assert [count_trees(n, 0, 1) for n in range(6)] == [1, 1, 2, 5, 14, 42]  # Catalan numbers
    assert [count_trees(n, 1, 0) for n in range(4)] == [1, 1, 1, 1]  # a single chain
    assert count_trees(3, 2, 0) == 8  # a chain of 3 labels from 2


@cache
def _enumerate(n: int, unary: int, binary: int) -> int:
    """Count by listing every labelled tree with n operators (independent of count_trees)."""

    def trees(k: int) -> list[tuple[object, ...]]:
        if k == 0:
            return [("leaf",)]
        out: list[tuple[object, ...]] = [("u", u, t) for u in range(unary) for t in trees(k - 1)]
        for left in range(k):
            for bl in range(binary):
                for lt in trees(left):
                    for rt in trees(k - 1 - left):
                        out.append(("b", bl, lt, rt))
        return out

    listed = trees(n)
    assert len(set(listed)) == len(listed)
    return len(listed)


@pytest.mark.parametrize("n", range(5))
@pytest.mark.parametrize(("unary", "binary"), [(1, 1), (2, 3), (0, 2), (3, 0)])
def test_count_trees_matches_enumeration(n: int, unary: int, binary: int) -> None:
    assert count_trees(n, unary, binary) == _enumerate(n, unary, binary)


# --- random start expressions -------------------------------------------------------------------


@settings(max_examples=100, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    min_ops=st.integers(0, 4),
    extra=st.integers(0, 4),
    p_num=st.sampled_from([0.0, 0.5, 0.9]),
)
def test_random_expr_respects_operator_counts(
    seed: int, min_ops: int, extra: int, p_num: float
) -> None:
    shape = ExprShape(
        unary=("neg", "inv"),
        binary=("add", "mul"),
        variables=("x", "y"),
        numeral_probability=p_num,
        min_ops=min_ops,
        max_ops=min_ops + extra,
    )
    expr = random_expr(shape, random.Random(seed))
    assert shape.min_ops <= _ops(expr) <= shape.max_ops
    assert variables(expr)  # rejection keeps only expressions with a variable
    for _, sub in positions(expr):
        if sub.kind is Kind.APP:
            assert sub.head in (shape.unary if len(sub.args) == 1 else shape.binary)
        elif sub.kind is Kind.VAR:
            assert sub.head in shape.variables
        else:
            assert sub.value in shape.numerals


def test_random_expr_reaches_every_operator_count() -> None:
    shape = ExprShape(unary=("neg",), binary=("add",), variables=("x",), min_ops=1, max_ops=4)
    rng = random.Random(0)
    assert {_ops(random_expr(shape, rng)) for _ in range(200)} == {1, 2, 3, 4}


def test_random_expr_is_deterministic_per_seed() -> None:
    shape = WalkConfig().shape
    assert random_expr(shape, random.Random(5)) is random_expr(shape, random.Random(5))


# --- walks --------------------------------------------------------------------------------------


def _check_walk(walk: Walk, config: WalkConfig) -> None:
    assert len(walk.steps) == config.steps
    seen = [walk.start, *(s.after for s in walk.steps)]
    assert len(set(seen)) == len(seen), "the walk revisited an expression"
    current = walk.start
    for step in walk.steps:
        assert step.before is current
        assert step.after.size <= config.max_size
        replayed = apply_step(step.before, step.rule, step.reverse, step.path, step.binding())
        assert replayed == step
        current = step.after
    assert walk.end is current


def test_same_seed_and_index_give_the_same_walk() -> None:
    config = WalkConfig(steps=6)
    for i in range(5):
        first = draw_walk(config, INDEX, theorem_rng(11, i))
        second = draw_walk(config, INDEX, theorem_rng(11, i))
        assert first.start is second.start
        assert first.steps == second.steps
        assert all(s1.after is s2.after for s1, s2 in zip(first.steps, second.steps, strict=True))


def test_different_seeds_give_different_walks() -> None:
    config = WalkConfig(steps=6)
    walks = [draw_walk(config, INDEX, theorem_rng(seed, 0)) for seed in range(10)]
    assert len({(w.start, w.end) for w in walks}) >= 5
    by_index = [draw_walk(config, INDEX, theorem_rng(3, i)) for i in range(10)]
    assert len({(w.start, w.end) for w in by_index}) >= 5


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), index=st.integers(0, 10**6))
def test_walks_never_revisit_and_respect_max_size(seed: int, index: int) -> None:
    config = WalkConfig(steps=8)
    _check_walk(draw_walk(config, INDEX, theorem_rng(seed, index)), config)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_tight_max_size_is_respected(seed: int) -> None:
    shape = ExprShape(
        unary=("neg",), binary=("add", "mul"), variables=("x", "y"), min_ops=1, max_ops=3
    )
    config = WalkConfig(steps=5, max_size=9, shape=shape)
    _check_walk(draw_walk(config, INDEX, theorem_rng(seed, 0)), config)


def test_random_walk_stops_when_stuck() -> None:
    # Only add_comm: a + b can go to y + x and no further without revisiting.
    index = RuleIndex.build([FIELD.by_name("add_comm")])
    start = FIELD.by_name("add_comm").lhs
    steps = random_walk(start, index, 10, 40, random.Random(0))
    assert [s.after for s in steps] == [FIELD.by_name("add_comm").rhs]


def test_draw_walk_gives_up_with_config_error() -> None:
    index = RuleIndex.build([FIELD.by_name("add_comm")])
    with pytest.raises(ConfigError, match="could not find a walk"):
        draw_walk(WalkConfig(steps=100), index, theorem_rng(0, 0))


@pytest.mark.parametrize("steps", [0, -1])
def test_walk_config_rejects_non_positive_steps(steps: int) -> None:
    with pytest.raises(ConfigError, match="steps"):
        WalkConfig(steps=steps)


def test_walk_config_rejects_bad_shapes() -> None:
    with pytest.raises(ConfigError):
        WalkConfig(
            shape=ExprShape(unary=(), binary=("add",), variables=("x",), min_ops=3, max_ops=2)
        )
    with pytest.raises(ConfigError):
        WalkConfig(shape=ExprShape(unary=(), binary=("add",), variables=()))
    with pytest.raises(ConfigError, match="numeral_probability"):
        WalkConfig(
            shape=ExprShape(unary=(), binary=("add",), variables=("x",), numeral_probability=1.0)
        )


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_a_natural_walk_reaches_only_what_keep_accepts(seed: int) -> None:
    sig = FIELD.theory.signature

    def keep(expr: Expr) -> bool:
        return is_textbook(expr, sig, NATURAL)

    walk = draw_walk(WalkConfig(steps=6, natural=True), INDEX, theorem_rng(seed, 0), keep)
    for expr in (walk.start, *(s.after for s in walk.steps)):
        assert is_textbook(expr, sig, NATURAL), to_human(expr, sig)


def test_without_keep_the_walk_is_todays() -> None:
    config = WalkConfig(steps=6)
    for i in range(5):
        today = draw_walk(config, INDEX, theorem_rng(4, i))
        assert draw_walk(config, INDEX, theorem_rng(4, i), None).steps == today.steps


def test_keep_refusing_everything_stops_the_walk() -> None:
    start = FIELD.by_name("add_comm").lhs
    assert random_walk(start, INDEX, 5, 40, random.Random(0), keep=lambda _: False) == ()
