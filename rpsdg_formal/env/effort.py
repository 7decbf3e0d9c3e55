"""Prover effort: how many expansions the baseline prover's search spends on each record, the
curriculum's tie-break between theorems of one certified bound.

Only the search runs (pure Python, no Lean): the effort orders theorems, it claims nothing
about them, so the kernel replay of `prover.prove_many` is not needed here. A record the search
does not prove within the budget, or that is not a rewrite theorem, counts as budget + 1.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from rpsdg_formal.dataset.record import TheoremRecord
from rpsdg_formal.env.search import DEFAULT_SEARCH, Progress, search_all
from rpsdg_formal.errors import ConfigError, RewriteError
from rpsdg_formal.families.base import expect_rewrite
from rpsdg_formal.families.registry import REGISTRY
from rpsdg_formal.kernel.emit import hypotheses
from rpsdg_formal.tactics.actions import Context, Goal
from rpsdg_formal.theory.rules import RuleSet


def _task(record: Mapping[str, Any], rules: RuleSet) -> tuple[Goal, Context] | None:
    """The record's goal and context, re-derived from its steps (as `ProofEnv.reset` does), or
    None when it is not a rewrite theorem of these rules."""
    try:
        if not REGISTRY.reading(str(record.get("family", "rewrite"))).chain:
            return None
        parsed = TheoremRecord.from_json(record)
        candidate = expect_rewrite(REGISTRY.for_record(parsed).replay(parsed, rules))
    except (RewriteError, ValueError, KeyError, TypeError):
        return None
    goal = (candidate.start, candidate.steps[-1].after)
    return goal, Context(tuple(candidate.binders), tuple(hypotheses(candidate.steps, rules.theory)))


def prover_effort(
    records: Sequence[Mapping[str, Any]],
    rules: RuleSet,
    budget: int,
    workers: int = 1,
    progress: Progress | None = None,
) -> tuple[dict[str, int], str]:
    """Expansions per record id (budget + 1 where no proof is found within `budget`), and a
    sentence saying how they were measured (for the curriculum manifest); `progress` is called
    with (searched, searches) as the searches end."""
    if budget < 1:
        raise ConfigError(f"--effort-budget must be at least 1 expansion, got {budget}")
    tasks = {str(r["id"]): _task(r, rules) for r in records}
    ready = {name: task for name, task in tasks.items() if task is not None}
    results = search_all(list(ready.values()), rules, budget, DEFAULT_SEARCH, workers, progress)
    efforts = {name: budget + 1 for name in tasks}
    for name, result in zip(ready, results, strict=True):
        efforts[name] = result.expansions if result.proved else budget + 1
    how = (
        f"expansions of the baseline prover's search (env/search.py, default settings) with a "
        f"budget of {budget}; {budget + 1} where it found no proof within the budget"
    )
    return efforts, how
