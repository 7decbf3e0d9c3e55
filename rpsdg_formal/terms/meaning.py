"""The trusted model: what each operator means, as reviewed code (a registry of SymPy builders).

A rule file names an entry (`model: div`); it cannot define one, so a hostile rule file cannot
make a false law true "in the model", and nothing from it is ever evaluated. Each entry gives
the operator's value in the intended model (the complex numbers with `0⁻¹ = 0`, as in Mathlib;
in a differential field `x` is the variable and `D` is d/dx) and its plain SymPy form (what a
record's `plain` fields print: `a/b`, `Derivative(f, x)`), and the standard ways to write it in
human syntax, Lean/Mathlib and LaTeX (the rendering audit reads printed text back with these).

A new operator needs a new entry here, reviewed like any other code.

The entries' data is plain; their builders reach SymPy when they are applied, so reading a
rule file (which checks each `model:` against the registry) does not import SymPy.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Builder = Callable[..., Any]


def _x() -> Any:
    """The variable of a differential field's model: `D` differentiates with respect to it."""
    import sympy

    return sympy.Symbol("x")


def __getattr__(name: str) -> Any:
    """`X` (see `_x`), made when first asked for (PEP 562), since it is a SymPy symbol."""
    if name == "X":
        return _x()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _inv(a: Any) -> Any:
    import sympy

    return sympy.Piecewise((0, sympy.Eq(a, 0)), (1 / a, True))


def _sympy(name: str) -> Builder:
    """SymPy's function `name` (`exp`, `sin`, …), applied to one argument."""

    def build(a: Any) -> Any:
        import sympy

        return getattr(sympy, name)(a)

    return build


def _derivative(a: Any) -> Any:
    import sympy

    return sympy.diff(a, _x())


def _plain_derivative(a: Any) -> Any:
    import sympy

    return sympy.Derivative(a, _x())


def _integer(n: int) -> Builder:
    def build() -> Any:
        import sympy

        return sympy.Integer(n)

    return build


def _pow(n: int) -> Builder:
    return lambda a: a**n


@dataclass(frozen=True)
class Meaning:
    """One registry entry: arity, model value, plain SymPy form, and the standard rendering in
    each syntax (the same fields and conventions as a rule file's operator: `symbol` and
    `precedence` for human syntax, `lean_symbol` for Lean/Mathlib, a `latex` template)."""

    name: str
    arity: int
    model: Builder
    plain: Builder
    fixity: str
    symbol: str
    precedence: int
    lean_symbol: str
    latex: str


def _entry(
    name: str,
    model: Builder,
    fixity: str,
    symbol: str,
    precedence: int,
    latex: str,
    lean_symbol: str = "",
    plain: Builder | None = None,
    arity: int = 1,
) -> Meaning:
    arity = {"infix": 2, "constant": 0}.get(fixity, arity)
    return Meaning(
        name, arity, model, plain or model, fixity, symbol, precedence, lean_symbol or symbol, latex
    )


REGISTRY: dict[str, Meaning] = {
    m.name: m
    for m in (
        _entry("add", lambda a, b: a + b, "infix", "+", 65, "{0} + {1}"),
        _entry("sub", lambda a, b: a - b, "infix", "-", 65, "{0} - {1}"),
        _entry("mul", lambda a, b: a * b, "infix", "*", 70, "{0} \\cdot {1}"),
        _entry(
            "div",
            lambda a, b: a * _inv(b),
            "infix",
            "/",
            70,
            "\\frac{{{0}}}{{{1}}}",
            plain=lambda a, b: a / b,
        ),
        _entry("neg", lambda a: -a, "prefix", "-", 75, "-{0}"),
        _entry("inv", _inv, "postfix", "⁻¹", 80, "{0}^{{-1}}", plain=lambda a: 1 / a),
        *(
            _entry(f"pow{n}", _pow(n), "postfix", f"^{n}", 85, f"{{0}}^{{{{{n}}}}}", f" ^ {n}")
            for n in range(2, 7)
        ),
        _entry("x", _x, "constant", "x", 0, "x"),
        _entry(
            "D",
            _derivative,
            "function",
            "D",
            0,
            "\\frac{{d}}{{dx}}\\left({0}\\right)",
            "deriv (fun x => {0}) x",
            plain=_plain_derivative,
        ),
        _entry("exp", _sympy("exp"), "function", "exp", 0, "e^{{{0}}}", "Real.exp"),
        _entry("sin", _sympy("sin"), "function", "sin", 0, "\\sin\\left({0}\\right)", "Real.sin"),
        _entry("cos", _sympy("cos"), "function", "cos", 0, "\\cos\\left({0}\\right)", "Real.cos"),
        _entry("log", _sympy("log"), "function", "log", 0, "\\log\\left({0}\\right)", "Real.log"),
    )
}
"""Every operator meaning the package knows, by the name a rule file's `model:` gives."""

NUMERALS: dict[str, Builder] = {
    "zero": _integer(0),
    "one": _integer(1),
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
