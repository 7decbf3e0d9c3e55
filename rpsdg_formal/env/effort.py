"""Prover effort: how many expansions the baseline prover's search spends on each record, the
curriculum's tie-break between theorems of one certified bound.

Only the search runs (pure Python, no Lean): the effort orders theorems, it claims nothing
about them, so the kernel replay of `prover.prove_many` is not needed here. Rewrite theorems go
to the rewrite search, equations of one unknown to the forward search (`forward_search`), as
`evaluate` does; a record the search does not prove within the budget, or that neither search
takes (a system of equations), counts as budget + 1.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from rpsdg_formal.dataset.record import TheoremRecord
from rpsdg_formal.env.forward import from_candidate
from rpsdg_formal.env.forward_search import FORWARD_WEIGHT, search_forward, searchable
from rpsdg_formal.env.search import DEFAULT_SEARCH, Progress, search_all
from rpsdg_formal.errors import ConfigError, RewriteError
from rpsdg_formal.families.base import expect_rewrite
from rpsdg_formal.families.equation_records import EquationCandidate
from rpsdg_formal.families.registry import REGISTRY
from rpsdg_formal.kernel.emit import hypotheses
from rpsdg_formal.rewriting.steps import RuleIndex
from rpsdg_formal.tactics.actions import Context, Goal
from rpsdg_formal.tactics.forward import Forward
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


def _forward(record: Mapping[str, Any], rules: RuleSet) -> Forward | None:
    """The forward start of an equation record of one unknown, re-derived from its steps, or
    None when it is not one (a system, a rewrite theorem, another theory's record)."""
    try:
        parsed = TheoremRecord.from_json(record)
        replayed = REGISTRY.for_record(parsed).replay(parsed, rules)
    except (RewriteError, ValueError, KeyError, TypeError):
        return None
    if not isinstance(replayed, EquationCandidate):
        return None
    state = from_candidate(replayed)
    return None if searchable(state) else state


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
    index = RuleIndex.build(rules.rules)
    for record in records:
        name = str(record["id"])
        state = _forward(record, rules) if tasks[name] is None else None
        if state is not None:
            found = search_forward(state, rules, index, budget, FORWARD_WEIGHT)
            efforts[name] = found.expansions if found.proved else budget + 1
    how = (
        f"expansions of the baseline prover's search (env/search.py, default settings; "
        f"equations: env/forward_search.py, as evaluate runs it) with a budget of {budget}; "
        f"{budget + 1} where it found no proof within the budget or cannot search the theorem "
        "(a system of equations)"
    )
    return efforts, how
