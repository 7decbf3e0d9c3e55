"""The artifact detector on the issue's quoted examples (each must be caught, with its kind) and
on clean textbook forms (none may be flagged): a detector that misses artifacts, or flags what a
textbook prints, would make `stats` lie."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rpsdg_formal.terms.artifacts import (
    ACCEPTANCE,
    ADD_NEG,
    CANCELLING,
    COEFFICIENT_LAST,
    DEGENERATE,
    IDENTITY,
    KINDS,
    LIKE_TERMS,
    NUMERAL,
    PATTERNS,
    SIGNS,
    artifact_kinds,
    constant_summand,
    find_artifacts,
    is_textbook,
)
from rpsdg_formal.terms.parse import parse_expr
from rpsdg_formal.terms.sample import ExprShape, random_expr
from rpsdg_formal.terms.signature import Signature
from rpsdg_formal.theory.catalogue import rules_path
from rpsdg_formal.theory.rules import load_rules


def _sig(theory: str) -> Signature:
    return load_rules(rules_path(theory)).theory.signature


EQUATION, CALCULUS, FIELD = _sig("equation"), _sig("calculus"), _sig("field")

QUOTED = [  # (theory signature, text from issue 19, kinds it must show)
    (EQUATION, "1 * (x - 3) - 1 * (6 * x) + 8", {IDENTITY}),
    (EQUATION, "8 - 6 * x + 8", {NUMERAL}),
    (EQUATION, "9 + x - 3 - 4 * x + (0 + 2)", {IDENTITY, NUMERAL, LIKE_TERMS}),
    (EQUATION, "12 - 4 * x + 2", {NUMERAL}),
    (EQUATION, "5 + (x - 0 - 5)", {IDENTITY, NUMERAL}),
    (EQUATION, "0 + (x / 1 + 7 + 3)", {IDENTITY, NUMERAL}),
    (EQUATION, "x + 3 + 3 + -0 - 4", {IDENTITY, NUMERAL, ADD_NEG}),
    (EQUATION, "x * 8 + 1", {COEFFICIENT_LAST}),
    (EQUATION, "4 * x * 8 / 6", {NUMERAL}),
    (EQUATION, "160 / 6", {NUMERAL}),
    (EQUATION, "-8 * -(2 + x)", {SIGNS}),
    (EQUATION, "-(6 * x - 4 * (4 * x - 2))", {SIGNS}),
    (CALCULUS, "1 / 1^2", {NUMERAL, DEGENERATE}),
    (CALCULUS, "2 * (x^3 / 1^2) * (3 * 1^2 * x^2 / (1^2)^2)", {NUMERAL, DEGENERATE}),
    (CALCULUS, "(-x)^2 - x", {DEGENERATE}),
    (CALCULUS, "x / (x^2 * x)", {DEGENERATE}),
    (CALCULUS, "-(x * x) - 3^2", {DEGENERATE, NUMERAL}),
    (CALCULUS, "cos(x * (2 * 3))", {NUMERAL}),
    (CALCULUS, "5 + -x", {ADD_NEG}),
    (CALCULUS, "exp(x) / exp(x)", {DEGENERATE}),
    (CALCULUS, "log(exp(x))", {DEGENERATE}),
    (CALCULUS, "(x + 1 - x) / (x + 1)^2", {CANCELLING}),
    (CALCULUS, "x * (1 / x) * sin(log(x))", {CANCELLING}),
    (CALCULUS, "(1 / x)^3", {DEGENERATE}),
    # read in a 1,000-problem calculus run after the first detector: the same pieces, written
    # as a chain of divisions
    (CALCULUS, "(x - 2) / x / x / x", {DEGENERATE}),
    (CALCULUS, "-x / x / x^3", {DEGENERATE}),
    (CALCULUS, "(-x / x^3)^2", {DEGENERATE}),
    (CALCULUS, "x / (1 / x / x)^2", {DEGENERATE}),
    (CALCULUS, "4 / x / x", {DEGENERATE}),
    (CALCULUS, "-x * (3 / x / x)", {DEGENERATE}),
    (FIELD, "x * (y * 1) / 1 + (x + 0 * x)", {IDENTITY}),
    (FIELD, "x + -x⁻¹ + (-x + x)", {CANCELLING, ADD_NEG}),
    (FIELD, "y / 0 + 0⁻¹", {DEGENERATE}),
    (FIELD, "-1 * (z + y)", {IDENTITY}),
]

CLEAN = [  # textbook forms: nothing to report
    (EQUATION, "3 * (x + 2) - 4"),
    (EQUATION, "(2 * x + 1) / 5"),
    (EQUATION, "4 * x - 7"),
    (EQUATION, "10 - 5 * x"),
    (EQUATION, "80 / 3"),
    (EQUATION, "-3 + x"),
    (EQUATION, "2 * (x + 3) - 4 + 5 * x"),
    (EQUATION, "8 * (3 + 6 * (2 + x)) + 4 * x"),
    (CALCULUS, "x^2 - x"),
    (CALCULUS, "3 * x^2 * cos(x^3)"),
    (CALCULUS, "1 / (x + 1)^2"),
    (CALCULUS, "-(sin(x) * exp(cos(x)))"),
    (CALCULUS, "2 * log(x) / x"),
    (CALCULUS, "-(9 * x^2 * (1 - x^3)^2)"),
    (CALCULUS, "sin(x) / cos(x) / x"),
    (CALCULUS, "4 / x^2"),
    (FIELD, "y * x + x"),
    (FIELD, "x * (y - 2)⁻¹"),
    (FIELD, "(y + z⁻¹)⁻¹"),
]


@pytest.mark.parametrize(("sig", "text", "kinds"), QUOTED)
def test_quoted_artifacts_are_found_with_their_kinds(
    sig: Signature, text: str, kinds: set[str]
) -> None:
    found = artifact_kinds(parse_expr(text, sig), sig)
    assert kinds <= found, f"{text}: found {sorted(found)}"


@pytest.mark.parametrize(("sig", "text"), CLEAN)
def test_textbook_forms_are_clean(sig: Signature, text: str) -> None:
    assert find_artifacts(parse_expr(text, sig), sig) == ()
    assert is_textbook(parse_expr(text, sig), sig)


def test_each_artifact_names_the_offending_part() -> None:
    found = find_artifacts(parse_expr("2 * (x + 0) + 1 * x", EQUATION), EQUATION)
    assert {(a.kind, a.text) for a in found} >= {(IDENTITY, "x + 0"), (IDENTITY, "1 * x")}


def test_every_kind_has_a_pattern_in_words() -> None:
    assert set(PATTERNS) == set(KINDS)
    assert set(ACCEPTANCE) <= set(KINDS)


def test_constant_summand_of_an_antiderivative() -> None:
    for text, constant in [("-(x * x) - 3", True), ("x^2 - x", False), ("sin(2) + x", True)]:
        assert constant_summand(parse_expr(text, CALCULUS), CALCULUS, "x") is constant, text


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 10**9))
def test_detector_reads_any_random_expression(seed: int) -> None:
    shape = ExprShape(
        unary=("neg", "inv"), binary=("add", "sub", "mul", "div"), variables=("x", "y")
    )
    expr = random_expr(shape, random.Random(seed))
    for artifact in find_artifacts(expr, FIELD):
        assert artifact.kind in KINDS
        assert artifact.text
