"""The one side-condition loop (`emit.condition_terms`) in each of the ways its callers use it.

No Lean here: these pin the arguments each caller gets; the certificates they end up in are
checked by the kernel in tests/kernel/test_kernel.py and tests/families/test_equation.py.
"""

from __future__ import annotations

import pytest

from rpsdg_formal.kernel.emit import SideConditionError, condition_terms, rule_term
from rpsdg_formal.rewriting.steps import Step, apply_step
from rpsdg_formal.tactics.lemma import rewrite_term
from rpsdg_formal.terms.expr import num, var
from rpsdg_formal.terms.parse import parse_expr
from rpsdg_formal.theory.catalogue import rules_path
from rpsdg_formal.theory.rules import load_rules

EQUATION = load_rules(rules_path("equation"))
Y_NE_0 = (var("y"), num(0))


def _cancel(divisor: str) -> Step:
    """`divisor * x / divisor = x` by mul_div_cancel_left, whose side condition is divisor ≠ 0."""
    sig = EQUATION.theory.signature
    before = parse_expr(f"{divisor} * x / {divisor}", sig)
    binding = {"a": var("x"), "b": parse_expr(divisor, sig)}
    return apply_step(before, EQUATION.by_name("mul_div_cancel_left"), False, (), binding)


def test_an_assumed_condition_is_its_hypothesis() -> None:
    step = _cancel("y")
    assert condition_terms(step, EQUATION.theory, (Y_NE_0,)) == ["h1"]
    assert condition_terms(step, EQUATION.theory, ((var("z"), num(0)), Y_NE_0)) == ["h2"]


def test_a_nonzero_numeral_is_proven_by_the_theory_and_spelled_by_the_caller() -> None:
    step = _cancel("2")
    (proof,) = condition_terms(step, EQUATION.theory)
    assert proof.startswith("(") and "pos_ne_zero" in proof
    spelled = condition_terms(step, EQUATION.theory, proved=lambda _: "(by norm_num)")
    assert spelled == ["(by norm_num)"]
    assert rewrite_term(step, EQUATION.theory).text.endswith("x (by norm_num)")


def test_an_undischarged_condition_is_refused_unless_the_caller_fills_it() -> None:
    step = _cancel("y")
    with pytest.raises(SideConditionError, match="y != 0"):
        condition_terms(step, EQUATION.theory)
    with pytest.raises(SideConditionError):
        rule_term(step, EQUATION.theory)
    assert condition_terms(step, EQUATION.theory, missing=lambda k, _: f"h{k + 7}") == ["h7"]
    assert condition_terms(step, EQUATION.theory, missing=lambda k, _: None) == []
    with pytest.raises(ValueError, match="nobody assumes"):
        rewrite_term(step, EQUATION.theory)
    # the tactic of a wrong step: Mathlib's lemma, its hypothesis slot left to Lean (`_`)
    assert rewrite_term(step, EQUATION.theory, strict=False).text == "mul_div_cancel_left₀ x _"


def test_a_named_hypothesis_wins_even_when_it_is_the_wrong_one() -> None:
    # an action may name the wrong hypothesis: the kernel, not the loop, must refuse it
    step = _cancel("2")
    assert condition_terms(step, EQUATION.theory, (Y_NE_0,), named=["h1"]) == ["h1"]
    assert condition_terms(step, EQUATION.theory, named=[None])[0].startswith("(")
