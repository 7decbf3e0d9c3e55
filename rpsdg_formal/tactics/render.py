"""Tactic traces: each step of a rewrite theorem as a Lean 4 / Mathlib goal state and tactic.

For training provers, a proof of `start = end` is rendered the way Lean shows it: the goal
state before each step (binders, hypotheses, `⊢ goal`, as Lean's infoview prints them), the
tactic (`rw [mul_comm x y]`), and the state after it. The rendering is Mathlib-facing: variables
have type `ℝ` and expressions are printed with `printers.to_lean`; the kernel certificate of the
theorem stays in our own theory (`emit`). Nothing here runs Lean.

What is rendered, and what it assumes:

- `rw [e]` rewrites every instance of `e`'s left side in the goal, on both sides of `=`, then
  closes the goal by `rfl` when it can. A step whose instantiated pattern occurs once in the goal
  `s_k = end` is `rw`; one whose pattern occurs several times is `nth_rewrite n [e]`, n the
  1-based index of the rewritten occurrence in pre-order, left side before right side.
- Lean's infoview wraps goals longer than its line width; this module never wraps.
- Calculus: `D(F)` is shown as `deriv (fun x => F) x` and the variable `x` of the theory (a
  constant of its signature) is bound as `x : ℝ`. The derivative rules are named by the rule
  file's Lean names (`D_log`), which are not Mathlib lemmas, and `rw` cannot rewrite under the
  binder of `fun x => …`: calculus tactics are a faithful step-by-step rendering, not scripts
  that compile against Mathlib as they stand.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from rpsdg_formal.families.equation_records import replay_equation
from rpsdg_formal.families.records import replay
from rpsdg_formal.kernel.emit import HOLE, HOLE2, Hypothesis, Missing, condition_terms, hypotheses
from rpsdg_formal.rewriting.steps import EquationStep, Step
from rpsdg_formal.tactics.actions import DISCHARGE, occurrences
from rpsdg_formal.terms.expr import Expr, Kind, positions, substitute, var
from rpsdg_formal.terms.printers import argument, to_lean
from rpsdg_formal.terms.signature import Fixity, Signature, is_lean_ident
from rpsdg_formal.theory import numerals
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


def _is_closed(expr: Expr) -> bool:
    """True if `expr` mentions no variable (its type cannot be inferred from the context)."""
    return not any(
        node.kind is Kind.VAR or (node.kind is Kind.APP and not node.args)
        for _, node in positions(expr)
    )


def _argument(expr: Expr, sig: Signature, carrier: str) -> str:
    """A lemma argument (`printers.argument`); a closed term (numerals only) is ascribed the
    carrier type (`(2 : ℝ)`), since Lean would otherwise default it to `ℕ`."""
    if _is_closed(expr):
        return f"({to_lean(expr, sig)} : {carrier})"
    return argument(expr, sig, lean=True)


_LEADING_NUMERAL = re.compile(r"^\d+")


def _numeral_lemma(step: Step, sig: Signature, carrier: str) -> str:
    """`show (6 : ℝ) * 7 = 42 by norm_num` (or `deriv (fun x => (5 : ℝ)) x = 0 by simp`) for a
    numeral-only rule instance, stated in the rule's forward direction."""
    rule = step.rule
    assert rule.evaluate is not None
    binding = step.binding()
    lhs, rhs = substitute(rule.lhs, binding), substitute(rule.rhs, binding)
    if rule.evaluate.kind == numerals.DERIVATIVE:
        op = sig.by_name(lhs.head)
        inner = f"({to_lean(lhs.args[0], sig)} : {carrier})"
        if "{0}" in op.lean_symbol:
            left = op.lean_symbol.format(inner)
        else:
            left = f"{op.lean_symbol} {inner}"
        return f"show {left} = {to_lean(rhs, sig)} by simp"
    left = _LEADING_NUMERAL.sub(lambda m: f"({m.group(0)} : {carrier})", to_lean(lhs, sig), 1)
    return f"show {left} = {to_lean(rhs, sig)} by norm_num"


def _by_norm_num(_: str) -> str:
    return DISCHARGE


def _unstated(rule_name: str, strict: bool) -> Missing:
    """A side condition nobody assumes: ValueError, or (not `strict`) left out of the term."""

    def missing(_: int, __: Hypothesis) -> str | None:
        if strict:
            raise ValueError(f"step with {rule_name!r} needs a side condition nobody assumes")
        return None

    return missing


def lemma(
    step: Step,
    theory: Theory,
    assumed: Sequence[Hypothesis] = (),
    name: str = "",
    strict: bool = True,
) -> str:
    """The rewrite term of one step: `name args hyps`, or a `show … by …` for numerals.

    `name` replaces the rule's Lean name; with `strict` False a side condition nobody assumes
    is left out (a wrong step's tactic) instead of raising ValueError.
    """
    sig = theory.signature
    carrier = theory.mathlib_carrier
    if step.rule.evaluate is not None and not name:
        return _numeral_lemma(step, sig, carrier)
    args = (_argument(v, sig, carrier) for _, v in step.substitution)
    hyps = condition_terms(
        step, theory, assumed, proved=_by_norm_num, missing=_unstated(step.rule.name, strict)
    )
    return " ".join([name or step.rule.lean_name, *args, *hyps])


def tactic_text(term: str, reverse: bool = False, nth: int = 0) -> str:
    """`rw [term]` (`rw [← term]` right to left), or `nth_rewrite nth [term]` when `nth` > 0:
    the one spelling of a rewrite tactic."""
    term = f"← {term}" if reverse else term
    return f"nth_rewrite {nth} [{term}]" if nth else f"rw [{term}]"


def offered_tactic(
    offered: Step,
    goal: tuple[Expr, Expr],
    theory: Theory,
    assumed: Sequence[Hypothesis] = (),
    name: str = "",
    side: int = 0,
    strict: bool = False,
) -> str:
    """The tactic that states a rule instance `offered` at `offered.path` of goal side `side`
    (0 left, 1 right), perhaps wrongly (another instance, the other direction, a lemma `name`
    that does not exist): `nth_rewrite k` when the instance occurs several times in the goal,
    one of them there, else `rw`.

    The occurrence number k counts instances of the instantiated pattern (the side the step
    rewrites from) in `goal` (the goal `before = end`, or a hypothesis), 1-based, in
    pre-order, left side before right side. This is Mathlib's `nth_rewrite` convention as we
    understand it (Lean's `kabstract` tests a node before its children, and function before
    argument); it is only checked against Lean where a full Lean toolchain with Mathlib is
    present (tests/tactics/test_tactics.py). With `strict`, a side condition nobody assumes
    raises ValueError (a true step) instead of being left out (a wrong one).
    """
    term = lemma(offered, theory, assumed, name, strict)
    pattern, _ = offered.rule.side(offered.reverse)
    found = occurrences(substitute(pattern, offered.binding()), goal)
    nth = found.index((side, offered.path)) + 1 if (side, offered.path) in found else 0
    return tactic_text(term, offered.reverse, nth if len(found) > 1 else 0)


def goal_context(
    binders: Sequence[str],
    goal: tuple[Expr, Expr],
    assumed: Sequence[Hypothesis],
    theory: Theory,
) -> list[tuple[str, str]]:
    """The hypotheses Lean shows above `⊢` for a goal: the theory's free constants it mentions
    (calculus: `x`), then `binders`, all of the theory's Mathlib carrier, then the side conditions
    `h1`, `h2`, … (`a ≠ b`)."""
    sig = theory.signature
    shown = [*goal, *(side for h in assumed for side in h)]
    names = [c for c in _context_constants(shown, sig) if c not in binders] + list(binders)
    context = [(name, theory.mathlib_carrier) for name in names]
    context += [
        (f"h{i}", f"{to_lean(lhs, sig)} ≠ {to_lean(rhs, sig)}")
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
    `nth_rewrite n [lemma args]` with n the 1-based pre-order index of the rewritten occurrence
    (left side before right side): Mathlib's `nth_rewrite` numbering as we understand it, only
    checked where a full Lean toolchain with Mathlib is present.
    """
    if not steps:
        raise ValueError("a proof needs at least one step")
    sig = theory.signature
    start, end = steps[0].before, steps[-1].after
    assumed = hypotheses(steps, theory)
    context = goal_context(binders, (start, end), assumed, theory)
    right = to_lean(end, sig)
    states = [goal_state(context, f"{to_lean(step.before, sig)} = {right}") for step in steps]
    states.append(NO_GOALS)
    return [
        TacticStep(
            states[k],
            offered_tactic(step, (step.before, end), theory, assumed, strict=True),
            states[k + 1],
        )
        for k, step in enumerate(steps)
    ]


def record_traces(record: Mapping[str, Any], rules: RuleSet) -> list[list[TacticStep]]:
    """For a rewrite-family record: the traced steps of the primary proof and of each alternative
    proof (record["proofs"]), via replay. Raises RewriteError if the record does not replay."""
    candidate = replay(record, rules)
    return [
        traced_steps(candidate.binders, proof.steps, rules.theory) for proof in candidate.proofs
    ]


# --- equations: forward reasoning from hypotheses ----------------------------------------------


def _equation(sides: tuple[Expr, Expr], sig: Signature) -> str:
    return f"{to_lean(sides[0], sig)} = {to_lean(sides[1], sig)}"


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
        if link.context is not None:
            body = to_lean(substitute(link.context, {HOLE: var("t"), HOLE2: var("s")}), sig)
            if link.other is not None:
                proof = f"congrArg₂ (fun t s => {body}) {source} h{link.sources[1]}"
            else:
                proof = f"congrArg (fun t => {body}) {source}"
            tactic = f"have h{number} : {claim} := {proof}"
        elif link.step is not None:
            sides = numbered[(link.sources or (number - 1,))[0]]
            rewrite = offered_tactic(link.step, sides, theory, side=link.side, strict=True)
            tactic = f"have h{number} : {claim} := by {rewrite} at {source}; exact {source}"
        else:
            raise ValueError("an equation step needs a context or a rewrite")
        before = goal_state(context, shown)
        context.append((f"h{number}", claim))
        numbered.append(link.after)
        traced.append(TacticStep(before, tactic, goal_state(context, shown)))
    found = list(goal) or [len(numbered) - 1]
    names = ", ".join(f"h{i}" for i in found)
    closing = f"exact h{found[0]}" if len(found) == 1 else f"exact ⟨{names}⟩"
    traced.append(TacticStep(goal_state(context, shown), closing, NO_GOALS))
    return traced


def equation_traces(record: Mapping[str, Any], rules: RuleSet) -> list[list[TacticStep]]:
    """For an equation or system record: the traced solution and each other solution."""
    problem = replay_equation(record, rules).problem
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


def traced_rules(record: Mapping[str, Any], number: int) -> list[str]:
    """The rule behind each traced step of proof `number` of a record (`congruence` for a
    function applied to both sides, `exact` for the closing step of an equation proof)."""
    raw = record["steps"] if number == 0 else record["proofs"][number - 1]["steps"]
    if not str(record.get("family", "")).startswith("equation"):
        return [str(s["rule"]) for s in raw]
    names = [str(s["rewrite"]["rule"]) if "rewrite" in s else "congruence" for s in raw]
    return [*names, "exact"]
