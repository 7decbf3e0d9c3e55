"""Model checking: does an equation hold in the intended model (SymPy, via the model registry)?

Each variable is drawn at special values (0, 1, -1, 2: where conventions such as `0⁻¹ = 0`
bite), at integers, fractions, large and tiny magnitudes, and complex values, and both sides are
evaluated to 50 digits. One point where the sides differ (and every side condition holds) is a
counterexample. If no point fails, the law must still be proven in the model (`audit.proof`:
exact polynomial arithmetic with the `0⁻¹ = 0` cases split, or SymPy's simplification); what
neither settles fails as "undecided": points that agree are evidence, not proof.

In a differential field (`model: {functions_of: x}` in the rule file) variables stand for
functions of x instead: each is drawn from constants and elementary functions (polynomials,
rational functions, exp, sin, cos, log and compositions), `D` is d/dx, and the two sides are
compared at random values of x.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import sympy

from rpsdg_formal.audit.proof import prove
from rpsdg_formal.terms.expr import Expr, Kind, variables
from rpsdg_formal.terms.meaning import X
from rpsdg_formal.terms.printers import to_sympy
from rpsdg_formal.terms.signature import Signature
from rpsdg_formal.theory.rules import Condition

SPECIAL = (0, 1, -1, 2)
_DIGITS = 50
_TOLERANCE = sympy.Float(10) ** -35


@dataclass(frozen=True)
class ModelVerdict:
    """The outcome of a model check; `counterexample` is set when `ok` is False."""

    ok: bool
    method: str  # "proof", "counterexample", "undefined", "undecided"
    points: int
    detail: str
    counterexample: str | None = None


def _random_value(rng: random.Random) -> Any:
    kind = rng.randrange(6)
    if kind == 0:
        return sympy.Integer(rng.randint(-9, 9))
    if kind == 1:
        return sympy.Rational(rng.randint(-50, 50), rng.randint(1, 13))
    if kind == 2:
        return sympy.Integer(rng.choice((-1, 1)) * rng.randint(10**5, 10**9))
    if kind == 3:
        return sympy.Rational(rng.choice((-1, 1)) * rng.randint(1, 9), 10 ** rng.randint(4, 9))
    if kind == 4:
        return sympy.Rational(rng.randint(-20, 20), rng.randint(1, 7)) + sympy.I * sympy.Rational(
            rng.randint(-20, 20), rng.randint(1, 7)
        )
    return sympy.Integer(rng.choice(SPECIAL))


def sample_points(
    names: Sequence[str], rng: random.Random, random_points: int = 48, special_limit: int = 64
) -> list[dict[str, Any]]:
    """Assignments of model values to `names`: the special grid (capped), then random ones."""
    grid = itertools.islice(itertools.product(SPECIAL, repeat=len(names)), special_limit)
    points = [{n: sympy.Integer(v) for n, v in zip(names, values, strict=True)} for values in grid]
    points += [{n: _random_value(rng) for n in names} for _ in range(random_points)]
    return points


def _random_function(x: Any, rng: random.Random, depth: int = 0) -> Any:
    """A random elementary function of `x` (sometimes a constant: D must send those to 0)."""
    c = sympy.Rational(rng.randint(-9, 9), rng.randint(1, 4))
    kind = rng.randrange(12 if depth == 0 else 9)
    if kind == 0:
        return sympy.Integer(rng.choice(SPECIAL)) if rng.random() < 0.5 else c
    if kind == 1:
        return x
    if kind == 2:
        return c * x**2 + rng.randint(-3, 3) * x + rng.randint(-3, 3)
    if kind == 3:
        return sympy.exp(c * x)
    if kind == 4:
        return sympy.sin(c * x + rng.randint(-2, 2))
    if kind == 5:
        return sympy.cos(x) * c
    if kind == 6:
        return sympy.log(x**2 + rng.randint(1, 5))
    if kind == 7:
        return 1 / (x - c - sympy.Rational(1, 7))
    if kind == 8:
        return x**3 - c * x
    inner = _random_function(x, rng, depth + 1)
    outer = _random_function(x, rng, depth + 1)
    if kind == 9:
        return outer.subs(x, inner)
    return outer * inner if kind == 10 else outer + inner


def _random_x(rng: random.Random) -> Any:
    if rng.random() < 0.2:
        return sympy.Rational(rng.randint(-20, 20), 7) + sympy.I * sympy.Rational(
            rng.randint(1, 20), 9
        )
    return sympy.Rational(rng.randint(-30, 30), rng.randint(1, 11))


def _function_checks(
    lhs: Expr,
    rhs: Expr,
    sig: Signature,
    conditions: Sequence[Condition],
    names: Sequence[str],
    x_name: str,
    rng: random.Random,
    samples: int = 40,
) -> tuple[int, str | None]:
    """Compare the sides with variables as random functions of x: (points tried, the first
    counterexample or None)."""
    x = sympy.Symbol(x_name)
    tried = 0
    for _ in range(samples):
        meaning = {n: _random_function(x, rng) for n in names}
        left, right = to_sympy(lhs, sig, meaning), to_sympy(rhs, sig, meaning)
        conds = _conditions(conditions, sig, meaning)
        for _ in range(2):
            subs = {x: _random_x(rng)}
            sides = _sides_at(left, right, conds, subs)
            if sides is None:
                continue
            lv, rv = sides
            tried += 1
            if not _same(lv, rv):
                where = ", ".join(f"{n} = {f}" for n, f in meaning.items()) or "no variables"
                at = f"{x_name} = {_show(subs[x])}"
                return tried, f"{where}; at {at}: lhs = {_show(lv)}, rhs = {_show(rv)}"
    return tried, None


def _value(expr: Any, point: Mapping[Any, Any]) -> Any | None:
    """`expr` at `point` to 50 digits, or None where it is undefined (division by zero…)."""
    try:
        value = sympy.N(expr.xreplace(point), _DIGITS)
    except (ZeroDivisionError, ValueError, TypeError):
        return None
    if value.has(sympy.zoo, sympy.nan, sympy.oo, -sympy.oo) or not value.is_number:
        return None
    return value


def _same(left: Any, right: Any) -> bool:
    scale = max(sympy.Float(1), abs(left), abs(right))
    return bool(abs(left - right) <= _TOLERANCE * scale)


def _show(value: Any) -> str:
    exact = sympy.nsimplify(value, rational=False, tolerance=1e-30)
    text = str(exact if len(str(exact)) < 40 else sympy.N(value, 8))
    return text.replace("*I", "i").replace("I", "i")


def _assignment(point: Mapping[str, Any]) -> str:
    return ", ".join(f"{name} = {_show(value)}" for name, value in point.items())


def check_model(
    lhs: Expr,
    rhs: Expr,
    sig: Signature,
    conditions: Sequence[Condition] = (),
    relation: str = "eq",
    rng: random.Random | None = None,
    rhs_override: Any | None = None,
    functions_of: str | None = None,
) -> ModelVerdict:
    """Does `lhs = rhs` (`lhs != rhs` for relation "ne"; `lhs` a positive real for "pos")
    hold wherever `conditions` hold?

    `rhs_override` replaces the model meaning of `rhs` by a given SymPy expression (used for
    numeral definitions, whose meaning is arithmetic rather than an operator of the registry). With
    `functions_of` (the SymPy name of the variable x), variables range over functions of x.
    """
    rng = rng or random.Random(0)
    names = sorted({*_names(lhs), *_names(rhs), *(n for c in conditions for n in _names_of(c))})
    differentiates = any(_differentiates(e, sig) for e in (lhs, rhs)) or any(
        _differentiates(e, sig) for c in conditions for e in (c.lhs, c.rhs)
    )
    if differentiates and (functions_of is None or relation != "eq" or rhs_override is not None):
        detail = "undecided: only equations are decided where D applies to function variables"
        return ModelVerdict(False, "undecided", 0, detail)
    if functions_of is not None and relation == "eq" and rhs_override is None:
        tried, failure = _function_checks(lhs, rhs, sig, conditions, names, functions_of, rng)
        if failure is not None:
            return ModelVerdict(False, "counterexample", tried, failure, failure)
        if tried == 0:
            return ModelVerdict(False, "undefined", 0, "undefined at every point tried")
        meaning = {n: (sympy.Function(n)(X) if differentiates else sympy.Symbol(n)) for n in names}
        return _proven(lhs, rhs, sig, conditions, relation, meaning, None, tried)
    symbols = {n: sympy.Symbol(n) for n in names}
    left = to_sympy(lhs, sig, symbols)
    right = rhs_override if rhs_override is not None else to_sympy(rhs, sig, symbols)
    conds = _conditions(conditions, sig, symbols)
    tried = 0
    for point in sample_points(names, rng):
        subs = {symbols[n]: v for n, v in point.items()}
        sides = _sides_at(left, right, conds, subs)
        if sides is None:
            continue
        lv, rv = sides
        tried += 1
        holds = {"eq": _same(lv, rv), "ne": not _same(lv, rv), "pos": _positive(lv)}[relation]
        if not holds:
            where = _assignment(point) or "no variables"
            example = f"{where}: lhs = {_show(lv)}, rhs = {_show(rv)}"
            if relation == "pos":
                example = f"{where}: the value {_show(lv)} is not a positive real"
            return ModelVerdict(False, "counterexample", tried, example, example)
    if tried == 0:
        return ModelVerdict(False, "undefined", 0, "undefined at every point tried")
    return _proven(lhs, rhs, sig, conditions, relation, symbols, rhs_override, tried)


def _differentiates(expr: Expr, sig: Signature) -> bool:
    """Does `expr` apply an operator whose model is D (so variables must be functions)?"""
    if expr.kind is not Kind.APP:
        return False
    return sig.by_name(expr.head).model == "D" or any(_differentiates(a, sig) for a in expr.args)


def _proven(
    lhs: Expr,
    rhs: Expr,
    sig: Signature,
    conditions: Sequence[Condition],
    relation: str,
    meaning: Mapping[str, Any],
    rhs_override: Any | None,
    tried: int,
) -> ModelVerdict:
    """The verdict once sampling found no counterexample: passed only with a proof."""
    left = to_sympy(lhs, sig, meaning)
    right = rhs_override if rhs_override is not None else to_sympy(rhs, sig, meaning)
    proof = prove(left, right, relation, _conditions(conditions, sig, meaning))
    if proof.proved:
        return ModelVerdict(True, "proof", tried, proof.detail)
    if proof.refuted:
        detail = f"it held at all {tried} points tried, yet {proof.detail}"
        return ModelVerdict(False, "counterexample", tried, detail, proof.detail)
    detail = (
        f"undecided: it held at all {tried} points tried, but numeric evidence is no proof and "
        f"{proof.detail}"
    )
    return ModelVerdict(False, "undecided", tried, detail)


def _sides_at(
    left: Any, right: Any, conds: Sequence[tuple[Any, Any, str]], subs: Mapping[Any, Any]
) -> tuple[Any, Any] | None:
    """Both sides at `subs`, or None where a side condition fails or a side is undefined."""
    if any(_cond_fails(a, b, relation, subs) for a, b, relation in conds):
        return None
    lv, rv = _value(left, subs), _value(right, subs)
    return None if lv is None or rv is None else (lv, rv)


def _conditions(
    conditions: Sequence[Condition], sig: Signature, meaning: Mapping[str, Any]
) -> list[tuple[Any, Any, str]]:
    return [
        (to_sympy(c.lhs, sig, meaning), to_sympy(c.rhs, sig, meaning), c.relation)
        for c in conditions
    ]


def _positive(value: Any) -> bool:
    return bool(value.is_real) and bool(value > 0)


def _cond_fails(a: Any, b: Any, relation: str, subs: Mapping[Any, Any]) -> bool:
    av, bv = _value(a, subs), _value(b, subs)
    if av is None or bv is None:
        return True
    return not _positive(av) if relation == "pos" else _same(av, bv)


def _names(expr: Expr) -> list[str]:
    return list(variables(expr))


def _names_of(cond: Condition) -> list[str]:
    return _names(cond.lhs) + _names(cond.rhs)
