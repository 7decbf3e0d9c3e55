"""Rewriting strategies, written once: where in a tree a rewrite is tried, and how often.

As in SymPy's `strategies` (`do_one`, `exhaust`, `top_down`), a strategy is a small function
that combines with others. Here a `Rewrite` tries one rewrite at one position of a tree (a step,
or None), and a `Strategy` maps a tree to the steps of one move (empty when it does not apply),
so every move stays a recorded `Step` the kernel will check. The engines (differentiation,
equations, systems) say which rules to use; the traversal orders live here.

>>> from rpsdg_formal.terms.expr import num
>>> exhaust(lambda expr: (), num(1))
()
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rpsdg_formal.errors import RewriteError
from rpsdg_formal.rewriting.steps import Step
from rpsdg_formal.terms.expr import Expr, Path, positions

Rewrite = Callable[[Expr, Path], Step | None]
"""One rewrite tried at one position of a tree: the step, or None where it does not apply."""

Strategy = Callable[[Expr], Sequence[Step]]
"""One move on a tree: its steps, in order (empty when the strategy does not apply)."""


def _first_at(expr: Expr, places: Sequence[Path], rewrite: Rewrite) -> tuple[Step, ...]:
    """The first step `rewrite` makes at `places`, in their order (none if it makes none)."""
    for path in places:
        step = rewrite(expr, path)
        if step is not None:
            return (step,)
    return ()


def outermost(rewrite: Rewrite) -> Strategy:
    """Try `rewrite` top down, outermost-leftmost first (pre-order), and take the first step."""

    def strategy(expr: Expr) -> tuple[Step, ...]:
        return _first_at(expr, [p for p, _ in positions(expr)], rewrite)

    return strategy


def innermost(rewrite: Rewrite) -> Strategy:
    """Try `rewrite` bottom up, deepest positions first (leftmost among equally deep ones), and
    take the first step."""

    def strategy(expr: Expr) -> tuple[Step, ...]:
        places = sorted((p for p, _ in positions(expr)), key=lambda p: -len(p))
        return _first_at(expr, places, rewrite)

    return strategy


def deepest(redex: Callable[[Expr], bool], rewrite: Rewrite) -> Strategy:
    """Rewrite the innermost redex only: the deepest node `redex` picks (leftmost among equally
    deep ones); nothing when there is none, or when `rewrite` fails there (no other is tried)."""

    def strategy(expr: Expr) -> tuple[Step, ...]:
        found = [path for path, node in positions(expr) if redex(node)]
        if not found:
            return ()
        step = rewrite(expr, max(found, key=len))
        return () if step is None else (step,)

    return strategy


def do_one(*strategies: Strategy) -> Strategy:
    """The move of the first of `strategies` that applies."""

    def strategy(expr: Expr) -> Sequence[Step]:
        for each in strategies:
            steps = each(expr)
            if steps:
                return steps
        return ()

    return strategy


def exhaust(strategy: Strategy, expr: Expr, limit: int | None = None) -> tuple[Step, ...]:
    """Apply `strategy` from `expr` until it no longer applies; the steps, in order. Raises
    RewriteError when it takes more than `limit` steps (no limit when None)."""
    steps: list[Step] = []
    current = expr
    while moved := strategy(current):
        steps.extend(moved)
        current = steps[-1].after
        if limit is not None and len(steps) > limit:
            raise RewriteError(f"the rewriting did not settle within {limit} steps")
    return tuple(steps)
