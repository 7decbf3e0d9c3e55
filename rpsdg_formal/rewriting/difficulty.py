"""What `generate --difficulty LO-HI` sets by itself: walk length, expression cap, search budget.

Certifying a lower bound k means exploring every expression within k - 1 steps (both ends
together) under the size cap, and those balls grow with the cap roughly as (positions x rules)
per level. So hard bounds are cheapest in a small space: short start expressions, a small cap,
walks that move away from where they have been (`WalkConfig.away`), and a search budget large
enough to complete a third level. Measured on the field rules (walk + certification CPU, one
process; `scripts/bench_difficulty.py`): with the defaults (cap 30, budget 200) no bound 6 in
thousands of draws; with `plan_for(6)` about 1 draw in 14 certifies 6 or more.
"""

from __future__ import annotations

from dataclasses import dataclass

from rpsdg_formal.rewriting.steps import RuleIndex, matches, one_sided
from rpsdg_formal.terms.expr import Expr

HARD_FROM = 5
"""The lowest requested bound from which the plan replaces the defaults (these reach 3 or 4)."""


@dataclass(frozen=True)
class DifficultyPlan:
    """Walk and search settings chosen for a requested range of certified bounds."""

    steps: int  # walk length
    max_size: int  # walk (and so search) size cap, in nodes
    max_ops: int  # operators in a start expression, at most
    node_budget: int  # certifying search: nodes per side
    away: bool  # walks that never step next to an earlier node
    shortcut_free: bool = True  # no side offers a collapse outside the step set (`collapses`)


def plan_for(lowest: int) -> DifficultyPlan | None:
    """The settings for theorems with certified bound at least `lowest`, or None where the
    defaults already make them (`lowest` below `HARD_FROM`).

    Bounds 6 and 7 come most cheaply from a cap of 8 nodes and starts of at most 3 operators
    (measured against caps 7 to 12, budgets 700 to 20,000, 1 to 3 variables, walks of 8 to 16
    steps); each further unit of bound needs a longer walk, one more node of room and a larger
    budget (the balls grow about 5x per level there).
    """
    if lowest < HARD_FROM:
        return None
    extra = max(0, lowest - 7)
    return DifficultyPlan(
        steps=lowest + 4 + 2 * extra,
        max_size=8 + extra,
        max_ops=3,
        node_budget=1000 * 5**extra,
        away=True,
    )


def collapses(expr: Expr, index: RuleIndex, fresh: tuple[Expr, ...]) -> bool:
    """Whether a rule collapses a compound value somewhere in `expr`: a match whose variable on
    one side of the rule only is bound to something other than the theorem's variables
    (`(y / y) * 0 -> 0`). Such a step is outside the step set the bound is certified over, so
    any prover that takes it escapes the bound in one move: a hard theorem offers none on
    either side (measured: of 40 bound-8 theorems, 18 were proved by such a shortcut)."""
    for found in matches(expr, index):
        binding = found.bindings
        if any(v in binding and binding[v] not in fresh for v in one_sided(found.rule)):
            return True
    return False
