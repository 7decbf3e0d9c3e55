"""Proofs in the model: a law passes the model check only when one of these settles it.

Sampling finds counterexamples fast, but holding at every point tried proves nothing (a law
false at one integer the sampler never tries would pass). So after sampling, a law must be
proven here:

- **exact**, for laws built from field operations, powers and numerals: each `t⁻¹` (which is
  `0` where `t = 0`, as in Mathlib) becomes a fresh unknown `w`, and every one of the 2^k cases
  is decided (`t = 0 ∧ w = 0`, or `t·w = 1`). In each case the difference of the sides must lie
  in the radical of the ideal of the case and the hypotheses (`a ≠ b` as `(a - b)·u = 1`), which
  a Gröbner basis decides over ℂ (Hilbert's Nullstellensatz, with Rabinowitsch's trick); a
  disequation must have no common zero with them. A positivity hypothesis is weakened to `≠ 0`
  (sound: a law on a larger set holds on the smaller one).
- **symbolic**, for laws with exp, sin, cos, log or D: the `0⁻¹ = 0` cases are split (a case
  whose condition contradicts a hypothesis is dropped; `t = 0` is substituted when `t` is one
  variable), and SymPy must simplify the difference to 0 in every case.
- **positivity**: SymPy's assumptions must show the value positive, each variable with a
  positivity hypothesis being a positive symbol.

What none of these settles is "undecided", with the reason, and fails the audit.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sympy

MAX_CASES = 6
"""At most this many inverses are split exactly (2^6 Gröbner problems); more is undecided."""


@dataclass(frozen=True)
class Proof:
    """The outcome of trying to prove a law in the model: `proved`, `refuted` or neither
    (undecided), and how."""

    proved: bool
    refuted: bool
    detail: str


Hypothesis = tuple[Any, Any, str]  # (lhs, rhs, "ne" | "pos")


def prove(left: Any, right: Any, relation: str, hypotheses: Sequence[Hypothesis]) -> Proof:
    """Prove `left = right` (relation "eq"), `left != right` ("ne") or `left` positive ("pos")
    in the model wherever `hypotheses` hold."""
    try:
        if relation == "pos":
            return _positive(left, hypotheses)
        if _algebraic(left - right) and all(_algebraic(a - b) for a, b, _ in hypotheses):
            return _exact(left, right, relation, hypotheses)
        if relation != "eq":
            return Proof(False, False, "a disequation with exp/sin/cos/log/D has no decision here")
        return _symbolic(left - right, hypotheses)
    except (
        sympy.PolynomialError,
        sympy.GeneratorsNeeded,
        NotImplementedError,
        RecursionError,
        TypeError,
        ValueError,
    ) as err:
        return Proof(False, False, f"SymPy could not decide it ({type(err).__name__}: {err})")


def _algebraic(expr: Any) -> bool:
    """Only symbols, numbers, + * integer powers and `0⁻¹ = 0` inverses (no functions)."""
    for node in sympy.preorder_traversal(expr):
        if isinstance(node, (sympy.Symbol, sympy.Number, sympy.Add, sympy.Mul)):
            continue
        if isinstance(node, sympy.Pow) and node.exp.is_Integer:
            continue
        if isinstance(node, (sympy.Piecewise, sympy.Eq, sympy.logic.boolalg.BooleanTrue)):
            continue
        if isinstance(node, sympy.functions.elementary.piecewise.ExprCondPair):
            continue
        return False
    return True


# --- exact: polynomial arithmetic with the 0⁻¹ cases split -------------------------------------


def _inverses(expr: Any, found: list[tuple[Any, Any]]) -> Any:
    """Replace each `Piecewise((0, Eq(t, 0)), (1/t, True))` (innermost first) by a fresh
    symbol `w`, recording (w, t); and a negative power `t**-n` by `w**n` the same way."""
    if isinstance(expr, sympy.Piecewise):
        t = _inverse_argument(expr)
        inner = _inverses(t, found)
        return _fresh_inverse(inner, found)
    if isinstance(expr, sympy.Pow) and expr.exp.is_Integer and expr.exp < 0:
        inner = _inverses(expr.base, found)
        return _fresh_inverse(inner, found) ** (-expr.exp)
    if not expr.args:
        return expr
    return expr.func(*(_inverses(a, found) for a in expr.args))


def _fresh_inverse(t: Any, found: list[tuple[Any, Any]]) -> Any:
    for w, known in found:
        if sympy.expand(known - t) == 0:
            return w
    w = sympy.Dummy(f"w{len(found)}")
    found.append((w, t))
    return w


def _inverse_argument(piecewise: Any) -> Any:
    """`t` of `Piecewise((0, Eq(t, 0)), (1/t, True))`; ValueError for any other shape."""
    (zero, condition), (value, otherwise) = piecewise.args
    if zero != 0 or otherwise is not sympy.true or not isinstance(condition, sympy.Eq):
        raise ValueError(f"not an inverse with 0⁻¹ = 0: {piecewise}")
    t = condition.lhs - condition.rhs
    if sympy.simplify(value * t - 1) != 0:
        raise ValueError(f"not an inverse with 0⁻¹ = 0: {piecewise}")
    return t


def _exact(left: Any, right: Any, relation: str, hypotheses: Sequence[Hypothesis]) -> Proof:
    found: list[tuple[Any, Any]] = []
    difference = sympy.expand(_inverses(left - right, found))
    base = []
    weakened = False
    for a, b, kind in hypotheses:
        weakened = weakened or kind == "pos"
        gap = _inverses(a - b if kind == "ne" else a, found)
        base.append(sympy.expand(gap * sympy.Dummy("u") - 1))
    if len(found) > MAX_CASES:
        return Proof(False, False, f"{len(found)} inverses: more than {MAX_CASES} to split")
    y = sympy.Dummy("y")
    for zeros in itertools.product((False, True), repeat=len(found)):
        ideal = list(base)
        for (w, t), zero in zip(found, zeros, strict=True):
            ideal += [sympy.expand(t), w] if zero else [sympy.expand(t * w - 1)]
        goal = 1 - y * difference if relation == "eq" else difference
        if not _inconsistent([*ideal, sympy.expand(goal)]):
            case = _case_text(found, zeros)
            what = "differ" if relation == "eq" else "are equal"
            detail = f"the sides {what} somewhere in the case {case} (polynomial arithmetic)"
            return Proof(False, not weakened, detail)
    cases = 2 ** len(found)
    split = f", the 0⁻¹ = 0 cases split ({cases} cases)" if found else ""
    return Proof(True, False, f"exact: polynomial arithmetic over ℂ{split}")


def _inconsistent(polys: list[Any]) -> bool:
    """No common complex zero: the reduced Gröbner basis is [1]."""
    polys = [p for p in polys if p != 0]
    if any(p.is_number for p in polys):
        return True
    gens = sorted(set().union(*(p.free_symbols for p in polys)), key=str)
    if not gens:
        return False
    basis = sympy.groebner(polys, *gens, order="grevlex", domain="QQ")
    return bool(basis.exprs == [1])


def _case_text(found: list[tuple[Any, Any]], zeros: tuple[bool, ...]) -> str:
    if not found:
        return "of no inverse"
    return ", ".join(f"{t} {'=' if z else '≠'} 0" for (_, t), z in zip(found, zeros, strict=True))


# --- symbolic: what SymPy can prove --------------------------------------------------------------


def _symbolic(difference: Any, hypotheses: Sequence[Hypothesis]) -> Proof:
    nonzero = [a - b if kind == "ne" else a for a, b, kind in hypotheses]
    cases = _split_cases(difference, nonzero, depth=0)
    if cases is None:
        return Proof(
            False, False, "a 0⁻¹ = 0 case SymPy cannot split (t = 0 with t not one variable)"
        )
    for expr in cases:
        if not _simplifies_to_zero(expr):
            return Proof(False, False, f"SymPy does not simplify lhs - rhs to 0 ({_short(expr)})")
    return Proof(True, False, f"symbolic: SymPy simplifies lhs - rhs to 0 ({len(cases)} case(s))")


def _split_cases(expr: Any, nonzero: list[Any], depth: int) -> list[Any] | None:
    pieces = [p for p in sympy.preorder_traversal(expr) if isinstance(p, sympy.Piecewise)]
    if not pieces:
        return [expr]
    if depth > MAX_CASES:
        return None
    piece = pieces[0]
    (zero_value, condition), (value, _) = piece.args
    if not isinstance(condition, sympy.Eq):
        return None
    t = condition.lhs - condition.rhs
    away = expr.xreplace({piece: value})
    if _known_nonzero(t, nonzero):
        return _split_cases(away, nonzero, depth + 1)
    if not (t.is_Symbol or isinstance(t, sympy.core.function.AppliedUndef)):
        return None
    at_zero = expr.xreplace({piece: zero_value}).subs(t, 0).doit()
    first = _split_cases(away, nonzero, depth + 1)
    second = _split_cases(at_zero, nonzero, depth + 1)
    return None if first is None or second is None else first + second


def _known_nonzero(t: Any, nonzero: list[Any]) -> bool:
    """`t` is a nonzero constant times powers of hypotheses known to be nonzero."""
    _, factors = sympy.factor_list(sympy.together(t))
    for base, _ in factors:
        if base.is_number and base != 0:
            continue
        if not any(sympy.simplify(base - h) == 0 or sympy.simplify(base + h) == 0 for h in nonzero):
            return False
    return True


def _simplifies_to_zero(expr: Any) -> bool:
    expr = expr.doit()
    return bool(sympy.expand(expr) == 0 or sympy.simplify(expr) == 0)


def _positive(value: Any, hypotheses: Sequence[Hypothesis]) -> Proof:
    positives = {
        a: sympy.Dummy(str(a), positive=True) for a, _, kind in hypotheses if kind == "pos"
    }
    if any(not a.is_Symbol for a in positives):
        return Proof(False, False, "positivity hypotheses on compound terms are not decided")
    if value.xreplace(positives).is_positive:
        return Proof(True, False, "SymPy's assumptions show the value positive")
    return Proof(False, False, "SymPy's assumptions do not show the value positive")


def _short(expr: Any) -> str:
    text = str(expr)
    return text if len(text) < 120 else text[:117] + "..."
