"""The structure and kernel checks of each rule (see `audit.report`).

Structure: the rule loads, every one-sided variable is declared in `introduces`, no rule
repeats another up to renaming or swapping sides, and no rule name clashes with the theory.
Kernel: the Lean declaration a rule names proves exactly the equation written in the rule file
(`theorem _ : <statement from the YAML> := <name>`), using only declared axioms.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from rpsdg_formal.audit.rows import Finding
from rpsdg_formal.kernel.check import Accepted, Kernel, check_batch
from rpsdg_formal.kernel.emit import (
    LeanTheorem,
    batch_file,
    equation_statement,
    evaluation_proof,
    rule_statement,
)
from rpsdg_formal.terms.expr import Expr, canonical_pair, substitute, variables
from rpsdg_formal.theory import numerals
from rpsdg_formal.theory.rules import Rule, RuleSet

# --- structure ---------------------------------------------------------------------------------


def canonical(rule: Rule) -> tuple[Expr, Expr]:
    """The rule up to renaming and swapping sides (rules apply both ways)."""
    return canonical_pair(rule.lhs, rule.rhs)


def structure_findings(rules: RuleSet) -> dict[str, Finding]:
    """The structure check of every loaded rule, by rule name."""
    theory = rules.theory
    reserved = theory.signature.names() | theory.signature.lean_names() | {theory.carrier}
    first_seen: dict[tuple[Expr, Expr], str] = {}
    findings: dict[str, Finding] = {}
    for rule in rules.rules:
        problems = []
        left, right = set(variables(rule.lhs)), set(variables(rule.rhs))
        one_sided = sorted((left ^ right) - set(rule.introduces))
        if one_sided and rule.evaluate is None:  # numeral-only rules compute their result
            problems.append(
                f"variable(s) {one_sided} occur on one side only; reading the rule towards the "
                "other side would invent them: list them under `introduces:` if that is intended"
            )
        needless = sorted(set(rule.introduces) - (left ^ right))
        if needless:
            problems.append(f"`introduces:` lists {needless}, which occur on both sides")
        key = canonical(rule)
        if key in first_seen:
            problems.append(f"duplicates rule {first_seen[key]!r} up to renaming or swapping sides")
        else:
            first_seen[key] = rule.name
        if rule.name in reserved:
            problems.append(f"the rule name {rule.name!r} clashes with the theory's signature")
        declared = theory.qualified(rule.name)
        if rule.name in reserved:
            pass
        elif declared is not None and declared != theory.qualified(rule.lean_name):
            problems.append(
                f"the rule is named like the theory's {declared} but proven by {rule.lean_name}"
            )
        findings[rule.name] = Finding(not problems, "; ".join(problems) or "well-formed")
    return findings


# --- kernel ------------------------------------------------------------------------------------


def _kernel_checks(rule: Rule, index: int, rules: RuleSet) -> list[LeanTheorem]:
    """The theorems whose acceptance shows the rule is proven: its statement proven by its
    Lean name, or for a numeral-only rule, a table of instances proven by generated terms."""
    theory = rules.theory
    if rule.evaluate is None:
        return [LeanTheorem(f"rpsdg_audit_{index}", rule_statement(rule, theory), rule.lean_name)]
    return [
        LeanTheorem(
            f"rpsdg_audit_{index}_{j}",
            equation_statement(
                substitute(rule.lhs, binding), substitute(rule.rhs, binding), theory
            ),
            evaluation_proof(rule, binding, theory),
        )
        for j, binding in enumerate(
            numerals.audit_instances(rule.evaluate.kind, rule.lhs, rule.rhs)
        )
    ]


def kernel_findings(rules: RuleSet, kernel: Kernel) -> dict[str, Finding]:
    """For each rule: does its Lean declaration prove exactly the rule file's statement?"""
    per_rule = [_kernel_checks(rule, i, rules) for i, rule in enumerate(rules.rules)]
    checks = [c for group in per_rule for c in group]
    if not checks:
        return {}
    with tempfile.TemporaryDirectory(prefix="rpsdg-audit-") as tmp:
        verdicts = iter(
            check_batch(kernel, batch_file(rules.theory, checks), Path(tmp) / "audit.lean")
        )
    findings = {}
    for rule, group in zip(rules.rules, per_rule, strict=True):
        results = [next(verdicts) for _ in group]
        verdict = next((v for v in results if not isinstance(v, Accepted)), results[0])
        if isinstance(verdict, Accepted):
            detail = f"{rule.lean_name} proves exactly this statement"
            if rule.evaluate is not None:
                detail = f"generated proofs of {len(group)} instances accepted"
            findings[rule.name] = Finding(True, detail)
            continue
        text = " ".join(verdict.messages)
        if "nknown identifier" in text or "nknown constant" in text:
            detail = f"Lean declaration {rule.lean_name!r} does not exist"
        elif verdict.messages:
            detail = (
                f"Lean declaration {rule.lean_name!r} proves a different statement than "
                f"the rule file says ({_first_line(verdict.messages[0])})"
            )
        else:
            detail = verdict.reason
        findings[rule.name] = Finding(False, detail)
    return findings


def _first_line(message: str) -> str:
    body = message.split(": ", 2)[-1]
    return " ".join(body.split())[:300]
