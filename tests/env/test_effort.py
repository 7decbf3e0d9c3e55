"""Prover effort on real generated records: the search's own expansions (the forward search's for
equations), budget + 1 when it finds nothing, and the curriculum command ordering by it."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

from rpsdg_formal.dataset.record import TheoremRecord
from rpsdg_formal.env.effort import prover_effort
from rpsdg_formal.env.forward import from_candidate
from rpsdg_formal.env.forward_search import FORWARD_WEIGHT, search_forward
from rpsdg_formal.env.search import search
from rpsdg_formal.families.equation_config import EquationConfig
from rpsdg_formal.families.equation_records import EquationCandidate
from rpsdg_formal.families.registry import REGISTRY
from rpsdg_formal.pipeline.config import GenerateConfig
from rpsdg_formal.pipeline.run import admitted
from rpsdg_formal.rewriting.steps import RuleIndex
from rpsdg_formal.rewriting.walk import WalkConfig
from rpsdg_formal.tactics.actions import Context
from rpsdg_formal.terms.parse import parse_expr
from rpsdg_formal.theory.catalogue import rules_path
from rpsdg_formal.theory.rules import RuleSet, load_rules


def _records(rules: RuleSet, steps: int, count: int) -> list[dict[str, Any]]:
    walk = WalkConfig(steps=steps)
    config = GenerateConfig(count=count, seed=steps, out=Path("unused"), walk=walk)
    made = itertools.islice(admitted(rules, config), count)
    return [dict(c.record.to_json()) for c in made if c.record is not None]


def test_effort_is_the_search_expansions_or_budget_plus_one(field_rules: RuleSet) -> None:
    records = _records(field_rules, 6, 12)
    efforts, how = prover_effort(records, field_rules, 30)
    assert set(efforts) == {r["id"] for r in records} and "30" in how
    sig = field_rules.theory.signature
    for record in records:
        goal = (parse_expr(str(record["start"]), sig), parse_expr(str(record["end"]), sig))
        binders = tuple(str(v) for v in record["variables"])
        found = search(goal, Context(binders), field_rules, 30)
        assert efforts[str(record["id"])] == (found.expansions if found.proved else 31)
    assert len(set(efforts.values())) > 1


def test_equations_take_the_forward_search_and_systems_count_as_unsearched() -> None:
    """Before, every equation counted as budget + 1 (only the rewrite search ran), so an
    equation curriculum's manifest said the prover found no proof anywhere and its levels fell
    back to size; `evaluate` proves nearly all of them with the forward search."""
    rules = load_rules(rules_path("equation"))
    made = {}
    for seed, family in ((2, "equation"), (3, "equation-system")):  # ids name the seed
        config = GenerateConfig(
            count=8, seed=seed, out=Path("unused"), equation=EquationConfig(family=family)
        )
        found = itertools.islice(admitted(rules, config), 8)
        made[family] = [dict(c.record.to_json()) for c in found if c.record is not None]
    efforts, how = prover_effort([*made["equation"], *made["equation-system"]], rules, 50)
    assert "forward_search" in how and "a system of equations" in how
    index = RuleIndex.build(rules.rules)
    for record in made["equation"]:
        parsed = TheoremRecord.from_json(record)
        replayed = REGISTRY.for_record(parsed).replay(parsed, rules)
        assert isinstance(replayed, EquationCandidate)
        found = search_forward(from_candidate(replayed), rules, index, 50, FORWARD_WEIGHT)
        assert efforts[str(record["id"])] == (found.expansions if found.proved else 51)
    assert sum(efforts[str(r["id"])] <= 50 for r in made["equation"]) >= 6
    assert all(efforts[str(r["id"])] == 51 for r in made["equation-system"])
    assert made["equation"] and made["equation-system"]
