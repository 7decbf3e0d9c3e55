"""Dataset records: one JSON object per verified theorem, derived from its proofs and verdicts,
and the reverse direction (replaying a record's steps to rebuild its certificates).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from rpsdg_formal.errors import ExprSyntaxError, RewriteError
from rpsdg_formal.families.calculus import crosscheck_plain
from rpsdg_formal.kernel.emit import LeanTheorem, hypotheses, step_proof, theorem
from rpsdg_formal.rewriting.graph import LowerBound, proof_measures
from rpsdg_formal.rewriting.steps import Step, apply_step
from rpsdg_formal.terms.expr import Expr, Kind, variables
from rpsdg_formal.terms.parse import parse_expr
from rpsdg_formal.terms.printers import to_human, to_latex, to_lean, to_plain
from rpsdg_formal.terms.signature import is_lean_ident
from rpsdg_formal.theory.rules import RuleSet
from rpsdg_formal.theory.section import Theory

SCHEMA_VERSION = 3  # 3: certificates leave each step's `have` type to Lean


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
    return {
        "state_before": to_lean(step.before, sig),
        "rule": step.rule.name,
        "direction": step.direction,
        "position": list(step.path),
        "substitution": {v: to_human(e, sig) for v, e in step.substitution},
        "state_after": to_lean(step.after, sig),
        "lean": step_proof(step, theory, hypotheses(steps, theory)),
    }


def theorem_record(
    candidate: Candidate,
    theory: Theory,
    axioms: Sequence[str],
    lean_version: str,
    lean_file: str,
    seed: int,
    accepted_alternatives: Sequence[Proof] = (),
) -> dict[str, Any]:
    """The JSONL record of a theorem the kernel accepted (with its accepted alternatives)."""
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
        "steps": [step_record(s, theory, candidate.steps) for s in candidate.steps],
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
            "steps": [step_record(s, theory, p.steps) for s in p.steps],
        }
        for p in accepted_alternatives
    ]
    record["verified"] = {
        "kernel": "lean4",
        "lean_version": lean_version,
        "axioms": list(axioms),
        "lean_file": lean_file,
    }
    record["schema"] = SCHEMA_VERSION
    return record


def field_of(record: Mapping[str, Any], key: str, kind: type) -> Any:
    value = record.get(key)
    if not isinstance(value, kind):
        raise RewriteError(f"field {key!r} is missing or not a {kind.__name__}")
    return value


def _replay_steps(start: Expr, raw_steps: list[Any], rules: RuleSet, label: str) -> list[Step]:
    current = start
    steps: list[Step] = []
    for number, raw in enumerate(raw_steps, 1):
        step = replay_step(current, raw, rules, f"{label} step {number}")
        steps.append(step)
        current = step.after
    if not steps:
        raise RewriteError(f"{label}: a theorem needs at least one step")
    return steps


def replay_step(current: Expr, raw: Any, rules: RuleSet, where: str) -> Step:
    """One recorded rewrite step applied to `current`, its recorded states checked."""
    sig = rules.theory.signature
    if not isinstance(raw, dict):
        raise RewriteError(f"{where} is not an object")
    try:
        rule = rules.by_name(field_of(raw, "rule", str))
    except KeyError:
        raise RewriteError(f"{where} uses rule {raw['rule']!r}, not in {rules.path}") from None
    direction = field_of(raw, "direction", str)
    if direction not in ("forward", "reverse"):
        raise RewriteError(f"{where}: direction must be forward or reverse")
    position = field_of(raw, "position", list)
    if not all(isinstance(p, int) and p >= 0 for p in position):
        raise RewriteError(f"{where}: position must be a list of child indices")
    subst = {
        str(k): parse_expr(str(v), sig) for k, v in field_of(raw, "substitution", dict).items()
    }
    step = apply_step(current, rule, direction == "reverse", tuple(position), subst)
    for key, tree in (("state_before", step.before), ("state_after", step.after)):
        if raw.get(key) != to_lean(tree, sig):
            raise RewriteError(f"{where}: recorded {key} does not match the replay")
    return step


def _check_problem(record: Mapping[str, Any], start: Expr, end: Expr, rules: RuleSet) -> None:
    """An integration record's plain `integrand` and `antiderivative` must be the theorem's,
    and SymPy must agree that one is the derivative of the other."""
    if "integrand" not in record:
        return
    sig = rules.theory.signature
    if start.kind is not Kind.APP or len(start.args) != 1:
        raise RewriteError("an integration record must start from D(F)")
    for key, tree in (("integrand", end), ("antiderivative", start.args[0])):
        if record.get(key) != to_plain(tree, sig):
            raise RewriteError(f"the recorded {key} is not the theorem's")
    wrong = crosscheck_plain(record["antiderivative"], record["integrand"])
    if wrong is not None:
        raise RewriteError(wrong)


def replay(record: Mapping[str, Any], rules: RuleSet) -> Candidate:
    """Rebuild a record's theorem from its start and the steps of each of its proofs.

    Every recorded state is checked against the replay, and the certificates are re-emitted
    from the replayed trees and compared with the recorded ones, so nothing from the record
    reaches Lean unparsed. Raises RewriteError naming the first thing that does not match.
    """
    sig = rules.theory.signature
    name = field_of(record, "lean_name", str)
    if not is_lean_ident(name) or "." in name:
        raise RewriteError(f"lean_name {name!r} is not a plain Lean identifier")
    alternatives = record.get("proofs", [])
    if not isinstance(alternatives, list) or not all(isinstance(p, dict) for p in alternatives):
        raise RewriteError("field 'proofs' must be a list of objects")
    try:
        start = parse_expr(field_of(record, "start", str), sig)
        proofs = [_replay_steps(start, field_of(record, "steps", list), rules, "proof 1")]
        for k, alt in enumerate(alternatives, 2):
            proofs.append(_replay_steps(start, field_of(alt, "steps", list), rules, f"proof {k}"))
    except ExprSyntaxError as err:
        raise RewriteError(f"unparsable expression: {err}") from err
    end = proofs[0][-1].after
    if to_human(end, sig) != record.get("end"):
        raise RewriteError("the recorded end does not match the replayed steps")
    if any(p[-1].after is not end for p in proofs[1:]):
        raise RewriteError("an alternative proof does not end at the theorem's end")
    _check_problem(record, start, end, rules)
    typed = record.get("schema") == 2  # schema 2 stated each step's type in its `have`
    index = int(record.get("index", 0))
    candidate = make_candidate(name, index, start, proofs, rules.theory, typed=typed)
    if candidate.lean.statement != record.get("lean_statement"):
        raise RewriteError("lean_statement does not match the theorem rebuilt from the steps")
    recorded = [record.get("lean_proof"), *(alt.get("lean_proof") for alt in alternatives)]
    names = [name, *(alt.get("lean_name") for alt in alternatives)]
    for k, (proof, text, alt_name) in enumerate(
        zip(candidate.proofs, recorded, names, strict=True)
    ):
        if proof.lean.proof != text or proof.lean.name != alt_name:
            raise RewriteError(
                f"proof {k + 1}: certificate does not match the one rebuilt from its steps"
            )
    return candidate
