"""Negative training data: plausible wrong steps, each judged by the Lean kernel.

For one true `Step`, `wrong_steps` builds near misses of five kinds (the rule instance used at
another position, a perturbed instantiation, the wrong direction, a rule name the theory does
not have, a mutated rule). `judge` offers each one to the kernel as its own theorem
`Eq before claimed_after`; only what the kernel rejects is labelled negative (with Lean's first
message), and a "wrong" step the kernel accepts is labelled positive: it is valid after all.
Every Lean term is printed from trees and validated names, never from record text.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rpsdg_formal.dataset.negative import KINDS, NegativeRow
from rpsdg_formal.dataset.record import TheoremRecord
from rpsdg_formal.exports.judging import BATCH, PARALLEL, judge_theorems
from rpsdg_formal.exports.wrong_steps import WrongStep, wrong_steps
from rpsdg_formal.families.records import Candidate, replay
from rpsdg_formal.kernel.check import Kernel
from rpsdg_formal.kernel.emit import (
    Hypothesis,
    LeanTheorem,
    equation_statement,
    hypotheses,
    mentions,
    ne_statement,
)
from rpsdg_formal.kernel.proofspec import OfferedSpec
from rpsdg_formal.rewriting.steps import RuleIndex
from rpsdg_formal.tactics.actions import ActionError, Context, parse_action, rewritten
from rpsdg_formal.tactics.delab import pretty
from rpsdg_formal.tactics.render import offered_tactic, traced_steps
from rpsdg_formal.terms.expr import Expr, variables
from rpsdg_formal.terms.signature import is_lean_ident
from rpsdg_formal.theory.rules import RuleSet
from rpsdg_formal.theory.section import Theory

__all__ = [
    "BATCH",
    "KINDS",
    "PARALLEL",
    "JudgedStep",
    "NegativeRow",
    "WrongStep",
    "judge",
    "record_negatives",
    "wrong_action",
    "wrong_steps",
    "wrong_theorem",
]


@dataclass(frozen=True)
class JudgedStep:
    """The kernel's verdict on a wrong step: -1 rejected, +1 accepted (a valid step after all)."""

    wrong: WrongStep
    label: int
    message: str  # Lean's first error message when rejected, "" when accepted


# --- judging ----------------------------------------------------------------------------------


def wrong_theorem(
    name: str, binders: Sequence[str], wrong: WrongStep, theory: Theory
) -> LeanTheorem:
    """`theorem name : ∀ (binders : R), hypotheses → Eq before claimed_after := fun … => proof`.

    Only the variables of the statement are bound (in the order of `binders`, then by first
    occurrence); the hypotheses are the true step's side conditions.
    """
    if not is_lean_ident(name) or "." in name:
        raise ValueError(f"theorem name {name!r} is not a plain Lean identifier")
    before = wrong.step.before
    assumed = hypotheses([wrong.step], theory)
    mentioned = variables(before) + variables(wrong.claimed_after)
    mentioned += tuple(v for h in assumed for side in h for v in variables(side))
    names = [b for b in binders if b in mentioned] + [v for v in mentioned if v not in binders]
    names = list(dict.fromkeys(names))
    statement = "".join(f"{ne_statement(h, theory)} → " for h in assumed)
    statement += equation_statement(before, wrong.claimed_after, theory)
    if names:
        statement = f"∀ ({' '.join(names)} : {theory.carrier}), {statement}"
    # a binder the proof term does not mention is `_`: the unused-variable linter's warning
    # would otherwise reject a valid step
    bound = [
        n if mentions(wrong.proof, n) else "_"
        for n in [*names, *(f"h{i}" for i in range(1, len(assumed) + 1))]
    ]
    proof = f"fun {' '.join(bound)} =>\n  {wrong.proof}" if bound else wrong.proof
    spec = None
    if wrong.offer is not None:
        spec = OfferedSpec(name, tuple(names), assumed, before, wrong.claimed_after, wrong.offer)
    return LeanTheorem(name, statement, proof, spec)


def judge(
    binders: Sequence[str],
    wrong: Sequence[WrongStep],
    theory: Theory,
    kernel: Kernel,
    path: Path,
) -> list[JudgedStep]:
    """Have the kernel check every wrong step as its own theorem (`wrong_theorem`), through the
    one judge of wrong steps (`judging.judge_theorems`): rejected is label -1 with Lean's first
    error, accepted is label +1. Identical claims with identical proofs are checked once."""
    offered = [wrong_theorem("neg", binders, item, theory) for item in wrong]
    judged = judge_theorems(offered, kernel, path)
    return [JudgedStep(item, j.label, j.message) for item, j in zip(wrong, judged, strict=True)]


def wrong_action(
    wrong: WrongStep,
    end: Expr,
    binders: Sequence[str],
    assumed: Sequence[Hypothesis],
    rules: RuleSet,
) -> str:
    """The wrong step as an action of the proof environment on the goal `before = end`: the
    tactic it states (`tactics.offered_tactic`), followed by `; show claimed = end` unless the
    tactic alone already fails or already yields the claim (a wrong position or a mutated rule
    states the true rule instance: only its claimed result is wrong)."""
    theory = rules.theory
    goal = (wrong.step.before, end)
    offered = wrong.offered or wrong.step
    bare = offered_tactic(offered, goal, theory, assumed, name=wrong.name).text
    context = Context(tuple(binders), tuple(assumed))
    try:
        left, right = rewritten(parse_action(bare, rules, context), goal, rules)
    except ActionError:
        return bare
    if left is wrong.claimed_after and right is end:
        return bare
    return f"{bare}; show {claimed_goal(wrong, end, theory)}"


def claimed_goal(wrong: WrongStep, end: Expr, theory: Theory) -> str:
    """The goal the wrong step claims, `claimed = end`, printed as the goal states are
    (`tactics.delab`), so a claim never differs from a true goal by its printer alone."""
    sig = theory.signature
    return f"{pretty(wrong.claimed_after, sig)} = {pretty(end, sig)}"


def record_negatives(
    record: Mapping[str, Any] | Candidate,
    rules: RuleSet,
    kernel: Kernel,
    rng: random.Random,
    path: Path,
    limit: int = 3,
) -> list[NegativeRow]:
    """Judged wrong steps for every step of every proof of a dataset record, as typed rows.

    The record is replayed first (`records.replay`; a caller that has replayed it passes the
    `Candidate`), so only re-derived trees reach Lean; all its wrong steps are checked in one
    batch file at `path`.
    """
    if isinstance(record, Candidate):
        candidate = record
    else:
        candidate = replay(TheoremRecord.from_json(record), rules)
    theory = rules.theory
    index = RuleIndex.build(rules.rules)
    where: list[tuple[int, int]] = []
    wrong: list[WrongStep] = []
    actions: list[str] = []
    states: list[str] = []  # the goal state each wrong step starts from, as `steps` shows it
    claims: list[str] = []
    for number, proof in enumerate(candidate.proofs):
        assumed = hypotheses(proof.steps, theory)
        end = proof.steps[-1].after
        traced = traced_steps(candidate.binders, proof.steps, theory)
        for position, step in enumerate(proof.steps):
            found = wrong_steps(step, index, theory, rng, limit)
            wrong.extend(found)
            where.extend((number, position) for _ in found)
            actions.extend(wrong_action(w, end, candidate.binders, assumed, rules) for w in found)
            states.extend(traced[position].state_before for _ in found)
            claims.extend(claimed_goal(w, end, theory) for w in found)
    judged = judge(candidate.binders, wrong, theory, kernel, path)
    return [
        NegativeRow(
            theorem=candidate.id,
            proof=number,
            step=position,
            kind=j.wrong.kind,
            state_before=state,
            claimed_after=claim,
            description=j.wrong.description,
            tactic=action,
            label=j.label,
            kernel_message=j.message,
            offer=j.wrong.offer,
        )
        for (number, position), j, action, state, claim in zip(
            where, judged, actions, states, claims, strict=True
        )
    ]
