"""Printers from `Expr` to human syntax, standard Lean syntax, Lean kernel prefix syntax, LaTeX
and SymPy. All are pure functions of the tree and the signature; the text printers remember
the sub-tree texts they made, per signature and bounded (`terms.texts`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from rpsdg_formal.terms.expr import Expr, Kind, Path
from rpsdg_formal.terms.signature import Signature
from rpsdg_formal.terms.texts import is_atomic, numeral_to_kernel, texts_of

__all__ = [
    "argument",
    "arguments",
    "is_atomic",
    "kernel_context",
    "numeral_to_kernel",
    "parenthesised",
    "to_human",
    "to_kernel",
    "to_latex",
    "to_lean",
    "to_plain",
    "to_plain_sympy",
    "to_sympy",
]


def to_human(expr: Expr, sig: Signature) -> str:
    """Human syntax, as in rule files: `a * (b + c)`; `parse_expr` reads it back."""
    return texts_of(sig).infix(expr, False)


def to_lean(expr: Expr, sig: Signature) -> str:
    """Standard Lean 4 / Mathlib syntax: `x * 2 + 1`, `-(a * b)`, `a⁻¹`, `Real.exp x`."""
    return texts_of(sig).infix(expr, True)


def argument(expr: Expr, sig: Signature, lean: bool = False) -> str:
    """`expr` as the argument of an application, in kernel syntax (standard Lean syntax with
    `lean`): as it is when it prints as one token, otherwise parenthesised. The one printer of
    arguments for the certificate, the tactics and the descriptions of negative examples (the
    goal printer `tactics.delab` applies the same rule with Lean's precedences)."""
    texts = texts_of(sig)
    return texts.lean_argument(expr) if lean else texts.kernel_argument(expr)


def arguments(exprs: Iterable[Expr], sig: Signature) -> list[str]:
    """`argument(e, sig)` of each of `exprs` (the arguments of a rule instance)."""
    return list(map(texts_of(sig).kernel_argument, exprs))


def parenthesised(text: str, atomic: bool) -> str:
    """`text` as an argument: as it is when `atomic` (it binds at least as tightly as an
    argument in its syntax), otherwise in parentheses."""
    return text if atomic else f"({text})"


def to_kernel(expr: Expr, sig: Signature) -> str:
    """Lean kernel prefix syntax for the `prelude` theory: `add (mul a b) (neg c)`."""
    return texts_of(sig).kernel(expr)


def kernel_context(expr: Expr, path: Path, hole: str, sig: Signature) -> str:
    """`to_kernel(replace(expr, path, var(hole)), sig)`, without building that tree."""
    return texts_of(sig).kernel_context(expr, path, hole)


def to_latex(expr: Expr, sig: Signature) -> str:
    """LaTeX, from each operator's `latex` template (`{0}`, `{1}` are the rendered arguments)."""
    return texts_of(sig).to_latex(expr)


def to_plain(expr: Expr, sig: Signature) -> str:
    """SymPy source in plain functions (`x**2*sin(exp(x**2))`) that anyone can read back with
    SymPy, from each operator's registry entry (`a/b`, `1/a`, `Derivative(f, x)`). It is SymPy's
    own printing of the function, so products and powers may be regrouped (`x*x` prints as
    `x**2`)."""
    return str(to_plain_sympy(expr, sig))


def to_plain_sympy(expr: Expr, sig: Signature) -> Any:
    """The plain SymPy function `to_plain` prints, built from registry constructors."""
    import sympy  # SymPy (and the registry, built on it) only where a SymPy value is asked

    from rpsdg_formal.terms.meaning import meaning

    if expr.kind is Kind.VAR:
        return sympy.Symbol(expr.head)
    if expr.kind is Kind.NUM:
        return sympy.Integer(expr.value)
    entry = meaning(sig.by_name(expr.head).model)
    return entry.plain(*(to_plain_sympy(a, sig) for a in expr.args))


def to_sympy(expr: Expr, sig: Signature, symbols: Mapping[str, Any] | None = None) -> Any:
    """The value of `expr` in the trusted model (`terms.meaning`), as a SymPy expression.

    `symbols` gives the meaning of variables (default: a SymPy symbol of the same name); a
    variable may stand for any SymPy expression, such as a function of x. Nothing is parsed
    or evaluated from text: each node is built by its operator's registry constructor.
    """
    import sympy

    from rpsdg_formal.terms.meaning import meaning

    table: dict[str, Any] = dict(symbols or {})

    def build(node: Expr) -> Any:
        if node.kind is Kind.VAR:
            return table.setdefault(node.head, sympy.Symbol(node.head))
        if node.kind is Kind.NUM:
            return sympy.Integer(node.value)
        entry = meaning(sig.by_name(node.head).model)
        return entry.model(*(build(a) for a in node.args))

    return build(expr)
