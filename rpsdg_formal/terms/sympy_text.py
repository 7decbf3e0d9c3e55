"""Read plain SymPy text (a record's `integrand`, `antiderivative`, `equations`) without eval.

`sympy.sympify` evaluates Python, so text from a record or a request must never reach it. This
reader parses the text with Python's own grammar (`ast.parse`, which builds a tree and runs
nothing) and accepts only a whitelist: integer and decimal literals, the symbol `x` and other
plain names as symbols, `+ - * / **`, and calls of `exp sin cos log sqrt Derivative`. Each
node becomes a SymPy constructor, so the result equals what SymPy would have read.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from typing import Any

import sympy

from rpsdg_formal.errors import RpsdgError

MAX_CHARS = 20_000
"""The longest text read (characters); longer text is refused, never parsed."""

_FUNCTIONS: dict[str, Callable[..., Any]] = {
    "exp": sympy.exp,
    "sin": sympy.sin,
    "cos": sympy.cos,
    "log": sympy.log,
    "sqrt": sympy.sqrt,
    "Derivative": sympy.Derivative,
}
_CONSTANTS: dict[str, Any] = {
    "E": sympy.E,
    "I": sympy.I,
    "pi": sympy.pi,
    "zoo": sympy.zoo,
    "oo": sympy.oo,
    "nan": sympy.nan,
}
_BINARY: dict[type, Callable[[Any, Any], Any]] = {
    ast.Add: lambda a, b: a + b,
    ast.Sub: lambda a, b: a - b,
    ast.Mult: lambda a, b: a * b,
    ast.Div: lambda a, b: a / b,
    ast.Pow: lambda a, b: a**b,
}


class SympyTextError(RpsdgError, ValueError):
    """Plain SymPy text outside the whitelist (or not an expression at all)."""


def read_sympy(text: str) -> Any:
    """The SymPy expression `text` denotes, built by constructors; raises SympyTextError."""
    if len(text) > MAX_CHARS:
        raise SympyTextError(f"SymPy text longer than {MAX_CHARS} characters is not read")
    try:
        tree = ast.parse(text.strip(), mode="eval")
        return _build(tree.body)
    except (SyntaxError, RecursionError, MemoryError, ValueError) as err:
        if isinstance(err, SympyTextError):
            raise
        raise SympyTextError(f"not a SymPy expression: {text[:80]!r} ({err})") from None


def _build(node: ast.expr) -> Any:
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        value = node.value
        return sympy.Integer(value) if isinstance(value, int) else sympy.Float(repr(value))
    if isinstance(node, ast.Name):
        return _CONSTANTS[node.id] if node.id in _CONSTANTS else sympy.Symbol(node.id)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        inner = _build(node.operand)
        return -inner if isinstance(node.op, ast.USub) else inner
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        return _BINARY[type(node.op)](_build(node.left), _build(node.right))
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in _FUNCTIONS
        and not node.keywords
    ):
        return _FUNCTIONS[node.func.id](*(_build(a) for a in node.args))
    shown = ast.unparse(node)[:60]
    raise SympyTextError(
        f"{shown!r} is not allowed in plain SymPy text (numbers, names, + - * / **, and "
        f"{', '.join(_FUNCTIONS)} calls only)"
    )
