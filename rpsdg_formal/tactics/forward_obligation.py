"""The theorem that makes a forward step valid: `∀ vars, sources → claim`, proven the way the
action says (`congrArg`, `congrArg₂`, the rewrites of `rw … at hJ`), or `∀ vars, facts → goal`
by the facts themselves for `exact`.

A `have` whose claim is exactly the equation its proof reaches is an equation implication
(`implication.implication_theorem`), so it carries its `ImplicationSpec` and the direct kernel
route checks it like a generated solution. A claim that differs keeps the same proof under the
claimed statement, with no spec: `lean` then decides, as Lean's elaborator does for `have h :
T := e`, whether the two are definitionally equal.
"""

from __future__ import annotations

from collections.abc import Sequence

from rpsdg_formal.kernel.emit import LeanTheorem, equation_statement
from rpsdg_formal.kernel.implication import implication_theorem
from rpsdg_formal.kernel.proofspec import ObligationSpec
from rpsdg_formal.rewriting.steps import EquationStep, Sides, Step, rewrite_side
from rpsdg_formal.tactics.actions import ActionError, Context, apply, parse_action
from rpsdg_formal.terms.expr import variables
from rpsdg_formal.theory.rules import RuleSet
from rpsdg_formal.theory.section import Theory

NAME = "env_step"
"""The name of every obligation (the checker renames each for its file)."""


def _used(binders: Sequence[str], equations: Sequence[Sides]) -> list[str]:
    """The binders the equations mention, in binder order: Lean's linter rejects an unused
    `∀` binder."""
    found = {v for sides in equations for side in sides for v in variables(side)}
    return [b for b in binders if b in found]


def _statement(binders: Sequence[str], premises: Sequence[Sides], goal: str, theory: Theory) -> str:
    hyps = "".join(f"{equation_statement(*p, theory)} → " for p in premises)
    if not binders:
        return hyps + goal
    return f"∀ ({' '.join(binders)} : {theory.carrier}), {hyps}{goal}"


def link_obligation(
    binders: Sequence[str],
    premises: Sequence[Sides],
    links: Sequence[EquationStep],
    claim: Sides,
    theory: Theory,
) -> LeanTheorem:
    """`∀ vars, premises → claim`, proven by `links` from the premises (numbered from 0)."""
    used = _used(binders, [*premises, claim])
    proven = implication_theorem(NAME, used, list(premises), links, theory)
    reached = links[-1].after
    if reached[0] is claim[0] and reached[1] is claim[1]:
        return proven
    statement = _statement(used, premises, equation_statement(*claim, theory), theory)
    return LeanTheorem(NAME, statement, proven.proof)


def closing_obligation(
    binders: Sequence[str], facts: Sequence[Sides], goal: Sequence[Sides], theory: Theory
) -> LeanTheorem:
    """`∀ vars, facts → goal` proven by the facts (`And.intro` of two for a pair)."""
    used = _used(binders, [*facts, *goal])
    names = [f"h{i}" for i in range(len(facts))]
    if len(goal) == 1:
        shown, proof = equation_statement(*goal[0], theory), names[0]
    else:
        shown = "And " + " ".join(f"({equation_statement(*g, theory)})" for g in goal)
        proof = f"And.intro {' '.join(names)}"
    bound = ["_" for _ in used] + names
    text = f"fun {' '.join(bound)} =>\n  {proof}"
    return LeanTheorem(NAME, _statement(used, facts, shown, theory), text)


def _side_steps(
    text: str, sides: Sides, binders: Sequence[str], rules: RuleSet
) -> list[list[Step]]:
    """The rewrites `text` (`rw [...]`, `nth_rw n [...]`) makes on each side of `sides`, read
    exactly as the proof environment reads them on a goal."""
    action = parse_action(text, rules, Context(tuple(binders)))
    if action.claim is not None:
        raise ActionError("`; show` cannot follow a rewrite at a hypothesis")
    applied = apply(action, sides, Context(tuple(binders)), rules)
    spec = applied.obligation.origin
    if not isinstance(spec, ObligationSpec):  # `apply` always records its side steps
        raise TypeError("a goal rewrite's obligation carries no ObligationSpec")
    return [[rewrite.step for rewrite in side] for side in spec.sides]


def rewrite_links(
    text: str, source: Sides, binders: Sequence[str], rules: RuleSet
) -> list[EquationStep]:
    """`rw [...] at hJ` as equation steps from `source` (the left side's rewrites, then the
    right side's), each one rule instance at one position."""
    steps = _side_steps(text, source, binders, rules)
    links: list[EquationStep] = []
    current = source
    for side in (0, 1):
        for step in steps[side]:
            links.append(rewrite_side(current, side, step, ()))
            current = links[-1].after
    if not links:
        raise ActionError("the rewrite changed nothing")
    return links
