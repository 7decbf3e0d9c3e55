"""The rule soundness audit: every rule and every axiom of its theory, checked three ways.

1. Kernel: the Lean declaration a rule names proves exactly the equation written in the rule
   file (`theorem _ : <statement from the YAML> := <name>`), using only declared axioms.
2. Model: every rule, and every axiom and operator definition of the theory as Lean itself
   elaborated it (`facts`), is proven in the trusted model (`model`, `proof`); every
   declaration is one the audit can interpret, or the audit fails.
3. Structure: the rule loads, every one-sided variable is declared in `introduces`, no rule
   repeats another up to renaming or swapping sides, and no rule name clashes with the theory;
   every operator renders as its registry entry does (`renderings`).

A rule set passes only if every row passes. A passing audit is recorded in the cache under
the hash of the rule file and of every Lean source of its theory (`record`); `generate` refuses
a rule file without one.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rpsdg_formal.audit.checks import canonical, kernel_findings, structure_findings
from rpsdg_formal.audit.facts import theory_meanings
from rpsdg_formal.audit.model_rows import (
    fact_model_finding,
    fact_statement,
    rule_model_finding,
    rule_text,
)
from rpsdg_formal.audit.record import AuditRequiredError, record_audit, require_audit
from rpsdg_formal.audit.renderings import rendering_checks
from rpsdg_formal.audit.rows import AuditReport, AuditRow, Finding
from rpsdg_formal.kernel.check import Kernel
from rpsdg_formal.theory.rules import RuleSet, load_rule_file

__all__ = [
    "AuditReport",
    "AuditRequiredError",
    "AuditRow",
    "Finding",
    "canonical",
    "record_audit",
    "require_audit",
    "run_audit",
]

# --- the audit ---------------------------------------------------------------------------------


class _Ticker:
    """Tells `progress(done, total)` of every finished row; the total is complete before the
    first row, once Lean's answers have said how many declarations there are."""

    def __init__(self, progress: Callable[[int, int], None] | None, total: int) -> None:
        self.progress, self.done, self.total = progress, 0, total

    def expect(self, more: int) -> None:
        self.total += more

    def __call__(self, rows: int = 1) -> None:
        self.done += rows
        if self.progress is not None:
            self.progress(self.done, self.total)


def run_audit(
    path: Path,
    kernel_for: Any,
    seed: int = 0,
    progress: Callable[[int, int], None] | None = None,
) -> AuditReport:
    """Audit the rule file at `path`. `kernel_for(theory)` returns a ready `Kernel`;
    `progress(done, total)`, if given, hears of every row finished (the model checks take
    most of the time)."""
    started = time.perf_counter()
    rules, problems = load_rule_file(path)
    kernel: Kernel = kernel_for(rules.theory)
    rendering = _rendering_rows(rules, seed)
    tick = _Ticker(progress, len(rendering) + len(problems) + len(rules.rules))
    rows = _theory_rows(rules, kernel, seed, tick)
    tick(len(rendering))
    rows += rendering
    rows += [
        AuditRow("rule", p.name, f"{rules.path}:{p.line}", "?", structure=Finding(False, p.message))
        for p in problems
    ]
    tick(len(problems))
    rows += _rule_rows(rules, kernel, seed, tick)
    seconds = time.perf_counter() - started
    return AuditReport(str(path), rules.theory.name, tuple(rows), seconds, kernel.version)


def _theory_rows(rules: RuleSet, kernel: Kernel, seed: int, tick: _Ticker) -> list[AuditRow]:
    """A row per declaration of the theory, as Lean elaborated it (`audit.facts`)."""
    meanings = theory_meanings(rules.theory, kernel)
    tick.expect(len(meanings.constants) + len(meanings.facts) + len(meanings.unreadable))
    rows = [
        AuditRow(
            "constant",
            c.name,
            f"{c.path}:{c.line}",
            c.detail,
            model=Finding(True, f"{c.detail}, as Lean declares it"),
        )
        for c in meanings.constants
    ]
    for _ in rows:
        tick()
    for fact in meanings.facts:
        finding = fact_model_finding(fact, rules, seed)
        statement = fact_statement(fact, rules)
        rows.append(
            AuditRow(fact.kind, fact.name, f"{fact.path}:{fact.line}", statement, model=finding)
        )
        tick()
    for item in meanings.unreadable:
        finding = Finding(False, f"cannot be interpreted from Lean's elaboration: {item.reason}")
        rows.append(AuditRow(item.kind, item.name, f"{item.path}:{item.line}", "?", model=finding))
    tick(len(meanings.unreadable))
    return rows


def _rendering_rows(rules: RuleSet, seed: int) -> list[AuditRow]:
    """A row per operator's display fields and one for the printers on random trees."""
    return [
        AuditRow(
            "rendering",
            check.name,
            str(rules.path),
            "every rendering says what the tree means",
            structure=Finding(check.ok, _rendering_detail(check.ok, check.detail)),
        )
        for check in rendering_checks(rules.theory.signature, seed)
    ]


def _rendering_detail(ok: bool, detail: str) -> str:
    return detail if ok else f"a rendering that says another expression: {detail}"


def _rule_rows(rules: RuleSet, kernel: Kernel, seed: int, tick: _Ticker) -> list[AuditRow]:
    structure = structure_findings(rules)
    kernel_checks = kernel_findings(rules, kernel)
    rows = []
    for rule in rules.rules:
        rows.append(
            AuditRow(
                "rule",
                rule.name,
                f"{rules.path}:{rule.line}",
                rule_text(rule, rules),
                structure=structure[rule.name],
                kernel=kernel_checks[rule.name],
                model=rule_model_finding(rule, rules, seed),
            )
        )
        tick()
    return rows
