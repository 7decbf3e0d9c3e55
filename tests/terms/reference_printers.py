"""The printers and the statement key as they were before their texts were memoised: plain
recursive functions over the tree, one rule per fixity. The property tests compare the package's
memoised printers (`terms.printers`) and `expr.statement_key` against them on random trees of
every shipped theory, so a faster printer cannot change a byte of any output."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from rpsdg_formal.terms.expr import Expr, Kind, substitute, var, variables
from rpsdg_formal.terms.printers import numeral_to_kernel
from rpsdg_formal.terms.signature import Fixity, Operator, Signature

_ATOM = 1000


def _precedence(expr: Expr, sig: Signature) -> int:
    if expr.kind is not Kind.APP:
        return _ATOM
    op = sig.by_name(expr.head)
    return _ATOM if op.fixity in (Fixity.FUNCTION, Fixity.CONSTANT) else op.precedence


def _leaf(expr: Expr) -> str:
    return expr.head if expr.kind is Kind.VAR else str(expr.value)


def _infix_text(
    expr: Expr,
    sig: Signature,
    symbol_of: Callable[[Operator], str],
    call: Callable[[Expr], str] | None = None,
) -> str:
    if expr.kind is not Kind.APP:
        return _leaf(expr)
    op = sig.by_name(expr.head)
    symbol = symbol_of(op)
    if op.fixity is Fixity.CONSTANT:
        return symbol
    if op.fixity is Fixity.FUNCTION and call is not None:
        return call(expr)

    def child(index: int, needs_parens: bool) -> str:
        text = _infix_text(expr.args[index], sig, symbol_of, call)
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
    if op.fixity is Fixity.POSTFIX:
        arg = expr.args[0]
        applied = call is not None and arg.kind is Kind.APP and precs[0] == _ATOM and arg.args
        return f"{child(0, precs[0] <= op.precedence or bool(applied))}{symbol}"
    args = ", ".join(_infix_text(a, sig, symbol_of, call) for a in expr.args)
    return f"{symbol}({args})"


def human(expr: Expr, sig: Signature) -> str:
    return _infix_text(expr, sig, lambda op: op.symbol)


def lean(expr: Expr, sig: Signature) -> str:
    def call(node: Expr) -> str:
        op = sig.by_name(node.head)
        if "{0}" in op.lean_symbol:
            return op.lean_symbol.format(*(lean(a, sig) for a in node.args))
        args = " ".join(lean_argument(a, sig) for a in node.args)
        return f"{op.lean_symbol} {args}"

    return _infix_text(expr, sig, lambda op: op.lean_symbol, call)


def lean_argument(expr: Expr, sig: Signature) -> str:
    text = lean(expr, sig)
    return text if expr.kind is not Kind.APP or not expr.args else f"({text})"


def _is_atomic(expr: Expr) -> bool:
    return (
        expr.kind is Kind.VAR
        or (expr.kind is Kind.NUM and expr.value < 2)
        or (expr.kind is Kind.APP and not expr.args)
    )


def kernel(expr: Expr, sig: Signature) -> str:
    if expr.kind is Kind.VAR:
        return expr.head
    if expr.kind is Kind.NUM:
        return numeral_to_kernel(expr.value, sig.numerals)
    return " ".join([sig.by_name(expr.head).lean, *(kernel_argument(a, sig) for a in expr.args)])


def kernel_argument(expr: Expr, sig: Signature) -> str:
    text = kernel(expr, sig)
    return text if _is_atomic(expr) else f"({text})"


def latex(expr: Expr, sig: Signature) -> str:
    if expr.kind is not Kind.APP:
        return _leaf(expr)
    op = sig.by_name(expr.head)
    braced = op.fixity is Fixity.FUNCTION or r"\frac" in op.latex
    rendered = []
    for arg in expr.args:
        text = latex(arg, sig)
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


def statement_key(lhs: Expr, rhs: Expr) -> bytes:
    forms = []
    for left, right in ((lhs, rhs), (rhs, lhs)):
        order = tuple(dict.fromkeys(variables(left) + variables(right)))
        renaming = {v: var(f"v{i}") for i, v in enumerate(order)}
        forms.append((substitute(left, renaming), substitute(right, renaming)))
    first, second = min((repr(a), repr(b)) for a, b in forms)
    return hashlib.blake2b(f"{first}={second}".encode(), digest_size=16).digest()
