"""The trusted model: what each operator means, as reviewed code (a registry of SymPy builders).

A rule file names an entry (`model: div`); it cannot define one, so a hostile rule file cannot
make a false law true "in the model", and nothing from it is ever evaluated. Each entry gives
the operator's value in the intended model (the complex numbers with `0⁻¹ = 0`, as in Mathlib;
in a differential field `x` is the variable and `D` is d/dx) and its plain SymPy form (what a
record's `plain` fields print: `a/b`, `Derivative(f, x)`), and the standard ways to write it in
human syntax, Lean/Mathlib and LaTeX (the rendering audit reads printed text back with these).

A new operator needs a new entry here, reviewed like any other code.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sympy

X = sympy.Symbol("x")
"""The variable of a differential field's model: `D` differentiates with respect to it."""

Builder = Callable[..., Any]


def _inv(a: Any) -> Any:
    return sympy.Piecewise((0, sympy.Eq(a, 0)), (1 / a, True))


def _pow(n: int) -> Builder:
    return lambda a: a**n


@dataclass(frozen=True)
class Meaning:
    """One registry entry: arity, model value, plain SymPy form, and the standard renderings
    (`human`/`lean` are the symbol or function name; `fixity` as in rule files)."""

    name: str
    arity: int
    model: Builder
    plain: Builder
    fixity: str
    human: str
    lean: str
    latex: str  # the standard LaTeX head: `+`, `\cdot`, `\frac`, `^{-1}`, `\sin`, ...


def _entry(
    name: str,
    arity: int,
    model: Builder,
    fixity: str,
    human: str,
    lean: str,
    latex: str,
    plain: Builder | None = None,
) -> Meaning:
    return Meaning(name, arity, model, plain or model, fixity, human, lean, latex)


REGISTRY: dict[str, Meaning] = {
    m.name: m
    for m in (
        _entry("add", 2, lambda a, b: a + b, "infix", "+", "+", "+"),
        _entry("sub", 2, lambda a, b: a - b, "infix", "-", "-", "-"),
        _entry("mul", 2, lambda a, b: a * b, "infix", "*", "*", r"\cdot"),
        _entry(
            "div",
            2,
            lambda a, b: a * _inv(b),
            "infix",
            "/",
            "/",
            r"\frac",
            plain=lambda a, b: a / b,
        ),
        _entry("neg", 1, lambda a: -a, "prefix", "-", "-", "-"),
        _entry("inv", 1, _inv, "postfix", "⁻¹", "⁻¹", "^{-1}", plain=lambda a: 1 / a),
        *(
            _entry(f"pow{n}", 1, _pow(n), "postfix", f"^{n}", f" ^ {n}", f"^{{{n}}}")
            for n in range(2, 7)
        ),
        _entry("x", 0, lambda: X, "constant", "x", "x", "x"),
        _entry(
            "D",
            1,
            lambda a: sympy.diff(a, X),
            "function",
            "D",
            "deriv",
            r"\frac{d}{dx}",
            plain=lambda a: sympy.Derivative(a, X),
        ),
        _entry("exp", 1, sympy.exp, "function", "exp", "Real.exp", "e^"),
        _entry("sin", 1, sympy.sin, "function", "sin", "Real.sin", r"\sin"),
        _entry("cos", 1, sympy.cos, "function", "cos", "Real.cos", r"\cos"),
        _entry("log", 1, sympy.log, "function", "log", "Real.log", r"\log"),
    )
}
"""Every operator meaning the package knows, by the name a rule file's `model:` gives."""

NUMERALS: dict[str, Builder] = {
    "zero": lambda: sympy.Integer(0),
    "one": lambda: sympy.Integer(1),
    "bit0": lambda a: 2 * a,
    "bit1": lambda a: 2 * a + 1,
}
"""The meaning of the numeral constants (`bit0 a := a + a`, `bit1 a := a + a + 1`)."""

PREDICATES = {"positive": "a positive real number"}
"""The meaning of the positivity predicate of a theory's `nonzero:` section."""


def meaning(name: str) -> Meaning:
    """The registry entry `name`; KeyError names the entries that exist."""
    try:
        return REGISTRY[name]
    except KeyError:
        raise KeyError(f"no model entry {name!r}; entries: {', '.join(REGISTRY)}") from None
