"""The compiled search's tree codes remembered per sub-tree (`_Encoding.encode`) against the
plain pre-order `tree`: the same codes, and symbols numbered in the same order."""

from __future__ import annotations

import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rpsdg_formal.rewriting import fastsearch
from rpsdg_formal.rewriting.steps import RuleIndex
from rpsdg_formal.rewriting.walk import WalkConfig, draw_walk
from rpsdg_formal.terms.expr import app, var
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
