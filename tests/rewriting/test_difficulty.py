"""`--difficulty` from 5 up plans walk and search settings itself, and they make hard theorems."""

from __future__ import annotations

from rpsdg_formal.cli.families import select_config, walk_config
from rpsdg_formal.cli.main import build_parser
from rpsdg_formal.rewriting.difficulty import (
    DECEPTIVE_UP_TO,
    HARD_FROM,
    collapses,
    deceptive,
    has_numeral,
    plan_for,
)
from rpsdg_formal.rewriting.graph import largest_expression
from rpsdg_formal.rewriting.selection import SelectConfig, select_theorem
from rpsdg_formal.rewriting.steps import RuleIndex, in_step_set
from rpsdg_formal.rewriting.walk import WalkConfig, draw_walk, theorem_rng
from rpsdg_formal.terms.expr import var, variables
from rpsdg_formal.theory.rules import RuleSet


def _configs(rules: RuleSet, *argv: str) -> tuple[WalkConfig, SelectConfig]:
    args = build_parser().parse_args(["generate", "--out", "unused", *argv])
    return walk_config(args, rules), select_config(args)


def test_easy_ranges_keep_the_defaults(field_rules: RuleSet) -> None:
    assert plan_for(HARD_FROM - 1) is None
    walk, select = _configs(field_rules, "--difficulty", "3-4")
    plain, plain_select = _configs(field_rules)
    assert walk == plain and select.bounds == plain_select.bounds
    assert (walk.steps, walk.max_size, walk.away, select.bounds.node_budget) == (8, 30, False, 200)


def test_a_hard_range_is_planned_and_explicit_knobs_win(field_rules: RuleSet) -> None:
    plan = plan_for(6)
    assert plan is not None
    walk, select = _configs(field_rules, "--difficulty", "6-12")
    assert (walk.steps, walk.max_size, walk.shape.max_ops, walk.away) == (
        plan.steps,
        plan.max_size,
        plan.max_ops,
        True,
    )
    assert select.bounds.node_budget == plan.node_budget and select.difficulty == (6, 12)
    assert walk.shape.numerals == () and select.deceptive and select.numeral_free
    walk, select = _configs(
        field_rules, "--difficulty", "6-12", "--steps", "7", "--max-size", "12",
        "--bound-budget", "50", "--numerals", "0,1",
    )  # fmt: skip
    assert (walk.steps, walk.max_size, select.bounds.node_budget) == (7, 12, 50)
    # numerals asked for are not filtered out of the sides; the same outermost operator still is
    assert walk.shape.numerals == (0, 1) and select.deceptive and not select.numeral_free
    harder = plan_for(9)
    assert harder is not None and harder.node_budget > plan.node_budget


def test_the_plan_certifies_bound_six_within_some_hundred_draws(field_rules: RuleSet) -> None:
    index = RuleIndex.build(field_rules.rules)
    walk_conf, select = _configs(field_rules, "--difficulty", "6-12")
    found = []
    for i in range(1000):  # about 1 draw in 120 (deceptive sides up to 7)
        walk = draw_walk(walk_conf, index, theorem_rng(40, i))
        fresh = tuple(var(v) for v in variables(walk.start))
        assert all(in_step_set(s, fresh) for s in walk.steps)  # away-walks stay in the set
        selected = select_theorem(walk, index, select)
        if selected is not None:
            assert 6 <= selected.bound.value <= len(selected.proofs[0])
            assert selected.bound.size_cap >= largest_expression(selected.proofs[0])
            assert not collapses(walk.start, index, fresh)
            assert not collapses(walk.end, index, fresh)
            assert deceptive(walk.start, walk.end)
            assert walk.start.head == walk.end.head and not has_numeral(walk.start)
            found.append(selected)
            if len(found) == 2:
                break
    assert len(found) == 2
    # certified with a node of room above the proof (where the proof does not use it)
    assert any(f.bound.size_cap > largest_expression(f.proofs[0]) for f in found)


def test_a_collapse_of_a_compound_value_is_a_shortcut(field_rules: RuleSet) -> None:
    from rpsdg_formal.terms.parse import parse_expr

    index = RuleIndex.build(field_rules.rules)
    sig = field_rules.theory.signature
    y = (var("y"),)
    assert collapses(parse_expr("(y / y) * 0", sig), index, y)  # mul_zero with a := y / y
    assert collapses(parse_expr("x + 0 * (y + 1)", sig), index, (var("x"), var("y")))
    assert not collapses(parse_expr("y * 0", sig), index, y)  # a := y is in the step set
    assert not collapses(parse_expr("y + y", sig), index, y)


def test_only_the_hard_plan_leaves_shortcuts_out(field_rules: RuleSet) -> None:
    assert _configs(field_rules, "--difficulty", "6-12")[1].shortcut_free
    assert not _configs(field_rules, "--difficulty", "3-4")[1].shortcut_free
    assert not _configs(field_rules)[1].shortcut_free


def test_deceptive_sides_look_alike_without_numerals(field_rules: RuleSet) -> None:
    from rpsdg_formal.terms.parse import parse_expr

    sig = field_rules.theory.signature

    def alike(lhs: str, rhs: str, numeral_free: bool = True) -> bool:
        return deceptive(parse_expr(lhs, sig), parse_expr(rhs, sig), numeral_free)

    assert alike("x * (y - z)", "(z - y) * -x")  # both products, no numeral
    assert not alike("x * (y - z)", "-(x * (z - y))")  # the outermost operators differ
    assert not alike("x * (y - z)", "(y - z) * (x + 0)")  # a numeral: `x + 0` collapses
    assert alike("x * (y - z)", "(y - z) * (x + 0)", numeral_free=False)
    assert not alike("x", "x")  # a bare variable has no operator to share


def test_deceptive_sides_only_up_to_seven_and_nowhere_else(field_rules: RuleSet) -> None:
    for lowest in range(HARD_FROM, DECEPTIVE_UP_TO + 1):
        plan = plan_for(lowest)
        assert plan is not None and plan.deceptive and plan.numerals == () and plan.room == 1
    higher = plan_for(DECEPTIVE_UP_TO + 1)
    assert higher is not None and not higher.deceptive and higher.numerals is None
    assert higher.room == 0
    walk, select = _configs(field_rules, "--difficulty", "8-12")
    assert walk.shape.numerals == (0, 1, 2) and not select.deceptive and select.room == 0
    assert _configs(field_rules, "--difficulty", "6-12")[1].room == 1
    for argv in ((), ("--difficulty", "3-4")):
        walk, select = _configs(field_rules, *argv)
        assert walk.shape.numerals == (0, 1, 2)
        assert not select.deceptive and not select.numeral_free and select.room == 0
