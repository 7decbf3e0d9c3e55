"""The rule soundness audit: every rule and every axiom of its theory, checked three ways.

1. Kernel: the Lean declaration a rule names proves exactly the equation written in the rule
   file (`theorem _ : <statement from the YAML> := <name>`), using only declared axioms.
2. Model: every rule, axiom and operator definition holds in the intended model (`model`).
3. Structure: the rule loads, every one-sided variable is declared in `introduces`, no rule
   repeats another up to renaming or swapping sides, and no rule name clashes with the theory.

A rule set passes only if every row passes. A passing audit is recorded in the cache under
the hash of the rule file and of every Lean source of its theory; `generate` refuses a rule
file without one.
"""

from __future__ import annotations

import hashlib
import json
import random
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import sympy

from rpsdg_formal.audit.facts import Fact, theory_meanings
from rpsdg_formal.audit.model import check_model
from rpsdg_formal.errors import RpsdgError
from rpsdg_formal.kernel.check import Accepted, Kernel, check_batch
from rpsdg_formal.kernel.emit import (
    LeanTheorem,
    batch_file,
    equation_statement,
    evaluation_proof,
    rule_statement,
)
from rpsdg_formal.terms.expr import Expr, canonical_pair, substitute, variables
from rpsdg_formal.terms.meaning import X
from rpsdg_formal.terms.printers import to_human, to_sympy
from rpsdg_formal.theory import numerals
from rpsdg_formal.theory.rules import Condition, Rule, RuleSet, load_rule_file

AUDIT_VERSION = 3  # 3: meanings from Lean, proofs in the model, the model registry


class AuditRequiredError(RpsdgError, PermissionError):
    """`generate` was given a rule file that has not passed the audit."""


@dataclass(frozen=True)
class Finding:
    """The outcome of one check of one row: passed or not, and why (with a counterexample)."""

    ok: bool
    detail: str
    counterexample: str | None = None


@dataclass(frozen=True)
class AuditRow:
    """One rule, axiom or definition and its verdict under each check that applies to it."""

    kind: str  # "rule", "axiom", "definition"
    name: str
    location: str
    statement: str
    structure: Finding | None = None
    kernel: Finding | None = None
    model: Finding | None = None

    @property
    def ok(self) -> bool:
        return all(f.ok for f in (self.structure, self.kernel, self.model) if f is not None)

    def reasons(self) -> list[str]:
        checks = (("structure", self.structure), ("kernel", self.kernel), ("model", self.model))
        return [f"{label}: {f.detail}" for label, f in checks if f is not None and not f.ok]


@dataclass(frozen=True)
class AuditReport:
    """The whole audit of one rule file."""

    path: str
    theory: str
    rows: tuple[AuditRow, ...]
    seconds: float
    lean_version: str

    @property
    def ok(self) -> bool:
        return bool(self.rows) and all(row.ok for row in self.rows)

    def to_json(self) -> dict[str, Any]:
        return {
            "file": self.path,
            "theory": self.theory,
            "passed": self.ok,
            "lean_version": self.lean_version,
            "seconds": round(self.seconds, 3),
            "rows": [{**asdict(row), "ok": row.ok} for row in self.rows],
        }

    def table(self) -> str:
        """A fixed-width table: one row per rule, axiom and definition, then the reasons."""

        def mark(finding: Finding | None) -> str:
            return "-" if finding is None else ("ok" if finding.ok else "FAIL")

        width = max([len(r.name) for r in self.rows] + [4])
        head = (
            f"{'kind':<10} {'name':<{width}} {'structure':<9} {'kernel':<6} {'model':<5}  verdict"
        )
        lines = [head, "-" * len(head)]
        for row in self.rows:
            model = mark(row.model)
            lines.append(
                f"{row.kind:<10} {row.name:<{width}} {mark(row.structure):<9} "
                f"{mark(row.kernel):<6} {model:<5}  {'PASS' if row.ok else 'FAIL'}"
            )
        failed = [row for row in self.rows if not row.ok]
        if failed:
            lines.append("")
            for row in failed:
                lines.append(f"{row.location}: {row.kind} {row.name}: {row.statement}")
                lines.extend(f"    {reason}" for reason in row.reasons())
        passed = sum(row.ok for row in self.rows)
        verdict = "PASSED" if self.ok else "FAILED"
        lines.append("")
        lines.append(
            f"audit {verdict}: {passed}/{len(self.rows)} rows pass ({self.path}, theory "
            f"{self.theory}, Lean {self.lean_version}, {self.seconds:.1f} s)"
        )
        return "\n".join(lines)


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
        verdict = check_model(lhs, rhs, rules.theory.signature, rng=random.Random(seed))
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


def _fact_statement(fact: Fact, rules: RuleSet) -> str:
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


# --- the audit ---------------------------------------------------------------------------------


def run_audit(path: Path, kernel_for: Any, seed: int = 0) -> AuditReport:
    """Audit the rule file at `path`. `kernel_for(theory)` returns a ready `Kernel`."""
    started = time.perf_counter()
    rules, problems = load_rule_file(path)
    kernel: Kernel = kernel_for(rules.theory)
    structure = structure_findings(rules)
    kernel_checks = kernel_findings(rules, kernel)
    rows: list[AuditRow] = []
    meanings = theory_meanings(rules.theory, kernel)
    for constant in meanings.constants:
        checked = Finding(True, f"{constant.detail}, as Lean declares it")
        location = f"{constant.path}:{constant.line}"
        rows.append(AuditRow("constant", constant.name, location, constant.detail, model=checked))
    for fact in meanings.facts:
        rows.append(
            AuditRow(
                fact.kind,
                fact.name,
                f"{fact.path}:{fact.line}",
                _fact_statement(fact, rules),
                model=fact_model_finding(fact, rules, seed),
            )
        )
    for item in meanings.unreadable:
        finding = Finding(False, f"cannot be interpreted from Lean's elaboration: {item.reason}")
        rows.append(AuditRow(item.kind, item.name, f"{item.path}:{item.line}", "?", model=finding))
    for problem in problems:
        rows.append(
            AuditRow(
                "rule",
                problem.name,
                f"{rules.path}:{problem.line}",
                "?",
                structure=Finding(False, problem.message),
            )
        )
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
    seconds = time.perf_counter() - started
    return AuditReport(str(path), rules.theory.name, tuple(rows), seconds, kernel.version)


# --- the record of passed audits ---------------------------------------------------------------


def audit_key(rules: RuleSet) -> str:
    """What a passed audit vouches for: the rule file's bytes and every Lean source it uses."""
    digest = hashlib.sha256()
    digest.update(f"audit-v{AUDIT_VERSION}\0".encode())
    digest.update(rules.path.read_bytes())
    digest.update(rules.theory.source_hash().encode())
    return digest.hexdigest()


def _record_path(cache_dir: Path, key: str) -> Path:
    return cache_dir / "audits" / f"{key}.json"


def record_audit(report: AuditReport, rules: RuleSet, cache_dir: Path) -> None:
    """Remember a passed audit (a failed one is not recorded: generate must keep refusing)."""
    if not report.ok:
        return
    target = _record_path(cache_dir, audit_key(rules))
    target.parent.mkdir(parents=True, exist_ok=True)
    temp = target.with_suffix(".tmp")
    temp.write_text(json.dumps(report.to_json(), indent=1), encoding="utf-8")
    temp.replace(target)


def require_audit(rules: RuleSet, cache_dir: Path) -> None:
    """Raise AuditRequiredError unless this exact rule file and theory have passed the audit."""
    record = _record_path(cache_dir, audit_key(rules))
    try:
        passed = json.loads(record.read_text(encoding="utf-8")).get("passed") is True
    except (OSError, ValueError):
        passed = False
    if not passed:
        raise AuditRequiredError(
            f"{rules.path} has not passed the soundness audit (or it or its Lean theory changed "
            f"since); run `rpsdg-formal audit {rules.path}` first"
        )
