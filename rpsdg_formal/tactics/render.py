"""Tactic traces: each step of a rewrite theorem as a Lean 4 / Mathlib goal state and tactic.

For training provers, a proof of `start = end` is rendered the way Lean shows it: the goal
state before each step (binders, hypotheses, `⊢ goal`, printed as Lean's delaborator prints them:
`delab`), the tactic, and the state after it. Variables have the theory's Mathlib carrier
(`Theory.mathlib_carrier`: `ℝ`); the kernel certificate of the theorem stays in our own theory
(`emit`). Nothing here runs Lean.

What is rendered, read in Lean's and Mathlib's source:

- Each rule's step names its Mathlib lemma from the Mathlib table (`mathlib.yaml`), with the
  lemma's explicit arguments in Mathlib's order and `←` where Mathlib's sides are the step's
  swapped (`neg_div b a`, `mul_inv_cancel₀ h1`, `← pow_two x`); a rule Mathlib states only as a
  fact is `show lhs = rhs by ring` (or `norm_num`, `simp`); a rule with no Mathlib rendering
  (calculus `D_*`) keeps the rule's own Lean name and its step is marked `mathlib = False`.
- `rw [e]` (Lean core: `rewrite` then `with_reducible rfl`) rewrites every instance of the
  instantiated left side in the goal, on both sides of `=`. A step whose instance occurs once in
  the goal `s_k = end` is `rw`; one whose instance occurs several times is `nth_rw n [e]`
  (`Mathlib/Tactic/NthRewrite.lean`: `nth_rewrite` with `Occurrences.pos [n]`, then
  `try (with_reducible rfl)`), n counted from 1 in `kabstract`'s order: a node before its
  children, function before argument, so pre-order with the left side before the right side.
  `nth_rewrite` alone never closes the goal, so the last step is never `nth_rewrite`: every
  rendered proof ends with no goals under Mathlib's semantics.
- Lean's infoview wraps goals longer than its line width; this module never wraps.
- Calculus: `D(F)` is shown as `deriv (fun x => F) x` and the variable `x` of the theory (a
  constant of its signature) is bound as `x : ℝ`; `rw` cannot rewrite under the binder of
  `fun x => …`, and Mathlib's `deriv_*` lemmas need differentiability hypotheses, so `D_*` steps
  are a faithful step-by-step rendering marked not-Mathlib.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from rpsdg_formal.dataset.record import EquationStepRow, TheoremRecord
from rpsdg_formal.families.base import Replayed
from rpsdg_formal.families.equation_records import EquationCandidate
from rpsdg_formal.families.records import Candidate
from rpsdg_formal.families.registry import family_of
from rpsdg_formal.kernel.emit import HOLE, HOLE2, Hypothesis, hypotheses
from rpsdg_formal.rewriting.steps import EquationStep, Step
from rpsdg_formal.tactics.delab import pretty
from rpsdg_formal.tactics.kabstract import occurrences
from rpsdg_formal.tactics.lemma import rewrite_term
from rpsdg_formal.terms.expr import Expr, Kind, positions, substitute, var
from rpsdg_formal.terms.signature import Fixity, Signature, is_lean_ident
from rpsdg_formal.theory.rules import RuleSet
from rpsdg_formal.theory.section import Theory

NO_GOALS = "no goals"
"""What Lean shows once the last `rw` has closed the goal by `rfl`."""


@dataclass(frozen=True)
class TacticStep:
    """One step of a proof: the goal state before it, the tactic, and the goal state after."""

    state_before: str
    tactic: str
    state_after: str
    mathlib: bool = True  # False: the tactic names a rule Mathlib has no lemma for


def goal_state(hypotheses: Sequence[tuple[str, str]], goal: str) -> str:
    """Lean's goal display: one hypothesis per line, consecutive hypotheses of the same type merged
    (`x y z : R`), then `⊢ goal`.

    `hypotheses` are (name, type) pairs in context order; `goal` is the goal without `⊢`.
    """
    lines: list[str] = []
    names: list[str] = []
    current: str | None = None
    for name, type_ in hypotheses:
        if type_ != current and names:
            lines.append(f"{' '.join(names)} : {current}")
            names = []
        names.append(name)
        current = type_
    if names:
        lines.append(f"{' '.join(names)} : {current}")
    lines.append(f"⊢ {goal}")
    return "\n".join(lines)


def _context_constants(exprs: Sequence[Expr], sig: Signature) -> list[str]:
    """Constants of the signature that Lean syntax prints as a free identifier (the `x` of a
    differential field), in order of first occurrence: they must be bound in the context."""
    names = [
        op.lean_symbol
        for op in sig.operators
        if op.fixity is Fixity.CONSTANT and is_lean_ident(op.lean_symbol)
    ]
    found: dict[str, None] = {}
    for expr in exprs:
        for _, node in positions(expr):
            if node.kind is not Kind.APP:
                continue
            op = sig.by_name(node.head)
            if op.fixity is Fixity.CONSTANT and op.lean_symbol in names:
                found.setdefault(op.lean_symbol, None)
            elif op.fixity is Fixity.FUNCTION and "{0}" in op.lean_symbol:
                # `deriv (fun x => {0}) x` mentions x even when its argument does not
                template = op.lean_symbol.replace("{0}", " ")
                for name in names:
                    if re.search(rf"(?<![\w.]){re.escape(name)}(?![\w.])", template):
                        found.setdefault(name, None)
    return list(found)


def tactic_text(term: str, reverse: bool = False, nth: int = 0) -> str:
    """`rw [term]` (`rw [← term]` right to left), or `nth_rw nth [term]` when `nth` > 0: the
    one spelling of a rewrite tactic. `nth_rw`, not `nth_rewrite`: the two rewrite the same
    occurrence, and `nth_rw` then tries `rfl` as `rw` does, so a last step closes its goal
    (`Mathlib/Tactic/NthRewrite.lean`)."""
    term = f"← {term}" if reverse else term
    return f"nth_rw {nth} [{term}]" if nth else f"rw [{term}]"


@dataclass(frozen=True)
class Rendered:
    """A rewrite tactic and whether Mathlib has its lemma (False: the rule's own Lean name)."""

    text: str
    mathlib: bool


def offered_tactic(
    offered: Step,
    goal: tuple[Expr, Expr],
    theory: Theory,
    assumed: Sequence[Hypothesis] = (),
    name: str = "",
    side: int = 0,
    strict: bool = False,
) -> Rendered:
    """The tactic that states a rule instance `offered` at `offered.path` of goal side `side`
    (0 left, 1 right), perhaps wrongly (another instance, the other direction, a lemma `name`
    that does not exist): `nth_rw k` when the instance occurs several times in the goal, one of
    them there, else `rw`. The one renderer of the traces, the prover and the negatives.

    The occurrence number k counts instances of the instantiated pattern (the side the step
    rewrites from) in `goal` (the goal `before = end`, or a hypothesis), 1-based, in
    `kabstract`'s order (pre-order, left side before right side). With `strict`, a side
    condition nobody assumes raises ValueError (a true step) instead of being left out (a
    wrong one).
    """
    term = rewrite_term(offered, theory, assumed, name, strict)
    pattern, _ = offered.rule.side(offered.reverse)
    found = occurrences(substitute(pattern, offered.binding()), goal)
    at = (side, offered.path)
    nth = found.index(at) + 1 if len(found) > 1 and at in found else 0
    return Rendered(tactic_text(term.text, offered.reverse != term.swapped, nth), term.mathlib)


def goal_context(
    binders: Sequence[str],
    goal: tuple[Expr, Expr],
    assumed: Sequence[Hypothesis],
    theory: Theory,
) -> list[tuple[str, str]]:
    """The hypotheses Lean shows above `⊢` for a goal: the theory's free constants it mentions
    (calculus: `x`), then `binders`, all of the theory's Mathlib carrier, then the side
    conditions `h1`, `h2`, … (`a ≠ b`)."""
    sig = theory.signature
    shown = [*goal, *(side for h in assumed for side in h)]
    names = [c for c in _context_constants(shown, sig) if c not in binders] + list(binders)
    context = [(name, theory.mathlib_carrier) for name in names]
    context += [
        (f"h{i}", f"{pretty(lhs, sig)} ≠ {pretty(rhs, sig)}")
        for i, (lhs, rhs) in enumerate(assumed, 1)
    ]
    return context


def traced_steps(binders: Sequence[str], steps: Sequence[Step], theory: Theory) -> list[TacticStep]:
    """One TacticStep per step of a proof of `start = end` (steps[0].before = start,
    steps[-1].after = end).

    The context holds the theory's free constants (calculus: `x`), then `binders`, all of the
    theory's Mathlib carrier (`ℝ`), then the side conditions the steps need as `h1`, `h2`, …
    (`a ≠ b`), named as in the kernel certificate. The state after the last step is `no goals`.

    A step is `rw [lemma args]` when the instantiated pattern occurs once in `s_k = end`, else
    `nth_rw n [lemma args]` with n the 1-based index of the rewritten occurrence in
    `kabstract`'s order (pre-order, left side before right side); the lemma and its argument
    order come from the Mathlib table.
    """
    if not steps:
        raise ValueError("a proof needs at least one step")
    sig = theory.signature
    start, end = steps[0].before, steps[-1].after
    assumed = hypotheses(steps, theory)
    context = goal_context(binders, (start, end), assumed, theory)
    right = pretty(end, sig)
    states = [goal_state(context, f"{pretty(step.before, sig)} = {right}") for step in steps]
    states.append(NO_GOALS)
    traced = []
    for k, step in enumerate(steps):
        tactic = offered_tactic(step, (step.before, end), theory, assumed, strict=True)
        traced.append(TacticStep(states[k], tactic.text, states[k + 1], tactic.mathlib))
    return traced


def record_traces(
    record: Mapping[str, Any] | TheoremRecord, rules: RuleSet
) -> list[list[TacticStep]]:
    """The traced steps of the primary proof and of each other proof of a record of any
    family, via its family's replay. Raises RewriteError if the record does not replay."""
    typed = record if isinstance(record, TheoremRecord) else TheoremRecord.from_json(record)
    return traces(family_of(typed).replay(typed, rules), rules)


def traces(replayed: Replayed, rules: RuleSet) -> list[list[TacticStep]]:
    """The traced steps of every proof of a replayed record: a chain of rewrites as `rw`
    steps, equation proofs as `have` steps from the hypotheses."""
    if isinstance(replayed, Candidate):
        theory = rules.theory
        return [traced_steps(replayed.binders, p.steps, theory) for p in replayed.proofs]
    return equation_traces(replayed, rules)


# --- equations: forward reasoning from hypotheses ----------------------------------------------


def _equation(sides: tuple[Expr, Expr], sig: Signature) -> str:
    return f"{pretty(sides[0], sig)} = {pretty(sides[1], sig)}"


def equation_trace(
    binders: Sequence[str],
    premises: Sequence[tuple[Expr, Expr]],
    steps: Sequence[EquationStep],
    conclusion: Sequence[tuple[Expr, Expr]],
    theory: Theory,
    goal: Sequence[int] = (),
) -> list[TacticStep]:
    """The traced steps of a proof that reasons forward from hypotheses `h0`, `h1`, …: one
    `have hK : … := …` per step (`congrArg`, `congrArg₂`, or `rw … at hJ`), then `exact` of
    the conclusion (`⟨hI, hJ⟩` for a pair: the equations numbered in `goal`, else the last),
    after which there are no goals."""
    sig = theory.signature
    context = [(name, theory.mathlib_carrier) for name in binders]
    context += [(f"h{i}", _equation(p, sig)) for i, p in enumerate(premises)]
    shown = " ∧ ".join(_equation(c, sig) for c in conclusion)
    numbered = list(premises)
    traced: list[TacticStep] = []
    for link in steps:
        number = len(numbered)
        source = f"h{(link.sources or (number - 1,))[0]}"
        claim = _equation(link.after, sig)
        mathlib = True  # congrArg and congrArg₂ are Lean core
        if link.context is not None:
            body = pretty(substitute(link.context, {HOLE: var("t"), HOLE2: var("s")}), sig)
            if link.other is not None:
                proof = f"congrArg₂ (fun t s => {body}) {source} h{link.sources[1]}"
            else:
                proof = f"congrArg (fun t => {body}) {source}"
            tactic = f"have h{number} : {claim} := {proof}"
        elif link.step is not None:
            sides = numbered[(link.sources or (number - 1,))[0]]
            rewrite = offered_tactic(link.step, sides, theory, side=link.side, strict=True)
            tactic = f"have h{number} : {claim} := by {rewrite.text} at {source}; exact {source}"
            mathlib = rewrite.mathlib
        else:
            raise ValueError("an equation step needs a context or a rewrite")
        before = goal_state(context, shown)
        context.append((f"h{number}", claim))
        numbered.append(link.after)
        traced.append(TacticStep(before, tactic, goal_state(context, shown), mathlib))
    found = list(goal) or [len(numbered) - 1]
    names = ", ".join(f"h{i}" for i in found)
    closing = f"exact h{found[0]}" if len(found) == 1 else f"exact ⟨{names}⟩"
    traced.append(TacticStep(goal_state(context, shown), closing, NO_GOALS))
    return traced


def equation_traces(candidate: EquationCandidate, rules: RuleSet) -> list[list[TacticStep]]:
    """For a replayed equation or system record: the traced solution and each other one."""
    problem = candidate.problem
    return [
        equation_trace(
            problem.unknowns,
            problem.equations,
            [s.step for s in steps],
            problem.premises,
            rules.theory,
            problem.solution_goal,
        )
        for steps in (problem.solution, *problem.alternatives)
    ]


def traced_rules(record: TheoremRecord, number: int) -> list[str]:
    """The rule behind each traced step of proof `number` of a record (`congruence` for a
    function applied to both sides, `exact` for the closing step of an equation proof)."""
    rows = record.steps if number == 0 else record.proofs[number - 1].steps
    names = []
    for row in rows:
        if isinstance(row, EquationStepRow):
            names.append(row.rewrite[1].rule if row.rewrite is not None else "congruence")
        else:
            names.append(row.rule)
    equations = any(isinstance(row, EquationStepRow) for row in rows)
    return [*names, "exact"] if equations else names
