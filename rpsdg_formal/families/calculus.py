"""Integration problems by the reverse process: differentiate a random F, publish ∫ f.

Two families. `antiderivative`: a random elementary F (shape-unbiased, like the integration
datasets of Lample & Charton); its derivative f comes from `derive.differentiate`, every step a
rule the kernel checks; the problem is "find an antiderivative of f", answer F + C.
`by-parts`: F = u·v for random u and v, so f = u′v + uv′ and the key insight is the choice of
u and dv = v′ dx (∫ u v′ dx = u v − ∫ u′ v dx, and ∫ u′ v dx is the other half of f).

Every theorem `D(F) = f` is also checked by SymPy (`crosscheck`): a disagreement with the
kernel is an error of the rule set, reported and never exported.
"""

from __future__ import annotations

import cmath
import random
from dataclasses import dataclass
from typing import Any

from rpsdg_formal.errors import ConfigError, RewriteError
from rpsdg_formal.families.calculus_config import CalculusConfig
from rpsdg_formal.families.derive import Engine, differentiate
from rpsdg_formal.kernel.emit import hypotheses
from rpsdg_formal.rewriting.steps import Step
from rpsdg_formal.terms.artifacts import constant_summand, find_artifacts
from rpsdg_formal.terms.expr import Expr, Kind, app, positions, substitute
from rpsdg_formal.terms.printers import to_human, to_latex, to_plain, to_plain_sympy
from rpsdg_formal.terms.sample import random_expr
from rpsdg_formal.terms.signature import Signature


@dataclass(frozen=True)
class Problem:
    """A differentiation done step by step, read backwards as an integration problem."""

    antiderivative: Expr  # F
    steps: tuple[Step, ...]  # from D(F) to f
    parts: tuple[Expr, Expr] | None = None  # (u, v) when F = u * v (by parts)

    @property
    def start(self) -> Expr:
        return self.steps[0].before

    @property
    def integrand(self) -> Expr:
        return self.steps[-1].after


def check_signature(engine: Engine, config: CalculusConfig) -> None:
    """Raise ConfigError unless every operator to sample exists and has a derivative rule."""
    sig = engine.signature
    names = sig.names()
    for op in (*config.unary, *config.binary):
        if op not in names:
            raise ConfigError(f"--operators: unknown {op!r}; the theory has {sorted(names)}")
    covered = {r.lhs.args[0].head for r in engine.derivative if r.lhs.args[0].kind is Kind.APP}
    missing = sorted({*config.unary, *config.binary} - covered)
    if missing:
        raise ConfigError(f"--operators: no derivative rule for {missing}")


def _function(config: CalculusConfig, engine: Engine, rng: random.Random, lo: int, hi: int) -> Expr:
    """A random function of x (x is the theory's constant, not a theorem variable)."""
    constant = next(op for op in engine.signature.operators if op.arity == 0)
    tree = random_expr(config.shape(lo, hi), rng)
    return substitute(tree, {"x": app(constant.name)})


def textbook_function(expr: Expr, sig: Signature) -> bool:
    """Is `expr` an F a textbook would print: no artifact of any kind (`terms.artifacts`:
    no `1^2`, `(-x)^2`, `x / (x^2 * x)`, `x * 2`, `x - x`, …) and no term free of x in its
    top sum (`+ C` absorbs it)?"""
    variable = next(op.model for op in sig.operators if op.arity == 0)
    if find_artifacts(expr, sig) or constant_summand(expr, sig, variable):
        return False
    return not any(_constant_piece(node, sig, variable) for _, node in positions(expr))


def _free_of(expr: Expr, sig: Signature, variable: str) -> bool:
    return not any(
        n.kind is Kind.APP and sig.by_name(n.head).model == variable for _, n in positions(expr)
    )


def _constant_piece(node: Expr, sig: Signature, variable: str) -> bool:
    """Is `node` a constant other than a (negated) numeral (`sin(2)`, `3^2`), or a quotient
    by a constant (`x / 3`, whose derivative would print `3 / 3^2`)?"""
    if node.kind is not Kind.APP or not node.args:
        return False
    model = sig.by_name(node.head).model
    if model == "div" and _free_of(node.args[1], sig, variable):
        return True
    if model == "neg" and node.args[0].kind is Kind.NUM:
        return False
    return _free_of(node, sig, variable)


def draw_problem(engine: Engine, config: CalculusConfig, rng: random.Random) -> Problem | None:
    """One problem from `rng`, or None when this draw is unusable (constant, too large, a
    derivative rule missing, or an F no textbook would print: `textbook_function`)."""
    if config.family == "by-parts":
        u = _function(config, engine, rng, 1, max(1, config.max_ops // 2))
        v = _function(config, engine, rng, 1, config.max_ops)
        if u is v:
            return None
        antiderivative, parts = app(engine.mul, u, v), (u, v)
    else:
        antiderivative = _function(config, engine, rng, config.min_ops, config.max_ops)
        parts = None
    if not textbook_function(antiderivative, engine.signature):
        return None
    start = app(engine.derivation, antiderivative)
    try:
        steps = differentiate(start, engine)
    except RewriteError:
        return None
    if not steps:
        return None
    end = steps[-1].after
    if end.kind is Kind.NUM or end.size > config.max_size:
        return None  # F was constant (f = 0 or a numeral) or f is unwieldy
    return Problem(antiderivative, steps, parts)


# --- SymPy: the second opinion ----------------------------------------------------------------
# SymPy (and the reader built on it) is imported by the functions that use it, so that a run of
# another family, which imports this module for `CalculusConfig`, does not pay for it.

_POINTS = (0.37, 1.3, 2.9, -0.61, -2.2, 0.8 + 0.45j, -1.7 + 1.1j, 3.6 - 0.9j, 0.13 - 2.3j, 5.1)


_CMATH = {"exp": cmath.exp, "sin": cmath.sin, "cos": cmath.cos, "log": cmath.log}


def _evaluate(expr: Any, at: complex) -> complex:
    """A SymPy expression in x at a complex point, in double precision with `cmath`.

    SymPy's own `evalf` can spend minutes raising its precision on a difference that is
    exactly zero, and mpmath on `cos` of a huge argument; here such cases just overflow.
    Raises ValueError for anything that is not an elementary function of x.
    """
    if expr.is_Symbol:
        return at
    if expr.is_number:
        return complex(expr.evalf(17, maxn=60))
    args = [_evaluate(a, at) for a in expr.args]
    if expr.is_Add:
        return sum(args, 0j)
    if expr.is_Mul:
        product = 1 + 0j
        for value in args:
            product *= value
        return product
    if expr.is_Pow:
        return complex(args[0] ** args[1])
    name = type(expr).__name__
    if name in _CMATH and len(args) == 1:
        return complex(_CMATH[name](args[0]))
    raise ValueError(f"cannot evaluate {name}")


def _values(expr: Any) -> list[complex | None]:
    """`expr` (a function of x) at each of _POINTS; None where undefined or overflowing."""
    values: list[complex | None] = []
    for at in _POINTS:
        try:
            value = _evaluate(expr, at)
        except (TypeError, ValueError, ZeroDivisionError, OverflowError):
            values.append(None)
            continue
        finite = not (cmath.isnan(value) or cmath.isinf(value))
        values.append(value if finite else None)
    return values


def crosscheck(antiderivative: Expr, integrand: Expr, engine: Engine) -> str | None:
    """None if SymPy agrees that d/dx F = f (at every point of a fixed set of real and complex
    points where both are defined, at least 4), otherwise the disagreement in words."""
    sig = engine.signature
    return crosscheck_plain(to_plain(antiderivative, sig), to_plain(integrand, sig))


def crosscheck_plain(antiderivative: str, integrand: str) -> str | None:
    """`crosscheck` on the plain SymPy strings of a record (as anyone can re-check it)."""
    import sympy

    from rpsdg_formal.terms.sympy_text import SympyTextError, read_sympy

    x = sympy.Symbol("x")
    try:
        F, f = read_sympy(antiderivative), read_sympy(integrand)
    except SympyTextError as err:
        return f"SymPy cannot read the antiderivative or the integrand: {err}"
    agree = 0
    derivative = sympy.diff(F, x)
    for at, want, got in zip(_POINTS, _values(f), _values(derivative), strict=True):
        if want is None or got is None:
            continue
        if abs(got - want) > 1e-8 * max(1.0, abs(want), abs(got)):
            return f"SymPy: d/dx ({F}) = {got:.6g} but the integrand ({f}) = {want:.6g} at x = {at}"
        agree += 1
    if agree < 4:
        return f"SymPy could evaluate d/dx F - f at only {agree} of {len(_POINTS)} points"
    return None


def symbolic_agreement(antiderivative: str, integrand: str, max_ops: int = 400) -> bool:
    """Does SymPy show d/dx F - f = 0 symbolically (`expand`, then `cancel`)? Not finding it
    proves nothing (the numeric check stands); large expressions are not tried."""
    import sympy

    from rpsdg_formal.terms.sympy_text import read_sympy

    x = sympy.Symbol("x")
    difference = sympy.diff(read_sympy(antiderivative), x) - read_sympy(integrand)
    if sympy.count_ops(difference) > max_ops:
        return False
    return bool(sympy.expand(difference) == 0 or sympy.cancel(difference) == 0)


def _zero_function(expr: Any) -> bool:
    return all(v is None or abs(v) < 1e-12 for v in _values(expr))


def unusable(problem: Problem, engine: Engine) -> str | None:
    """Why a problem is not worth keeping, or None: its integrand is the zero function (F was
    a constant in disguise), u or v of a by-parts problem is a constant, or a hypothesis is
    never true (the theorem would be vacuous)."""
    import sympy

    sig = engine.signature
    x = sympy.Symbol("x")
    f = to_plain_sympy(problem.integrand, sig)
    if _zero_function(f):
        return "the integrand is the zero function"
    for name, part in zip(("u", "v"), problem.parts or (), strict=False):
        if _zero_function(sympy.diff(to_plain_sympy(part, sig), x)):
            return f"{name} is a constant, so there is nothing to integrate by parts"
    for lhs, rhs in hypotheses(problem.steps):
        gap = to_plain_sympy(lhs, sig) - to_plain_sympy(rhs, sig)
        if _zero_function(gap):
            return f"hypothesis {to_human(lhs, sig)} != {to_human(rhs, sig)} is never true"
    return None


# --- the problem as data ---------------------------------------------------------------------


def _explain(step: Step, engine: Engine) -> str:
    sig = engine.signature
    if step.rule.explain:
        return step.rule.explain.format(**{v: to_human(e, sig) for v, e in step.substitution})
    return (
        f"algebra ({step.rule.name}): {to_human(step.after, sig)} is {to_human(step.before, sig)}"
    )


def solution(problem: Problem, engine: Engine) -> list[dict[str, str]]:
    """The differentiation steps reversed: from the integrand back to D(F), each explained."""
    sig = engine.signature
    return [
        {
            "rule": step.rule.name,
            "from": to_human(step.after, sig),
            "to": to_human(step.before, sig),
            "explanation": _explain(step, engine),
        }
        for step in reversed(problem.steps)
    ]


def _by_parts(problem: Problem, engine: Engine) -> dict[str, Any]:
    assert problem.parts is not None
    sig = engine.signature
    u, v = problem.parts
    du = differentiate(app(engine.derivation, u), engine)
    dv = differentiate(app(engine.derivation, v), engine)
    du_text = to_human(du[-1].after, sig) if du else "0"
    dv_text = to_human(dv[-1].after, sig) if dv else "0"
    u_text, v_text = to_human(u, sig), to_human(v, sig)
    return {
        "u": u_text,
        "dv": dv_text,
        "v": v_text,
        "du": du_text,
        "insight": (
            f"The integrand is the product rule's output for u·v: it is u′·v + u·v′ with "
            f"u = {u_text} and v = {v_text}. Take u = {u_text} and dv = ({dv_text}) dx."
        ),
        "steps": [
            f"u = {u_text}, so du = ({du_text}) dx; dv = ({dv_text}) dx, so v = {v_text}.",
            f"By parts: ∫ u·v′ dx = u·v − ∫ v·u′ dx = ({u_text})·({v_text}) − "
            f"∫ ({v_text})·({du_text}) dx.",
            f"The remaining integral ∫ ({v_text})·({du_text}) dx is the other part of the "
            "integrand, so the two cancel.",
            f"∫ f dx = ({u_text})·({v_text}) + C.",
        ],
    }


def problem_text(problem: Problem, sig: Signature, earlier: bool = False) -> str:
    """`Find an antiderivative of 1 / x with respect to x, where x != 0.`: the integrand and
    the record's `hypotheses`, word for word, so the problem is posed where its theorem holds
    (`earlier`: without them, as records written before say it, which `check` still accepts)."""
    text = f"Find an antiderivative of {to_human(problem.integrand, sig)} with respect to x"
    conditions = hypothesis_texts(problem, sig)
    if earlier or not conditions:
        return f"{text}."
    listed = ", ".join(conditions[:-1])
    return f"{text}, where {f'{listed} and ' if listed else ''}{conditions[-1]}."


def hypothesis_texts(problem: Problem, sig: Signature) -> list[str]:
    """The side conditions the theorem holds under, as the record's `hypotheses` (`x != 0`)."""
    return [f"{to_human(a, sig)} != {to_human(b, sig)}" for a, b in hypotheses(problem.steps)]


def problem_fields(problem: Problem, engine: Engine, family: str) -> dict[str, Any]:
    """The record fields of an integration problem (added to the theorem record)."""
    sig = engine.signature
    F, f = problem.antiderivative, problem.integrand
    fields: dict[str, Any] = {
        "family": family,
        "integrand": to_plain(f, sig),
        "antiderivative": to_plain(F, sig),
        "problem": problem_text(problem, sig),
        "problem_latex": f"\\int {to_latex(f, sig)} \\, dx",
        "answer": f"{to_human(F, sig)} + C",
        "hypotheses": hypothesis_texts(problem, sig),
        "solution": solution(problem, engine),
        "crosscheck": {
            "sympy": "agrees",
            "symbolic": symbolic_agreement(to_plain(F, sig), to_plain(f, sig)),
            "points": len(_POINTS),
        },
        "min_length_lower_bound": 1,
        "bound_search": {
            "method": "trivial",
            "why": "the start contains D and the end does not, so at least one step is needed",
        },
    }
    if problem.parts is not None:
        fields["by_parts"] = _by_parts(problem, engine)
    return fields
