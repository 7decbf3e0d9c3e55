"""Where a rewrite applies in a goal, found as Lean's `kabstract` finds it.

`kabstract` (Lean `src/Lean/Meta/KAbstract.lean`) visits the goal `lhs = rhs` in pre-order (a
node before its children, the left side before the right side) and counts every sub-term the
pattern unifies with. The rule's variables no argument fixes are metavariables: `rw` keeps the
assignment of the first instance and rewrites every instance of the result, `nth_rewrite n`
keeps the assignment of the n-th instance (the others are rolled back) and rewrites it alone.
"""

from __future__ import annotations

from collections.abc import Mapping

from rpsdg_formal.terms.expr import Expr, Kind, Path, match, positions, substitute, var, variables
from rpsdg_formal.theory.rules import Rule

Goal = tuple[Expr, Expr]
"""A goal `lhs = rhs` as its two sides."""

HOLE = "?"
"""The prefix of a rule variable no argument fixes: a metavariable `kabstract` instantiates."""

Instance = tuple[int, Path, dict[str, Expr]]
"""An instance of a pattern: the goal side (0 left, 1 right), the path in it, and the rule's
substitution there."""


def occurrences(pattern: Expr, goal: Goal) -> list[tuple[int, Path]]:
    """Every occurrence of `pattern` in the goal, in pre-order, left side before right side."""
    return [
        (side, path)
        for side, expr in enumerate(goal)
        for path, node in positions(expr)
        if node is pattern
    ]


def open_pattern(rule: Rule, reverse: bool, given: Mapping[str, Expr]) -> Expr:
    """The side of `rule` a rewrite looks for, with the `given` arguments in place and the
    other rule variables as metavariables (`?a`), which never clash with the goal's names."""
    holes = {v: var(HOLE + v) for v in rule.variables if v not in given}
    pattern, _ = rule.side(reverse)
    return substitute(pattern, {**given, **holes})


def instances(rule: Rule, given: Mapping[str, Expr], pattern: Expr, goal: Goal) -> list[Instance]:
    """Every sub-term of the goal that `pattern` (from `open_pattern`) unifies with, in
    `kabstract`'s order, each with the rule's substitution: `given` and the metavariables as
    unified there, independently of the other instances."""
    fixed = {n: var(n) for n in variables(pattern) if not n.startswith(HOLE)}  # the goal's own
    holes = [v for v in rule.variables if v not in given]
    found = []
    for side, expr in enumerate(goal):
        for path, node in positions(expr):
            bound = match(pattern, node, dict(fixed))
            if bound is not None:
                assigned = {v: bound[HOLE + v] for v in holes if HOLE + v in bound}
                found.append((side, path, {**given, **assigned}))
    return found


def is_bare_hole(pattern: Expr) -> bool:
    """True for a pattern that is a metavariable alone (Lean: motive is not type correct)."""
    return pattern.kind is Kind.VAR and pattern.head.startswith(HOLE)
