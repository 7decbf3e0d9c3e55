"""Plausible wrong steps: for one true `Step`, near misses of five kinds (the rule instance used
at another position, a perturbed instantiation, the wrong direction, a rule name the theory does
not have, a mutated rule), each with the Lean term offered as its proof. `negatives` has the
kernel judge them. Every Lean term is printed from trees and validated names.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from dataclasses import replace as dc_replace

from rpsdg_formal.kernel.emit import (
    Hypothesis,
    Missing,
    SideConditionError,
    condition_terms,
    congruence_proof,
    hypotheses,
    instance_term,
    rule_term,
    step_hypotheses,
    step_proof,
)
from rpsdg_formal.kernel.proofspec import Offer
from rpsdg_formal.rewriting.steps import RuleIndex, Step
from rpsdg_formal.tactics.mathlib import load_table
from rpsdg_formal.tactics.render import tactic_text
from rpsdg_formal.terms.expr import Expr, Kind, Path, positions, replace, substitute, variables
from rpsdg_formal.terms.printers import argument, to_lean
from rpsdg_formal.terms.signature import is_lean_ident
from rpsdg_formal.theory.section import Theory


@dataclass(frozen=True)
class WrongStep:
    """A plausible but (probably) wrong step: a claim about `step.before` and a proof of it."""

    kind: str  # one of dataset.negative.KINDS
    step: Step  # the true step it perturbs
    claimed_after: Expr  # what the wrong step claims `step.before` becomes
    proof: str  # the Lean term offered for `Eq before claimed_after`
    description: str  # the wrong tactic, human readable: "rw [mul_comm y x] at position [0]"
    offered: Step | None = None  # the rule instance the wrong tactic states (None: the true one)
    name: str = ""  # the lemma name the wrong tactic uses ("": the rule's own)
    offer: Offer | None = None  # `proof` as data, for the direct kernel route


# --- printing ---------------------------------------------------------------------------------


def _at(path: Sequence[int]) -> str:
    """Where a step rewrites, for people: `at the root`, or `at position [1, 0]` (child indices
    from the root, the records' `position`); not `at [1, 0]`, which reads as `rw … at h`."""
    return f"at position {list(path)}" if path else "at the root"


def _tactic(
    name: str, substitution: Sequence[tuple[str, Expr]], reverse: bool, theory: Theory
) -> str:
    """`rw [← name a b]` in standard Lean syntax (a description: no hypotheses)."""
    args = [argument(value, theory.signature, lean=True) for _, value in substitution]
    return tactic_text(" ".join([name, *args]), reverse)


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
    hyps = condition_terms(step, theory, assumed, missing=_offered(step, assumed, true_needs))
    return instance_term(step, theory, hyps, name or "")


def _offered(
    step: Step, assumed: Sequence[Hypothesis], true_needs: Sequence[Hypothesis]
) -> Missing:
    """For a side condition nothing proves: the hypothesis the true step used for the same
    condition (a wrong proof), or SideConditionError when there is none."""

    def offer(number: int, _: Hypothesis) -> str | None:
        if number < len(true_needs) and true_needs[number] in assumed:
            return f"h{assumed.index(true_needs[number]) + 1}"
        raise SideConditionError(f"no hypothesis to offer for {step.rule.name!r}")

    return offer


def hyp_words(
    step: Step, theory: Theory, assumed: Sequence[Hypothesis], true_needs: Sequence[Hypothesis]
) -> tuple[str, ...]:
    """The proof `_instance_term` gives each side condition, as an `Offer` records it: `hK`
    (an assumed hypothesis, or the one the true step used for the same condition), or "" for a
    non-zero numeral's."""
    missing = _offered(step, assumed, true_needs)
    return tuple(condition_terms(step, theory, assumed, proved=lambda _: "", missing=missing))


# --- the five kinds ---------------------------------------------------------------------------


_Key = tuple[Expr, str]
_Candidate = tuple[_Key, Callable[[], WrongStep]]
"""A wrong step not built yet: its claim and its proof's distinguishing text (the term before
the congruence context, which is the same for every candidate of one kind and step), and how
to build it. Only the few sampled are built: the congruence text costs most."""


def _sample(items: Sequence[_Candidate], rng: random.Random, limit: int) -> list[WrongStep]:
    """Up to `limit` of `items` (distinct claims and proofs), chosen by `rng`, in order."""
    unique = list(dict(items).values())
    if len(unique) > limit:
        chosen = sorted(rng.sample(range(len(unique)), limit))
        unique = [unique[i] for i in chosen]
    return [build() for build in unique]


def _produced(step: Step) -> tuple[Expr, Expr]:
    """The instantiated (rewritten-from, produced) sides of `step`'s rule."""
    pattern, produced = step.rule.side(step.reverse)
    binding = step.binding()
    return substitute(pattern, binding), substitute(produced, binding)


def _wrong_position(
    step: Step,
    index: RuleIndex,
    theory: Theory,
    assumed: Sequence[Hypothesis],
    rng: random.Random,
    limit: int,
) -> list[WrongStep]:
    """The true rule instance, lifted by the congruence context of another position."""
    _, produced = _produced(step)
    term = rule_term(step, theory, assumed)
    plausible: list[Path] = []
    others: list[Path] = []
    for path, sub in positions(step.before):
        if path == step.path:
            continue
        # a position the same rule direction could rewrite is the plausible confusion
        same_head = (step.rule, step.reverse) in index.candidates(sub)
        (plausible if same_head else others).append(path)
    rng.shuffle(plausible)
    rng.shuffle(others)
    return [
        WrongStep(
            "wrong-position",
            step,
            replace(step.before, path, produced),
            congruence_proof(step.before, path, term, theory),
            f"{_tactic(step.rule.lean_name, step.substitution, step.reverse, theory)} "
            f"{_at(path)} (the instance is {_at(step.path)})",
            offered=dc_replace(step, path=path),
            offer=Offer(dc_replace(step, path=path)),
        )
        for path in (plausible + others)[:limit]
    ]


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
) -> list[_Candidate]:
    """The rule at the true position, but with a perturbed instance."""
    if step.rule.evaluate is not None:  # numeral-only: an instance is computed, not chosen
        return []
    _, produced_side = step.rule.side(step.reverse)
    true_needs = step_hypotheses(step)

    def build(claimed: Expr, term: str, wrong_step: Step) -> Callable[[], WrongStep]:
        return lambda: WrongStep(
            "wrong-instantiation",
            step,
            claimed,
            congruence_proof(step.before, step.path, term, theory),
            f"{_tactic(step.rule.lean_name, wrong_step.substitution, step.reverse, theory)} "
            f"{_at(step.path)}",
            offered=wrong_step,
            offer=Offer(wrong_step, hyp_words(wrong_step, theory, assumed, true_needs)),
        )

    out = []
    for binding in _perturbed(step):
        subst = tuple((v, binding[v]) for v in step.rule.variables)
        wrong_step = dc_replace(step, substitution=subst)
        try:
            term = _instance_term(wrong_step, theory, assumed, true_needs=true_needs)
        except SideConditionError:
            continue
        claimed = replace(step.before, step.path, substitute(produced_side, binding))
        out.append(((claimed, term), build(claimed, term, wrong_step)))
    return out


def _wrong_direction(step: Step, theory: Theory, assumed: Sequence[Hypothesis]) -> list[_Candidate]:
    """The true claim, proven by the rule instance read the other way."""
    forward = rule_term(dc_replace(step, reverse=False), theory, assumed)
    if step.reverse:
        terms = [(forward, 0), (f"Eq.symm (Eq.symm ({forward}))", 2)]
    else:
        terms = [(f"Eq.symm ({forward})", 1)]

    def build(term: str, symms: int) -> Callable[[], WrongStep]:
        return lambda: WrongStep(
            "wrong-direction",
            step,
            step.after,
            congruence_proof(step.before, step.path, term, theory),
            f"{_tactic(step.rule.lean_name, step.substitution, not step.reverse, theory)} "
            f"{_at(step.path)}",
            offered=dc_replace(step, reverse=not step.reverse),
            offer=Offer(dc_replace(step, reverse=False), symms=symms),
        )

    return [((step.after, term), build(term, symms)) for term, symms in terms]


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


def _missing_rule(step: Step, theory: Theory, assumed: Sequence[Hypothesis]) -> list[_Candidate]:
    """The true claim, proven by a rule name that does not exist."""

    def build(name: str, term: str) -> Callable[[], WrongStep]:
        return lambda: WrongStep(
            "missing-rule",
            step,
            step.after,
            congruence_proof(step.before, step.path, term, theory),
            f"{_tactic(name, step.substitution, step.reverse, theory)} {_at(step.path)}",
            name=name,
            offer=Offer(step, hyp_words(step, theory, assumed, ()), lemma=name),
        )

    out = []
    for name in missing_names(step, theory):
        term = _instance_term(step, theory, assumed, name=name)
        out.append(((step.after, term), build(name, term)))
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


def _mutated_rule(step: Step, theory: Theory, assumed: Sequence[Hypothesis]) -> list[_Candidate]:
    """A mutated rule's claim, offered the true rule instance as proof."""
    pattern, produced = step.rule.side(step.reverse)
    binding = step.binding()
    proof = step_proof(step, theory, assumed)
    sig = theory.signature

    def build(claimed: Expr, mutant: Expr) -> Callable[[], WrongStep]:
        return lambda: WrongStep(
            "mutated-rule",
            step,
            claimed,
            proof,
            f"{_tactic(step.rule.lean_name, step.substitution, step.reverse, theory)} "
            f"{_at(step.path)} read as {to_lean(pattern, sig)} = {to_lean(mutant, sig)}",
            offer=Offer(step),
        )

    out = []
    for mutant in mutations(produced, theory):
        if not set(variables(mutant)) <= set(binding):
            continue
        claimed = replace(step.before, step.path, substitute(mutant, binding))
        out.append(((claimed, proof), build(claimed, mutant)))
    return out


def wrong_steps(
    step: Step, index: RuleIndex, theory: Theory, rng: random.Random, limit: int = 3
) -> list[WrongStep]:
    """Plausible wrong steps perturbing `step`: up to `limit` of each kind (in `KINDS` order,
    `dataset.negative`).

    `index` ranks the wrong positions: those where the same rule direction could apply come
    first. The kernel has not seen them yet: some may turn out valid (see `judge`).
    """
    assumed = hypotheses([step], theory)
    groups = (
        _wrong_position(step, index, theory, assumed, rng, limit),
        _sample(_wrong_instantiation(step, theory, assumed), rng, limit),
        _sample(_wrong_direction(step, theory, assumed), rng, limit),
        _sample(_missing_rule(step, theory, assumed), rng, limit),
        _sample(_mutated_rule(step, theory, assumed), rng, limit),
    )
    return [wrong for group in groups for wrong in group]
