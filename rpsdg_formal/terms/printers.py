"""Printers from `Expr` to human syntax, standard Lean syntax, Lean kernel prefix syntax, LaTeX
and SymPy. All are pure functions of the tree and the signature.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import partial
from typing import Any

from rpsdg_formal.terms.expr import Expr, Kind
from rpsdg_formal.terms.signature import Fixity, Numerals, Operator, Signature

_ATOM = 1000  # precedence of variables, numerals and calls: never parenthesised


def _precedence(expr: Expr, sig: Signature) -> int:
    if expr.kind is not Kind.APP:
        return _ATOM
    op = sig.by_name(expr.head)
    return _ATOM if op.fixity in (Fixity.FUNCTION, Fixity.CONSTANT) else op.precedence


def is_atomic(expr: Expr) -> bool:
    """True if `expr` prints in kernel syntax as one token (no parentheses needed)."""
    return (
        expr.kind is Kind.VAR
        or (expr.kind is Kind.NUM and expr.value < 2)
        or (expr.kind is Kind.APP and not expr.args)
    )


def _leaf(expr: Expr) -> str:
    """A variable or a numeral as written in every syntax but the kernel's."""
    return expr.head if expr.kind is Kind.VAR else str(expr.value)


def _infix_text(
    expr: Expr,
    sig: Signature,
    symbol_of: Callable[[Operator], str],
    call: Callable[[Expr], str] | None = None,
    inner: Callable[[Expr], str] | None = None,
) -> str:
    """Render with the fewest parentheses that parse back to the same tree; `call` renders
    function applications (default: `f(a, b)`), `inner` the sub-trees (default: this
    function again; a sub-tree's text does not depend on where it sits)."""
    if expr.kind is not Kind.APP:
        return _leaf(expr)
    if inner is None:

        def inner(node: Expr) -> str:
            return _infix_text(node, sig, symbol_of, call)

    op = sig.by_name(expr.head)
    symbol = symbol_of(op)
    if op.fixity is Fixity.CONSTANT:
        return symbol

    if op.fixity is Fixity.FUNCTION and call is not None:
        return call(expr)

    def child(index: int, needs_parens: bool) -> str:
        text = inner(expr.args[index])
        return f"({text})" if needs_parens else text

    precs = [_precedence(a, sig) for a in expr.args]
    if op.fixity is Fixity.INFIX:
        right_prefix = (
            expr.args[1].kind is Kind.APP and sig.by_name(expr.args[1].head).fixity is Fixity.PREFIX
        )
        return (
            f"{child(0, precs[0] < op.precedence)} {symbol} "
            f"{child(1, precs[1] <= op.precedence and not right_prefix)}"
        )
    if op.fixity is Fixity.PREFIX:
        arg = expr.args[0]
        nested_prefix = arg.kind is Kind.APP and sig.by_name(arg.head).fixity is Fixity.PREFIX
        return f"{symbol}{child(0, precs[0] < op.precedence or nested_prefix)}"
    if op.fixity is Fixity.POSTFIX:  # (x^2)^3 and (a⁻¹)⁻¹: never stack postfix symbols
        arg = expr.args[0]
        # in Lean, `f x⁻¹` is `f (x⁻¹)`: a rendered application needs parentheses here
        applied = call is not None and arg.kind is Kind.APP and precs[0] == _ATOM and arg.args
        return f"{child(0, precs[0] <= op.precedence or bool(applied))}{symbol}"
    args = ", ".join(inner(a) for a in expr.args)
    return f"{symbol}({args})"


def to_human(expr: Expr, sig: Signature) -> str:
    """Human syntax, as in rule files: `a * (b + c)`; `parse_expr` reads it back."""
    return _infix_text(expr, sig, lambda op: op.symbol)


def to_lean(expr: Expr, sig: Signature) -> str:
    """Standard Lean 4 / Mathlib syntax: `x * 2 + 1`, `-(a * b)`, `a⁻¹`, `Real.exp x`.
    Sub-trees' texts are remembered per signature like `to_kernel`'s (`_LEAN_TEXTS`): the
    states of a proof differ in one position, so most of each is printed already."""
    if expr.kind is not Kind.APP:
        return _leaf(expr)
    texts = _texts(_LEAN_TEXTS, sig)
    text = texts.get(expr)
    if text is None:
        text = _infix_text(expr, sig, _lean_symbol, partial(_lean_call, sig=sig), _lean_of(sig))
        if len(texts) >= _TEXTS_LIMIT:
            texts.clear()
        texts[expr] = text
    return text


def _lean_symbol(op: Operator) -> str:
    return op.lean_symbol


def _lean_of(sig: Signature) -> Callable[[Expr], str]:
    return partial(_to_lean_in, sig)


def _to_lean_in(sig: Signature, expr: Expr) -> str:
    return to_lean(expr, sig)


def _lean_call(node: Expr, sig: Signature) -> str:
    """An application in Lean syntax: it binds tighter than any operator (no parentheses)."""
    op = sig.by_name(node.head)
    if "{0}" in op.lean_symbol:  # e.g. `deriv (fun x => {0}) x`
        return op.lean_symbol.format(*(to_lean(a, sig) for a in node.args))
    args = " ".join(argument(a, sig, lean=True) for a in node.args)
    return f"{op.lean_symbol} {args}"


def argument(expr: Expr, sig: Signature, lean: bool = False) -> str:
    """`expr` as the argument of an application, in kernel syntax (standard Lean syntax with
    `lean`): as it is when it prints as one token, otherwise parenthesised. The one printer of
    arguments for the certificate, the tactics and the descriptions of negative examples (the
    goal printer `tactics.delab` applies the same rule with Lean's precedences)."""
    if lean:
        return parenthesised(to_lean(expr, sig), expr.kind is not Kind.APP or not expr.args)
    return parenthesised(to_kernel(expr, sig), is_atomic(expr))


def parenthesised(text: str, atomic: bool) -> str:
    """`text` as an argument: as it is when `atomic` (it binds at least as tightly as an
    argument in its syntax), otherwise in parentheses."""
    return text if atomic else f"({text})"


def numeral_to_kernel(value: int, numerals: Numerals) -> str:
    """A natural number in binary `bit0`/`bit1` form: 6 is `bit0 (bit1 one)`."""
    if value == 0:
        return numerals.zero
    if value == 1:
        return numerals.one
    inner = numeral_to_kernel(value // 2, numerals)
    inner = inner if value // 2 == 1 else f"({inner})"
    return f"{numerals.bit1 if value % 2 else numerals.bit0} {inner}"


Texts = dict[int, tuple[Signature, dict[Expr, str]]]
_KERNEL_TEXTS: Texts = {}
_LEAN_TEXTS: Texts = {}
_TEXTS_LIMIT = 1 << 15
"""`to_kernel`'s and `to_lean`'s answers per signature (by identity, the signature kept with
them), cleared when full: certificates, records and wrong steps print the same sub-trees again
and again (every congruence context repeats its expression but for one path)."""


def _texts(table: Texts, sig: Signature) -> dict[Expr, str]:
    known = table.get(id(sig))
    if known is None or known[0] is not sig:
        known = table[id(sig)] = (sig, {})
    return known[1]


def to_kernel(expr: Expr, sig: Signature) -> str:
    """Lean kernel prefix syntax for the `prelude` theory: `add (mul a b) (neg c)`."""
    if expr.kind is Kind.VAR:
        return expr.head
    texts = _texts(_KERNEL_TEXTS, sig)
    text = texts.get(expr)
    if text is None:
        if expr.kind is Kind.NUM:
            text = numeral_to_kernel(expr.value, sig.numerals)
        else:
            text = " ".join([sig.by_name(expr.head).lean, *(argument(a, sig) for a in expr.args)])
        if len(texts) >= _TEXTS_LIMIT:
            texts.clear()
        texts[expr] = text
    return text


def to_latex(expr: Expr, sig: Signature) -> str:
    """LaTeX, from each operator's `latex` template (`{0}`, `{1}` are the rendered arguments)."""
    if expr.kind is not Kind.APP:
        return _leaf(expr)
    op = sig.by_name(expr.head)
    braced = op.fixity is Fixity.FUNCTION or r"\frac" in op.latex
    rendered = []
    for arg in expr.args:
        text = to_latex(arg, sig)
        nested_prefix = (
            op.fixity is Fixity.PREFIX
            and arg.kind is Kind.APP
            and sig.by_name(arg.head).fixity is Fixity.PREFIX
        )
        stacked = op.fixity is Fixity.POSTFIX and _precedence(arg, sig) == op.precedence
        if not braced and (_precedence(arg, sig) < op.precedence or nested_prefix or stacked):
            text = rf"\left({text}\right)"
        rendered.append(text)
    if op.fixity is Fixity.INFIX and not braced:
        if _precedence(expr.args[1], sig) == op.precedence and not rendered[1].startswith(r"\left"):
            rendered[1] = rf"\left({rendered[1]}\right)"
    return op.latex.format(*rendered)


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
