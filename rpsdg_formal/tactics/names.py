"""One name, one lemma: what a lemma name in a tactic means, for the environment and the
exporter alike.

Tactics are written in Mathlib's language, so a name Mathlib declares means Mathlib's lemma.
A theory's own rule whose short Lean name Mathlib declares as another lemma (the equation
theory's `sub_add_cancel_left`, `b + a - b = a`, against Mathlib's `sub_add_cancel_left`,
`a - (a + b) = -b`, in Mathlib/Algebra/Group/Basic.lean) is therefore not reachable by that short
name: a tactic writes the rule's Mathlib lemma (`add_sub_cancel_left`) or the rule's full Lean
name (`RpsdgFormal.Field.Equation.sub_add_cancel_left`), and the exporter writes the full name
whenever it falls back to the rule's own name.
"""

from __future__ import annotations

from collections.abc import Mapping

from rpsdg_formal.tactics.delab import pretty
from rpsdg_formal.tactics.mathlib import load_table, mathlib_names
from rpsdg_formal.theory.rules import Rule, RuleSet
from rpsdg_formal.theory.section import Theory


def short_name(rule: Rule) -> str:
    """The rule's Lean name without its namespace."""
    return rule.lean_name.rsplit(".", 1)[-1]


def full_name(rule: Rule, theory: Theory) -> str:
    """The rule's declared Lean name with its namespace (`RpsdgFormal.Field.mul_comm`)."""
    return theory.qualified(rule.lean_name) or rule.lean_name


def mathlib_statement(name: str) -> str | None:
    """The statement of Mathlib's lemma `name` as the Mathlib table read it (rule syntax), or
    None when the table knows the name without its statement or not at all."""
    for entry in load_table().entries.values():
        if entry.lemma == name and entry.statement:
            return entry.statement
    return None


def clashes(rules: RuleSet) -> Mapping[str, Rule]:
    """The theory's own rules whose short Lean name Mathlib declares as another lemma (one the
    rule does not state), by that name."""
    declared = load_table().declarations()
    stated = mathlib_names(rules.rules, rules.theory.signature)
    found: dict[str, Rule] = {}
    for rule in rules.rules:
        name = short_name(rule)
        if rule.evaluate is None and name in declared:
            if name not in stated or stated[name][0] != rule:
                found.setdefault(name, rule)
    return found


def clash_message(name: str, rule: Rule, rules: RuleSet) -> str:
    """Why the short name `name` does not reach the theory's rule `rule`, and what to write."""
    mathlib = mathlib_statement(name)
    means = f"Mathlib's lemma {mathlib}" if mathlib else "a Mathlib lemma"
    table = load_table().entries.get(rule.name)
    own = f"`{table.lemma}` (its Mathlib lemma) or " if table and table.lemma else ""
    return (
        f"{name!r} is {means}, not this theory's rule {rule.name} ({_shown(rule, rules)}); "
        f"write {own}`{full_name(rule, rules.theory)}`"
    )


def _shown(rule: Rule, rules: RuleSet) -> str:
    sig = rules.theory.signature
    return f"{pretty(rule.lhs, sig)} = {pretty(rule.rhs, sig)}"


_NAMES: dict[int, tuple[RuleSet, dict[str, Rule]]] = {}


def by_lean_name(rules: RuleSet) -> Mapping[str, Rule]:
    """The rules by Lean name (full and short), once per rule set: asked per action."""
    known = _NAMES.get(id(rules))
    if known is None or known[0] is not rules:
        known = _NAMES[id(rules)] = (rules, _lean_names(rules))
    return known[1]


def _lean_names(rules: RuleSet) -> dict[str, Rule]:
    """Each rule by its full and its short Lean name, except a short name Mathlib declares as
    another lemma (`clashes`): that name means Mathlib's lemma."""
    found: dict[str, Rule] = {}
    clashing = clashes(rules)
    for rule in (r for r in rules.rules if r.evaluate is None):
        for name in (full_name(rule, rules.theory), rule.lean_name, short_name(rule)):
            if name not in clashing:
                found.setdefault(name, rule)
    return found


def own_name(rule: Rule, theory: Theory) -> str:
    """The name the exporter writes for a rule Mathlib has no rendering of: its short Lean
    name, or its full name when Mathlib declares the short one as a lemma."""
    name = short_name(rule)
    return full_name(rule, theory) if name in load_table().declarations() else rule.lean_name
