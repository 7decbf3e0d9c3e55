"""Prover effort on real generated records: the search's own expansions, budget + 1 when it
finds nothing, and the curriculum command ordering by it."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

from rpsdg_formal.env.effort import prover_effort
from rpsdg_formal.env.search import search
from rpsdg_formal.pipeline.config import GenerateConfig
from rpsdg_formal.pipeline.run import admitted
from rpsdg_formal.rewriting.walk import WalkConfig
from rpsdg_formal.tactics.actions import Context
from rpsdg_formal.terms.parse import parse_expr
from rpsdg_formal.theory.rules import RuleSet


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
