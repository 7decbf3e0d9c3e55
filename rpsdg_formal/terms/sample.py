"""Random start expressions, sampled without shape bias.

For a given number of operators n, every tree shape (with u unary and b binary operator labels
to choose from) is equally likely: we count shapes exactly, as Lample & Charton do for their
integration datasets, and descend choosing each root split with probability proportional to
the number of trees it leads to. Labels and leaves are then drawn independently.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import cache

from rpsdg_formal.terms.expr import Expr, app, num, var, variables


@dataclass(frozen=True)
class ExprShape:
    """What a random expression is made of."""

    unary: tuple[str, ...]
    binary: tuple[str, ...]
    variables: tuple[str, ...]
    numerals: tuple[int, ...] = (0, 1, 2)
    numeral_probability: float = 0.15
    min_ops: int = 2
    max_ops: int = 6


@cache
def count_trees(n: int, unary: int, binary: int) -> int:
    """Number of labelled trees with n operators, from `unary` and `binary` operator labels."""
    if n == 0:
        return 1
    total = unary * count_trees(n - 1, unary, binary)
    for left in range(n):
        total += (
            binary * count_trees(left, unary, binary) * count_trees(n - 1 - left, unary, binary)
        )
    return total


def _leaf(shape: ExprShape, rng: random.Random) -> Expr:
    if shape.numerals and rng.random() < shape.numeral_probability:
        return num(rng.choice(shape.numerals))
    return var(rng.choice(shape.variables))


def _tree(n: int, shape: ExprShape, rng: random.Random) -> Expr:
    if n == 0:
        return _leaf(shape, rng)
    u, b = len(shape.unary), len(shape.binary)
    pick = rng.randrange(count_trees(n, u, b))
    unary_weight = u * count_trees(n - 1, u, b)
    if pick < unary_weight:
        return app(rng.choice(shape.unary), _tree(n - 1, shape, rng))
    pick -= unary_weight
    for left in range(n):
        weight = b * count_trees(left, u, b) * count_trees(n - 1 - left, u, b)
        if pick < weight:
            return app(
                rng.choice(shape.binary), _tree(left, shape, rng), _tree(n - 1 - left, shape, rng)
            )
        pick -= weight
    raise AssertionError("tree counts are inconsistent")  # unreachable: weights sum to the count


def random_expr(shape: ExprShape, rng: random.Random) -> Expr:
    """A random expression with between min_ops and max_ops operators and at least one variable."""
    while True:
        expr = _tree(rng.randint(shape.min_ops, shape.max_ops), shape, rng)
        if variables(expr):
            return expr
