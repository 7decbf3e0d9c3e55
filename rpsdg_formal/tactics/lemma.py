"""The rewrite term of one step, as Mathlib would take it: the Mathlib lemma of the step's rule
(from the Mathlib table) with its explicit arguments in Mathlib's order, a stated fact
(`show (6 : ℝ) * 7 = 42 by norm_num`, `show x * x ^ 2 = x ^ 3 by ring`), or, for a rule with no
Mathlib rendering, the rule's own Lean name (marked not-Mathlib). Variables and numerals have
the theory's Mathlib carrier (`Theory.mathlib_carrier`, `ℝ` for the shipped theories).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from rpsdg_formal.errors import ConfigError, RewriteError
from rpsdg_formal.kernel.emit import Hypothesis, Missing, condition_terms
from rpsdg_formal.rewriting.steps import Step
from rpsdg_formal.tactics.delab import pretty, pretty_argument
from rpsdg_formal.tactics.mathlib import MathlibEntry, lemma_term, load_table
from rpsdg_formal.tactics.names import own_name
from rpsdg_formal.terms.expr import Expr, Kind, match, positions, substitute
from rpsdg_formal.theory import numerals
from rpsdg_formal.theory.rules import Rule
from rpsdg_formal.theory.section import Theory

DISCHARGE = "(by norm_num)"
"""The argument that proves a side condition on numerals (`2 ≠ 0`) in the tactic rendering."""


@dataclass(frozen=True)
class Term:
    """A rewrite term: its text, whether its equation is the step's rule read the other way
    (so the arrow flips), and whether Mathlib has it (False: the rule's own Lean name)."""

    text: str
    swapped: bool
    mathlib: bool


def _is_closed(expr: Expr) -> bool:
    """True if `expr` mentions no variable (its type cannot be inferred from the context)."""
    return not any(
        node.kind is Kind.VAR or (node.kind is Kind.APP and not node.args)
        for _, node in positions(expr)
    )


def argument(expr: Expr, theory: Theory) -> str:
    """A lemma argument (`delab.pretty_argument`, itself `printers.parenthesised`); a closed
    term (numerals only) is ascribed the Mathlib carrier (`(2 : ℝ)`): Lean would make it `ℕ`."""
    sig = theory.signature
    if _is_closed(expr):
        return f"({pretty(expr, sig)} : {theory.mathlib_carrier})"
    return pretty_argument(expr, sig)


_LEADING_NUMERAL = re.compile(r"^\d+")


def _typed(text: str, carrier: str) -> str:
    """`6 * 7` as `(6 : ℝ) * 7`: the first numeral typed, so the whole fact is over ℝ."""
    return _LEADING_NUMERAL.sub(lambda m: f"({m.group(0)} : {carrier})", text, 1)


def stated(step: Step, theory: Theory, tactic: str) -> str:
    """`show lhs = rhs by tactic` for the step's rule instance in the rule's forward direction
    (`show (6 : ℝ) * 7 = 42 by norm_num`, `show deriv (fun x => (5 : ℝ)) x = 0 by simp`)."""
    sig, carrier = theory.signature, theory.mathlib_carrier
    rule = step.rule
    binding = step.binding()
    lhs, rhs = substitute(rule.lhs, binding), substitute(rule.rhs, binding)
    if rule.evaluate is not None and rule.evaluate.kind == numerals.DERIVATIVE:
        op = sig.by_name(lhs.head)
        inner = f"({pretty(lhs.args[0], sig)} : {carrier})"
        left = (
            op.lean_symbol.format(inner) if "{0}" in op.lean_symbol else f"{op.lean_symbol} {inner}"
        )
    else:
        left = _typed(pretty(lhs, sig), carrier) if _is_closed(lhs) else pretty(lhs, sig)
    return f"show {left} = {pretty(rhs, sig)} by {tactic}"


def stated_instance(
    sides: tuple[Expr, Expr], rules: Sequence[Rule]
) -> tuple[Rule, tuple[Expr, ...]] | None:
    """The rule instance a stated fact `show lhs = rhs by …` states (the rule and its values in
    the rule's variable order): a numeral rule's, or one of a rule Mathlib proves by `ring`."""
    lhs, rhs = sides
    table = load_table().entries
    for rule in rules:
        binding = match(rule.lhs, lhs)
        if binding is None:
            continue
        if rule.evaluate is None:
            entry = table.get(rule.name)
            if entry is not None and entry.tactic == "ring" and match(rule.rhs, rhs, binding):
                return rule, tuple(binding[v] for v in rule.variables)
            continue
        try:
            full = numerals.instance(rule.evaluate.kind, rule.lhs, rule.rhs, binding)
        except (RewriteError, ValueError, KeyError):
            continue
        if substitute(rule.rhs, full) is rhs:
            return rule, tuple(full[v] for v in rule.variables)
    return None


def _by_norm_num(_: str) -> str:
    return DISCHARGE


def _unstated(rule_name: str, strict: bool) -> Missing:
    """A side condition nobody assumes: ValueError, or (not `strict`) left out of the term."""

    def missing(_: int, __: Hypothesis) -> str | None:
        if strict:
            raise ValueError(f"step with {rule_name!r} needs a side condition nobody assumes")
        return None

    return missing


def _proofs(step: Step, theory: Theory, assumed: Sequence[Hypothesis], strict: bool) -> list[str]:
    """The side-condition proofs (`emit.condition_terms`): `hK` for an assumed one,
    `(by norm_num)` for a non-zero numeral; with `strict` False one nobody proves is left out
    (a wrong step's tactic)."""
    return condition_terms(
        step, theory, assumed, proved=_by_norm_num, missing=_unstated(step.rule.name, strict)
    )


def _entry(step: Step) -> MathlibEntry | None:
    return load_table().entries.get(step.rule.name)


def rewrite_term(
    step: Step,
    theory: Theory,
    assumed: Sequence[Hypothesis] = (),
    name: str = "",
    strict: bool = True,
) -> Term:
    """The rewrite term of `step` (not yet with `←`). `name` replaces the lemma's name (a wrong
    step's made-up lemma), keeping the Mathlib argument order of the true one."""
    sig = theory.signature
    entry = _entry(step)
    tactic = entry.tactic if entry is not None else ("norm_num" if step.rule.evaluate else "none")
    if tactic in ("norm_num", "simp", "ring") and not name:
        return Term(stated(step, theory, tactic), False, True)
    proofs = _proofs(step, theory, assumed, strict)
    if entry is not None and entry.lemma is not None:
        try:
            text, swapped = lemma_term(
                entry, step.rule, step.binding(), proofs, sig, lambda e: argument(e, theory)
            )
        except ConfigError:  # a rule file's own rule under a table name, with another meaning
            pass
        else:
            if name:
                text = " ".join([name, *text.split(" ")[1:]])
            return Term(text, swapped, not name)
    args = [argument(v, theory) for _, v in step.substitution]
    return Term(" ".join([name or own_name(step.rule, theory), *args, *proofs]), False, False)
