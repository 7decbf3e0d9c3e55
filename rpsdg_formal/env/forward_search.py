"""Best-first search for a forward proof of one equation, pure Python (no Lean): the baseline
prover's search for `h0 : lhs = rhs ⊢ x = c`, which `prover` replays through the kernel.

The search, in one paragraph (README-ready):

    A node is the equation derived last. Its children are (1) *undo* moves: where a side is
    `A + B`, `A - B`, `B * A` or `A / B` (B a non-zero numeral for the last two), the inverse
    operation applied to both sides (`congrArg (fun t => t - B) hJ`), the cancellation on that
    side (`A + B - B = A`, the rule tagged `undo-add`, …), the same cancellation on the other
    side where it applies, and the numeral arithmetic of the other side computed innermost
    first — one edge of several tactics; (2) one numeral computation on either side; (3) every
    single rewrite of either side by a rule of the theory (no side condition, no numeral
    evaluation), in either direction, at any position, under a size cap of max(30, largest
    side) + 4. Equations already seen are skipped. Nodes are expanded by f = g + w·h, g the
    tactics so far, h the mismatch of the equation and the goal (side by side, as for rewrite
    goals), w = 0.5; ties go to the smaller h, then to the older node. The equation that is the
    goal is a proof (`exact hN`). The budget counts expansions.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Iterator, Sequence

from rpsdg_formal.env.search import SearchResult
from rpsdg_formal.errors import RewriteError
from rpsdg_formal.families.arithmetic import arithmetic_strategy
from rpsdg_formal.families.equation import Operation, undo_rule
from rpsdg_formal.kernel.emit import HOLE, discharge
from rpsdg_formal.rewriting.steps import (
    EquationStep,
    RuleIndex,
    Sides,
    apply_step,
    congruence,
    rewrite_side,
    successors,
)
from rpsdg_formal.rewriting.strategies import exhaust
from rpsdg_formal.tactics.forward import Forward
from rpsdg_formal.tactics.render import equation_trace
from rpsdg_formal.terms.expr import Expr, Kind, num
from rpsdg_formal.theory.rules import RuleSet

UNDO_KIND = {"add": "add", "sub": "sub", "mul": "mul", "div": "div"}
"""A side's head -> the operation to undo (its cancellation is tagged `undo-<operation>`)."""


FORWARD_WEIGHT = 2.0
"""w in f = g + w·h for equations: an undo move costs several tactics before h falls, so the
rewrite search's 0.5 spends the budget on cheap one-step rewrites (measured in the README)."""


def _mismatch(left: Expr, right: Expr) -> int:
    """0 for identical trees, the sum over arguments for equal heads, else both sizes."""
    if left is right:
        return 0
    if left.kind is Kind.APP and right.kind is Kind.APP and left.head == right.head:
        if len(left.args) == len(right.args):
            return sum(_mismatch(a, b) for a, b in zip(left.args, right.args, strict=True))
    return left.size + right.size


def _nonzero_numeral(expr: Expr, rules: RuleSet) -> bool:
    """A numeral the theory proves non-zero (so dividing by it can be cancelled)."""
    return expr.kind is Kind.NUM and discharge((expr, num(0)), rules.theory) is not None


def _operation(side: Expr, rules: RuleSet) -> Operation | None:
    """The operation whose inverse peels `side`'s outermost operation, if any."""
    if side.kind is not Kind.APP or side.head not in UNDO_KIND or len(side.args) != 2:
        return None
    first, second = side.args
    if side.head == "mul":
        return Operation("mul", first) if _nonzero_numeral(first, rules) else None
    if side.head == "div" and not _nonzero_numeral(second, rules):
        return None
    return Operation(side.head, second)


def _cancel(sides: Sides, side: int, op: Operation, rules: RuleSet) -> EquationStep | None:
    """The cancellation of `op` at the root of one side (None if it does not apply there)."""
    expr = sides[side]
    inner = expr.args[0] if expr.kind is Kind.APP and expr.args else None
    if inner is None or inner.kind is not Kind.APP or len(inner.args) != 2:
        return None
    first, second = inner.args
    binding = {"a": second, "b": first} if op.kind == "mul" else {"a": first, "b": second}
    try:
        step = apply_step(expr, undo_rule(rules, op.kind), False, (), binding)
    except RewriteError:
        return None
    return rewrite_side(sides, side, step)


def _compute(sides: Sides, side: int, rules: RuleSet) -> list[EquationStep]:
    """Every numeral computation on one side, innermost first."""
    links = []
    for step in exhaust(arithmetic_strategy(rules), sides[side]):
        links.append(rewrite_side(sides, side, step))
        sides = links[-1].after
    return links


def _undo(sides: Sides, side: int, rules: RuleSet) -> list[EquationStep] | None:
    """Peel one side's outermost operation from both sides (see the module's paragraph)."""
    op = _operation(sides[side], rules)
    if op is None:
        return None
    links = [congruence(sides, op.inverse().context(), HOLE)]
    for where in (side, 1 - side):
        cancelled = _cancel(links[-1].after, where, op, rules)
        if cancelled is not None:
            links.append(cancelled)
        elif where == side:
            return None
        else:
            links += _compute(links[-1].after, where, rules)
    return links


def _children(
    sides: Sides, rules: RuleSet, index: RuleIndex, cap: int
) -> Iterator[list[EquationStep]]:
    """Every edge out of an equation: undo moves, one computation, one rewrite."""
    for side in (0, 1):
        undone = _undo(sides, side, rules)
        if undone is not None:
            yield undone
    for side in (0, 1):
        computed = next(iter(exhaust(arithmetic_strategy(rules), sides[side])), None)
        if computed is not None:
            yield [rewrite_side(sides, side, computed)]
    for side in (0, 1):
        for step in successors(sides[side], index, (), cap):
            yield [rewrite_side(sides, side, step)]


def _tactics(state: Forward, links: Sequence[EquationStep], rules: RuleSet) -> tuple[str, ...]:
    """The found links as the exports render them, then `exact`."""
    premise = state.facts[-1][1]
    traced = equation_trace(state.binders, [premise], links, state.goal, rules.theory)
    return tuple(step.tactic for step in traced)


def searchable(state: Forward) -> str:
    """Why the forward search cannot take `state` ("" if it can)."""
    if len(state.goal) != 1 or len(state.facts) != 1:
        return (
            "the baseline prover searches one equation for one unknown; systems need "
            "elimination (combining two equations), which it does not search"
        )
    return ""


def search_forward(
    state: Forward, rules: RuleSet, index: RuleIndex, budget: int, weight: float = 0.5
) -> SearchResult:
    """Best-first search from the state's one hypothesis to its goal, `budget` expansions."""
    start, goal = state.facts[-1][1], state.goal[0]
    if start == goal:
        return SearchResult(True, _tactics(state, [], rules)[-1:], 0)
    cap = max(30, start[0].size, start[1].size) + 4
    order = itertools.count()

    def h(sides: Sides) -> int:
        return _mismatch(sides[0], goal[0]) + _mismatch(sides[1], goal[1])

    frontier = [(weight * h(start), h(start), next(order), 0, start)]
    paths: dict[Sides, list[EquationStep]] = {start: []}
    expansions = 0
    while frontier and expansions < budget:
        _, _, _, g, node = heapq.heappop(frontier)
        expansions += 1
        for links in _children(node, rules, index, cap):
            child = links[-1].after
            if child in paths:
                continue
            paths[child] = [*paths[node], *links]
            if child == goal:
                return SearchResult(True, _tactics(state, paths[child], rules), expansions)
            cost = g + len(links)
            heapq.heappush(frontier, (cost + weight * h(child), h(child), next(order), cost, child))
    return SearchResult(False, (), expansions, exhausted=not frontier)
