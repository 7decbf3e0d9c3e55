"""The optional adversarial filter: what it keeps, the search leaves unproved; what it drops,
the search proves."""

from __future__ import annotations

import dataclasses

from rpsdg_formal.env.adversarial import Adversarial
from rpsdg_formal.env.search import search
from rpsdg_formal.rewriting.selection import SelectConfig, select_theorem
from rpsdg_formal.rewriting.steps import RuleIndex
from rpsdg_formal.rewriting.walk import WalkConfig, draw_walk, theorem_rng
from rpsdg_formal.tactics.actions import Context
from rpsdg_formal.terms.expr import variables
from rpsdg_formal.theory.rules import RuleSet


def test_the_filter_keeps_exactly_what_the_search_does_not_prove(field_rules: RuleSet) -> None:
    index = RuleIndex.build(field_rules.rules)
    plain = SelectConfig()
    hard = dataclasses.replace(plain, keep=Adversarial(field_rules, 10))
    kept = dropped = 0
    for i in range(30):
        walk = draw_walk(WalkConfig(steps=8), index, theorem_rng(50, i))
        chosen = select_theorem(walk, index, plain)
        if chosen is None:
            continue
        end = chosen.proofs[0][-1].after
        context = Context(tuple(dict.fromkeys(variables(walk.start) + variables(end))))
        proved = search((walk.start, end), context, field_rules, 10).proved
        filtered = select_theorem(walk, index, hard)
        assert (filtered is None) == proved
        kept += filtered is not None
        dropped += proved
    assert kept > 0 and dropped > 0
    assert repr(Adversarial(field_rules, 10)) == "Adversarial(budget=10)"  # the run's hash


def test_the_filter_enters_the_settings_only_when_it_is_on(field_rules: RuleSet) -> None:
    plain = SelectConfig()
    assert "keep" not in repr(plain)  # runs without it hash as before it existed
    hard = dataclasses.replace(plain, keep=Adversarial(field_rules, 10))
    assert repr(hard) == repr(plain)[:-1] + ", keep=Adversarial(budget=10))"
