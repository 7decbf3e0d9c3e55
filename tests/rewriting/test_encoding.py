"""The compiled search's tree codes remembered per sub-tree (`_Encoding.encode`) against the
plain pre-order `tree`: the same codes, and symbols numbered in the same order; and the codes
made in C (`_Encoding.codes`, `_fastsearch_encode.c`) against both, symbol tables included."""

from __future__ import annotations

import random
from array import array

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rpsdg_formal.rewriting import fastsearch
from rpsdg_formal.rewriting.certify import certify, certify_python
from rpsdg_formal.rewriting.graph import SearchBounds
from rpsdg_formal.rewriting.steps import RuleIndex
from rpsdg_formal.rewriting.walk import WalkConfig, draw_walk
from rpsdg_formal.terms.expr import Expr, Kind, app, num, var
from rpsdg_formal.theory.catalogue import rules_path
from rpsdg_formal.theory.rules import load_rules

THEORIES = ("field", "calculus", "equation")
INDEXES = {t: RuleIndex.build(load_rules(rules_path(t)).rules) for t in THEORIES}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    theory=st.sampled_from(THEORIES),
    seed=st.integers(0, 2**32),
    steps=st.integers(1, 12),
    away=st.booleans(),
    memo=st.sampled_from((2, 64, fastsearch.MEMO)),
)
def test_remembered_codes_are_the_plain_codes(
    theory: str, seed: int, steps: int, away: bool, memo: int
) -> None:
    walk = draw_walk(WalkConfig(steps=steps, away=away), INDEXES[theory], random.Random(seed))
    trees = (walk.start, *(s.after for s in walk.steps))
    # two fresh encodings of the index: one coded plainly, one through the memo
    plain = fastsearch._Encoding(INDEXES[theory])
    cheap = fastsearch._Encoding(INDEXES[theory])
    expected = [tuple(plain.tree(t)) for t in trees]
    previous = fastsearch.MEMO
    fastsearch.MEMO = memo  # a small memo is emptied while trees are coded
    try:
        assert [cheap.encode(t) for t in trees] == expected
        assert [cheap.encode(t) for t in reversed(trees)] == expected[::-1]
    finally:
        fastsearch.MEMO = previous
    assert cheap.symbols == plain.symbols  # same ids, met in the same order
    assert cheap.symplans == plain.symplans and cheap.planlist == plain.planlist


def test_shared_sub_trees_are_coded_once_and_alike() -> None:
    enc = fastsearch._Encoding(INDEXES["field"])
    x, y = var("x"), var("y")
    shared = app("mul", y, app("neg", x))
    trees = (app("add", x, y), app("add", shared, x), app("sub", x, shared), shared, x)
    assert [enc.encode(t) for t in trees] == [tuple(enc.tree(t)) for t in trees]
    assert enc.encoded[shared] == tuple(enc.tree(shared))


# ---- the codes made in C (`_fastsearch_encode.c`) against the Python encoder, the reference ----

needs_extension = pytest.mark.skipif(
    not fastsearch.available(),
    reason="the C encoder is not built here (pip install -e . builds it; see the README)",
)
SIGNATURES = {t: load_rules(rules_path(t)).theory.signature for t in THEORIES}


def _trees(theory: str) -> st.SearchStrategy[Expr]:
    """Random trees over every operator of `theory` (and one it does not have), its usual
    variables and one it never names, and numerals from 0 to beyond 64 bits."""
    ops = [(op.name, op.arity) for op in SIGNATURES[theory].operators] + [("unknown_op", 2)]
    leaves = st.one_of(
        st.sampled_from(["x", "y", "z", "w", "t", "fresh_name"]).map(var),
        st.one_of(st.integers(0, 12), st.integers(0, 2**70)).map(num),
    )

    def grow(children: st.SearchStrategy[Expr]) -> st.SearchStrategy[Expr]:
        return st.sampled_from(ops).flatmap(
            lambda op: st.lists(children, min_size=op[1], max_size=op[1]).map(
                lambda args: app(op[0], *args)
            )
        )

    return st.recursive(leaves, grow, max_leaves=24)


@st.composite
def _batches(draw: st.DrawFn) -> tuple[str, list[list[Expr]]]:
    """A theory and batches of its trees, later batches reusing earlier trees as sub-trees and
    repeating whole trees (the walk's nodes share most sub-trees across calls)."""
    theory = draw(st.sampled_from(THEORIES))
    trees = _trees(theory)
    seen: list[Expr] = []
    batches: list[list[Expr]] = []
    for _ in range(draw(st.integers(1, 5))):
        batch: list[Expr] = []
        for _ in range(draw(st.integers(0, 4))):
            if seen and draw(st.booleans()):
                parts = draw(st.lists(st.sampled_from(seen), min_size=1, max_size=2))
                tree = parts[0] if len(parts) == 1 else app("add", *parts)
            else:
                tree = draw(trees)
            batch.append(tree)
            seen.append(tree)
        batches.append(batch)
    return theory, batches


def _table(enc: fastsearch._Encoding) -> tuple[object, ...]:
    """Everything the encoder grows, in order: symbol ids, per-symbol plan ranges, plan lists."""
    return list(enc.symbols.items()), enc.symplans, enc.planlist, list(enc.lists.items())


@needs_extension
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(drawn=_batches(), memo=st.sampled_from((2, fastsearch.MEMO)))
def test_c_codes_are_the_python_codes(drawn: tuple[str, list[list[Expr]]], memo: int) -> None:
    theory, batches = drawn
    compiled = fastsearch._Encoding(INDEXES[theory])
    python = fastsearch._Encoding(INDEXES[theory])
    assert compiled.native is not None
    previous = fastsearch.MEMO
    fastsearch.MEMO = memo
    try:
        for batch in batches:
            assert compiled.codes(batch) == python.python_codes(batch)
            assert _table(compiled) == _table(python)  # same ids, added in the same order
    finally:
        fastsearch.MEMO = previous
    assert compiled.codes([]) == b""


@needs_extension
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(theory=st.sampled_from(THEORIES), seed=st.integers(0, 2**32), steps=st.integers(1, 12))
def test_c_codes_of_walk_nodes_are_the_plain_codes(theory: str, seed: int, steps: int) -> None:
    walk = draw_walk(WalkConfig(steps=steps), INDEXES[theory], random.Random(seed))
    trees = (walk.start, *(s.after for s in walk.steps))
    compiled = fastsearch._Encoding(INDEXES[theory])
    plain = fastsearch._Encoding(INDEXES[theory])
    expected = array("i", [c for t in trees for c in plain.tree(t)]).tobytes()
    assert compiled.codes(trees) == expected
    assert compiled.codes(trees[::-1]) == plain.python_codes(trees[::-1])
    assert _table(compiled) == _table(plain)


@needs_extension
def test_the_c_encoder_refuses_what_is_not_a_tree() -> None:
    enc = fastsearch._Encoding(INDEXES["field"])
    with pytest.raises(TypeError, match="only Expr trees"):
        enc.codes([var("x"), "x"])  # type: ignore[list-item]
    with pytest.raises(TypeError, match="sequence"):
        enc.native.codes(3, enc.symbol)
    with pytest.raises(ValueError, match="symbol id"):
        enc.native.codes([var("never_seen")], lambda node: -5)
    with pytest.raises(ZeroDivisionError):
        enc.native.codes([var("never_seen")], lambda node: 1 // 0)

    def reenter(node: Expr) -> int:
        return int(enc.native.codes([node], enc.symbol))

    with pytest.raises(RuntimeError, match="re-entered"):
        enc.native.codes([var("never_seen")], reenter)
    assert enc.codes([var("x")]) == array("i", enc.tree(var("x"))).tobytes()  # still usable


@needs_extension
def test_the_c_encoder_past_its_identity_table() -> None:
    """More symbols than the C encoder's identity table keeps (it is emptied when half full),
    and equal fields held by distinct objects (big numerals, rebuilt names): the same codes and
    table as Python, call after call."""
    compiled = fastsearch._Encoding(INDEXES["calculus"])
    python = fastsearch._Encoding(INDEXES["calculus"])
    big = 2**80
    for start in range(0, 3000, 500):
        trees = [app("add", num(n), var(f"x{n % 7}")) for n in range(start, start + 500)]
        # a new int object once the last call's trees are gone
        trees += [num(big + n % 3) for n in range(50)]
        trees += [var("".join(["y", str(n % 5)])) for n in range(50)]
        head = "".join(["z", str(start)])  # one new head object, two values: two symbols
        trees += [Expr(Kind.VAR, head, 0), Expr(Kind.VAR, head, 1)]
        assert compiled.codes(trees) == python.python_codes(trees)
        assert _table(compiled) == _table(python)
    assert len(compiled.symbols) > 3000


def _chain(depth: int, leaf: Expr) -> Expr:
    for _ in range(depth):
        leaf = app("neg", leaf)
    return leaf


@needs_extension
def test_deep_trees_are_coded_without_recursion_and_searched_in_python() -> None:
    """The C encoder keeps its own stack (a tree far deeper than Python's recursion limit codes
    as the iterative `tree` codes it); a theorem deeper than the C search lists (256) is left
    to the Python search, as the C search itself would leave it, before any encoding."""
    enc = fastsearch._Encoding(INDEXES["field"])
    deep = _chain(50_000, var("x"))
    assert enc.codes([deep]) == array("i", enc.tree(deep)).tobytes()
    index, fresh, bounds = INDEXES["field"], (var("x"),), SearchBounds(max_depth=2, node_budget=30)
    deeper = app("add", deep, deep)  # the C search would recurse 50,000 calls deep into it
    assert fastsearch.certify_compiled(deeper, deep, index, fresh, 10**6, 2, bounds) is None
    start, end = _chain(300, var("x")), _chain(298, var("x"))
    assert fastsearch.certify_compiled(start, end, index, fresh, 400, 2, bounds) is None
    found = certify(start, end, index, fresh, 400, 2, bounds)
    assert found == certify_python(start, end, index, fresh, 400, 2, bounds)
    assert found.bound.nodes > 0  # the Python search ran (here cut short by its budget)


def test_an_extension_without_the_encoder_codes_in_python() -> None:
    """An extension built before the encoder (a stale build) still serves the search; the codes
    are then the Python encoder's."""

    class Stale:
        pass

    previous = fastsearch._native
    fastsearch._native = Stale()  # type: ignore[assignment]
    try:
        enc = fastsearch._Encoding(INDEXES["equation"])
    finally:
        fastsearch._native = previous
    assert enc.native is None
    tree = app("add", var("x"), num(3))
    assert enc.codes([tree, tree]) == array("i", 2 * enc.tree(tree)).tobytes()
