"""The theorem that makes a proof environment step valid, as Lean text and as a spec.

`∀ vars, hyps → new_goal → old_goal` (`old_goal` alone when the step closes the goal), proven
from the rewrites of each side of the old goal. The text goes to `lean`; the spec
(`ObligationSpec`) lets the direct kernel route build the same proof as kernel terms.
"""

from __future__ import annotations

from collections.abc import Sequence

from rpsdg_formal.kernel.emit import (
    GOAL,
    Hypothesis,
    LeanTheorem,
    equation_statement,
    kernel_arg,
    mentions,
    ne_statement,
)
from rpsdg_formal.kernel.proofspec import ObligationSpec, SideRewrite
from rpsdg_formal.terms.expr import Expr, variables
from rpsdg_formal.theory.section import Theory

SideSteps = tuple[tuple[SideRewrite, ...], tuple[SideRewrite, ...]]
"""The rewrites of the goal's left and right sides, in order."""


def trans(first: str | None, second: str | None) -> str | None:
    """`Eq.trans first second`, where None stands for reflexivity."""
    if first is None or second is None:
        return first or second
    return f"Eq.trans ({first}) ({second})"


def symm(proof: str | None) -> str | None:
    return None if proof is None else f"Eq.symm ({proof})"


def obligation(
    goal: tuple[Expr, Expr],
    new: tuple[Expr, Expr],
    proofs: Sequence[str | None],
    binders: Sequence[str],
    assumed: tuple[Hypothesis, ...],
    theory: Theory,
    steps: SideSteps = ((), ()),
    closes: bool = True,
) -> tuple[LeanTheorem, bool]:
    """`∀ vars, hyps → new → goal` proven from the side proofs (or `goal` when `new` is closed),
    and whether it is closed: `new` has equal sides and the tactic `closes` (tries `rfl`, as
    `rw` does; `nth_rewrite` and `show` leave `e = e` open)."""
    closed = closes and new[0] is new[1]
    left, right = proofs
    if closed:
        proof = trans(left, symm(right)) or f"Eq.refl {kernel_arg(goal[0], theory)}"
        premise = ""
    else:
        proof = trans(left, trans(GOAL, symm(right))) or GOAL
        premise = f"{equation_statement(*new, theory)} → "
    hyps = "".join(f"{ne_statement(h, theory)} → " for h in assumed)
    statement = hyps + premise + equation_statement(*goal, theory)
    # only what the statement mentions: Lean's linter rejects an unused `∀` binder
    sides = [*goal, *new, *(side for h in assumed for side in h)]
    used = {v for side in sides for v in variables(side)}
    bound_vars = [b for b in binders if b in used]
    if bound_vars:
        statement = f"∀ ({' '.join(bound_vars)} : {theory.carrier}), {statement}"
    names = [*bound_vars, *(f"h{i}" for i in range(1, len(assumed) + 1))]
    names += [] if closed else [GOAL]
    bound = [n if mentions(proof, n) else "_" for n in names]
    text = f"fun {' '.join(bound)} =>\n  {proof}" if bound else proof
    spec = ObligationSpec("env_step", tuple(bound_vars), assumed, goal, new, closed, steps)
    return LeanTheorem("env_step", statement, text, spec), closed
