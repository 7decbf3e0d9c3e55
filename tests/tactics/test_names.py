"""One name, one lemma: a theory's own rule whose short name Mathlib declares as another lemma
is not reached by that name (no kernel here; tests/env/test_lemma_names.py runs the kernel)."""

from __future__ import annotations

import dataclasses

import pytest

from rpsdg_formal.rewriting.steps import apply_step
from rpsdg_formal.tactics.actions import ActionError, Context, parse_action
from rpsdg_formal.tactics.lemma import rewrite_term
from rpsdg_formal.tactics.mathlib import load_table, mathlib_names
from rpsdg_formal.tactics.names import by_lean_name, clashes, mathlib_statement, own_name
from rpsdg_formal.terms.expr import var
from rpsdg_formal.terms.parse import parse_equation
from rpsdg_formal.theory.catalogue import rules_path
from rpsdg_formal.theory.rules import load_rules

THEORIES = ("field", "calculus", "equation")


def test_mathlibs_sub_add_cancel_left_is_not_the_equation_rule_of_that_name() -> None:
    # read in Mathlib/Algebra/Group/Basic.lean: `div_mul_cancel_left (a b : G) :
    # a / (a * b) = b⁻¹` with @[to_additive], whose additive name is `sub_add_cancel_left`
    assert mathlib_statement("sub_add_cancel_left") == "a - (a + b) = -b"
    rules = load_rules(rules_path("equation"))
    own = rules.by_name("sub_add_cancel_left")
    assert clashes(rules)["sub_add_cancel_left"] is own
    names = by_lean_name(rules)
    assert "sub_add_cancel_left" not in names
    assert names["RpsdgFormal.Field.Equation.sub_add_cancel_left"] is own
    context = Context(("x", "y"))
    with pytest.raises(ActionError, match=r"is Mathlib's lemma a - \(a \+ b\) = -b, not this"):
        parse_action("rw [sub_add_cancel_left y x]", rules, context)
    for meaning in ("add_sub_cancel_left y x", "RpsdgFormal.Field.Equation.sub_add_cancel_left"):
        (rewrite,) = parse_action(f"rw [{meaning}]", rules, context).rewrites
        assert rewrite.rule == own  # (Mathlib's lemmas are looked up in a cache of equal rules)


@pytest.mark.parametrize("theory", THEORIES)
def test_no_lemma_name_means_two_statements(theory: str) -> None:
    rules = load_rules(rules_path(theory))
    sig = rules.theory.signature
    declared = load_table().declarations()
    stated = mathlib_names(rules.rules, sig)
    names = by_lean_name(rules)
    for name, rule in names.items():
        if name in declared:  # a Mathlib name reaches only the rule that states that lemma
            assert name in stated and stated[name][0] == rule, (name, rule.name)
    for name, rule in clashes(rules).items():
        mathlib = mathlib_statement(name)
        if mathlib is not None:
            assert parse_equation(mathlib, sig) != (rule.lhs, rule.rhs), name
        assert "." in own_name(rule, rules.theory) and own_name(rule, rules.theory) in names


def test_a_rule_rendered_by_its_own_name_is_written_so_it_reads_back_as_itself() -> None:
    # a rule the Mathlib table has no entry for falls back to its own Lean name; when Mathlib
    # declares that name as another lemma, the exporter writes the full name
    rules = load_rules(rules_path("equation"))
    own = dataclasses.replace(rules.by_name("sub_add_cancel_left"), name="my_cancel")
    rules = dataclasses.replace(rules, rules=(*rules.rules, own))
    assert load_table().entries.get("my_cancel") is None
    before = parse_equation("y + x - y = x", rules.theory.signature)[0]
    step = apply_step(before, own, False, (), {"a": var("x"), "b": var("y")})
    term = rewrite_term(step, rules.theory)
    assert term.text == "RpsdgFormal.Field.Equation.sub_add_cancel_left x y" and not term.mathlib
    (rewrite,) = parse_action(f"rw [{term.text}]", rules, Context(("x", "y"))).rewrites
    assert rewrite.rule.lean_name == own.lean_name and rewrite.given == (var("x"), var("y"))
