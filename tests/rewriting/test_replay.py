"""The search's reported steps built in C (`listed_walk.replay`, `_fastsearch_replay.c`)
against the Python replay it stands in for (`fastsearch._chain`): the same steps, read
forwards from a start or backwards to an end, on random chains of steps of every theory; and
`None` (so the Python replay) wherever a reported step does not apply."""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rpsdg_formal.rewriting import fastsearch, listed_walk
from rpsdg_formal.rewriting.along import Triple
from rpsdg_formal.rewriting.fastsearch import _encoding, _Ends
from rpsdg_formal.rewriting.steps import RuleIndex, Step, reverse_step
from rpsdg_formal.rewriting.walk import WalkConfig, draw_walk, theorem_rng
from rpsdg_formal.terms.expr import Expr, var, variables
from rpsdg_formal.theory.catalogue import rules_path
from rpsdg_formal.theory.rules import load_rules

THEORIES = ("field", "calculus", "equation")
INDEXES = {t: RuleIndex.build(load_rules(rules_path(t)).rules) for t in THEORIES}

needs_extension = pytest.mark.skipif(
    not fastsearch.available(),
    reason="the C search is not built here (pip install -e . builds it; see the README)",
)


def _random_chain(
    root: Expr, index: RuleIndex, fresh: tuple[Expr, ...], length: int, cap: int, rng: random.Random
) -> tuple[list[Triple], list[Step]]:
    """Up to `length` random steps from `root` (every direction, position and fresh value the
    search may report), as the search's triples and as the Python steps they stand for."""
    enc = _encoding(index)
    triples: list[Triple] = []
    steps: list[Step] = []
    node = root
    for _ in range(length):
        options = fastsearch.neighbours(node, index, fresh, cap)
        if not options:
            break
        plan, position, choice, _ = options[rng.randrange(len(options))]
        triples.append((enc.plans.index(plan), position, choice))
        steps.append(fastsearch.build_step(node, (plan, position, choice, b""), fresh))
        node = steps[-1].after
    return triples, steps


def _ends(root: Expr, index: RuleIndex, fresh: tuple[Expr, ...], native: bool) -> _Ends:
    enc = _encoding(index)
    code = enc.codes((root,))
    return _Ends(root, root, code, code, fresh, enc, native)


@needs_extension
@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    theory=st.sampled_from(THEORIES),
    seed=st.integers(0, 2**32),
    length=st.integers(0, 10),
    cap=st.sampled_from((12, 30, 80)),
    side=st.sampled_from((0, 1)),
)
def test_steps_built_in_c_are_the_python_replay(
    theory: str, seed: int, length: int, cap: int, side: int
) -> None:
    index = INDEXES[theory]
    rng = random.Random(seed)
    root = draw_walk(WalkConfig(steps=2, max_size=max(cap, 12)), index, rng).end
    fresh = tuple(var(v) for v in variables(root))
    triples, steps = _random_chain(root, index, fresh, length, max(cap, root.size), rng)
    compiled = _ends(root, index, fresh, True).replay(side, triples)
    python = _ends(root, index, fresh, False).replay(side, triples)
    assert compiled == python  # every field, step for step
    assert all(
        a.before is b.before and a.after is b.after for a, b in zip(compiled, python, strict=True)
    )
    expected = tuple(steps) if side == 0 else tuple(reverse_step(s) for s in reversed(steps))
    assert compiled == expected  # and they are the steps the triples were drawn as


@needs_extension
def test_the_search_links_and_paths_are_built_in_c() -> None:
    """A default theorem's links that leave the walk come from the C replay (not the Python
    fallback), and equal what the Python replay makes of them."""
    index = INDEXES["field"]
    seen = 0
    for i in range(40):
        walk = draw_walk(WalkConfig(), index, theorem_rng(31, i))
        fresh = tuple(var(v) for v in variables(walk.start))
        triples, steps = _random_chain(walk.start, index, fresh, 4, 30, random.Random(i))
        enc = _encoding(index)
        code = enc.codes((walk.start,))
        fresh_code = _ends(walk.start, index, fresh, True).fresh_code
        built = listed_walk.replay(index, walk.start, code, triples, fresh, fresh_code, False)
        assert built == tuple(steps)
        seen += bool(steps)
    assert seen > 30


@needs_extension
def test_a_step_that_does_not_apply_is_left_to_python() -> None:
    index = INDEXES["field"]
    walk = draw_walk(WalkConfig(), index, theorem_rng(32, 0))
    root = walk.start
    fresh = tuple(var(v) for v in variables(root))
    enc = _encoding(index)
    code, fresh_code = enc.codes((root,)), _ends(root, index, fresh, True).fresh_code
    (first,), _ = _random_chain(root, index, fresh, 1, 30, random.Random(0))
    plan, position, choice = first
    missing = next(k for k, p in enumerate(enc.plans) if p.missing)
    unmatched = next(  # a plan whose side does not match at the root
        k for k, p in enumerate(enc.plans) if p.matcher(root) is None and p.pattern.args
    )
    wrong = [
        (plan, 1000, choice),  # no such position
        (len(enc.plans), position, choice),  # no such plan
        (missing, 0, len(fresh) ** len(enc.plans[missing].missing)),  # past the last choice
        (unmatched, 0, 0),
    ]
    for triple in wrong:  # (as the first step or after one that applies)
        for triples in ([triple], [first, triple]):
            assert listed_walk.replay(index, root, code, triples, fresh, fresh_code, False) is None
            with pytest.raises((AssertionError, IndexError)):  # the Python replay refuses them
                _ends(root, index, fresh, False).replay(0, triples)
    assert (
        listed_walk.replay(index, root, code, [(plan, position, -1)], fresh, fresh_code, False)
        is None
    )
    # a value that is no variable, or twice the same, is no fresh value: left to Python too
    for values in ((var("x"), var("x")), (walk.end,)):
        values_code = _ends(root, index, values, False).fresh_code
        assert listed_walk.replay(index, root, code, [first], values, values_code, False) is None


@needs_extension
def test_replays_leave_the_walks_as_they_were() -> None:
    """The C walker replays between walks without changing the next walk."""
    index = INDEXES["field"]
    before = [draw_walk(WalkConfig(), index, theorem_rng(33, i)) for i in range(5)]
    for walk in before:
        fresh = tuple(var(v) for v in variables(walk.start))
        triples, steps = _random_chain(walk.start, index, fresh, 3, 30, random.Random(1))
        assert _ends(walk.start, index, fresh, True).replay(1, triples) == tuple(
            reverse_step(s) for s in reversed(steps)
        )
    after = [draw_walk(WalkConfig(), index, theorem_rng(33, i)) for i in range(5)]
    assert after == before


@needs_extension
def test_a_replay_asked_while_the_walker_walks_is_left_to_python() -> None:
    """The walker replays nothing while it walks (a walk's filter asking): None, so the Python
    replay answers; after the walk it replays again."""
    index = INDEXES["field"]
    root = draw_walk(WalkConfig(), index, theorem_rng(35, 0)).start
    fresh = tuple(var(v) for v in variables(root))
    triples, steps = _random_chain(root, index, fresh, 3, 30, random.Random(2))
    ends = _ends(root, index, fresh, True)
    answers: list[object] = []

    def keep(expr: Expr) -> bool:
        answers.append(
            listed_walk.replay(index, root, ends.codes[0], triples, fresh, ends.fresh_code, False)
        )
        answers.append(ends.replay(0, triples))  # the Python replay, through the fallback
        return True

    draw_walk(WalkConfig(), index, theorem_rng(35, 1), keep)
    assert answers[0::2] and all(answer is None for answer in answers[0::2])
    assert all(answer == tuple(steps) for answer in answers[1::2])
    assert ends.replay(0, triples) == tuple(steps)
