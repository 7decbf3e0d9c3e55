"""Wrong steps of equation and system proofs, each judged by the Lean kernel.

For each `have` of a traced forward proof, near misses of five kinds: an operation applied to
one side only (`one-side`), both sides divided by an expression the theory cannot prove
non-zero and cancelled (`nonzero`), a wrong arithmetic result (`arithmetic`), a cancellation
with the wrong result (`cancellation`), and the right step from the wrong hypothesis
(`wrong-hypothesis`). Each is the proof environment's action (`tactic`, which it refuses) and
an offered theorem `∀ vars, source → claimed`, proven as the action says (the `nonzero` one
with the proof of the true divisor's side condition, as the rewrite negatives offer the true
step's hypothesis). Only what the kernel rejects is labelled −1 (with Lean's message); a
wrong step the kernel accepts is +1. Rows have the fields of the rewrite negatives
(`exports.negatives`), so DPO and stepwise rows are made the same way.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import replace as dc_replace
from pathlib import Path

from rpsdg_formal.dataset.negative import NegativeRow
from rpsdg_formal.exports.judging import judge_theorems
from rpsdg_formal.families.equation_records import EquationCandidate
from rpsdg_formal.kernel.check import Kernel
from rpsdg_formal.kernel.emit import (
    HOLE,
    LeanTheorem,
    discharge,
    equation_statement,
    instance_term,
    mentions,
    rule_term,
)
from rpsdg_formal.rewriting.steps import EquationStep, Sides, apply_step
from rpsdg_formal.tactics.delab import pretty
from rpsdg_formal.tactics.forward_obligation import link_obligation
from rpsdg_formal.tactics.render import TacticStep, equation_traces
from rpsdg_formal.terms.expr import Expr, Kind, app, num, replace, subterm, var, variables
from rpsdg_formal.terms.printers import to_kernel
from rpsdg_formal.theory.rules import RuleSet


@dataclass(frozen=True)
class WrongForward:
    """A wrong `have`: the action, what it claims, the theorem offered for it, in words."""

    kind: str
    claimed: Sides
    action: str
    offered: LeanTheorem
    description: str


@dataclass(frozen=True)
class _Site:
    """One true step with what its wrong variants need."""

    binders: tuple[str, ...]
    equations: tuple[Sides, ...]  # every equation before the step (premises first)
    link: EquationStep
    traced: TacticStep
    rules: RuleSet

    @property
    def number(self) -> int:
        return len(self.equations)

    @property
    def sources(self) -> tuple[int, ...]:
        return self.link.sources or (self.number - 1,)

    def show(self, sides: Sides) -> str:
        sig = self.rules.theory.signature
        return f"{pretty(sides[0], sig)} = {pretty(sides[1], sig)}"

    def claiming(self, claimed: Sides) -> str:
        """The true action with another claim."""
        head = f"have h{self.number} : {self.show(self.link.after)} :="
        body = self.traced.tactic.removeprefix(head)
        return f"have h{self.number} : {self.show(claimed)} :={body}"

    def offer(self, claimed: Sides, premises: Sequence[Sides] = ()) -> LeanTheorem:
        """`∀ vars, sources → claimed` proven as the true step is (checked by `lean`)."""
        given = list(premises) or [self.equations[i] for i in self.sources]
        link = _renumbered(self.link, len(given))
        theory = self.rules.theory
        made = link_obligation(self.binders, given, [link], claimed, theory)
        return LeanTheorem("neg", made.statement, made.proof)


def _renumbered(link: EquationStep, count: int) -> EquationStep:
    """The link reading its sources as the premises 0, 1 of an obligation."""
    return dc_replace(link, sources=tuple(range(count)))


# --- the five kinds ------------------------------------------------------------------------------


def _one_side(site: _Site) -> list[WrongForward]:
    """The function applied to one side only (both sides of the first equation for `congrArg₂`)."""
    link = site.link
    if link.context is None:
        return []
    source = site.equations[site.sources[0]]
    out = []
    for side in (0, 1):
        claimed = (link.after[0], source[1]) if side == 0 else (source[0], link.after[1])
        if claimed != link.after:
            where = "left" if side == 0 else "right"
            words = f"apply the step to the {where} side only: {site.show(claimed)}"
            out.append(WrongForward("one-side", claimed, site.claiming(claimed),
                                    site.offer(claimed), words))  # fmt: skip
    return out


def _nonzero(site: _Site) -> list[WrongForward]:
    """From `n * A = R`, where the true step divides by the numeral n: divide by A (which the
    theory cannot prove non-zero) and cancel it, claiming `n = R / A`."""
    link, theory = site.link, site.rules.theory
    source = site.equations[site.sources[0]]
    left = source[0]
    if link.context is None or link.other is not None or link.context.head != "div":
        return []
    if left.kind is not Kind.APP or left.head != "mul" or left.args[0].kind is not Kind.NUM:
        return []
    factor, rest = left.args
    if not variables(rest) or discharge((rest, num(0)), theory) is not None:
        return []
    claimed = (factor, app("div", source[1], rest))
    sig = theory.signature
    shown = pretty(rest, sig)
    function = pretty(app("div", var("t"), rest), sig)
    text = (
        f"have h{site.number} : {site.show(claimed)} := "
        f"congrArg (fun t => {function}) h{site.sources[0]}"
    )
    offered = _divide_by(site, source, factor, rest, claimed)
    if offered is None:
        return []
    words = f"divide both sides by {shown}, which may be zero, and cancel"
    return [WrongForward("nonzero", claimed, text, offered, words)]


def _divide_by(site: _Site, source: Sides, n: Expr, a: Expr, claimed: Sides) -> LeanTheorem | None:
    """`∀ vars, n * a = r → n = r / a`: `a * n / a = n` by the cancellation rule, its side
    condition `a ≠ 0` given the proof of `n ≠ 0` (the kernel must refuse it)."""
    theory, rules = site.rules.theory, site.rules
    cancel = next((r for r in rules.rules if "undo-mul" in r.tags), None)
    comm = next((r for r in rules.rules if r.name == "mul_comm"), None)
    proof_n = discharge((n, num(0)), theory)
    if cancel is None or comm is None or proof_n is None:
        return None
    swapped = apply_step(app("mul", a, n), comm, False, (), {"a": a, "b": n})  # a * n = n * a
    product = app("div", app("mul", a, n), a)
    cancelled = apply_step(product, cancel, False, (), {"a": n, "b": a})  # a * n / a = n
    wrong = instance_term(cancelled, theory, [f"({proof_n})"])
    quotient = to_kernel(app("div", var(HOLE), a), theory.signature)
    divide = f"fun ({HOLE} : {theory.carrier}) => {quotient}"
    body = (
        f"Eq.trans (Eq.symm ({wrong})) (congrArg ({divide}) "
        f"(Eq.trans ({rule_term(swapped, theory)}) h0))"
    )
    used = [b for b in site.binders if b in variables(source[0]) + variables(source[1])]
    statement = f"{equation_statement(*source, theory)} → {equation_statement(*claimed, theory)}"
    if used:
        statement = f"∀ ({' '.join(used)} : {theory.carrier}), {statement}"
    names = " ".join([b if mentions(body, b) else "_" for b in used] + ["h0"])
    return LeanTheorem("neg", statement, f"fun {names} =>\n  {body}")


def _rewritten(site: _Site) -> tuple[int, Expr, Expr] | None:
    """(side, what the true rewrite made at its position, the whole side) for a rewrite step."""
    link = site.link
    if link.step is None:
        return None
    return link.side, subterm(link.step.after, link.step.path), link.after[link.side]


def _arithmetic(site: _Site) -> list[WrongForward]:
    """A numeral computation with the result off by one (either way, staying positive)."""
    found = _rewritten(site)
    step = site.link.step
    if found is None or step is None or step.rule.evaluate is None or found[1].kind is not Kind.NUM:
        return []
    side, result, whole = found
    value = int(str(result.value))
    out = []
    for wrong in (value + 1, value - 1):
        if wrong < 0:
            continue
        claimed_side = replace(whole, step.path, num(wrong))
        claimed = _with(site.link.after, side, claimed_side)
        sig = site.rules.theory.signature
        action = site.claiming(claimed).replace(
            f"= {pretty(result, sig)} by norm_num]", f"= {wrong} by norm_num]", 1
        )
        words = f"compute {pretty(subterm(step.before, step.path), sig)} as {wrong}"
        out.append(WrongForward("arithmetic", claimed, action, site.offer(claimed), words))
    return out


def _with(sides: Sides, side: int, expr: Expr) -> Sides:
    return (expr, sides[1]) if side == 0 else (sides[0], expr)


def _cancellation(site: _Site) -> list[WrongForward]:
    """A cancellation (a rule tagged `undo-…`, `drop-…` or `solve`) keeping the wrong operand."""
    found = _rewritten(site)
    step = site.link.step
    tags = {"undo-add", "undo-sub", "undo-mul", "undo-div", "drop-left", "drop-right", "solve"}
    if found is None or step is None or not tags & set(step.rule.tags):
        return []
    side, result, whole = found
    binding = step.binding()
    wrong = binding.get("b")
    if wrong is None or wrong is result:
        return []
    claimed = _with(site.link.after, side, replace(whole, step.path, wrong))
    sig = site.rules.theory.signature
    words = f"cancel to {pretty(wrong, sig)} instead of {pretty(result, sig)}"
    return [WrongForward("cancellation", claimed, site.claiming(claimed),
                         site.offer(claimed), words)]  # fmt: skip


def _wrong_hypothesis(site: _Site, rng: random.Random) -> list[WrongForward]:
    """The true step from another hypothesis (one with another equation), chosen by `rng`."""
    first = site.sources[0]
    others = [i for i, e in enumerate(site.equations) if e != site.equations[first]]
    if not others:
        return []
    other = rng.choice(others)
    premises = [site.equations[other], *(site.equations[i] for i in site.sources[1:])]
    tactic = site.traced.tactic
    if site.link.step is not None:
        action = tactic.replace(f" at h{first}; exact h{first}", f" at h{other}; exact h{other}")
    else:
        action = tactic.replace(f") h{first}", f") h{other}", 1)
    words = f"use h{other} where the step needs h{first}"
    return [WrongForward("wrong-hypothesis", site.link.after, action,
                         site.offer(site.link.after, premises), words)]  # fmt: skip


def wrong_forward(site: _Site, rng: random.Random, limit: int) -> list[WrongForward]:
    """Up to `limit` wrong steps of each kind at one true step (KINDS order)."""
    groups = (
        _one_side(site),
        _nonzero(site),
        _arithmetic(site),
        _cancellation(site),
        _wrong_hypothesis(site, rng),
    )
    return [w for group in groups for w in group[:limit]]


# --- judging -------------------------------------------------------------------------------------


def _sites(candidate: EquationCandidate, rules: RuleSet) -> list[tuple[int, int, _Site]]:
    """(proof number, step number, site) for every `have` of every traced proof."""
    problem = candidate.problem
    traces = equation_traces(candidate, rules)
    out = []
    for number, (steps, traced) in enumerate(
        zip((problem.solution, *problem.alternatives), traces, strict=True)
    ):
        equations = list(problem.equations)
        for k, labelled in enumerate(steps):
            site = _Site(problem.unknowns, tuple(equations), labelled.step, traced[k], rules)
            out.append((number, k, site))
            equations.append(labelled.step.after)
    return out


def equation_negatives(
    candidate: EquationCandidate,
    rules: RuleSet,
    kernel: Kernel,
    rng: random.Random,
    path: Path,
    limit: int = 1,
) -> list[NegativeRow]:
    """Judged wrong steps for every `have` of every proof of a replayed equation or system
    record, as rows of the negatives table (KINDS order at each step)."""
    where: list[tuple[int, int, _Site]] = []
    wrong: list[WrongForward] = []
    for number, k, site in _sites(candidate, rules):
        found = wrong_forward(site, rng, limit)
        wrong += found
        where += [(number, k, site)] * len(found)
    judged = judge_theorems([w.offered for w in wrong], kernel, path) if wrong else []
    return [
        NegativeRow(
            theorem=candidate.id,
            proof=number,
            step=k,
            kind=item.kind,
            state_before=site.traced.state_before,
            claimed_after=site.show(item.claimed),
            description=item.description,
            tactic=item.action,
            label=judgement.label,
            kernel_message=judgement.message,
        )
        for (number, k, site), item, judgement in zip(where, wrong, judged, strict=True)
    ]
