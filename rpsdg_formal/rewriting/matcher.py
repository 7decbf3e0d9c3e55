"""Patterns compiled once into matching closures: the certifying search's innermost loop.

`compile_pattern(p)(e)` gives exactly `terms.expr.match(p, e)` (the same bindings, or None)
but decides most failures at the first node: a sub-pattern without variables is compared by
identity (trees are interned), an operator node checks its head and arity before descending,
and no work list is built. Nothing is evaluated as code: the closures are built from the
pattern's nodes.
"""

from __future__ import annotations

from collections.abc import Callable

from rpsdg_formal.terms.expr import Expr, Kind

_Node = Callable[[Expr, dict[str, Expr]], bool]
Matcher = Callable[[Expr], dict[str, Expr] | None]


def compile_pattern(pattern: Expr) -> Matcher:
    """A function from an expression to the bindings that make `pattern` equal to it, or None."""
    node = _compile(pattern)

    def matcher(expr: Expr) -> dict[str, Expr] | None:
        bindings: dict[str, Expr] = {}
        return bindings if node(expr, bindings) else None

    return matcher


def _ground(pattern: Expr) -> bool:
    return pattern.kind is not Kind.VAR and all(_ground(a) for a in pattern.args)


def _compile(pattern: Expr) -> _Node:
    if pattern.kind is Kind.VAR:
        return _variable(pattern.head)
    if _ground(pattern):
        return lambda expr, bindings: expr is pattern
    return _operator(pattern.head, tuple(_compile(a) for a in pattern.args))


def _variable(name: str) -> _Node:
    def bind(expr: Expr, bindings: dict[str, Expr]) -> bool:
        bound = bindings.get(name)
        if bound is None:
            bindings[name] = expr
            return True
        return bound is expr

    return bind


def _operator(head: str, children: tuple[_Node, ...]) -> _Node:
    app, arity = Kind.APP, len(children)
    if arity == 1:
        (only,) = children

        def unary(expr: Expr, bindings: dict[str, Expr]) -> bool:
            if expr.kind is not app or expr.head != head or len(expr.args) != 1:
                return False
            return only(expr.args[0], bindings)

        return unary
    if arity == 2:
        first, second = children

        def binary(expr: Expr, bindings: dict[str, Expr]) -> bool:
            if expr.kind is not app or expr.head != head or len(expr.args) != 2:
                return False
            args = expr.args
            return first(args[0], bindings) and second(args[1], bindings)

        return binary

    def general(expr: Expr, bindings: dict[str, Expr]) -> bool:
        if expr.kind is not app or expr.head != head or len(expr.args) != arity:
            return False
        return all(c(a, bindings) for c, a in zip(children, expr.args, strict=True))

    return general
