"""Dataset records: one JSON object per verified theorem, derived from its proofs and verdicts,
and the reverse direction (replaying a record's steps to rebuild its certificates).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from rpsdg_formal.dataset.record import SCHEMA_VERSION, Row, StepRow, TheoremRecord
from rpsdg_formal.errors import ExprSyntaxError, RecordError, RewriteError
from rpsdg_formal.kernel.emit import Hypothesis, LeanTheorem, hypotheses, step_proof, theorem
from rpsdg_formal.rewriting.graph import LowerBound, proof_measures
from rpsdg_formal.rewriting.steps import Step, apply_step
from rpsdg_formal.terms.expr import Expr, variables
from rpsdg_formal.terms.parse import parse_expr
from rpsdg_formal.terms.printers import to_human, to_latex, to_lean
from rpsdg_formal.terms.signature import is_lean_ident
from rpsdg_formal.theory.rules import RuleSet
from rpsdg_formal.theory.section import Theory


@dataclass(frozen=True)
class Proof:
    """One proof of a theorem: its steps and the Lean theorem certifying them."""

    steps: tuple[Step, ...]
    lean: LeanTheorem


@dataclass(frozen=True)
class Candidate:
    """A theorem before the kernel has judged it: the primary proof first, then alternatives."""

    id: str
    index: int
    binders: tuple[str, ...]
    start: Expr
    proofs: tuple[Proof, ...]
    bound: LowerBound | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)  # family fields (e.g. integrand)

    @property
    def steps(self) -> tuple[Step, ...]:
        return self.proofs[0].steps

    @property
    def lean(self) -> LeanTheorem:
        return self.proofs[0].lean

    @property
    def end(self) -> Expr:
        return self.steps[-1].after


def binders_of(start: Expr, end: Expr) -> tuple[str, ...]:
    """Theorem variables: those of `start`, then any new ones of `end`, by first occurrence."""
    return tuple(dict.fromkeys(variables(start) + variables(end)))


def proof_name(id_: str, number: int) -> str:
    """The Lean name of proof `number` (0 is the primary proof, named like the theorem)."""
    return id_ if number == 0 else f"{id_}_p{number + 1}"


def make_candidate(
    id_: str,
    index: int,
    start: Expr,
    proofs: Sequence[Sequence[Step]],
    theory: Theory,
    bound: LowerBound | None = None,
    extra: Mapping[str, Any] | None = None,
    typed: bool = False,
) -> Candidate:
    binders = binders_of(start, proofs[0][-1].after)
    made = tuple(
        Proof(tuple(steps), theorem(proof_name(id_, k), binders, start, steps, theory, typed))
        for k, steps in enumerate(proofs)
    )
    return Candidate(id_, index, binders, start, made, bound, dict(extra or {}))


def step_record(step: Step, theory: Theory, steps: Sequence[Step] = ()) -> dict[str, Any]:
    """One step as data; `steps` (the whole proof) names the hypotheses it may use."""
    sig = theory.signature
    return _step_row(step, theory, hypotheses(steps, theory), lambda e: to_lean(e, sig))


def step_records(steps: Sequence[Step], theory: Theory) -> list[dict[str, Any]]:
    """`step_record` of each step of a proof, with the proof's hypotheses found once and each
    intermediate expression printed once (it is one step's result and the next one's start)."""
    sig = theory.signature
    printed: dict[Expr, str] = {}

    def lean(expr: Expr) -> str:
        text = printed.get(expr)
        if text is None:
            text = printed[expr] = to_lean(expr, sig)
        return text

    assumed = hypotheses(steps, theory)
    return [_step_row(step, theory, assumed, lean) for step in steps]


def _step_row(
    step: Step, theory: Theory, assumed: Sequence[Hypothesis], lean: Callable[[Expr], str]
) -> dict[str, Any]:
    sig = theory.signature
    return {
        "state_before": lean(step.before),
        "rule": step.rule.name,
        "direction": step.direction,
        "position": list(step.path),
        "substitution": {v: to_human(e, sig) for v, e in step.substitution},
        "state_after": lean(step.after),
        "lean": step_proof(step, theory, assumed),
    }


def theorem_record(
    candidate: Candidate,
    theory: Theory,
    axioms: Sequence[str],
    lean_version: str,
    lean_file: str,
    seed: int,
    accepted_alternatives: Sequence[Proof] = (),
    schema: int | None = SCHEMA_VERSION,
) -> TheoremRecord:
    """The record of a theorem the kernel accepted (with its accepted alternatives)."""
    sig = theory.signature
    start, end = candidate.start, candidate.end
    record: dict[str, Any] = {
        "id": candidate.id,
        "theory": theory.name,
        "seed": seed,
        "index": candidate.index,
        "statement": f"{to_lean(start, sig)} = {to_lean(end, sig)}",
        "variables": list(candidate.binders),
        "start": to_human(start, sig),
        "end": to_human(end, sig),
        "latex": f"{to_latex(start, sig)} = {to_latex(end, sig)}",
        "lean_name": candidate.lean.name,
        "lean_statement": candidate.lean.statement,
        "lean_proof": candidate.lean.proof,
        "steps": step_records(candidate.steps, theory),
        "proof_length": len(candidate.steps),
    }
    if candidate.bound is not None:
        bound = candidate.bound
        record["min_length_lower_bound"] = bound.value
        record["bound_search"] = {
            "exact": bound.exact,
            "forward_radius": bound.forward,
            "backward_radius": bound.backward,
            "size_cap": bound.size_cap,
            "nodes": bound.nodes,
        }
    record.update(candidate.extra)
    record["measures"] = proof_measures(candidate.steps)
    record["rules_used"] = sorted({s.rule.name for s in candidate.steps})
    record["proofs"] = [
        {
            "lean_name": p.lean.name,
            "lean_proof": p.lean.proof,
            "steps": step_records(p.steps, theory),
        }
        for p in accepted_alternatives
    ]
    record["verified"] = {
        "kernel": "lean4",
        "lean_version": lean_version,
        "axioms": list(axioms),
        "lean_file": lean_file,
    }
    if schema is not None:  # None: a record from before the field
        record["schema"] = schema
    return TheoremRecord.from_json(record)


def kept_schema(record: TheoremRecord) -> int | None:
    """The schema a re-derived record keeps: an older one (2, or none) is replayed as it was
    written; any other is re-derived as the current one, so an unknown value differs."""
    return record.schema if record.schema in (None, 2) else SCHEMA_VERSION


def _replay_steps(start: Expr, rows: Sequence[Row], rules: RuleSet, label: str) -> list[Step]:
    current = start
    steps: list[Step] = []
    for number, row in enumerate(rows, 1):
        where = f"{label} step {number}"
        if not isinstance(row, StepRow):
            raise RecordError(where, "an equation step in a chain of rewrites")
        step = replay_step(current, row, rules, where)
        steps.append(step)
        current = step.after
    if not steps:
        raise RewriteError(f"{label}: a theorem needs at least one step")
    return steps


def replay_step(current: Expr, row: StepRow, rules: RuleSet, where: str) -> Step:
    """One recorded rewrite step applied to `current`, its recorded states checked."""
    sig = rules.theory.signature
    try:
        rule = rules.by_name(row.rule)
    except KeyError:
        raise RewriteError(f"{where} uses rule {row.rule!r}, not in {rules.path}") from None
    subst = {k: parse_expr(v, sig) for k, v in row.substitution}
    step = apply_step(current, rule, row.direction == "reverse", row.position, subst)
    for key, tree, text in (
        ("state_before", step.before, row.state_before),
        ("state_after", step.after, row.state_after),
    ):
        if text != to_lean(tree, sig):
            raise RewriteError(f"{where}: recorded {key} does not match the replay")
    return step


def plain_name(record: TheoremRecord) -> str:
    """The record's Lean name, refused unless it is a plain identifier."""
    name = record.lean_name
    if not is_lean_ident(name) or "." in name:
        raise RecordError("lean_name", f"{name!r} is not a plain Lean identifier")
    return name


def replay(record: TheoremRecord, rules: RuleSet) -> Candidate:
    """Rebuild a record's theorem from its start and the steps of each of its proofs.

    Every recorded state is checked against the replay, and the certificates are re-emitted
    from the replayed trees and compared with the recorded ones, so nothing from the record
    reaches Lean unparsed. Raises RewriteError naming the first thing that does not match.
    """
    sig = rules.theory.signature
    name = plain_name(record)
    try:
        start = parse_expr(record.start, sig)
        proofs = [_replay_steps(start, record.steps, rules, "proof 1")]
        for k, alt in enumerate(record.proofs, 2):
            proofs.append(_replay_steps(start, alt.steps, rules, f"proof {k}"))
    except ExprSyntaxError as err:
        raise RewriteError(f"unparsable expression: {err}") from err
    end = proofs[0][-1].after
    if to_human(end, sig) != record.end:
        raise RewriteError("the recorded end does not match the replayed steps")
    if any(p[-1].after is not end for p in proofs[1:]):
        raise RewriteError("an alternative proof does not end at the theorem's end")
    typed = record.schema == 2  # schema 2 stated each step's type in its `have`
    index = record.index or 0
    candidate = make_candidate(name, index, start, proofs, rules.theory, typed=typed)
    if candidate.lean.statement != record.lean_statement:
        raise RewriteError("lean_statement does not match the theorem rebuilt from the steps")
    recorded = [(name, record.lean_proof), *((a.lean_name, a.lean_proof) for a in record.proofs)]
    for k, (proof, (alt_name, text)) in enumerate(zip(candidate.proofs, recorded, strict=True)):
        if proof.lean.proof != text or proof.lean.name != alt_name:
            raise RewriteError(
                f"proof {k + 1}: certificate does not match the one rebuilt from its steps"
            )
    return candidate
