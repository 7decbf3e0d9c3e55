"""Dataset records: one JSON object per verified theorem, derived from its walk and verdict,
and the reverse direction (replaying a record's steps to rebuild its certificate).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .emit import LeanTheorem, step_proof, theorem
from .errors import ExprSyntaxError, RewriteError
from .expr import Expr, variables
from .parse import parse_expr
from .printers import to_human, to_latex, to_lean
from .rewrite import Step, apply_step
from .rules import RuleSet
from .signature import is_lean_ident
from .theory import Theory

SCHEMA_VERSION = 1


@dataclass(frozen=True)
class Candidate:
    """A theorem before the kernel has judged it."""

    id: str
    index: int
    binders: tuple[str, ...]
    start: Expr
    steps: tuple[Step, ...]
    lean: LeanTheorem

    @property
    def end(self) -> Expr:
        return self.steps[-1].after


def binders_of(start: Expr, end: Expr) -> tuple[str, ...]:
    """Theorem variables: those of `start`, then any new ones of `end`, by first occurrence."""
    return tuple(dict.fromkeys(variables(start) + variables(end)))


def make_candidate(
    id_: str, index: int, start: Expr, steps: Sequence[Step], theory: Theory
) -> Candidate:
    binders = binders_of(start, steps[-1].after)
    return Candidate(
        id_, index, binders, start, tuple(steps), theorem(id_, binders, start, steps, theory)
    )


def step_record(step: Step, theory: Theory) -> dict[str, Any]:
    sig = theory.signature
    return {
        "state_before": to_lean(step.before, sig),
        "rule": step.rule.name,
        "direction": step.direction,
        "position": list(step.path),
        "substitution": {v: to_human(e, sig) for v, e in step.substitution},
        "state_after": to_lean(step.after, sig),
        "lean": step_proof(step, theory),
    }


def theorem_record(
    candidate: Candidate,
    theory: Theory,
    axioms: Sequence[str],
    lean_version: str,
    lean_file: str,
    seed: int,
) -> dict[str, Any]:
    """The JSONL record of a theorem the kernel accepted."""
    sig = theory.signature
    start, end = candidate.start, candidate.end
    return {
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
        "steps": [step_record(s, theory) for s in candidate.steps],
        "proof_length": len(candidate.steps),
        "verified": {
            "kernel": "lean4",
            "lean_version": lean_version,
            "axioms": list(axioms),
            "lean_file": lean_file,
        },
        "schema": SCHEMA_VERSION,
    }


def _field(record: Mapping[str, Any], key: str, kind: type) -> Any:
    value = record.get(key)
    if not isinstance(value, kind):
        raise RewriteError(f"field {key!r} is missing or not a {kind.__name__}")
    return value


def replay(record: Mapping[str, Any], rules: RuleSet) -> Candidate:
    """Rebuild a record's theorem from its start and steps, checking every recorded state.

    Raises RewriteError naming the first thing that does not match. Nothing from the record
    reaches Lean unparsed: the certificate is re-emitted from the replayed trees.
    """
    sig = rules.theory.signature
    try:
        start = parse_expr(_field(record, "start", str), sig)
        current = start
        steps: list[Step] = []
        for number, raw in enumerate(_field(record, "steps", list), 1):
            if not isinstance(raw, dict):
                raise RewriteError(f"step {number} is not an object")
            try:
                rule = rules.by_name(_field(raw, "rule", str))
            except KeyError:
                raise RewriteError(
                    f"step {number} uses rule {raw['rule']!r}, not in {rules.path}"
                ) from None
            direction = _field(raw, "direction", str)
            if direction not in ("forward", "reverse"):
                raise RewriteError(f"step {number}: direction must be forward or reverse")
            position = _field(raw, "position", list)
            if not all(isinstance(p, int) and p >= 0 for p in position):
                raise RewriteError(f"step {number}: position must be a list of child indices")
            subst = {
                str(k): parse_expr(str(v), sig)
                for k, v in _field(raw, "substitution", dict).items()
            }
            step = apply_step(current, rule, direction == "reverse", tuple(position), subst)
            for key, tree in (("state_before", step.before), ("state_after", step.after)):
                if raw.get(key) != to_lean(tree, sig):
                    raise RewriteError(f"step {number}: recorded {key} does not match the replay")
            steps.append(step)
            current = step.after
        if not steps:
            raise RewriteError("a theorem needs at least one step")
        if to_human(current, sig) != record.get("end"):
            raise RewriteError("the recorded end does not match the replayed steps")
    except ExprSyntaxError as err:
        raise RewriteError(f"unparsable expression: {err}") from err
    name = _field(record, "lean_name", str)
    if not is_lean_ident(name) or "." in name:
        raise RewriteError(f"lean_name {name!r} is not a plain Lean identifier")
    candidate = make_candidate(name, int(record.get("index", 0)), start, steps, rules.theory)
    if candidate.lean.statement != record.get("lean_statement"):
        raise RewriteError("lean_statement does not match the theorem rebuilt from the steps")
    if candidate.lean.proof != record.get("lean_proof"):
        raise RewriteError("lean_proof does not match the certificate rebuilt from the steps")
    return candidate
