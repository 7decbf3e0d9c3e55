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
from typing import TYPE_CHECKING

from rpsdg_formal.rewriting import paths
from rpsdg_formal.rewriting.paths import Adjacency, _no_path
from rpsdg_formal.rewriting.paths import step_key as step_key  # (where it was defined before)
from rpsdg_formal.rewriting.steps import RuleIndex, Step, reverse_step, successors
from rpsdg_formal.terms.expr import Expr

if TYPE_CHECKING:
    # networkx is imported where it is used (the reference, the exported graph, the errors of a
    # missing path), never on a generating run's path: it is about 0.1 s of start-up
    import networkx as nx


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


class ProofGraph:
    """A multigraph of expressions joined by rewrite steps (both directions).

    Steps go into plain dictionaries in networkx's own adjacency shape (node -> neighbour ->
    key -> step), those of `add_walk` once the graph is first read (selection gives every
    theorem's walk, and about half the default theorems never read their graph); shortest
    proofs are read off them directly, in the order networkx would give
    (`shortest_proofs_networkx` is that reference), and `graph` builds the networkx multigraph
    on demand with the same insertion order.
    """

    def __init__(self) -> None:
        self._built: Adjacency = {}
        # steps given to `add_walk` and not yet added: they are added, in order, when the
        # graph is first read (a default theorem's graph is often never read)
        self._pending: list[tuple[Step, ...]] = []
        # shortest proofs already read, by (start, end, limit); emptied when the graph grows
        self._proofs: dict[tuple[Expr, Expr, int], tuple[tuple[Step, ...], ...]] = {}
        self._version = 0

    @property
    def version(self) -> int:
        """How many new rewrites have been added (callers see if it grew)."""
        if self._pending:
            self._flush()
        return self._version

    @property
    def _succ(self) -> Adjacency:
        """The adjacency, every step given so far in it."""
        if self._pending:
            self._flush()
        return self._built

    def _flush(self) -> None:
        """Add the pending steps, in the order they were given."""
        pending, self._pending = self._pending, []
        for steps in pending:
            for step in steps:
                self._add(step)

    def add_step(self, step: Step) -> None:
        """Add `step` and its reverse (nodes and neighbours in the order they first appear);
        a rewrite already in the graph changes nothing."""
        if self._pending:
            self._flush()
        self._add(step)

    def _add(self, step: Step) -> None:
        """`add_step` once the pending steps are in."""
        succ = self._built
        before, after = step.before, step.after
        ahead = succ.get(before)
        if ahead is None:
            ahead = succ[before] = {}
        keyed = ahead.get(after)
        if keyed is None:
            keyed = ahead[after] = {}
        key = step_key(step)
        if key in keyed:  # added before, with its reverse
            return
        keyed[key] = step
        back = succ.get(after)
        if back is None:
            back = succ[after] = {}
        backward = reverse_step(step)
        back.setdefault(before, {})[step_key(backward)] = backward
        self._proofs.clear()
        self._version += 1

    def add_walk(self, steps: tuple[Step, ...]) -> None:
        """Add each of `steps` as `add_step` does, when the graph is next read."""
        if steps:
            self._pending.append(steps)

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
        succ = self._succ
        dist = {source: 0}
        level = [source]
        while level and (limit is None or dist[level[0]] < limit):
            found: list[Expr] = []
            for node in level:
                for after in succ.get(node, ()):
                    if after not in dist:
                        dist[after] = dist[node] + 1
                        found.append(after)
            level = found
        return dist

    def shortest_proofs(self, start: Expr, end: Expr, limit: int) -> list[tuple[Step, ...]]:
        """Up to `limit` distinct shortest step sequences from `start` to `end`, in a fixed order.

        Distinct node paths come first, in the order networkx's `all_shortest_paths` gives on
        the subgraph of edges that advance along a shortest path; parallel edges (another rule
        between the same two expressions) give further sequences, ordered by the repr of their
        step keys. `shortest_proofs_networkx` is the networkx-based reference (the property
        test in tests/rewriting/test_paths.py holds them equal); this reads the same order off
        the graph's own dictionaries, and remembers it until the graph grows.
        """
        succ = self._succ  # (the pending steps first: they may empty the memo)
        memo = (start, end, limit)
        found = self._proofs.get(memo)
        if found is None:
            found = self._proofs[memo] = paths.shortest_proofs(succ, start, end, limit)
        return list(found)

    def first_proof(self, start: Expr, end: Expr) -> tuple[Step, ...]:
        """`shortest_proofs(start, end, 1)[0]`, found alone (`paths.first_proof`): where only
        `add_walk`'s steps are in the graph, without building it (`paths.first_proof_of`)."""
        if not self._built:  # nothing added yet but walks
            return paths.first_proof_of(self._pending, start, end)
        return paths.first_proof(self._succ, start, end)

    def shortest_proofs_networkx(
        self, start: Expr, end: Expr, limit: int
    ) -> list[tuple[Step, ...]]:
        """The reference for `shortest_proofs`: networkx's `all_shortest_paths` on the subgraph
        of nodes that lie on a shortest path, parallel edges sorted by the repr of their keys."""
        import networkx as nx

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
            raise _no_path(start, end)
        total = ahead[end]
        behind = self.distances(end, total)
        on = {v for v, d in ahead.items() if d + behind.get(v, total + 1) == total}
        succ = self._succ
        keep: Adjacency = {
            u: {v: keyed for v, keyed in succ[u].items() if v in on and ahead[v] == ahead[u] + 1}
            for u in succ
            if u in on
        }
        return _networkx(keep, succ)


def _networkx(succ: Adjacency, order: Adjacency) -> nx.MultiDiGraph:
    """`succ` as a networkx multigraph, nodes in the order of `order`."""
    import networkx as nx

    graph = nx.MultiDiGraph()
    graph.add_nodes_from(u for u in order if u in succ)
    for u, neighbours in succ.items():
        for v, keyed in neighbours.items():
            for key, step in keyed.items():
                graph.add_edge(u, v, key=key, step=step)
    return graph


def largest_expression(steps: tuple[Step, ...]) -> int:
    """The size of the largest expression a proof passes through (the certifying search's cap)."""
    return max(max([s.before.size for s in steps]), max([s.after.size for s in steps]))


def proof_measures(steps: tuple[Step, ...]) -> dict[str, int]:
    """Secondary difficulty measures of a proof."""
    return {
        "start_size": steps[0].before.size,
        "end_size": steps[-1].after.size,
        "distinct_rules": len({s.rule.name for s in steps}),
        "max_rewrite_depth": max(len(s.path) for s in steps),
        "max_size": largest_expression(steps),
    }
