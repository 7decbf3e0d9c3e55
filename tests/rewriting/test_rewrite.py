"""Rewrite steps: every successor is undone by its reverse step; bad replays raise RewriteError."""

from __future__ import annotations

import itertools
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rpsdg_formal.errors import RewriteError
from rpsdg_formal.rewriting.steps import RuleIndex, apply_step, successors
from rpsdg_formal.terms.expr import Expr, app, num, replace, substitute, subterm, var, variables
from rpsdg_formal.terms.parse import parse_expr
from rpsdg_formal.terms.sample import ExprShape, random_expr
from rpsdg_formal.theory.catalogue import rules_path
from rpsdg_formal.theory.rules import load_rules

FIELD = load_rules(rules_path("field"))
SIG = FIELD.theory.signature
INDEX = RuleIndex.build(FIELD.rules)
SHAPE = ExprShape(
    unary=("neg", "inv"),
    binary=("add", "sub", "mul", "div"),
    variables=("a", "b", "x"),  # a and b are also rule variable names
    numerals=(0, 1, 2),
    numeral_probability=0.3,
    min_ops=0,
    max_ops=7,
)
STEP_LIMIT = 400


def _fresh(expr: Expr) -> tuple[Expr, ...]:
    return tuple(var(v) for v in variables(expr))


def parse(text: str) -> Expr:
    return parse_expr(text, SIG)


@settings(max_examples=150, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_reverse_step_undoes_every_successor(seed: int) -> None:
    expr = random_expr(SHAPE, random.Random(seed))
    for step in itertools.islice(successors(expr, INDEX, _fresh(expr)), STEP_LIMIT):
        assert step.before is expr
        assert step.after is not step.before
        pattern, _ = step.rule.side(step.reverse)
        assert subterm(expr, step.path) is substitute(pattern, step.binding())
        back = apply_step(step.after, step.rule, not step.reverse, step.path, step.binding())
        assert back.after is step.before
        assert back.before is step.after
        # Replaying the recorded step itself reproduces it exactly.
        assert apply_step(expr, step.rule, step.reverse, step.path, step.binding()) == step


@settings(max_examples=100, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_successor_substitutions_cover_the_rule_variables(seed: int) -> None:
    expr = random_expr(SHAPE, random.Random(seed))
    fresh = _fresh(expr)
    for step in itertools.islice(successors(expr, INDEX, fresh), STEP_LIMIT):
        binding = step.binding()
        assert tuple(binding) == step.rule.variables
        matched_side, _ = step.rule.side(step.reverse)
        for name, value in binding.items():
            if name not in variables(matched_side):
                assert value in fresh  # instantiated from the caller's candidates


def test_successors_without_fresh_terms_skip_directions_that_need_them() -> None:
    zero = num(0)
    with_fresh = {s.after for s in successors(zero, INDEX, (var("x"),))}
    without = {s.after for s in successors(zero, INDEX, ())}
    # mul_zero read right to left turns 0 into x * 0 only when x may be introduced.
    assert parse("x * 0") in with_fresh
    assert parse("x * 0") not in without
    assert without <= with_fresh
    # neg_zero (-0 = 0) and inv_zero (0⁻¹ = 0) in reverse need no fresh variable.
    assert {parse("-0"), parse("0⁻¹")} <= without


def test_successors_include_steps_below_the_root() -> None:
    expr = parse("x * (y + z)")
    steps = list(successors(expr, INDEX, _fresh(expr)))
    found = {(s.rule.name, s.reverse, s.path): s.after for s in steps}
    assert found[("left_distrib", False, ())] is parse("x * y + x * z")
    assert found[("add_comm", False, (1,))] is parse("x * (z + y)")
    assert found[("mul_comm", False, ())] is parse("(y + z) * x")
    assert all(s.after is not expr for s in steps)


def test_successor_paths_point_at_the_rewritten_subterm() -> None:
    expr = parse("(x + 0) * -(-y)")
    steps = list(successors(expr, INDEX, _fresh(expr)))
    assert {s.path for s in steps} >= {(), (0,), (1,)}
    for step in steps:
        pattern, produced = step.rule.side(step.reverse)
        binding = step.binding()
        assert subterm(step.before, step.path) is substitute(pattern, binding)
        assert subterm(step.after, step.path) is substitute(produced, binding)
        # Outside the rewritten position nothing changed.
        assert replace(step.after, step.path, subterm(step.before, step.path)) is step.before


def test_expression_spelled_like_the_rule_side_binds_every_variable() -> None:
    """`b + a` is literally add_comm's right side; reading it backwards must give `a + b`."""
    rule = FIELD.by_name("add_comm")
    expr = rule.rhs
    afters = {s.after for s in successors(expr, RuleIndex.build([rule]), _fresh(expr))}
    assert afters == {rule.lhs}
    with pytest.raises(RewriteError, match="does not match"):
        apply_step(expr, rule, True, (), {"a": var("b"), "b": var("b")})


# --- replaying recorded steps -------------------------------------------------------------------


def test_apply_step_forward_and_reverse() -> None:
    rule = FIELD.by_name("add_comm")
    expr = parse("x * (y + z)")
    step = apply_step(expr, rule, False, (1,), {"a": var("y"), "b": var("z")})
    assert step.after is parse("x * (z + y)")
    assert step.substitution == (("a", var("y")), ("b", var("z")))
    assert step.direction == "forward"
    back = apply_step(step.after, rule, True, (1,), {"a": var("y"), "b": var("z")})
    assert back.after is expr
    assert back.direction == "reverse"


def test_apply_step_with_a_variable_only_on_the_produced_side() -> None:
    rule = FIELD.by_name("mul_zero")  # a * 0 = 0
    step = apply_step(parse("y + 0"), rule, True, (1,), {"a": parse("x - 1")})
    assert step.after is parse("y + (x - 1) * 0")
    with pytest.raises(RewriteError, match="gives no value"):
        apply_step(parse("y + 0"), rule, True, (1,), {})


@pytest.mark.parametrize("path", [(2,), (0, 0), (1, 1, 0, 0), (5, 5, 5), (-1,), (1, -1)])
def test_apply_step_at_a_position_that_does_not_exist(path: tuple[int, ...]) -> None:
    rule = FIELD.by_name("add_comm")
    with pytest.raises(RewriteError, match="does not exist"):
        apply_step(parse("x * (y + z)"), rule, False, path, {"a": var("y"), "b": var("z")})


def test_apply_step_where_the_rule_does_not_match() -> None:
    rule = FIELD.by_name("add_comm")
    expr = parse("x * (y + z)")
    with pytest.raises(RewriteError, match="does not match"):
        apply_step(expr, rule, False, (), {"a": var("y"), "b": var("z")})
    with pytest.raises(RewriteError, match="does not match"):
        apply_step(expr, rule, False, (0,), {"a": var("y"), "b": var("z")})
    # Non-linear pattern: sub_self (a - a = 0) must not fire on x - y.
    with pytest.raises(RewriteError, match="does not match"):
        apply_step(parse("x - y"), FIELD.by_name("sub_self"), False, (), {"a": var("x")})


def test_apply_step_with_an_inconsistent_substitution() -> None:
    rule = FIELD.by_name("add_comm")
    expr = parse("x * (y + z)")
    with pytest.raises(RewriteError, match="recorded substitution"):
        apply_step(expr, rule, False, (1,), {"a": var("z"), "b": var("y")})
    with pytest.raises(RewriteError, match="recorded substitution"):
        apply_step(expr, rule, False, (1,), {"a": var("y"), "b": app("neg", var("z"))})


def test_rewrite_error_is_a_value_error() -> None:
    assert issubclass(RewriteError, ValueError)


def test_walk_index_leaves_out_conditional_rules_and_undeclared_inventions() -> None:
    """A side condition cannot be discharged yet, so such rules are never stepped with; a
    direction that would invent a variable is used only if the rule declares `introduces`."""
    index = RuleIndex.build(FIELD.rules)
    used = {(rule.name, reverse) for entries in index.by_head.values() for rule, reverse in entries}
    used |= {(rule.name, reverse) for rule, reverse in index.anywhere}
    assert not any(name in ("mul_inv_cancel", "div_self") for name, _ in used)
    assert ("mul_zero", True) in used  # `0 = a * 0` invents a, and mul_zero declares it
    silent = FIELD.by_name("mul_zero").__class__(
        "mul_zero_silent", parse("a * 0"), parse("0"), ("a",), "mul_zero", (), 0
    )
    only = RuleIndex.build([silent])
    assert [r for entries in only.by_head.values() for r in entries] == [(silent, False)]
    assert only.anywhere == ()
