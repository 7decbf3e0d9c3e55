"""Shortest proofs and certified lower bounds, recomputed independently on small cases."""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from pathlib import Path

import pytest
from plain_bfs import plain_distance

from rpsdg_formal.rewriting.certify import certify
from rpsdg_formal.rewriting.graph import ProofGraph, SearchBounds
from rpsdg_formal.rewriting.selection import SelectConfig, select_theorem
from rpsdg_formal.rewriting.steps import RuleIndex, apply_step, successors
from rpsdg_formal.rewriting.walk import WalkConfig, draw_walk, theorem_rng
from rpsdg_formal.terms.expr import Expr, canonical_pair, var, variables
from rpsdg_formal.terms.sample import ExprShape
from rpsdg_formal.theory.rules import RuleSet


def _distance(start: Expr, end: Expr, index: RuleIndex, cap: int, limit: int) -> int | None:
    """Plain one-sided BFS (no budget): the distance within `cap`, if at most `limit`."""
    fresh = tuple(var(v) for v in variables(start))

    def neighbours(node: Expr) -> Iterable[Expr]:
        return (s.after for s in successors(node, index, fresh) if s.after.size <= cap)

    return plain_distance(start, end, neighbours, limit)


@pytest.fixture(scope="module")
def index(field_rules: RuleSet) -> RuleIndex:
    return RuleIndex.build(field_rules.rules)


@pytest.mark.parametrize("i", range(10))
def test_proofs_are_shortest_and_the_bound_is_sound(index: RuleIndex, i: int) -> None:
    shape = ExprShape(unary=("neg",), binary=("add", "mul"), variables=("x", "y"), max_ops=3)
    walk = draw_walk(WalkConfig(steps=3, max_size=10, shape=shape), index, theorem_rng(11, i))
    selected = select_theorem(
        walk, index, SelectConfig(proofs=4, bounds=SearchBounds(node_budget=100_000))
    )
    assert selected is not None
    proof = selected.proofs[0]
    bound = selected.bound
    cap = max(max(s.before.size, s.after.size) for s in proof)
    true = _distance(walk.start, walk.end, index, cap, len(proof))
    assert true is not None
    assert bound.value <= true <= len(proof)  # the bound never claims too much
    if bound.exact or bound.value == len(proof):
        assert len(proof) == true  # and the proof is then shortest within the cap


@pytest.mark.parametrize("i", range(8))
def test_every_proof_replays_has_the_same_length_and_they_are_distinct(
    index: RuleIndex, i: int
) -> None:
    walk = draw_walk(WalkConfig(steps=5), index, theorem_rng(12, i))
    selected = select_theorem(walk, index, SelectConfig(proofs=5, explore=True))
    assert selected is not None
    proofs = selected.proofs
    assert len(
        {tuple((s.rule.name, s.reverse, s.path, s.substitution) for s in p) for p in proofs}
    ) == len(proofs)
    for proof in proofs:
        assert len(proof) == len(proofs[0]) >= selected.bound.value
        current = walk.start
        for step in proof:
            current = apply_step(current, step.rule, step.reverse, step.path, step.binding()).after
            assert current is step.after
        assert current is walk.end


def test_graph_shortest_proofs_agree_with_networkx_path_lengths(index: RuleIndex) -> None:
    import networkx as nx

    walk = draw_walk(WalkConfig(steps=6), index, theorem_rng(13, 0))
    graph = ProofGraph()
    graph.add_walk(walk.steps)
    for step in walk.steps:
        graph.explore(step.before, index, tuple(var(v) for v in variables(walk.start)), 30)
    proofs = graph.shortest_proofs(walk.start, walk.end, 10)
    expected = nx.shortest_path_length(nx.Graph(graph.graph), walk.start, walk.end)
    assert {len(p) for p in proofs} == {expected}
    assert expected <= len(walk.steps)


def test_certify_stops_once_the_proof_is_shown_optimal(index: RuleIndex) -> None:
    walk = draw_walk(WalkConfig(steps=1), index, theorem_rng(14, 0))
    fresh = tuple(var(v) for v in variables(walk.start))
    for compiled in (False, True):
        found = certify(walk.start, walk.end, index, fresh, 40, 1, SearchBounds(), (), compiled)
        assert found.bound.value == 1 and found.bound.nodes == 2  # one step: nothing to search


def test_difficulty_range_filters_on_the_certified_bound(index: RuleIndex) -> None:
    config = SelectConfig(difficulty=(3, 4), bounds=SearchBounds(node_budget=500))
    kept = 0
    for i in range(15):
        walk = draw_walk(WalkConfig(steps=6), index, theorem_rng(15, i))
        selected = select_theorem(walk, index, config)
        if selected is not None:
            kept += 1
            assert 3 <= selected.bound.value <= 4 <= len(selected.proofs[0]) + 1
    assert kept > 0


def test_canonical_pair_identifies_renamings_and_swaps() -> None:
    x, y, z = var("x"), var("y"), var("z")
    from rpsdg_formal.terms.expr import app

    eq = (app("add", x, app("neg", y)), app("sub", x, y))
    renamed = (app("add", z, app("neg", x)), app("sub", z, x))
    swapped = (app("sub", y, z), app("add", y, app("neg", z)))
    other = (app("add", x, app("neg", y)), app("sub", y, x))
    keys = {canonical_pair(*eq), canonical_pair(*renamed), canonical_pair(*swapped)}
    assert len(keys) == 1 and canonical_pair(*other) not in keys


def test_generated_statements_are_distinct_up_to_renaming(field_rules: RuleSet) -> None:
    from rpsdg_formal.pipeline.config import GenerateConfig
    from rpsdg_formal.pipeline.run import admitted
    from rpsdg_formal.terms.parse import parse_expr

    config = GenerateConfig(
        count=1,
        seed=3,
        out=Path("unused"),
        walk=WalkConfig(steps=2, max_size=12),
    )
    sig = field_rules.theory.signature
    keys = [
        canonical_pair(parse_expr(c.record.start, sig), parse_expr(c.record.end, sig))
        for c in itertools.islice(admitted(field_rules, config), 150)
        if c.record is not None
    ]
    assert len(set(keys)) == len(keys) == 150


def test_quotas_share_the_count_by_weight() -> None:
    from rpsdg_formal.rewriting.selection import quotas

    assert quotas(((2, 1.0), (3, 2.0), (4, 1.0)), 8) == {2: 2, 3: 4, 4: 2}
    shares = quotas(((2, 1.0), (3, 1.0), (4, 1.0)), 10)
    assert sum(shares.values()) == 10 and sorted(shares.values()) == [3, 3, 4]


def test_histogram_target_is_met(field_rules: RuleSet) -> None:
    from collections import Counter

    from rpsdg_formal.pipeline.config import GenerateConfig
    from rpsdg_formal.pipeline.run import admitted

    select = SelectConfig(histogram=((2, 1.0), (3, 1.0)))
    config = GenerateConfig(count=12, seed=4, out=Path("unused"), select=select)
    made = list(itertools.islice(admitted(field_rules, config), 12))
    assert Counter(c.bucket for c in made) == {2: 6, 3: 6}


@pytest.mark.parametrize("i", range(6))
def test_walks_added_later_give_the_graph_steps_added_at_once(index: RuleIndex, i: int) -> None:
    """`add_walk` defers its steps until the graph is read: the graph, its version and its
    proofs are those of the same steps added one by one, exploration in between included."""
    walk = draw_walk(WalkConfig(steps=6), index, theorem_rng(16, i))
    other = draw_walk(WalkConfig(steps=3), index, theorem_rng(17, i))
    fresh = tuple(var(v) for v in variables(walk.start))
    lazy, eager = ProofGraph(), ProofGraph()
    lazy.add_walk(walk.steps)
    lazy.add_walk(walk.steps[2:])  # adds nothing new
    lazy.explore(walk.steps[1].after, index, fresh, 20)
    lazy.add_walk(other.steps)
    for step in (*walk.steps, *walk.steps[2:]):
        eager.add_step(step)
    eager.explore(walk.steps[1].after, index, fresh, 20)
    for step in other.steps:
        eager.add_step(step)
    assert lazy.version == eager.version
    assert list(lazy.graph.edges(keys=True)) == list(eager.graph.edges(keys=True))
    assert list(lazy.graph.nodes) == list(eager.graph.nodes)
    assert lazy.shortest_proofs(walk.start, walk.end, 3) == eager.shortest_proofs(
        walk.start, walk.end, 3
    )
    before = lazy.version
    lazy.add_walk(walk.steps)  # pending until read, and then no growth
    assert lazy.version == before
