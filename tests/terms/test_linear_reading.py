"""How a system's left side reads (`terms.reading`): the stated convention on each kind of
coefficient, and on random linear combinations, that the reading is the same polynomial with
the same coefficients (SymPy) and has no coefficient 1 left."""

from __future__ import annotations

import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from rpsdg_formal.terms.artifacts import IDENTITY, artifact_kinds
from rpsdg_formal.terms.expr import Expr, app, num, var
from rpsdg_formal.terms.parse import parse_expr
from rpsdg_formal.terms.printers import to_human, to_plain_sympy
from rpsdg_formal.terms.reading import linear_reading
from rpsdg_formal.theory.catalogue import rules_path
from rpsdg_formal.theory.rules import load_rules

SIG = load_rules(rules_path("equation")).theory.signature


def _coefficient(value: int) -> Expr:
    return num(value) if value >= 0 else app("neg", num(-value))


def _combination(coefficients: list[int]) -> Expr:
    """`c1 * x + c2 * y + …` as the system family builds it (left-nested, one term each)."""
    terms = [app("mul", _coefficient(c), var(n)) for c, n in zip(coefficients, "xyz", strict=False)]
    expr = terms[0]
    for term in terms[1:]:
        expr = app("add", expr, term)
    return expr


@pytest.mark.parametrize(
    ("coefficients", "reads"),
    [
        ([1, 3], "x + 3 * y"),
        ([5, 1], "5 * x + y"),
        ([1, 1], "x + y"),
        ([-1, 3], "-x + 3 * y"),
        ([3, -1], "3 * x - y"),
        ([1, -2], "x - 2 * y"),
        ([-2, 4], "-2 * x + 4 * y"),
        ([2, 3, -1], "2 * x + 3 * y - z"),
    ],
)
def test_the_convention(coefficients: list[int], reads: str) -> None:
    assert to_human(linear_reading(_combination(coefficients)), SIG) == reads


def test_other_shapes_read_as_they_are() -> None:
    for text in ("4 + 7 * (3 + x)", "x * 2 + y", "(x + 1) / 2"):
        expr = parse_expr(text, SIG)
        assert linear_reading(expr) is expr


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(-6, 6).filter(bool), min_size=2, max_size=3))
def test_a_reading_is_the_same_combination_without_unit_coefficients(
    coefficients: list[int],
) -> None:
    built = _combination(coefficients)
    text = to_human(linear_reading(built), SIG)
    read = parse_expr(text, SIG)  # what a reader parses back from the printed text
    poly = sympy.Poly(to_plain_sympy(read, SIG), *sympy.symbols("x y z")[: len(coefficients)])
    assert [poly.coeff_monomial(s) for s in poly.gens] == coefficients
    assert sympy.expand(to_plain_sympy(read, SIG) - to_plain_sympy(built, SIG)) == 0
    assert IDENTITY not in artifact_kinds(read, SIG), text
