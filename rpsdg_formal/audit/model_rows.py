"""The model check of each rule, axiom and definition (see `audit.model`), as findings, and
the statements the audit table shows for them."""

from __future__ import annotations

import random
from collections.abc import Sequence

import sympy

from rpsdg_formal.audit.facts import Fact
from rpsdg_formal.audit.model import check_model
from rpsdg_formal.audit.rows import Finding
from rpsdg_formal.terms.expr import substitute
from rpsdg_formal.terms.meaning import X
from rpsdg_formal.terms.printers import to_human, to_sympy
from rpsdg_formal.theory import numerals
from rpsdg_formal.theory.rules import Condition, Rule, RuleSet

# --- model -------------------------------------------------------------------------------------


def _model_finding(verdict_ok: bool, detail: str, counterexample: str | None) -> Finding:
    return Finding(
        verdict_ok, detail if verdict_ok else f"fails in the model: {detail}", counterexample
    )


def model_variable(rules: RuleSet) -> str | None:
    """The SymPy name of the variable x when the theory's model is functions of x."""
    name = rules.theory.model_variable
    return None if name is None else str(X)


def rule_model_finding(rule: Rule, rules: RuleSet, seed: int) -> Finding:
    if rule.evaluate is not None:
        return _instances_model_finding(rule, rules, seed)
    verdict = check_model(
        rule.lhs,
        rule.rhs,
        rules.theory.signature,
        rule.conditions,
        rng=random.Random(seed),
        functions_of=model_variable(rules),
    )
    return _model_finding(verdict.ok, verdict.detail, verdict.counterexample)


def _instances_model_finding(rule: Rule, rules: RuleSet, seed: int) -> Finding:
    """A numeral-only rule holds in the model at each instance of the audit table."""
    assert rule.evaluate is not None
    instances = numerals.audit_instances(rule.evaluate.kind, rule.lhs, rule.rhs)
    for binding in instances:
        lhs, rhs = substitute(rule.lhs, binding), substitute(rule.rhs, binding)
        verdict = check_model(
            lhs,
            rhs,
            rules.theory.signature,
            rng=random.Random(seed),
            functions_of=model_variable(rules),
        )
        if not verdict.ok:
            return _model_finding(False, verdict.detail, verdict.counterexample)
    return Finding(True, f"holds at each of {len(instances)} instances")


def fact_model_finding(fact: Fact, rules: RuleSet, seed: int) -> Finding:
    sig = rules.theory.signature
    override = None
    if fact.digit is not None:
        override = 2 * to_sympy(fact.lhs, sig, {fact.lhs.head: sympy.Symbol(fact.lhs.head)})
        override += fact.digit
    # for a numeral digit the definition's body (rhs) is compared with 2 * a + digit
    lhs, rhs = (fact.rhs, fact.lhs) if override is not None else (fact.lhs, fact.rhs)
    verdict = check_model(
        lhs,
        rhs,
        sig,
        fact.hypotheses,
        fact.relation,
        random.Random(seed),
        override,
        model_variable(rules),
    )
    return _model_finding(verdict.ok, verdict.detail, verdict.counterexample)


def _when(conditions: Sequence[Condition], rules: RuleSet) -> str:
    """` when a != 0, ...` in rule-file syntax, or nothing."""
    sig = rules.theory.signature
    texts = [
        f"positive({to_human(c.lhs, sig)})"
        if c.relation == "pos"
        else f"{to_human(c.lhs, sig)} != {to_human(c.rhs, sig)}"
        for c in conditions
    ]
    return f" when {', '.join(texts)}" if texts else ""


def fact_statement(fact: Fact, rules: RuleSet) -> str:
    sig = rules.theory.signature
    if fact.digit is not None:
        body = f"{fact.name.rsplit('.', 1)[-1]} {fact.lhs.head} = {to_human(fact.rhs, sig)}"
    else:
        symbol = "=" if fact.relation == "eq" else "!="
        body = f"{to_human(fact.lhs, sig)} {symbol} {to_human(fact.rhs, sig)}"
        if fact.relation == "pos":
            body = f"positive({to_human(fact.lhs, sig)})"
    return body + _when(fact.hypotheses, rules)


def rule_text(rule: Rule, rules: RuleSet) -> str:
    sig = rules.theory.signature
    return f"{to_human(rule.lhs, sig)} = {to_human(rule.rhs, sig)}" + _when(rule.conditions, rules)
