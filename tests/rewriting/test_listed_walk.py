"""The default walk over the compiled match listing (`listed_walk`) against the pure-Python
walk, the reference: the same steps (rules, directions, positions, substitutions, trees) and
the same draws from the generator, on random starts of every theory, with and without a
`keep` filter; and the fall back to Python where the listing cannot run."""

from __future__ import annotations

import dataclasses
import gc
import multiprocessing
import pickle
import random
import weakref
from unittest.mock import patch

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rpsdg_formal.families.equation_textbook import textbook
from rpsdg_formal.rewriting import fastsearch
from rpsdg_formal.rewriting import listed_walk as listed_walk_module
from rpsdg_formal.rewriting.listed_walk import listed_walk
from rpsdg_formal.rewriting.steps import Keep, RuleIndex, Step, apply_step
from rpsdg_formal.rewriting.walk import WalkConfig, draw_walk, random_walk, theorem_rng
from rpsdg_formal.terms import expr as expr_module
from rpsdg_formal.terms.artifacts import NATURAL, is_textbook
from rpsdg_formal.terms.expr import Expr, app, num, var
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
    keep = _keep(keep_kind, rules)
    listed_rng, python_rng = random.Random(seed + 1), random.Random(seed + 1)
    listed = listed_walk(start, index, steps, cap, listed_rng, keep)
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
    listed = listed_walk(start, index, 6, 20, listed_rng)
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
        assert listed_walk(start, index, 5, 20, rng) is None
        assert rng.getstate() == state  # nothing was drawn
        walked = random_walk(start, index, 5, 20, random.Random(9))
    assert walked == random_walk(start, index, 5, 20, random.Random(9), compiled=False)


def test_trees_beyond_the_compiled_limits_are_left_to_python() -> None:
    index = INDEXES["field"]
    deep: Expr = var("x")
    for _ in range(fastsearch.MAX_DEPTH + 1):
        deep = app("neg", deep)
    rng = random.Random(2)
    assert listed_walk(deep, index, 2, 1000, rng) is None
    assert listed_walk(var("x"), index, 2, fastsearch.MAX_DEPTH + 1, rng) is None
    assert rng.getstate() == random.Random(2).getstate()
    walked = random_walk(deep, index, 2, 1000, random.Random(2))
    assert walked == random_walk(deep, index, 2, 1000, random.Random(2), compiled=False)
    assert len(walked) == 2


@needs_extension
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32), order=st.permutations(list(THEORIES) * 2))
def test_walkers_of_several_indexes_alternate_without_sharing_state(
    seed: int, order: list[str]
) -> None:
    """Each rule index keeps its own C walker across walks: walks on indexes taken in turns
    (the walker of one emptied and reused after a walk of another) are the Python walks."""
    for turn, theory in enumerate(order):
        rules, index = RULES[theory], INDEXES[theory]
        start = random_expr(_shape(rules, ("x", "y"), 0.15), random.Random(seed + turn))
        listed_rng, python_rng = random.Random(seed - turn), random.Random(seed - turn)
        listed = listed_walk(start, index, 8, 30, listed_rng)
        python = random_walk(start, index, 8, 30, python_rng, compiled=False)
        assert listed is not None and listed == python
        assert listed_rng.getstate() == python_rng.getstate()


@needs_extension
def test_a_new_index_of_the_same_rules_gets_its_own_walker() -> None:
    """A rebuilt index (a new object) is walked by a new walker, and gives the same walks."""
    rebuilt = RuleIndex.build(RULES["field"].rules)
    start = app("mul", app("add", var("x"), num(1)), var("y"))
    first = listed_walk(start, INDEXES["field"], 8, 30, random.Random(3))
    second = listed_walk(start, rebuilt, 8, 30, random.Random(3))
    assert first is not None and first == second
    assert listed_walk_module._compiled(rebuilt) is not listed_walk_module._compiled(
        INDEXES["field"]
    )


@needs_extension
def test_an_error_in_keep_propagates_and_the_walker_is_reusable() -> None:
    index = INDEXES["field"]
    start = app("add", app("mul", var("x"), var("y")), num(1))

    def refuse(expr: Expr) -> bool:
        raise ValueError(f"no {expr!r}")

    with pytest.raises(ValueError, match="no "):
        listed_walk(start, index, 5, 30, random.Random(1), refuse)
    again = listed_walk(start, index, 5, 30, random.Random(1))
    assert again == random_walk(start, index, 5, 30, random.Random(1), compiled=False)


@needs_extension
def test_a_walk_started_from_keep_is_refused_not_corrupted() -> None:
    """The walker holds one walk's state: a filter that walks the same index is an error
    (not a silent mix of two walks); the outer walk's error is the one raised."""
    index = INDEXES["field"]
    start = app("add", var("x"), num(0))

    def nested(expr: Expr) -> bool:
        listed_walk(expr, index, 2, 30, random.Random(0))
        return True

    with pytest.raises(RuntimeError, match="re-entered"):
        listed_walk(start, index, 3, 30, random.Random(0), nested)
    assert listed_walk(start, index, 3, 30, random.Random(0)) == random_walk(
        start, index, 3, 30, random.Random(0), compiled=False
    )


@needs_extension
def test_a_forked_worker_walks_with_its_own_copy() -> None:
    """The pipeline forks its workers after the parent may have walked: the child's walker
    (copied by fork) gives the parent's walks, and the parent's is unchanged after."""
    index = INDEXES["field"]
    start = app("sub", app("mul", var("x"), var("y")), var("x"))
    expected = random_walk(start, index, 8, 30, random.Random(11), compiled=False)
    assert listed_walk(start, index, 8, 30, random.Random(11)) == expected
    context = multiprocessing.get_context("fork")
    with context.Pool(1) as pool:
        child = pool.apply(_walk_in_child, (start,))
    assert child == [(s.rule.name, s.reverse, s.path, repr(s.after)) for s in expected]
    assert listed_walk(start, index, 8, 30, random.Random(11)) == expected


def _walk_in_child(start: Expr) -> list[tuple[object, ...]]:
    walked = listed_walk(start, INDEXES["field"], 8, 30, random.Random(11))
    assert walked is not None
    return [(s.rule.name, s.reverse, s.path, repr(s.after)) for s in walked]


@needs_extension
def test_other_generators_are_left_to_python() -> None:
    """The C walk makes `random.Random`'s own draws; a subclass may draw differently, so its
    walks are the Python walk's (nothing drawn by the C side)."""

    class Counted(random.Random):
        pass

    index = INDEXES["field"]
    start = app("add", var("x"), num(0))
    assert listed_walk(start, index, 3, 30, Counted(4)) is None
    walked = random_walk(start, index, 3, 30, Counted(4))
    assert walked == random_walk(start, index, 3, 30, random.Random(4), compiled=False)


@needs_extension
def test_more_variables_than_the_c_walk_takes_are_left_to_python() -> None:
    """The C walk takes the start's variables (at most 16) as the fresh values; a start with
    more is walked in Python, with nothing drawn by the C side."""
    index = INDEXES["field"]
    start: Expr = var("v0")
    for k in range(1, 17):
        start = app("add", start, var(f"v{k}"))
    rng = random.Random(8)
    assert listed_walk(start, index, 3, 60, rng) is None
    assert rng.getstate() == random.Random(8).getstate()
    walked = random_walk(start, index, 3, 60, random.Random(8))
    assert walked == random_walk(start, index, 3, 60, random.Random(8), compiled=False)
    assert len(walked) == 3


def _nodes(expr: Expr) -> list[Expr]:
    found, stack = [], [expr]
    while stack:
        node = stack.pop()
        found.append(node)
        stack.extend(node.args)
    return found


@needs_extension
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(theory=st.sampled_from(THEORIES), seed=st.integers(0, 2**32))
def test_the_nodes_the_c_walk_builds_are_the_ones_expr_builds(theory: str, seed: int) -> None:
    """Nodes the C walk makes (as `Expr.__new__` does, without running it) are pooled, carry
    the fields, size, depth and hash `Expr.__new__` gives, and leave the pool when dropped."""
    rules, index = RULES[theory], INDEXES[theory]
    start = random_expr(_shape(rules, ("x", "y", "z"), 0.15), random.Random(seed))
    alive_after_python = _alive_nodes(start, index, seed, compiled=False)
    assert _alive_nodes(start, index, seed, compiled=True) == alive_after_python
    walked = listed_walk(start, index, 10, 30, random.Random(seed + 7))
    assert walked is not None
    made = {id(n): n for s in walked for n in _nodes(s.after)}
    for node in made.values():
        key = (node.kind, node.head, node.value, node.args)
        ref = expr_module._POOL[key]
        assert ref() is node and ref.key == key
        assert Expr(*key) is node
        assert node.size == 1 + sum(a.size for a in node.args)
        assert node.depth == 1 + max([a.depth for a in node.args], default=0)
        hashes = tuple(a._hash for a in node.args)
        assert hash(node) == node._hash == hash((node.kind._value_, node.head, node.value, hashes))
    del walked, made, node, ref, key, hashes
    gc.collect()
    assert all(ref() is not None for ref in expr_module._POOL.values())  # each dead node left


def _alive_nodes(start: Expr, index: RuleIndex, seed: int, compiled: bool) -> set[str]:
    """The nodes of a walk still alive once the walk is dropped (those the rest of the process
    holds, such as the rules' own numerals): the C walk keeps none of its own."""
    walked = random_walk(start, index, 10, 30, random.Random(seed + 7), compiled=compiled)
    refs = [weakref.ref(n) for s in walked for n in _nodes(s.after)]
    del walked
    gc.collect()
    return {repr(r()) for r in refs if r() is not None}


@needs_extension
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32))
def test_steps_the_c_walk_stores_are_the_ones_step_makes(seed: int) -> None:
    """The C walk stores a Step's fields as its dataclass `__init__` stores them (same fields
    in the same order, same pickle); with that off (`_STEP_FIELDS` None) it calls Step, and
    the walks are the same."""
    assert listed_walk_module._STEP_FIELDS == tuple(f.name for f in dataclasses.fields(Step))
    start = random_expr(_shape(RULES["field"], ("x", "y"), 0.15), random.Random(seed))
    stored = listed_walk(start, INDEXES["field"], 8, 30, random.Random(seed))
    with patch.object(listed_walk_module, "_STEP_FIELDS", None):
        called = listed_walk(start, RuleIndex.build(RULES["field"].rules), 8, 30,
                             random.Random(seed))  # fmt: skip
    assert stored is not None and called is not None
    for mine, made in zip(stored, called, strict=True):
        again = Step(*(getattr(made, f.name) for f in dataclasses.fields(Step)))
        assert list(vars(mine).items()) == list(vars(made).items()) == list(vars(again).items())
        assert pickle.dumps(mine) == pickle.dumps(made) == pickle.dumps(again)
        assert mine == made and hash(mine) == hash(made)


class _Held:
    """Stands for a pool reference: what the callbacks read of one is its key."""

    def __init__(self, key: tuple[object, ...]) -> None:
        self.key = key


@needs_extension
def test_the_c_callback_of_a_pool_reference_is_expr_forget() -> None:
    """A node the C walk makes enters the pool with a C twin of `expr._forget` as its
    reference's callback: like `_forget`, it drops the entry of the reference it is given, and
    leaves an entry that another reference has taken since."""
    name = f"only_here_{id(object())}"  # every tree with it is new to the pool
    start = app("mul", app("add", var(name), var("y")), var(name))
    walked = listed_walk(start, INDEXES["field"], 8, 30, random.Random(2))
    assert walked is not None
    old = set(_nodes(start))
    made = [n for s in walked for n in _nodes(s.after) if var(name) in _nodes(n) and n not in old]
    assert made  # nodes the C walk made: compound, with the new variable, not the start's
    key = (made[0].kind, made[0].head, made[0].value, made[0].args)
    callback = expr_module._POOL[key].__callback__
    assert callback is not None and callback is not expr_module._forget
    for forget in (callback, expr_module._forget):
        key = ("not a node", id(forget))
        held, other = _Held(key), _Held(key)
        expr_module._POOL[key] = held  # type: ignore[assignment]
        forget(held)
        assert key not in expr_module._POOL
        expr_module._POOL[key] = other  # type: ignore[assignment]
        forget(held)
        assert expr_module._POOL.pop(key) is other
