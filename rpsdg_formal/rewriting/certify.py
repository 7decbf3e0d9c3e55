"""The certifying search: a bidirectional bounded BFS over the step set, and the path where its
two balls meet.

`certify` runs the compiled search (`fastsearch`, C) when the extension is built and the
pure-Python `certify_python` otherwise; the two give the same bound and the same path (the
property test in tests/rewriting/test_fastsearch.py). See `graph` for what the bound certifies.

Each side keeps, for every expression it reaches, the step it was first reached by; where the
balls meet, the path is the start side's steps to the meeting expression followed by the end
side's read backwards (each in the step set, which is closed under reversal). The meeting
expression is the first, in enumeration order, of those giving the shortest length on the
level where the balls first touch.
"""

from __future__ import annotations

from dataclasses import dataclass

from rpsdg_formal.rewriting.graph import LowerBound, SearchBounds
from rpsdg_formal.rewriting.steps import RuleIndex, Step, reverse_step, successors
from rpsdg_formal.terms.expr import Expr


@dataclass(frozen=True)
class Certified:
    """A certified bound, a path of exactly `bound.value` steps where the search met, and the
    search's shortest ways from the start to each `via` expression it reached, then from each
    `via` expression it reached from the end to the end (`via` in its order; the proofs may
    combine them with the walk)."""

    bound: LowerBound
    path: tuple[Step, ...] | None
    links: tuple[tuple[Step, ...], ...] = ()


@dataclass
class _Side:
    """One ball of the search: distances, the step each expression was first reached by, and
    the frontier (the last complete level). Mutable: the search grows it in place."""

    dist: dict[Expr, int]
    parent: dict[Expr, Step]
    frontier: list[Expr]


@dataclass
class _Level:
    """What one level's expansion found: the new frontier and the best meeting so far."""

    found: list[Expr]
    best: int | None = None
    meet: Expr | None = None
    completed: bool = True


def _expand(
    mine: _Side, other: _Side, index: RuleIndex, fresh: tuple[Expr, ...], cap: int, budget: int
) -> _Level:
    """Expand one whole level of `mine` (cut short once the side holds more than `budget`)."""
    level = _Level([])
    dist, parent, there = mine.dist, mine.parent, other.dist
    for node in mine.frontier:
        for step in successors(node, index, fresh, cap, symmetric=True):
            after = step.after
            if after not in dist:
                dist[after] = dist[node] + 1
                parent[after] = step
                level.found.append(after)
                if len(dist) > budget:
                    level.completed = False
                    return level
            if after in there:
                length = dist[after] + there[after]
                if level.best is None or length < level.best:
                    level.best, level.meet = length, after
    return level


def _from_root(ahead: _Side, node: Expr) -> tuple[Step, ...]:
    """The start side's steps from the start to `node`."""
    head: list[Step] = []
    while node in ahead.parent:
        head.append(ahead.parent[node])
        node = head[-1].before
    return tuple(reversed(head))


def _to_root(behind: _Side, node: Expr) -> tuple[Step, ...]:
    """The end side's steps from `node` to the end (each read backwards)."""
    tail: list[Step] = []
    while node in behind.parent:
        tail.append(reverse_step(behind.parent[node]))
        node = tail[-1].after
    return tuple(tail)


def _links(sides: tuple[_Side, _Side], via: tuple[Expr, ...]) -> tuple[tuple[Step, ...], ...]:
    ahead = [_from_root(sides[0], w) for w in via if w in sides[0].parent]
    return (*ahead, *(_to_root(sides[1], w) for w in via if w in sides[1].parent))


def certify_python(
    start: Expr,
    end: Expr,
    index: RuleIndex,
    fresh: tuple[Expr, ...],
    size_cap: int,
    upto: int,
    bounds: SearchBounds,
    via: tuple[Expr, ...] = (),
) -> Certified:
    """The reference search: bidirectional, level by level, the smaller frontier first; stops
    once `upto` is certified, a level is cut short by the budget, or the balls meet."""
    if start is end:
        return Certified(LowerBound(0, True, 0, 0, size_cap, 1), ())
    sides = (_Side({start: 0}, {}, [start]), _Side({end: 0}, {}, [end]))
    radius = [0, 0]
    while radius[0] + radius[1] + 1 < upto and radius[0] + radius[1] < bounds.max_depth:
        side = 0 if len(sides[0].frontier) <= len(sides[1].frontier) else 1
        level = _expand(sides[side], sides[1 - side], index, fresh, size_cap, bounds.node_budget)
        if not level.completed:
            break
        radius[side] += 1
        sides[side].frontier = level.found
        nodes = len(sides[0].dist) + len(sides[1].dist)
        if level.best is not None and level.meet is not None:
            bound = LowerBound(level.best, True, radius[0], radius[1], size_cap, nodes)
            path = _from_root(sides[0], level.meet) + _to_root(sides[1], level.meet)
            return Certified(bound, path, _links(sides, via))
        if not level.found:  # one side's whole component is explored, without the other
            break
    nodes = len(sides[0].dist) + len(sides[1].dist)
    value = radius[0] + radius[1] + 1
    bound = LowerBound(value, False, radius[0], radius[1], size_cap, nodes)
    return Certified(bound, None, _links(sides, via))


def certify(
    start: Expr,
    end: Expr,
    index: RuleIndex,
    fresh: tuple[Expr, ...],
    size_cap: int,
    upto: int,
    bounds: SearchBounds,
    via: tuple[Expr, ...] = (),
    compiled: bool = True,
    along: tuple[Step, ...] = (),
) -> Certified:
    """The certified bound between `start` and `end` (and the meeting path): the compiled
    search where it is built and `compiled`, else the reference one (same results). `along`,
    the steps from each `via` node to the next where the caller has them, spares the compiled
    search replaying links that retrace them."""
    if compiled:
        from rpsdg_formal.rewriting import fastsearch

        found = fastsearch.certify_compiled(
            start, end, index, fresh, size_cap, upto, bounds, via, along
        )
        if found is not None:
            return found
    return certify_python(start, end, index, fresh, size_cap, upto, bounds, via)
