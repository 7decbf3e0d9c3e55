"""The expression graph of one theorem: walk, exploration, shortest proofs, certified bound.

Nodes are interned expressions; each edge carries the `Step` that rewrites its source into its
target (every step is added with its reverse, since rules apply both ways). The graph of one
theorem holds its walk, the neighbours of every walk node, and whatever the bounded
bidirectional search visits; it is dropped once the theorem is made, so memory does not grow
with the dataset.

What `min_length_lower_bound = k` certifies: no sequence of fewer than k steps of the *step
set* joins the two sides through expressions of at most `size_cap` nodes. The step set is every
rewrite by a rule of the walk's `RuleIndex`, in either direction, at any position, in which each
variable that occurs on one side of the rule only is instantiated with one of the theorem's own
variables (`steps.in_step_set`; so `y * 0 -> 0` is a step and `(y / y) * 0 -> 0` is not). It is
closed under reversal, so a breadth-first search from the end is a search towards it. The
bidirectional search explored every expression within `forward` steps of the start and
`backward` steps of the end (complete levels only) and the two balls did not meet before
k = forward + backward + 1; where they met, k is the exact distance within those bounds and the
proof is a path of that length. Proofs are paths of this graph, whose edges are all in the step
set. `size_cap` is at least the largest expression on the chosen proof, so the proof itself lies
inside the searched space and k <= proof_length.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import networkx as nx

from rpsdg_formal.rewriting.steps import RuleIndex, Step, reverse_step, successors
from rpsdg_formal.terms.expr import Expr


@dataclass(frozen=True)
class SearchBounds:
    """How far the certifying search may go."""

    max_depth: int = 8  # forward + backward levels; the bound certifiable is at most this + 1
    node_budget: int = 200  # nodes per side; a level cut short by the budget does not count


@dataclass(frozen=True)
class LowerBound:
    """A certified lower bound on proof length, and the search that certified it."""

    value: int
    exact: bool
    forward: int
    backward: int
    size_cap: int
    nodes: int


def step_key(step: Step) -> tuple[object, ...]:
    """Identifies a rewrite: the same rule, direction, position and substitution."""
    return (step.rule.name, step.reverse, step.path, step.substitution)


class ProofGraph:
    """A networkx multigraph of expressions joined by rewrite steps (both directions)."""

    def __init__(self) -> None:
        self.graph: nx.MultiDiGraph = nx.MultiDiGraph()

    def add_step(self, step: Step) -> None:
        for edge in (step, reverse_step(step)):
            self.graph.add_edge(edge.before, edge.after, key=step_key(edge), step=edge)

    def add_walk(self, steps: tuple[Step, ...]) -> None:
        for step in steps:
            self.add_step(step)

    def explore(self, node: Expr, index: RuleIndex, fresh: tuple[Expr, ...], max_size: int) -> None:
        """Add every step out of `node` (within `max_size`)."""
        for step in successors(node, index, fresh, max_size, symmetric=True):
            self.add_step(step)

    def distances(self, source: Expr) -> dict[Expr, int]:
        return dict(nx.single_source_shortest_path_length(self.graph, source))

    def shortest_proofs(self, start: Expr, end: Expr, limit: int) -> list[tuple[Step, ...]]:
        """Up to `limit` distinct shortest step sequences from `start` to `end`, in a fixed order.

        Distinct node paths come first; parallel edges (another rule between the same two
        expressions) give further distinct sequences.
        """
        proofs: list[tuple[Step, ...]] = []
        for nodes in nx.all_shortest_paths(self.graph, start, end):
            options = [
                sorted(self.graph[u][v].values(), key=lambda d: repr(step_key(d["step"])))
                for u, v in itertools.pairwise(nodes)
            ]
            for choice in itertools.product(*options):
                proofs.append(tuple(d["step"] for d in choice))
                if len(proofs) >= limit:
                    return proofs
        return proofs


def _expand_level(
    frontier: list[Expr],
    dist: dict[Expr, int],
    other: dict[Expr, int],
    index: RuleIndex,
    fresh: tuple[Expr, ...],
    cap: int,
    budget: int,
    graph: ProofGraph,
) -> tuple[list[Expr], int | None, bool]:
    """Expand one whole BFS level. Returns (next frontier, best meeting length, completed)."""
    best: int | None = None
    level: list[Expr] = []
    for node in frontier:
        for step in successors(node, index, fresh, cap, symmetric=True):
            graph.add_step(step)
            after = step.after
            if after not in dist:
                dist[after] = dist[node] + 1
                level.append(after)
                if len(dist) > budget:
                    return level, best, False
            if after in other:
                length = dist[after] + other[after]
                best = length if best is None else min(best, length)
    return level, best, True


def certify(
    start: Expr,
    end: Expr,
    index: RuleIndex,
    fresh: tuple[Expr, ...],
    size_cap: int,
    upto: int,
    bounds: SearchBounds,
    graph: ProofGraph,
) -> LowerBound:
    """Bidirectional bounded BFS between `start` and `end`; stop once `upto` is certified.

    Every step seen is added to `graph`, so a shorter path it finds is a proof there too.
    """
    if start is end:
        return LowerBound(0, True, 0, 0, size_cap, 1)
    forward: dict[Expr, int] = {start: 0}
    backward: dict[Expr, int] = {end: 0}
    frontiers = {True: [start], False: [end]}
    radius = {True: 0, False: 0}
    while (
        radius[True] + radius[False] + 1 < upto and radius[True] + radius[False] < bounds.max_depth
    ):
        side = len(frontiers[True]) <= len(frontiers[False])
        dist, other = (forward, backward) if side else (backward, forward)
        level, best, completed = _expand_level(
            frontiers[side], dist, other, index, fresh, size_cap, bounds.node_budget, graph
        )
        if not completed:
            break
        radius[side] += 1
        frontiers[side] = level
        if best is not None:
            return LowerBound(
                best, True, radius[True], radius[False], size_cap, len(forward) + len(backward)
            )
        if not level:  # one side's whole component is explored and the other side is not in it
            break
    value = radius[True] + radius[False] + 1
    return LowerBound(
        value, False, radius[True], radius[False], size_cap, len(forward) + len(backward)
    )


def largest_expression(steps: tuple[Step, ...]) -> int:
    """The size of the largest expression a proof passes through (the certifying search's cap)."""
    return max(max(s.before.size, s.after.size) for s in steps)


def proof_measures(steps: tuple[Step, ...]) -> dict[str, int]:
    """Secondary difficulty measures of a proof."""
    return {
        "start_size": steps[0].before.size,
        "end_size": steps[-1].after.size,
        "distinct_rules": len({s.rule.name for s in steps}),
        "max_rewrite_depth": max(len(s.path) for s in steps),
        "max_size": largest_expression(steps),
    }
