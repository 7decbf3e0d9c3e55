"""Rewriting strategies: the order in which they try positions, and when they stop."""

from __future__ import annotations

import itertools

import pytest

from rpsdg_formal.errors import RewriteError
from rpsdg_formal.rewriting.steps import Step, apply_step
from rpsdg_formal.rewriting.strategies import deepest, do_one, exhaust, innermost, outermost
from rpsdg_formal.terms.expr import Expr, Kind, subterm
from rpsdg_formal.terms.expr import Path as TreePath
from rpsdg_formal.terms.parse import parse_expr
from rpsdg_formal.theory.catalogue import rules_path
from rpsdg_formal.theory.rules import load_rules

FIELD = load_rules(rules_path("field"))
SIG = FIELD.theory.signature
ADD_ZERO = FIELD.by_name("add_zero")  # a + 0 = a
ADD_COMM = FIELD.by_name("add_comm")  # a + b = b + a


def _add_zero(expr: Expr, path: TreePath) -> Step | None:
    node = subterm(expr, path)
    if node.kind is Kind.APP and node.head == "add" and node.args[1].kind is Kind.NUM:
        if node.args[1].value == 0:
            return apply_step(expr, ADD_ZERO, False, path, {"a": node.args[0]})
    return None


def _tree(text: str) -> Expr:
    return parse_expr(text, SIG)


def test_outermost_takes_the_first_position_in_pre_order() -> None:
    (step,) = outermost(_add_zero)(_tree("(x + 0) + 0"))
    assert step.path == ()


def test_innermost_takes_the_deepest_leftmost_position() -> None:
    (step,) = innermost(_add_zero)(_tree("((x + 0) + 0) * (y + 0)"))
    assert step.path == (0, 0)


def test_deepest_tries_only_the_innermost_redex() -> None:
    def is_add(node: Expr) -> bool:
        return node.kind is Kind.APP and node.head == "add"

    # the deepest addition, x + 1, is no instance of a + 0: nothing happens, though y + 0 is
    assert deepest(is_add, _add_zero)(_tree("(x + 1) * z + (y + 0)")) == ()
    assert innermost(_add_zero)(_tree("(x + 1) * z + (y + 0)"))[0].path == (1,)


def test_do_one_takes_the_first_strategy_that_moves() -> None:
    def commute(expr: Expr) -> tuple[Step, ...]:
        if expr.kind is Kind.APP and expr.head == "add":
            binding = {"a": expr.args[0], "b": expr.args[1]}
            return (apply_step(expr, ADD_COMM, False, (), binding),)
        return ()

    tidy = do_one(outermost(_add_zero), commute)
    assert tidy(_tree("x + 0"))[0].rule is ADD_ZERO
    assert tidy(_tree("x + y"))[0].rule is ADD_COMM
    assert tidy(_tree("x * y")) == ()


def test_exhaust_applies_until_nothing_moves_and_chains_the_steps() -> None:
    start = _tree("((x + 0) + 0) + 0")
    steps = exhaust(outermost(_add_zero), start)
    assert len(steps) == 3
    assert steps[0].before is start and steps[-1].after is _tree("x")
    assert all(a.after is b.before for a, b in itertools.pairwise(steps))


def test_exhaust_refuses_to_run_past_its_limit() -> None:
    start = _tree("((x + 0) + 0) + 0")
    assert len(exhaust(outermost(_add_zero), start, limit=3)) == 3
    with pytest.raises(RewriteError, match="within 2 steps"):
        exhaust(outermost(_add_zero), start, limit=2)
