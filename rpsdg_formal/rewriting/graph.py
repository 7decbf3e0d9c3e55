"""The expression graph of one theorem: walk, exploration, shortest proofs, certified bound.

Nodes are interned expressions; each edge carries the `Step` that rewrites its source into its
target (every step is added with its reverse, since rules apply both ways). The graph of one
theorem holds its walk, optionally the neighbours of every walk node, and the paths the
bounded bidirectional search reports (`certify`); it is dropped once the theorem is made, so
memory does not grow with the dataset.

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


Adjacency = dict[Expr, dict[Expr, dict[tuple[object, ...], Step]]]
"""node -> neighbour -> step key -> step, each level in insertion order (as networkx keeps it)."""


class ProofGraph:
    """A multigraph of expressions joined by rewrite steps (both directions).

    Steps go into plain dictionaries (the search adds hundreds of thousands); networkx sees
    only the few nodes on shortest paths when proofs are read, or the whole graph through
    `graph`, built on demand with the same insertion order.
    """

    def __init__(self) -> None:
        self._succ: Adjacency = {}

    def add_step(self, step: Step) -> None:
        succ = self._succ
        for edge in (step, reverse_step(step)):
            keyed = succ.setdefault(edge.before, {})
            keyed.setdefault(edge.after, {})[step_key(edge)] = edge
            succ.setdefault(edge.after, {})

    def add_walk(self, steps: tuple[Step, ...]) -> None:
        for step in steps:
            self.add_step(step)

    def explore(self, node: Expr, index: RuleIndex, fresh: tuple[Expr, ...], max_size: int) -> None:
        """Add every step out of `node` (within `max_size`)."""
        for step in successors(node, index, fresh, max_size, symmetric=True):
            self.add_step(step)

    @property
    def graph(self) -> nx.MultiDiGraph:
        """The whole graph as a networkx multigraph (edge attribute `step`)."""
        return _networkx(self._succ, self._succ)

    def distances(self, source: Expr, limit: int | None = None) -> dict[Expr, int]:
        """Steps from `source` to every node it reaches (up to `limit`), in breadth-first order."""
        dist = {source: 0}
        level = [source]
        while level and (limit is None or dist[level[0]] < limit):
            found: list[Expr] = []
            for node in level:
                for after in self._succ.get(node, ()):
                    if after not in dist:
                        dist[after] = dist[node] + 1
                        found.append(after)
            level = found
        return dist

    def shortest_proofs(self, start: Expr, end: Expr, limit: int) -> list[tuple[Step, ...]]:
        """Up to `limit` distinct shortest step sequences from `start` to `end`, in a fixed order.

        Distinct node paths come first (networkx's `all_shortest_paths` order, on the subgraph
        of nodes that lie on a shortest path, which orders them as the whole graph would);
        parallel edges (another rule between the same two expressions) give further sequences.
        """
        graph = self._shortest_subgraph(start, end)
        proofs: list[tuple[Step, ...]] = []
        for nodes in nx.all_shortest_paths(graph, start, end):
            options = [
                sorted(graph[u][v].values(), key=lambda d: repr(step_key(d["step"])))
                for u, v in itertools.pairwise(nodes)
            ]
            for choice in itertools.product(*options):
                proofs.append(tuple(d["step"] for d in choice))
                if len(proofs) >= limit:
                    return proofs
        return proofs

    def _shortest_subgraph(self, start: Expr, end: Expr) -> nx.MultiDiGraph:
        """The edges that advance along some shortest `start`-`end` path. Every step has its
        reverse here, so distances to `end` are distances from it."""
        ahead = self.distances(start)
        if end not in ahead:
            raise nx.NetworkXNoPath(f"{end} is not reachable from {start}")
        total = ahead[end]
        behind = self.distances(end, total)
        on = {v for v, d in ahead.items() if d + behind.get(v, total + 1) == total}
        keep: Adjacency = {
            u: {
                v: keyed
                for v, keyed in self._succ[u].items()
                if v in on and ahead[v] == ahead[u] + 1
            }
            for u in self._succ
            if u in on
        }
        return _networkx(keep, self._succ)


def _networkx(succ: Adjacency, order: Adjacency) -> nx.MultiDiGraph:
    """`succ` as a networkx multigraph, nodes in the order of `order`."""
    graph = nx.MultiDiGraph()
    graph.add_nodes_from(u for u in order if u in succ)
    for u, neighbours in succ.items():
        for v, keyed in neighbours.items():
            for key, step in keyed.items():
                graph.add_edge(u, v, key=key, step=step)
    return graph


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
