"""Proofs in the model (`audit.proof`): a law passes only when proven, never on sampled points."""

from __future__ import annotations

import random

import sympy

from rpsdg_formal.audit.model import check_model
from rpsdg_formal.audit.proof import prove
from rpsdg_formal.terms.meaning import REGISTRY, X
from rpsdg_formal.terms.parse import parse_expr
from rpsdg_formal.theory.rules import Condition, RuleSet

a, b = sympy.symbols("a b")
inv, div = REGISTRY["inv"].model, REGISTRY["div"].model


def test_exact_decision_splits_the_zero_inverse_cases() -> None:
    proof = prove(inv(a * b), inv(a) * inv(b), "eq", ())
    assert proof.proved and "8 cases" in proof.detail  # (ab)⁻¹, a⁻¹, b⁻¹
    wrong = prove(a * inv(a - 12345) * (a - 12345), a, "eq", ())
    assert not wrong.proved and wrong.refuted and "a - 12345 = 0" in wrong.detail
    cancel = prove(a * inv(a), sympy.Integer(1), "eq", ((a, sympy.Integer(0), "ne"),))
    assert cancel.proved  # the hypothesis a != 0 removes the a = 0 case
    assert not prove(a * inv(a), sympy.Integer(1), "eq", ()).proved


def test_disequations_and_positivity() -> None:
    assert prove(sympy.Integer(0), sympy.Integer(1), "ne", ()).proved
    assert prove(-a, sympy.Integer(0), "ne", ((a, sympy.Integer(0), "ne"),)).proved
    assert not prove(a, sympy.Integer(0), "ne", ()).proved
    positive = ((a, a, "pos"), (b, b, "pos"))
    assert prove(a + b, a + b, "pos", positive).proved
    assert not prove(a - b, a - b, "pos", positive).proved


def test_what_sympy_cannot_settle_is_undecided_with_the_reason() -> None:
    f = sympy.Function("f")(X)
    assert prove(sympy.diff(sympy.exp(f), X), sympy.exp(f) * sympy.diff(f, X), "eq", ()).proved
    undecided = prove(sympy.log(sympy.exp(a)), a, "eq", ())  # false off the real line
    assert not undecided.proved and not undecided.refuted
    assert "does not simplify lhs - rhs to 0" in undecided.detail


def test_sampling_alone_never_passes_a_law(field_rules: RuleSet) -> None:
    sig = field_rules.theory.signature
    lhs = parse_expr("a * (a - 12345)⁻¹ * (a - 12345)", sig)
    verdict = check_model(lhs, parse_expr("a", sig), sig, rng=random.Random(0))
    assert not verdict.ok and verdict.points > 40
    assert f"it held at all {verdict.points} points tried, yet" in verdict.detail
    true = check_model(parse_expr("(a * b)⁻¹", sig), parse_expr("a⁻¹ * b⁻¹", sig), sig)
    assert true.ok and true.method == "proof"
    cond = (Condition(parse_expr("a", sig), parse_expr("0", sig)),)
    assert check_model(parse_expr("a / a", sig), parse_expr("1", sig), sig, cond).ok


def test_laws_with_d_are_decided_only_as_equations_over_functions() -> None:
    from rpsdg_formal.theory.catalogue import rules_path
    from rpsdg_formal.theory.rules import load_rules

    calculus = load_rules(rules_path("calculus"))
    sig = calculus.theory.signature
    # true for constants (D a = 0), false for a = x: never decided in the constant model
    verdict = check_model(parse_expr("D(a)", sig), parse_expr("1", sig), sig, relation="ne")
    assert not verdict.ok and verdict.method == "undecided"
    product = check_model(
        parse_expr("D(a * b)", sig), parse_expr("D(a) * b + a * D(b)", sig), sig, functions_of="x"
    )
    assert product.ok and product.method == "proof"
