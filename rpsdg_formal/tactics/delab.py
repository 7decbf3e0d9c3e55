"""Expressions as Lean's delaborator prints them in a goal state: `- -y`, `1⁻¹⁻¹`, `Real.exp x ^ 2`.

The parenthesizer puts parentheses around a subterm exactly when its precedence is below the one
its position requires. The precedences are those of the notation declarations:

- Lean 4 core, `src/Init/Notation.lean`: `infixl:65 " + "`, `infixl:65 " - "`,
  `infixl:70 " * "`, `infixl:70 " / "`, `infixr:80 " ^ "`, `prefix:75 "-"` (so `-a * b` is
  `(-a) * b`, `-x ^ 2` is `-(x ^ 2)`, `- -y` needs no parentheses; the space keeps `--` from
  starting a comment);
- Mathlib, `Mathlib/Algebra/Group/Defs.lean`: `postfix:max "⁻¹" => Inv.inv` (so `1⁻¹⁻¹`,
  `x⁻¹ ^ 2`, `Real.exp x⁻¹` = `Real.exp (x⁻¹)`, but `(Real.exp x)⁻¹`);
- application: the function at `max` (1024), each argument at `arg` (1023), the application
  itself at `lead` (1022); identifiers, numerals and parenthesised terms are `max`.

An operator of a rule file whose Lean symbol is not in this table keeps its declared
precedence (infix left-associative, prefix and postfix binding their argument at it).
"""

from __future__ import annotations

import re

from rpsdg_formal.terms.expr import Expr, Kind
from rpsdg_formal.terms.printers import parenthesised
from rpsdg_formal.terms.signature import Fixity, Operator, Signature

MAX = 1024
ARG = 1023
LEAD = 1022
MIN = 0

INFIX = {"+": (65, 65, 66), "-": (65, 65, 66), "*": (70, 70, 71), "/": (70, 70, 71)}
"""Lean symbol -> (precedence, left argument's, right argument's): `infixl:p` is p, p, p+1."""
PREFIX = {"-": 75}
"""Lean symbol -> precedence of the notation and of its argument (`prefix:75 "-"`)."""
POSTFIX = {"⁻¹": MAX}
"""Lean symbol -> precedence of the notation and of its argument (`postfix:max "⁻¹"`)."""
POWER = (80, 81)
"""`infixr:80 " ^ "`: precedence 80, left argument at 81 (the exponent is a numeral)."""
_POWER_SYMBOL = re.compile(r"^\s*\^\s*\d+$")


def _wrap(printed: tuple[str, int], required: int) -> str:
    text, precedence = printed
    return parenthesised(text, precedence >= required)


def _infix(op: Operator, args: tuple[Expr, ...], sig: Signature) -> tuple[str, int]:
    symbol = op.lean_symbol.strip()
    prec, left, right = INFIX.get(symbol, (op.precedence, op.precedence, op.precedence + 1))
    lhs = _wrap(_print(args[0], sig), left)
    rhs = _wrap(_print(args[1], sig), right)
    return f"{lhs} {symbol} {rhs}", prec


def _prefix(op: Operator, arg: Expr, sig: Signature) -> tuple[str, int]:
    symbol = op.lean_symbol.strip()
    prec = PREFIX.get(symbol, op.precedence)
    inner = _wrap(_print(arg, sig), prec)
    # Lean's formatter separates tokens that would otherwise lex as one (`--` opens a comment)
    gap = " " if inner[:1] == symbol[-1:] else ""
    return f"{symbol}{gap}{inner}", prec


def _postfix(op: Operator, arg: Expr, sig: Signature) -> tuple[str, int]:
    if _POWER_SYMBOL.match(op.lean_symbol):
        prec, left = POWER
        exponent = op.lean_symbol.split("^", 1)[1].strip()
        return f"{_wrap(_print(arg, sig), left)} ^ {exponent}", prec
    symbol = op.lean_symbol.strip()
    prec = POSTFIX.get(symbol, op.precedence)
    return f"{_wrap(_print(arg, sig), prec)}{op.lean_symbol}", prec


def _call(op: Operator, args: tuple[Expr, ...], sig: Signature) -> tuple[str, int]:
    if "{0}" in op.lean_symbol:  # a template such as `deriv (fun x => {0}) x`
        return op.lean_symbol.format(*(_print(a, sig)[0] for a in args)), LEAD
    rendered = " ".join(_wrap(_print(a, sig), ARG) for a in args)
    return f"{op.lean_symbol} {rendered}", LEAD


def _print(expr: Expr, sig: Signature) -> tuple[str, int]:
    if expr.kind is Kind.VAR:
        return expr.head, MAX
    if expr.kind is Kind.NUM:
        return str(expr.value), MAX
    op = sig.by_name(expr.head)
    if op.fixity is Fixity.CONSTANT or not expr.args:
        return op.lean_symbol, MAX
    if op.fixity is Fixity.INFIX:
        return _infix(op, expr.args, sig)
    if op.fixity is Fixity.PREFIX:
        return _prefix(op, expr.args[0], sig)
    if op.fixity is Fixity.POSTFIX:
        return _postfix(op, expr.args[0], sig)
    return _call(op, expr.args, sig)


def pretty(expr: Expr, sig: Signature) -> str:
    """`expr` as Lean's pretty printer shows it (no line wrapping)."""
    return _print(expr, sig)[0]


def pretty_argument(expr: Expr, sig: Signature) -> str:
    """`expr` as an explicit argument of a lemma (`mul_comm x (y + 1)`): parenthesised unless
    its precedence is at least `arg`. Unlike `printers.argument(lean=True)`, which wraps every
    application, this leaves `x⁻¹` bare, as Lean's delaborator does (`postfix:max`)."""
    return _wrap(_print(expr, sig), ARG)
