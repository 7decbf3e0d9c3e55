"""Shortest proofs read off a proof graph's own dictionaries (`graph.ProofGraph`), in the order
networkx's `all_shortest_paths` gives (`ProofGraph.shortest_proofs_networkx` is that reference),
and the first of them alone, for the graph built or for steps not yet added to one.

Why the first proof is a breadth-first tree's path: the proofs' node paths are read depth first
from the end, each node's predecessors in the order a breadth-first search from the start meets
them (`_predecessors`). A node on a shortest path can only be reached, along an edge that
advances, from a node on a shortest path too, so a plain breadth-first search from the start
meets the nodes on shortest paths in that same order, and a node's first predecessor is the node
that first reached it: its parent. The first path is the parents' chain from the end; its steps
are, between each two nodes, the first in `_parallel`'s order.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Mapping

from rpsdg_formal.rewriting.steps import Step, reverse_step
from rpsdg_formal.terms.expr import Expr


def step_key(step: Step) -> tuple[object, ...]:
    """Identifies a rewrite: the same rule, direction, position and substitution."""
    return (step.rule.name, step.reverse, step.path, step.substitution)


Adjacency = dict[Expr, dict[Expr, dict[tuple[object, ...], Step]]]
"""node -> neighbour -> step key -> step, each level in insertion order (as networkx keeps it)."""


def shortest_proofs(
    succ: Adjacency, start: Expr, end: Expr, limit: int
) -> tuple[tuple[Step, ...], ...]:
    """`ProofGraph.shortest_proofs` over the graph's dictionaries (see there for the order)."""
    if start not in succ:  # as the reference fails: no path, or (start = end) no such node
        if start is not end:
            raise _no_path(start, end)
        raise _not_found(start)
    ahead = _reach(succ, start, end)
    if end not in ahead:
        raise _no_path(start, end)
    total = ahead[end]
    behind = _reach(succ, end, None, total)
    on = {v for v, d in ahead.items() if d + behind.get(v, total + 1) == total}
    pred = _predecessors(succ, start, on, ahead)
    proofs: list[tuple[Step, ...]] = []
    for nodes in _node_paths(pred, start, end):
        options = [_parallel(succ[u][v]) for u, v in itertools.pairwise(nodes)]
        for choice in itertools.product(*options):
            proofs.append(choice)
            if len(proofs) >= limit:
                return tuple(proofs)
    return tuple(proofs)


def _no_path(start: Expr, end: Expr) -> Exception:
    """networkx's error for "no path" (the reference's; networkx is imported only here)."""
    import networkx as nx

    error: Exception = nx.NetworkXNoPath(f"{end} is not reachable from {start}")
    return error


def _not_found(start: Expr) -> Exception:
    """networkx's error for a source missing from the graph (the reference's)."""
    import networkx as nx

    error: Exception = nx.NodeNotFound(f"Source {start} not in G")
    return error


def _reach(
    succ: Adjacency, source: Expr, target: Expr | None, limit: int | None = None
) -> dict[Expr, int]:
    """Steps from `source` to the nodes it reaches, breadth first: up to `limit` steps, or
    until `target` is found (every node nearer than `target` is found by then)."""
    dist = {source: 0}
    level = [source]
    depth = 0
    while level and source is not target and (limit is None or depth < limit):
        depth += 1
        found: list[Expr] = []
        for node in level:
            for after in succ[node]:
                if after not in dist:
                    dist[after] = depth
                    if after is target:
                        return dist
                    found.append(after)
        level = found
    return dist


def _predecessors(
    succ: Adjacency, start: Expr, on: set[Expr], ahead: dict[Expr, int]
) -> dict[Expr, list[Expr]]:
    """Per node of `on`, its predecessors on a shortest path, in the order a breadth-first
    search from `start` over the edges that advance inside `on` meets them (the lists
    networkx's `predecessor` makes on that subgraph)."""
    pred: dict[Expr, list[Expr]] = {start: []}
    level = [start]
    while level:
        found: list[Expr] = []
        for u in level:
            nearer = ahead[u] + 1
            for v in succ[u]:
                if v in on and ahead[v] == nearer:
                    known = pred.get(v)
                    if known is None:
                        pred[v] = [u]
                        found.append(v)
                    else:
                        known.append(u)
        level = found
    return pred


def _node_paths(pred: dict[Expr, list[Expr]], start: Expr, end: Expr) -> Iterator[list[Expr]]:
    """Every path from `start` to `end` along `pred`, depth first from `end` taking each
    node's predecessors in list order (the order networkx's `all_shortest_paths` yields)."""
    trail = [end]  # the path being extended, read from `end` back
    tried = [0]  # per node of `trail`, how many of its predecessors were taken
    while trail:
        node = trail[-1]
        options = pred[node]
        if node is start:
            yield trail[::-1]
        elif tried[-1] < len(options):
            trail.append(options[tried[-1]])
            tried[-1] += 1
            tried.append(0)
            continue
        trail.pop()
        tried.pop()


def _parallel(keyed: dict[tuple[object, ...], Step]) -> list[Step]:
    """The steps between two expressions, ordered by the repr of their keys (computed only
    when there is more than one: it is the costly part)."""
    steps = list(keyed.values())
    if len(steps) > 1:
        steps.sort(key=lambda s: repr(step_key(s)))
    return steps


def first_proof(succ: Adjacency, start: Expr, end: Expr) -> tuple[Step, ...]:
    """`shortest_proofs(succ, start, end, 1)[0]`: the breadth-first tree's path (see the module
    docstring), the first parallel step between each two of its nodes."""
    nodes = _tree_path(succ, start, end)
    return tuple(_parallel(succ[u][v])[0] for u, v in itertools.pairwise(nodes))


def first_proof_of(walks: list[tuple[Step, ...]], start: Expr, end: Expr) -> tuple[Step, ...]:
    """`first_proof` of the graph `walks` would make (each step added with its reverse, in
    order, as `ProofGraph.add_step` adds them), without making it: only each node's
    neighbours in order, each with the steps given between the two (either way round)."""
    order: dict[Expr, dict[Expr, list[Step]]] = {}  # node -> neighbour -> steps, in order
    for steps in walks:
        for step in steps:
            before, after = step.before, step.after
            ahead = order.get(before)
            if ahead is None:
                ahead = order[before] = {}
            found = ahead.get(after)
            if found is not None:  # (then `after` has `before` as a neighbour already)
                found.append(step)
                continue
            ahead[after] = found = [step]
            back = order.get(after)
            if back is None:
                back = order[after] = {}
            back[before] = found  # the same list both ways round
    nodes = _tree_path(order, start, end)
    return tuple(_first_between(order[u][v], u, v) for u, v in itertools.pairwise(nodes))


def _tree_path(succ: Mapping[Expr, Iterable[Expr]], start: Expr, end: Expr) -> list[Expr]:
    """The nodes from `start` to `end` along the parents of a breadth-first search from
    `start` (each node's neighbours in order); networkx's errors where there is no path."""
    if start not in succ:  # as `shortest_proofs` fails
        if start is not end:
            raise _no_path(start, end)
        raise _not_found(start)
    parent = {start: start}
    level = [start]
    while level and end not in parent:
        found: list[Expr] = []
        for node in level:
            for after in succ[node]:
                if after not in parent:
                    parent[after] = node
                    found.append(after)
        level = found
    if end not in parent:
        raise _no_path(start, end)
    nodes = [end]
    while nodes[-1] is not start:
        nodes.append(parent[nodes[-1]])
    return nodes[::-1]


def _first_between(steps: list[Step], u: Expr, v: Expr) -> Step:
    """The first of `_parallel`'s steps from `u` to `v` in the graph `steps` (those given
    between the two, either way round, in order) would make: the steps from `u` and the
    reverses of those from `v`, each rewrite once, as `ProofGraph.add_step` keys them."""
    if len(steps) == 1:
        (only,) = steps
        return only if only.before is u else reverse_step(only)
    ahead: dict[tuple[object, ...], Step] = {}  # the graph's u -> v dictionary
    back: dict[tuple[object, ...], Step] = {}  # and its v -> u one
    for step in steps:
        mine, theirs = (ahead, back) if step.before is u else (back, ahead)
        key = step_key(step)
        if key not in mine:
            mine[key] = step
            backward = reverse_step(step)
            theirs[step_key(backward)] = backward
    return _parallel(ahead)[0]
