"""Rule roles: the engines find their rules by tag in the rule files, and a file that lacks a
role (or doubles one) is refused with the file, the tag and the shape wanted."""

from __future__ import annotations

import dataclasses
import random

import pytest

from rpsdg_formal.errors import ConfigError
from rpsdg_formal.families import system
from rpsdg_formal.families.arithmetic import arithmetic_rule
from rpsdg_formal.families.derive import Engine
from rpsdg_formal.families.equation import UNDO, undo_rule
from rpsdg_formal.families.roles import role
from rpsdg_formal.theory.catalogue import rules_path
from rpsdg_formal.theory.rules import RuleSet, load_rules

EQUATION = load_rules(rules_path("equation"))
CALCULUS = load_rules(rules_path("calculus"))


def _untagged(rules: RuleSet, tag: str) -> RuleSet:
    """`rules` with `tag` taken off every rule."""
    stripped = tuple(
        dataclasses.replace(r, tags=tuple(t for t in r.tags if t != tag)) for r in rules.rules
    )
    return dataclasses.replace(rules, rules=stripped)


def _also_tagged(rules: RuleSet, name: str, tag: str) -> RuleSet:
    more = tuple(
        dataclasses.replace(r, tags=(*r.tags, tag)) if r.name == name else r for r in rules.rules
    )
    return dataclasses.replace(rules, rules=more)


def test_the_shipped_files_give_every_role_its_rule() -> None:
    assert {kind: undo_rule(EQUATION, kind).name for kind in UNDO} == {
        "add": "add_sub_cancel_right",
        "sub": "sub_add_cancel",
        "mul": "mul_div_cancel_left",
        "div": "div_mul_cancel",
    }
    assert {
        tag: role(EQUATION, tag, "test", shape).name for tag, shape in system.ROLES.items()
    } == {
        "distribute": "left_distrib",
        "left-comm": "mul_left_comm",
        "drop-right": "add_sub_add_right_eq_sub",
        "drop-left": "add_sub_add_left_eq_sub",
        "assoc": "mul_assoc",
        "collect": "sub_mul",
        "one-mul": "one_mul",
    }
    assert [arithmetic_rule(EQUATION, op).name for op in ("add", "sub", "mul", "div")] == [
        "num_add",
        "num_sub",
        "num_mul",
        "num_div",
    ]
    engine = Engine.from_rules(CALCULUS)
    assert (engine.assoc.name, engine.comm.name, engine.right_comm.name) == (
        "mul_assoc",
        "mul_comm",
        "mul_right_comm",
    )


def test_a_rule_of_another_shape_cannot_take_a_role() -> None:
    # sub_add_cancel_left reads b + a - b = a: a valid cancellation, but not the one the
    # solver binds (a + b - b = a), so it is refused, with its line, instead of misused
    swapped = _also_tagged(_untagged(EQUATION, "undo-add"), "sub_add_cancel_left", "undo-add")
    line = EQUATION.by_name("sub_add_cancel_left").line
    with pytest.raises(ConfigError, match=rf"equation\.yaml:{line}: rule 'sub_add_cancel_left'"):
        undo_rule(swapped, "add")


def test_a_missing_role_is_a_config_error_naming_the_file_and_the_tag() -> None:
    with pytest.raises(ConfigError, match=r"equation\.yaml: no rule is tagged `undo-add`"):
        undo_rule(_untagged(EQUATION, "undo-add"), "add")
    with pytest.raises(ConfigError, match=r"tagged `comm`.*a \* b = b \* a"):
        Engine.from_rules(_untagged(CALCULUS, "comm"))
    with pytest.raises(ConfigError, match="no rule tagged `arithmetic` evaluates `div`"):
        arithmetic_rule(_untagged(EQUATION, "arithmetic"), "div")


def test_a_doubled_role_is_a_config_error() -> None:
    doubled = _also_tagged(EQUATION, "mul_comm", "one-mul")
    with pytest.raises(ConfigError, match=r"2 rules .* are tagged `one-mul`"):
        role(doubled, "one-mul", "system solver", "1 * a = a")


def test_a_system_draw_without_a_role_stops_with_that_error() -> None:
    rules = _untagged(EQUATION, "distribute")
    with pytest.raises(ConfigError, match="`distribute`"):
        for seed in range(20):  # a singular draw returns None before any rule is needed
            system.draw_system(rules, random.Random(seed))
