"""`ProofGraph.shortest_proofs` (the graph's own breadth-first searches) against the networkx
reference it replaced (`shortest_proofs_networkx`): the same proofs in the same order, on graphs
of random walks of every theory, grown by exploration and by the certifying search's links; and
whole selections made with the reference in place of the new code."""

from __future__ import annotations

import random
from unittest import mock

import networkx as nx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rpsdg_formal.rewriting import selection
from rpsdg_formal.rewriting.certify import certify
from rpsdg_formal.rewriting.graph import ProofGraph, SearchBounds, largest_expression
from rpsdg_formal.rewriting.selection import SelectConfig, select_theorem
from rpsdg_formal.rewriting.steps import RuleIndex, Step, successors
from rpsdg_formal.rewriting.walk import Walk, WalkConfig, draw_walk
from rpsdg_formal.terms.expr import Expr, var, variables
from rpsdg_formal.theory.catalogue import rules_path
from rpsdg_formal.theory.rules import load_rules

THEORIES = ("field", "calculus", "equation")
INDEXES = {t: RuleIndex.build(load_rules(rules_path(t)).rules) for t in THEORIES}
SLOW = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _steps(proofs: list[tuple[Step, ...]]) -> list[tuple[object, ...]]:
    """Proofs as what a record keeps of each step, plus the step objects' ends."""
    return [
        tuple((s.rule.name, s.reverse, s.path, s.substitution, s.before, s.after) for s in p)
        for p in proofs
    ]


def _pieces(walk: Walk, index: RuleIndex, explore: int, links: bool) -> list[tuple[Step, ...]]:
    """A grown graph's steps, as `add_walk` arguments: the walk, every step out of its first
    `explore` nodes (parallel steps, and steps given twice), the search's path and links."""
    fresh = tuple(var(v) for v in variables(walk.start))
    nodes = (walk.start, *(s.after for s in walk.steps))
    pieces = [walk.steps]
    pieces += [tuple(successors(n, index, fresh, 24, symmetric=True)) for n in nodes[:explore]]
    if links and walk.steps:
        cap = largest_expression(walk.steps)
        found = certify(
            walk.start, walk.end, index, fresh, cap, len(walk.steps), SearchBounds(), nodes
        )
        pieces += [found.path or (), *found.links]
    return pieces


GROWN = {
    "theory": st.sampled_from(THEORIES),
    "seed": st.integers(0, 2**32),
    "steps": st.integers(1, 10),
    "explore": st.integers(0, 3),
    "links": st.booleans(),
}
"""What a grown graph is drawn from (`_grown`, `_pieces`)."""


def _grown(walk: Walk, index: RuleIndex, explore: int, links: bool) -> ProofGraph:
    """The walk's graph, with every step out of its first `explore` nodes and, with `links`,
    the certifying search's meeting path and links (as `select_theorem` adds them)."""
    graph = ProofGraph()
    for piece in _pieces(walk, index, explore, links):
        graph.add_walk(piece)
    return graph


@SLOW
@given(**GROWN, limit=st.sampled_from((1, 2, 5, 50)))
def test_shortest_proofs_match_the_networkx_reference(
    theory: str, seed: int, steps: int, explore: int, links: bool, limit: int
) -> None:
    index = INDEXES[theory]
    walk = draw_walk(WalkConfig(steps=steps), index, random.Random(seed))
    graph = _grown(walk, index, explore, links)
    nodes = [walk.start, *(s.after for s in walk.steps)]
    rng = random.Random(seed)
    pairs = [(walk.start, walk.end), (walk.end, walk.start)]
    pairs += [(rng.choice(nodes), rng.choice(nodes)) for _ in range(3)]
    for a, b in pairs:
        mine = graph.shortest_proofs(a, b, limit)
        assert _steps(mine) == _steps(graph.shortest_proofs_networkx(a, b, limit))
        assert graph.shortest_proofs(a, b, limit) == mine  # remembered, unchanged


def test_the_remembered_proofs_follow_the_graph_as_it_grows() -> None:
    index = INDEXES["field"]
    walk = draw_walk(WalkConfig(steps=6), index, random.Random(5))
    graph = ProofGraph()
    graph.add_walk(walk.steps)
    assert graph.shortest_proofs(walk.start, walk.end, 3) == [walk.steps]
    version = graph.version
    graph.add_walk(walk.steps)  # the same rewrites again: nothing new
    assert graph.version == version
    fresh = tuple(var(v) for v in variables(walk.start))
    for step in walk.steps:
        graph.explore(step.before, index, fresh, 30)
    assert graph.version > version
    grown = graph.shortest_proofs(walk.start, walk.end, 20)
    assert _steps(grown) == _steps(graph.shortest_proofs_networkx(walk.start, walk.end, 20))
    assert len(grown[0]) < len(walk.steps) or len(grown) > 1  # exploration found more


@SLOW
@given(**GROWN, away=st.booleans())
def test_the_first_proof_is_the_first_shortest_proof(
    theory: str, seed: int, steps: int, explore: int, links: bool, away: bool
) -> None:
    """`first_proof` (the breadth-first tree's path) is networkx's first shortest proof, read
    off the steps given (no graph built) or off the graph once built."""
    index = INDEXES[theory]
    walk = draw_walk(WalkConfig(steps=steps, away=away), index, random.Random(seed))
    unbuilt, built = ProofGraph(), ProofGraph()
    for piece in _pieces(walk, index, explore, links):
        unbuilt.add_walk(piece)
        built.add_walk(piece)
    assert built.version >= len(walk.steps)  # (read: now built)
    nodes = [walk.start, *(s.after for s in walk.steps)]
    rng = random.Random(seed)
    pairs = [(walk.start, walk.end), (walk.end, walk.start), (walk.start, walk.start)]
    pairs += [(rng.choice(nodes), rng.choice(nodes)) for _ in range(3)]
    for a, b in pairs:
        expected = built.shortest_proofs_networkx(a, b, 1)[0]
        assert unbuilt.first_proof(a, b) == expected
        assert built.first_proof(a, b) == expected
    assert not unbuilt._built  # read without building it


def test_missing_and_unreachable_ends_fail_as_networkx_does() -> None:
    walk = draw_walk(WalkConfig(steps=3), INDEXES["field"], random.Random(2))
    outside = var("outside")
    other = draw_walk(WalkConfig(steps=2), INDEXES["field"], random.Random(3))
    unbuilt, graph = ProofGraph(), ProofGraph()
    for either in (graph, unbuilt):
        either.add_walk(walk.steps)
        either.add_walk(other.steps)

    def first(graph: ProofGraph) -> object:
        return lambda a, b, limit: graph.first_proof(a, b)

    reads = (graph.shortest_proofs, graph.shortest_proofs_networkx, first(graph), first(unbuilt))
    assert graph.version  # (built; `unbuilt` is not)
    for read in reads:
        with pytest.raises(nx.NodeNotFound):
            read(outside, outside, 1)
        for a, b in ((outside, walk.end), (walk.start, outside), (walk.start, other.end)):
            with pytest.raises(nx.NetworkXNoPath):
                read(a, b, 1)
    assert not unbuilt._built


def _first_by_reference(graph: ProofGraph, start: Expr, end: Expr) -> tuple[Step, ...]:
    return graph.shortest_proofs_networkx(start, end, 1)[0]


def _by_reference(walk: Walk, index: RuleIndex, config: SelectConfig) -> object:
    """`select_theorem` with every proof read by the networkx reference (no shortcut for the
    walk's own graph) and every link of the search added to the graph (none left out for
    retracing the walk), as selection worked before the graph read its proofs itself."""

    def first(
        graph: ProofGraph, walk: Walk, nodes: tuple[Expr, ...], explored: bool
    ) -> tuple[Step, ...]:
        return graph.shortest_proofs(walk.start, walk.end, 1)[0]

    with (
        mock.patch.object(ProofGraph, "shortest_proofs", ProofGraph.shortest_proofs_networkx),
        mock.patch.object(selection, "_first_proof", first),
        mock.patch.object(selection, "_retraces", lambda link, steps: False),
        mock.patch.object(ProofGraph, "first_proof", _first_by_reference),
    ):
        return _selected(select_theorem(walk, index, config))


def _selected(found: selection.Selected | None) -> object:
    """What a selection gives: its bound, its proofs, and the graph it keeps (every edge, in
    the graph's order)."""
    if found is None:
        return None
    edges = [(u, v, k) for u, v, k in found.graph.graph.edges(keys=True)]
    return found.bound, _steps(list(found.proofs)), edges


@SLOW
@given(
    theory=st.sampled_from(THEORIES),
    seed=st.integers(0, 2**32),
    steps=st.integers(1, 10),
    proofs=st.sampled_from((1, 3)),
    explore=st.booleans(),
    away=st.booleans(),
)
def test_selections_match_the_networkx_reference(
    theory: str, seed: int, steps: int, proofs: int, explore: bool, away: bool
) -> None:
    index = INDEXES[theory]
    walk = draw_walk(WalkConfig(steps=steps, away=away), index, random.Random(seed))
    config = SelectConfig(proofs=proofs, explore=explore, explore_max_size=20)
    assert _selected(select_theorem(walk, index, config)) == _by_reference(walk, index, config)
