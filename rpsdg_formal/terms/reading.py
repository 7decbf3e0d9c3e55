"""How a system's equations read to a person: `x + 3 * y = 27`, not `1 * x + 3 * y = 27`.

The kernel checks a system's equations as the family builds them, one coefficient per unknown
(`1 * x + 3 * y = 27`); the problem a reader is given (`problem`, `latex`) prints each left
side as a textbook does. The convention: a coefficient 1 is not written (`x`), a coefficient
-1 is a minus sign (`-x`, `3 * x - y`), and a negative coefficient after the first term is
subtracted (`x - 2 * y`); any other term prints as it is. The trees here are for printing
only: the certificates, steps and `system` keep the equations the kernel checked.
"""

from __future__ import annotations

from rpsdg_formal.terms.expr import Expr, Kind, app


def _negated(coefficient: Expr) -> Expr | None:
    """`c` when `coefficient` is the tree `-c` of a numeral c, else None."""
    if coefficient.kind is Kind.APP and coefficient.head == "neg":
        inner = coefficient.args[0]
        return inner if inner.kind is Kind.NUM else None
    return None


def _term(term: Expr) -> Expr:
    """One term `c * t` as it reads: `t` for c = 1, `-t` for c = -1, else unchanged."""
    if term.kind is not Kind.APP or term.head != "mul":
        return term
    coefficient, factor = term.args
    if coefficient.kind is Kind.NUM and coefficient.value == 1:
        return factor
    magnitude = _negated(coefficient)
    if magnitude is not None and magnitude.value == 1:
        return app("neg", factor)
    return term


def _subtracted(term: Expr) -> Expr | None:
    """What a term after the first subtracts (`t` for `-1 * t`, `2 * t` for `-2 * t`), or
    None when its coefficient is not negative."""
    if term.kind is not Kind.APP or term.head != "mul":
        return None
    magnitude = _negated(term.args[0])
    if magnitude is None:
        return None
    return term.args[1] if magnitude.value == 1 else app("mul", magnitude, term.args[1])


def linear_reading(expr: Expr) -> Expr:
    """A sum of terms `c * t` (`c1 * x + c2 * y`, left-nested) as a reader is shown it, by the
    convention of this module (`1 * x + 3 * y` reads `x + 3 * y`); a tree of another shape
    reads as it is, but for a coefficient 1 or -1 of its own."""
    if expr.kind is not Kind.APP or expr.head != "add":
        return _term(expr)
    first, last = expr.args
    subtracted = _subtracted(last)
    if subtracted is not None:
        return app("sub", linear_reading(first), subtracted)
    return app("add", linear_reading(first), _term(last))
