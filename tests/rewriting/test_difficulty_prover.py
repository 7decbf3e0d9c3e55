"""The deceptive sides of the `--difficulty` plan, certified with a node of room, defeat the
baseline prover's search more often than the bound alone does: the same plan with and without
them, on the same seeds."""

from __future__ import annotations

import dataclasses

from rpsdg_formal.cli.families import select_config, walk_config
from rpsdg_formal.cli.main import build_parser
from rpsdg_formal.env.search import DEFAULT_SEARCH, search
from rpsdg_formal.rewriting.selection import SelectConfig, Selected, select_theorem
from rpsdg_formal.rewriting.steps import RuleIndex
from rpsdg_formal.rewriting.walk import WalkConfig, draw_walk, theorem_rng
from rpsdg_formal.tactics.actions import Context
from rpsdg_formal.terms.expr import variables
from rpsdg_formal.theory.rules import RuleSet

SAMPLE = 16


def _planned(rules: RuleSet, deceptive: bool) -> tuple[WalkConfig, SelectConfig]:
    """`--difficulty 6-12`'s settings, or the same without deceptive sides and room (the plan
    before)."""
    args = build_parser().parse_args(["generate", "--out", "unused", "--difficulty", "6-12"])
    walk, select = walk_config(args, rules), select_config(args)
    if deceptive:
        return walk, select
    shape = dataclasses.replace(walk.shape, numerals=(0, 1, 2))
    plain = dataclasses.replace(select, deceptive=False, numeral_free=False, room=0)
    return dataclasses.replace(walk, shape=shape), plain


def _sample(rules: RuleSet, walk: WalkConfig, select: SelectConfig) -> list[Selected]:
    index, found = RuleIndex.build(rules.rules), []
    for i in range(20 * 120 * SAMPLE):
        chosen = select_theorem(draw_walk(walk, index, theorem_rng(7, i)), index, select)
        if chosen is not None:
            found.append(chosen)
            if len(found) == SAMPLE:
                return found
    raise AssertionError(f"only {len(found)} hard theorems")


def _proved(rules: RuleSet, theorems: list[Selected]) -> int:
    """How many the baseline prover's search proves at the evaluation budget (200)."""
    proved = 0
    for chosen in theorems:
        end = chosen.proofs[0][-1].after
        context = Context(tuple(dict.fromkeys(variables(chosen.start) + variables(end))))
        proved += search((chosen.start, end), context, rules, 200, DEFAULT_SEARCH).proved
    return proved


def test_deceptive_sides_are_harder_for_the_baseline_prover(field_rules: RuleSet) -> None:
    hard = _sample(field_rules, *_planned(field_rules, deceptive=True))
    plain = _sample(field_rules, *_planned(field_rules, deceptive=False))
    assert all(c.bound.value >= 6 and c.start.head == c.proofs[0][-1].after.head for c in hard)
    with_sides, without = _proved(field_rules, hard), _proved(field_rules, plain)
    assert with_sides < without and with_sides <= SAMPLE * 0.3, (with_sides, without)
