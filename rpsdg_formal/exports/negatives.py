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
from dataclasses import replace as dc_replace
from pathlib import Path
from typing import Any

from rpsdg_formal.dataset.record import TheoremRecord
from rpsdg_formal.families.records import Candidate, replay
from rpsdg_formal.kernel.check import Accepted, Kernel, Rejected, check_batch, check_theorems
from rpsdg_formal.kernel.emit import (
    Hypothesis,
    LeanTheorem,
    SideConditionError,
    batch_file,
    congruence_proof,
    discharge,
    equation_statement,
    hypotheses,
    instance_term,
    mentions,
    ne_statement,
    rule_term,
    step_hypotheses,
    step_proof,
)
from rpsdg_formal.kernel.messages import first_message
from rpsdg_formal.kernel.proofspec import Offer, OfferedSpec
from rpsdg_formal.rewriting.steps import RuleIndex, Step
from rpsdg_formal.tactics.actions import ActionError, Context, apply, parse_action
from rpsdg_formal.tactics.mathlib import load_table
from rpsdg_formal.tactics.render import offered_tactic
from rpsdg_formal.terms.expr import Expr, Kind, positions, replace, substitute, variables
from rpsdg_formal.terms.printers import to_lean
from rpsdg_formal.terms.signature import is_lean_ident
from rpsdg_formal.theory.rules import RuleSet
from rpsdg_formal.theory.section import Theory

KINDS = (
    "wrong-position",
    "wrong-instantiation",
    "wrong-direction",
    "missing-rule",
    "mutated-rule",
)
"""The kinds of wrong step, in the order `wrong_steps` lists them."""

BATCH = 30
"""Wrong steps per Lean file: at most 2 errors each stays under Lean's limit of 100."""
PARALLEL = 2
"""Lean processes `judge` runs at once."""


@dataclass(frozen=True)
class WrongStep:
    """A plausible but (probably) wrong step: a claim about `step.before` and a proof of it."""

    kind: str  # one of KINDS
    step: Step  # the true step it perturbs
    claimed_after: Expr  # what the wrong step claims `step.before` becomes
    proof: str  # the Lean term offered for `Eq before claimed_after`
    description: str  # the wrong tactic, human readable: "rw [mul_comm y x] at [0]"
    offered: Step | None = None  # the rule instance the wrong tactic states (None: the true one)
    name: str = ""  # the lemma name the wrong tactic uses ("": the rule's own)
    offer: Offer | None = None  # `proof` as data, for the direct kernel route


@dataclass(frozen=True)
class JudgedStep:
    """The kernel's verdict on a wrong step: -1 rejected, +1 accepted (a valid step after all)."""

    wrong: WrongStep
    label: int
    message: str  # Lean's first error message when rejected, "" when accepted


# --- printing ---------------------------------------------------------------------------------


def _lean_arg(expr: Expr, theory: Theory) -> str:
    text = to_lean(expr, theory.signature)
    return f"({text})" if expr.kind is Kind.APP and expr.args else text


def _tactic(
    name: str, substitution: Sequence[tuple[str, Expr]], reverse: bool, theory: Theory
) -> str:
    """`rw [← name a b]` in standard Lean syntax."""
    args = "".join(f" {_lean_arg(value, theory)}" for _, value in substitution)
    return f"rw [{'← ' if reverse else ''}{name}{args}]"


def _instance_term(
    step: Step,
    theory: Theory,
    assumed: Sequence[Hypothesis],
    name: str | None = None,
    true_needs: Sequence[Hypothesis] = (),
) -> str:
    """The rule instance of `step` as a term (with `Eq.symm` for a reverse step).

    With `name`, that name replaces the rule's Lean name. A side condition that is neither
    assumed nor provable is given the hypothesis the true step used for the same condition
    (`true_needs`): a wrong proof, for the kernel to reject.
    """
    if name is None:
        try:
            return rule_term(step, theory, assumed)
        except SideConditionError:
            if not true_needs:
                raise
    hyps = [
        word or f"({discharge(needed, theory)})"
        for word, needed in zip(
            hyp_words(step, theory, assumed, true_needs), step_hypotheses(step), strict=True
        )
    ]
    return instance_term(step, theory, hyps, name or "")


def hyp_words(
    step: Step, theory: Theory, assumed: Sequence[Hypothesis], true_needs: Sequence[Hypothesis]
) -> tuple[str, ...]:
    """The proof `_instance_term` gives each side condition: `hK` (an assumed hypothesis, or
    the one the true step used for the same condition), or "" for a non-zero numeral's."""
    words = []
    for number, needed in enumerate(step_hypotheses(step)):
        if needed in assumed:
            words.append(f"h{assumed.index(needed) + 1}")
        elif discharge(needed, theory) is not None:
            words.append("")
        elif number < len(true_needs) and true_needs[number] in assumed:
            words.append(f"h{assumed.index(true_needs[number]) + 1}")
        else:
            raise SideConditionError(f"no hypothesis to offer for {step.rule.name!r}")
    return tuple(words)


# --- the five kinds ---------------------------------------------------------------------------


def _sample(items: Sequence[WrongStep], rng: random.Random, limit: int) -> list[WrongStep]:
    """Up to `limit` of `items` (distinct claims and proofs), chosen by `rng`, in order."""
    unique = list({(w.claimed_after, w.proof): w for w in items}.values())
    if len(unique) <= limit:
        return unique
    chosen = sorted(rng.sample(range(len(unique)), limit))
    return [unique[i] for i in chosen]


def _produced(step: Step) -> tuple[Expr, Expr]:
    """The instantiated (rewritten-from, produced) sides of `step`'s rule."""
    pattern, produced = step.rule.side(step.reverse)
    binding = step.binding()
    return substitute(pattern, binding), substitute(produced, binding)


def _wrong_position(
    step: Step, index: RuleIndex, theory: Theory, assumed: Sequence[Hypothesis], rng: random.Random
) -> list[WrongStep]:
    """The true rule instance, lifted by the congruence context of another position."""
    _, produced = _produced(step)
    term = rule_term(step, theory, assumed)
    plausible: list[WrongStep] = []
    others: list[WrongStep] = []
    for path, sub in positions(step.before):
        if path == step.path:
            continue
        claimed = replace(step.before, path, produced)
        wrong = WrongStep(
            "wrong-position",
            step,
            claimed,
            congruence_proof(step.before, path, term, theory),
            f"{_tactic(step.rule.lean_name, step.substitution, step.reverse, theory)} "
            f"at {list(path)} (the instance is at {list(step.path)})",
            offered=dc_replace(step, path=path),
            offer=Offer(dc_replace(step, path=path)),
        )
        # a position the same rule direction could rewrite is the plausible confusion
        same_head = (step.rule, step.reverse) in index.candidates(sub)
        (plausible if same_head else others).append(wrong)
    rng.shuffle(plausible)
    rng.shuffle(others)
    return plausible + others


def _perturbed(step: Step) -> list[dict[str, Expr]]:
    """Substitutions near the true one: two values swapped, or one replaced by a subterm of
    `before`. A variable of the produced side only is not replaced: any value makes a valid
    step."""
    binding = step.binding()
    names = list(binding)
    pattern, _ = step.rule.side(step.reverse)
    matched = set(variables(pattern))
    out: list[dict[str, Expr]] = []
    for i, first in enumerate(names):
        for second in names[i + 1 :]:
            if binding[first] is not binding[second]:
                out.append({**binding, first: binding[second], second: binding[first]})
    subterms = list(dict.fromkeys(sub for _, sub in positions(step.before)))
    for name in (n for n in names if n in matched):
        for sub in subterms:
            if sub is not binding[name]:
                out.append({**binding, name: sub})
    return out


def _wrong_instantiation(
    step: Step, theory: Theory, assumed: Sequence[Hypothesis]
) -> list[WrongStep]:
    """The rule at the true position, but with a perturbed instance."""
    if step.rule.evaluate is not None:  # numeral-only: an instance is computed, not chosen
        return []
    _, produced_side = step.rule.side(step.reverse)
    true_needs = step_hypotheses(step)
    out = []
    for binding in _perturbed(step):
        subst = tuple((v, binding[v]) for v in step.rule.variables)
        wrong_step = dc_replace(step, substitution=subst)
        try:
            term = _instance_term(wrong_step, theory, assumed, true_needs=true_needs)
        except SideConditionError:
            continue
        claimed = replace(step.before, step.path, substitute(produced_side, binding))
        out.append(
            WrongStep(
                "wrong-instantiation",
                step,
                claimed,
                congruence_proof(step.before, step.path, term, theory),
                f"{_tactic(step.rule.lean_name, subst, step.reverse, theory)} at {list(step.path)}",
                offered=wrong_step,
                offer=Offer(wrong_step, hyp_words(wrong_step, theory, assumed, true_needs)),
            )
        )
    return out


def _wrong_direction(step: Step, theory: Theory, assumed: Sequence[Hypothesis]) -> list[WrongStep]:
    """The true claim, proven by the rule instance read the other way."""
    forward = rule_term(dc_replace(step, reverse=False), theory, assumed)
    if step.reverse:
        terms = [(forward, 0), (f"Eq.symm (Eq.symm ({forward}))", 2)]
    else:
        terms = [(f"Eq.symm ({forward})", 1)]
    description = (
        f"{_tactic(step.rule.lean_name, step.substitution, not step.reverse, theory)} "
        f"at {list(step.path)}"
    )
    return [
        WrongStep(
            "wrong-direction",
            step,
            step.after,
            congruence_proof(step.before, step.path, term, theory),
            description,
            offered=dc_replace(step, reverse=not step.reverse),
            offer=Offer(dc_replace(step, reverse=False), symms=symms),
        )
        for term, symms in terms
    ]


def missing_names(step: Step, theory: Theory) -> list[str]:
    """Near-miss names of the step's lemma (its Mathlib lemma where the table has one) that
    neither the theory nor Mathlib declares: a name the Mathlib table knows (a rule's lemma,
    or another declaration read near them, such as `add_sub_cancel_left`) is never offered,
    since a real lemma may well have the claimed effect."""
    table = load_table()
    entry = table.entries.get(step.rule.name)
    lemma = entry.lemma if entry is not None and entry.lemma is not None else ""
    shorts = [n.rsplit(".", 1)[-1] for n in (lemma, step.rule.lean_name) if n]
    guesses = [guess for short in shorts for guess in _near_names(short)]
    known = table.declarations() | set(shorts)
    return [
        name
        for name in dict.fromkeys(guesses)
        if is_lean_ident(name) and theory.qualified(name) is None and name not in known
    ]


def _near_names(short: str) -> list[str]:
    """Names one slip away from `short`: a suffix, its words reordered, a word swapped."""
    parts = short.split("_")
    guesses = [f"{short}_rev", f"{short}_symm", f"{short}'", f"{short}_eq"]
    if len(parts) > 1:
        guesses.append("_".join(reversed(parts)))
        guesses.append("_".join([*parts[1:], parts[0]]))
    swaps = {"left": "right", "right": "left", "add": "mul", "mul": "add", "sub": "div"}
    for i, part in enumerate(parts):
        if part in swaps:
            guesses.append("_".join([*parts[:i], swaps[part], *parts[i + 1 :]]))
    return guesses


def _missing_rule(step: Step, theory: Theory, assumed: Sequence[Hypothesis]) -> list[WrongStep]:
    """The true claim, proven by a rule name that does not exist."""
    out = []
    for name in missing_names(step, theory):
        term = _instance_term(step, theory, assumed, name=name)
        out.append(
            WrongStep(
                "missing-rule",
                step,
                step.after,
                congruence_proof(step.before, step.path, term, theory),
                f"{_tactic(name, step.substitution, step.reverse, theory)} at {list(step.path)}",
                name=name,
                offer=Offer(step, hyp_words(step, theory, assumed, ()), lemma=name),
            )
        )
    return out


def mutations(tree: Expr, theory: Theory) -> list[Expr]:
    """Near misses of a rule side: the arguments of one binary operator swapped, or one
    operator replaced by another of the same arity."""
    sig = theory.signature
    out: list[Expr] = []
    for path, sub in positions(tree):
        if sub.kind is not Kind.APP:
            continue
        if len(sub.args) == 2 and sub.args[0] is not sub.args[1]:
            out.append(replace(tree, path, Expr(Kind.APP, sub.head, 0, sub.args[::-1])))
        arity = len(sub.args)
        for op in sig.operators:
            if op.name != sub.head and op.arity == arity and arity > 0:
                out.append(replace(tree, path, Expr(Kind.APP, op.name, 0, sub.args)))
    return list(dict.fromkeys(m for m in out if m is not tree))


def _mutated_rule(step: Step, theory: Theory, assumed: Sequence[Hypothesis]) -> list[WrongStep]:
    """A mutated rule's claim, offered the true rule instance as proof."""
    pattern, produced = step.rule.side(step.reverse)
    binding = step.binding()
    proof = step_proof(step, theory, assumed)
    sig = theory.signature
    out = []
    for mutant in mutations(produced, theory):
        if not set(variables(mutant)) <= set(binding):
            continue
        claimed = replace(step.before, step.path, substitute(mutant, binding))
        rule_text = f"{to_lean(pattern, sig)} = {to_lean(mutant, sig)}"
        out.append(
            WrongStep(
                "mutated-rule",
                step,
                claimed,
                proof,
                f"{_tactic(step.rule.lean_name, step.substitution, step.reverse, theory)} "
                f"at {list(step.path)} read as {rule_text}",
                offer=Offer(step),
            )
        )
    return out


def wrong_steps(
    step: Step, index: RuleIndex, theory: Theory, rng: random.Random, limit: int = 3
) -> list[WrongStep]:
    """Plausible wrong steps perturbing `step`: up to `limit` of each kind (KINDS order).

    `index` ranks the wrong positions: those where the same rule direction could apply come
    first. The kernel has not seen them yet: some may turn out valid (see `judge`).
    """
    assumed = hypotheses([step], theory)
    groups = (
        _wrong_position(step, index, theory, assumed, rng)[:limit],
        _sample(_wrong_instantiation(step, theory, assumed), rng, limit),
        _sample(_wrong_direction(step, theory, assumed), rng, limit),
        _sample(_missing_rule(step, theory, assumed), rng, limit),
        _sample(_mutated_rule(step, theory, assumed), rng, limit),
    )
    return [wrong for group in groups for wrong in group]


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
    """Have the kernel check every wrong step as its own theorem `neg_<i>`: rejected is label
    -1 with Lean's first error, accepted is label +1.

    Identical claims with identical proofs are checked once. The theorems go to the batch file
    `path` (`path_000.lean`, `path_001.lean`, … when there are more than `BATCH`); a rejection
    that came without a message is checked again alone, so every -1 carries Lean's words.
    """
    if not wrong:
        return []
    theorems: dict[tuple[str, str], LeanTheorem] = {}
    keys = []
    for item in wrong:
        thm = wrong_theorem(f"neg_{len(theorems)}", binders, item, theory)
        key = (thm.statement, thm.proof)
        theorems.setdefault(key, thm)
        keys.append(key)
    unique = list(theorems.values())
    verdicts = check_theorems(kernel, unique, path, PARALLEL, BATCH)
    for i, (thm, verdict) in enumerate(zip(unique, verdicts, strict=True)):
        if isinstance(verdict, Rejected) and not verdict.messages:
            alone = path.with_name(f"{path.stem}_{thm.name}{path.suffix}")
            verdicts[i] = check_batch(kernel, batch_file(theory, [thm]), alone)[0]
    by_name = {t.name: v for t, v in zip(unique, verdicts, strict=True)}
    out = []
    for item, key in zip(wrong, keys, strict=True):
        verdict = by_name[theorems[key].name]
        if isinstance(verdict, Accepted):
            out.append(JudgedStep(item, 1, ""))
        else:
            out.append(JudgedStep(item, -1, first_message(verdict.messages, verdict.reason)))
    return out


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
    bare = offered_tactic(wrong.offered or wrong.step, goal, theory, assumed, name=wrong.name)
    context = Context(tuple(binders), tuple(assumed))
    try:
        applied = apply(parse_action(bare, rules, context), goal, context, rules)
    except ActionError:
        return bare
    if applied.goal[0] is wrong.claimed_after and applied.goal[1] is end:
        return bare
    sig = theory.signature
    return f"{bare}; show {to_lean(wrong.claimed_after, sig)} = {to_lean(end, sig)}"


def record_negatives(
    record: Mapping[str, Any] | Candidate,
    rules: RuleSet,
    kernel: Kernel,
    rng: random.Random,
    path: Path,
    limit: int = 3,
) -> list[dict[str, Any]]:
    """Judged wrong steps for every step of every proof of a dataset record, as JSON rows.

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
    for number, proof in enumerate(candidate.proofs):
        assumed = hypotheses(proof.steps, theory)
        end = proof.steps[-1].after
        for position, step in enumerate(proof.steps):
            found = wrong_steps(step, index, theory, rng, limit)
            wrong.extend(found)
            where.extend((number, position) for _ in found)
            actions.extend(wrong_action(w, end, candidate.binders, assumed, rules) for w in found)
    judged = judge(candidate.binders, wrong, theory, kernel, path)
    sig = theory.signature
    return [
        {
            "theorem": candidate.id,
            "proof": number,
            "step": position,
            "kind": j.wrong.kind,
            "state_before": to_lean(j.wrong.step.before, sig),
            "claimed_after": to_lean(j.wrong.claimed_after, sig),
            "description": j.wrong.description,
            "tactic": action,
            "label": j.label,
            "kernel_message": j.message,
        }
        for (number, position), j, action in zip(where, judged, actions, strict=True)
    ]
