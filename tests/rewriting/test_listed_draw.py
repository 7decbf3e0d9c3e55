"""The default walk's start drawn in C (`listed_draw`) against `sample.random_expr`, the
reference: the same start tree and the same generator state after, over random seeds and the
shapes `generate` draws from (every theory's defaults and its shape options: variables,
operators, operator counts, numerals), as well as the shapes the families and the audit use;
whole walks (restarts and all) the same either way; and the fall back to Python, with nothing
drawn, where the C draw cannot run."""

from __future__ import annotations

import dataclasses
import gc
import random
from unittest.mock import patch

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rpsdg_formal.cli.families import walk_config
from rpsdg_formal.cli.main import build_parser
from rpsdg_formal.families.calculus import CalculusConfig
from rpsdg_formal.rewriting import fastsearch
from rpsdg_formal.rewriting.listed_walk import listed_draw
from rpsdg_formal.rewriting.steps import Keep, RuleIndex
from rpsdg_formal.rewriting.walk import (
    DEFAULT_SHAPE,
    WalkConfig,
    draw_walk,
    random_walk,
    theorem_rng,
)
from rpsdg_formal.terms import expr as expr_module
from rpsdg_formal.terms.artifacts import NATURAL, is_textbook
from rpsdg_formal.terms.expr import Expr
from rpsdg_formal.terms.sample import ExprShape, random_expr
from rpsdg_formal.theory.catalogue import rules_path
from rpsdg_formal.theory.rules import load_rules

THEORIES = ("field", "calculus", "equation")
RULES = {t: load_rules(rules_path(t)) for t in THEORIES}
INDEXES = {t: RuleIndex.build(r.rules) for t, r in RULES.items()}
NAMES = ("x", "y", "z", "w", "u", "v")

needs_extension = pytest.mark.skipif(
    not fastsearch.available(),
    reason="the C draw is not built here (pip install -e . builds it; see the README)",
)


def _generate_shape(theory: str, options: list[str]) -> WalkConfig:
    """The walk `generate --theory THEORY OPTIONS` draws (the CLI's own parser and config)."""
    argv = ["generate", "--theory", theory, "--out", "unused", *options]
    return walk_config(build_parser().parse_args(argv), RULES[theory])


@st.composite
def generate_options(draw: st.DrawFn) -> list[str]:
    """Random shape options of `generate` (each left out or set)."""
    options: list[str] = []
    if draw(st.booleans()):
        names = draw(st.lists(st.sampled_from(NAMES), min_size=1, max_size=6, unique=True))
        options += ["--vars", ",".join(names)]
    low = draw(st.integers(0, 6))
    if draw(st.booleans()):
        options += ["--min-ops", str(low)]
    if draw(st.booleans()):
        options += ["--max-ops", str(draw(st.integers(max(low, 2), 14)))]
    if draw(st.booleans()):
        values = draw(st.lists(st.integers(0, 9), min_size=0, max_size=4))
        options += ["--numerals", ",".join(map(str, values))]
    return options


def _same_start(shape: ExprShape, index: RuleIndex, seed: int) -> Expr:
    """Draw a start both ways from the same generator state; assert they agree."""
    c_rng, python_rng = random.Random(seed), random.Random(seed)
    drawn = listed_draw(shape, index, 0, 30, c_rng)  # no steps: the start alone
    assert drawn is not None  # the C draw really ran
    start, steps = drawn
    assert steps == ()
    assert start is random_expr(shape, python_rng)  # the very same (pooled) tree
    assert c_rng.getstate() == python_rng.getstate()  # the same draws were made
    return start


@needs_extension
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(theory=st.sampled_from(THEORIES), options=generate_options(), seed=st.integers(0, 2**64))
def test_the_c_start_is_random_expr_on_generate_shapes(
    theory: str, options: list[str], seed: int
) -> None:
    shape = _generate_shape(theory, options).shape
    _same_start(shape, INDEXES[theory], seed)


def _family_shapes() -> list[ExprShape]:
    """The shapes drawn from outside `generate`'s options: the default walk's, the calculus
    families' antiderivatives (a repeated name weighs it), the audit's renderings'."""
    calculus = CalculusConfig()
    return [
        DEFAULT_SHAPE,
        calculus.shape(calculus.min_ops, calculus.max_ops),
        ExprShape(("neg",), ("add", "mul"), ("a", "b", "c"), numerals=(1, 2, 3), min_ops=1,
                  max_ops=5),
    ]  # fmt: skip


@needs_extension
@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(which=st.integers(0, 2), theory=st.sampled_from(THEORIES), seed=st.integers(0, 2**64))
def test_the_c_start_is_random_expr_on_family_shapes(which: int, theory: str, seed: int) -> None:
    _same_start(_family_shapes()[which], INDEXES[theory], seed)


@st.composite
def shapes(draw: st.DrawFn) -> ExprShape:
    """Random shapes, past what the CLI offers: no unary or no binary operator, repeated
    labels, any numeral probability, up to 16 variables, zero operators."""
    unary = draw(st.lists(st.sampled_from(["neg", "inv"]), max_size=3))
    binary = draw(st.lists(st.sampled_from(["add", "sub", "mul", "div"]), max_size=5))
    low = draw(st.integers(0, 5)) if unary or binary else 0
    high = draw(st.integers(low, 12)) if unary or binary else 0
    count = draw(st.integers(1, 16))
    return ExprShape(
        unary=tuple(unary),
        binary=tuple(binary),
        variables=tuple(f"v{k}" for k in range(count)),
        numerals=tuple(draw(st.lists(st.integers(0, 5), max_size=3))),
        numeral_probability=draw(st.sampled_from([0.0, 0.15, 0.5, 0.99])),
        min_ops=low,
        max_ops=high,
    )


@needs_extension
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(shape=shapes(), seed=st.integers(0, 2**64))
def test_the_c_start_is_random_expr_on_any_shape(shape: ExprShape, seed: int) -> None:
    _same_start(shape, INDEXES["field"], seed)


def _natural(theory: str) -> Keep:
    sig = RULES[theory].theory.signature
    return lambda expr: is_textbook(expr, sig, NATURAL)


@needs_extension
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    theory=st.sampled_from(THEORIES),
    options=generate_options(),
    seed=st.integers(0, 2**32),
    index=st.integers(0, 10**6),
    natural=st.booleans(),
)
def test_whole_walks_are_the_same_either_way(
    theory: str, options: list[str], seed: int, index: int, natural: bool
) -> None:
    """`draw_walk` of a `generate` walk, its start drawn in C or in Python: restarts and all,
    the same walk, and the generator left in the same state."""
    config = _generate_shape(theory, [*options, *(["--natural"] if natural else [])])
    keep = _natural(theory) if natural else None
    python_config = dataclasses.replace(config, compiled=False)
    c_rng, python_rng = theorem_rng(seed, index), theorem_rng(seed, index)
    try:
        python = draw_walk(python_config, INDEXES[theory], python_rng, keep)
    except Exception as error:  # a shape that never walks: both ways say so
        with pytest.raises(type(error), match="could not find a walk"):
            draw_walk(config, INDEXES[theory], c_rng, keep)
        return
    assert draw_walk(config, INDEXES[theory], c_rng, keep) == python
    assert c_rng.getstate() == python_rng.getstate()


@needs_extension
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(theory=st.sampled_from(THEORIES), seed=st.integers(0, 2**32), steps=st.integers(1, 12))
def test_one_try_is_random_expr_then_the_walk(theory: str, seed: int, steps: int) -> None:
    """A try that `keep` refuses draws the start only; one it keeps walks from it."""
    keep = _natural(theory)
    c_rng, python_rng = random.Random(seed), random.Random(seed)
    drawn = listed_draw(DEFAULT_SHAPE, INDEXES[theory], steps, 30, c_rng, keep)
    assert drawn is not None
    start = random_expr(DEFAULT_SHAPE, python_rng)
    expected = ()
    if keep(start):
        expected = random_walk(start, INDEXES[theory], steps, 30, python_rng, keep=keep,
                               compiled=False)  # fmt: skip
    assert drawn == (start, expected)
    assert c_rng.getstate() == python_rng.getstate()


def _left_to_python(shape: ExprShape, rng: random.Random) -> None:
    """The C draw declines `shape` (or `rng`) with nothing drawn, and `draw_walk` still gives
    the Python walk (or the Python error)."""
    state = rng.getstate()
    assert listed_draw(shape, INDEXES["field"], 3, 200, rng) is None
    assert rng.getstate() == state
    config = WalkConfig(steps=3, max_size=200, shape=shape)
    python_config = dataclasses.replace(config, compiled=False)
    try:
        expected = draw_walk(python_config, INDEXES["field"], random.Random(4))
    except ValueError as error:
        with pytest.raises(type(error)):
            draw_walk(config, INDEXES["field"], random.Random(4))
        return
    assert draw_walk(config, INDEXES["field"], random.Random(4)) == expected


@needs_extension
@pytest.mark.parametrize(
    "shape",
    [
        dataclasses.replace(DEFAULT_SHAPE, variables=tuple(f"v{k}" for k in range(17))),
        dataclasses.replace(DEFAULT_SHAPE, min_ops=1, max_ops=128),  # over the C tree depth
        dataclasses.replace(DEFAULT_SHAPE, binary=("add",) * 9, min_ops=70, max_ops=70),
        dataclasses.replace(DEFAULT_SHAPE, numerals=(1, -2)),  # `num` refuses it
        dataclasses.replace(DEFAULT_SHAPE, unary=(), binary=(), min_ops=1),  # randrange(0)
    ],
    ids=["17 variables", "128 operators", "over 2**125 trees", "negative numeral", "no operator"],
)
def test_shapes_beyond_the_c_draw_are_left_to_python(shape: ExprShape) -> None:
    _left_to_python(shape, random.Random(4))


def test_without_the_extension_or_with_another_generator_python_draws() -> None:
    class Counted(random.Random):
        pass

    _left_to_python(DEFAULT_SHAPE, Counted(4))
    with patch.object(fastsearch, "_native", None):
        _left_to_python(DEFAULT_SHAPE, random.Random(4))


@needs_extension
def test_an_error_in_keep_on_the_start_propagates_and_the_walker_is_reusable() -> None:
    def refuse(expr: Expr) -> bool:
        raise ValueError(f"no {expr!r}")

    with pytest.raises(ValueError, match="no "):
        listed_draw(DEFAULT_SHAPE, INDEXES["field"], 5, 30, random.Random(1), refuse)
    _same_start(DEFAULT_SHAPE, INDEXES["field"], 1)


@needs_extension
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32))
def test_the_start_nodes_are_the_ones_expr_builds(seed: int) -> None:
    """The start's nodes, made in C as `Expr.__new__` makes them, are pooled, carry its
    fields and hash, and leave the pool when dropped."""
    drawn = listed_draw(DEFAULT_SHAPE, INDEXES["field"], 4, 30, random.Random(seed))
    assert drawn is not None
    stack = [drawn[0]]
    while stack:
        node = stack.pop()
        key = (node.kind, node.head, node.value, node.args)
        assert expr_module._POOL[key]() is node and Expr(*key) is node
        assert node.size == 1 + sum(a.size for a in node.args)
        assert node.depth == 1 + max([a.depth for a in node.args], default=0)
        hashes = tuple(a._hash for a in node.args)
        assert hash(node) == hash((node.kind._value_, node.head, node.value, hashes))
        stack.extend(node.args)
    del drawn, stack, node, key
    gc.collect()
    assert all(ref() is not None for ref in expr_module._POOL.values())
