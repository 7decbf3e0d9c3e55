"""What `generate --difficulty LO-HI` sets by itself: walk length, expression cap, search budget.

Certifying a lower bound k means exploring every expression within k - 1 steps (both ends
together) under the size cap, and those balls grow with the cap roughly as (positions x rules)
per level. So hard bounds are cheapest in a small space: short start expressions, a small cap,
walks that move away from where they have been (`WalkConfig.away`), and a search budget large
enough to complete a third level. Measured on the field rules (walk + certification CPU, one
process; `scripts/bench_difficulty.py`): with the defaults (cap 30, budget 200) no bound 6 in
thousands of draws; with `plan_for(6)` about 1 draw in 14 certifies 6 or more.

A bound alone does not make a theorem hard for a prover guided by how alike the two sides look
(the baseline's mismatch heuristic): numerals let it collapse `x - x`, `0⁻¹`, `1 * t` and see the
sides draw together, and sides with different outermost operators give it a steady gradient.
So up to bound 7 the plan also asks for *deceptive* sides (`deceptive`): no numeral on either
side, the same outermost operator on both, yet at least the bound apart. And a bound certified
only through expressions as large as the proof's own is escaped by a prover that passes
through one node more (`x + z` to `x - -z` in two steps via `x + - -z`), so up to 7 the bound
is certified with one node of room (`room`). Measured on 100-120 theorems each (the search of
`evaluate --budget 200`): bound 6 alone 50% proved, numeral-free sides 27%, deceptive sides
19% (15 of its 23 proofs shorter than the bound, through larger expressions), deceptive sides
with room 7%.
"""

from __future__ import annotations

from dataclasses import dataclass

from rpsdg_formal.rewriting.steps import RuleIndex, matches, one_sided
from rpsdg_formal.terms.expr import Expr, Kind

HARD_FROM = 5
"""The lowest requested bound from which the plan replaces the defaults (these reach 3 or 4)."""

DECEPTIVE_UP_TO = 7
"""The highest lowest bound for which the plan asks for deceptive sides: from 8 up the bound
alone defeats the baseline prover most of the time, and the filter would cost 4x the draws."""


@dataclass(frozen=True)
class DifficultyPlan:
    """Walk and search settings chosen for a requested range of certified bounds."""

    steps: int  # walk length
    max_size: int  # walk (and so search) size cap, in nodes
    max_ops: int  # operators in a start expression, at most
    node_budget: int  # certifying search: nodes per side
    away: bool  # walks that never step next to an earlier node
    shortcut_free: bool = True  # no side offers a collapse outside the step set (`collapses`)
    numerals: tuple[int, ...] | None = None  # numerals a start may hold (None: the default's)
    deceptive: bool = True  # sides numeral-free with the same outermost operator (`deceptive`)
    room: int = 0  # nodes the certifying search may use beyond the proof's largest expression


def plan_for(lowest: int) -> DifficultyPlan | None:
    """The settings for theorems with certified bound at least `lowest`, or None where the
    defaults already make them (`lowest` below `HARD_FROM`).

    Bounds 6 and 7 come most cheaply from a cap of 8 nodes and starts of at most 3 operators
    (measured against caps 7 to 12, budgets 700 to 20,000, 1 to 3 variables, walks of 8 to 16
    steps); each further unit of bound needs a longer walk, one more node of room and a larger
    budget (the balls grow about 5x per level there). Up to 7, starts hold no numeral, the
    sides must be `deceptive`, and the bound is certified with one node of `room` above the
    proof's largest expression (module doc).
    """
    if lowest < HARD_FROM:
        return None
    extra = max(0, lowest - 7)
    deceptive = lowest <= DECEPTIVE_UP_TO
    return DifficultyPlan(
        steps=lowest + 4 + 2 * extra,
        max_size=8 + extra,
        max_ops=3,
        node_budget=1000 * 5**extra,
        away=True,
        numerals=() if deceptive else None,
        deceptive=deceptive,
        room=1 if deceptive else 0,
    )


def deceptive(start: Expr, end: Expr, numeral_free: bool = True) -> bool:
    """Whether the two sides look alike to a prover that compares them: the same outermost
    operator, and (with `numeral_free`) no numeral on either side, so no identity element or
    cancelled pair (`x - x → 0`) offers it a collapse that visibly brings them together."""
    if start.kind is not Kind.APP or end.kind is not Kind.APP or start.head != end.head:
        return False
    return not numeral_free or not (has_numeral(start) or has_numeral(end))


def has_numeral(expr: Expr) -> bool:
    """Whether a numeral occurs anywhere in `expr`."""
    if expr.kind is Kind.NUM:
        return True
    return expr.kind is Kind.APP and any(has_numeral(a) for a in expr.args)


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
