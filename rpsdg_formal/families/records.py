"""Dataset records: one JSON object per verified theorem, derived from its proofs and verdicts,
and the reverse direction (replaying a record's steps to rebuild its certificates).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from rpsdg_formal.dataset.record import (
    SCHEMA_VERSION,
    ProofRow,
    Row,
    StepRow,
    TheoremRecord,
    Verified,
)
from rpsdg_formal.errors import ExprSyntaxError, RecordError, RewriteError
from rpsdg_formal.kernel.emit import LeanTheorem, certificate, hypotheses, step_proof
from rpsdg_formal.kernel.emit_compiled import compiled_binders
from rpsdg_formal.rewriting.graph import LowerBound, proof_measures
from rpsdg_formal.rewriting.steps import Step, apply_step
from rpsdg_formal.terms.expr import Expr, variables
from rpsdg_formal.terms.extension import Switch, init_and_new, optional_extension, stores_only
from rpsdg_formal.terms.parse import parse_expr
from rpsdg_formal.terms.printers import to_human, to_lean
from rpsdg_formal.terms.signature import Signature, is_lean_ident
from rpsdg_formal.terms.texts import SignatureTexts, texts_of
from rpsdg_formal.theory.rules import RuleSet
from rpsdg_formal.theory.section import Theory


@dataclass(frozen=True)
class Proof:
    """One proof of a theorem: its steps and the Lean theorem certifying them, with each step's
    proof term as the certificate's `have`s state it (empty: not kept, derived when needed)."""

    steps: tuple[Step, ...]
    lean: LeanTheorem
    terms: tuple[str, ...] = ()


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
    end = proofs[0][-1].after
    binders = compiled_binders(start, end)
    binders = binders_of(start, end) if binders is None else binders
    made = []
    for k, steps in enumerate(proofs):
        lean, terms = certificate(proof_name(id_, k), binders, start, steps, theory, typed)
        made.append(Proof(tuple(steps), lean, terms))
    return Candidate(id_, index, binders, start, tuple(made), bound, dict(extra or {}))


def step_record(step: Step, theory: Theory, steps: Sequence[Step] = ()) -> dict[str, Any]:
    """One step as data; `steps` (the whole proof) names the hypotheses it may use."""
    term = step_proof(step, theory, hypotheses(steps, theory))
    return step_row(step, theory.signature, term).to_json()


def step_rows(proof: Proof, theory: Theory) -> tuple[StepRow, ...]:
    """The record rows of a proof's steps, with the proof terms of its certificate (derived
    here when the proof does not keep them)."""
    texts, terms = texts_of(theory.signature), proof.terms
    if len(terms) != len(proof.steps):
        assumed = hypotheses(proof.steps, theory)
        terms = tuple([step_proof(step, theory, assumed) for step in proof.steps])
    return _rows(proof.steps, terms, texts)


def step_row(step: Step, sig: Signature, term: str) -> StepRow:
    """One step's record row, `term` its proof term: built as `StepRow.from_json` would read
    its JSON (a test holds the two equal), without writing and re-reading that JSON."""
    return _rows((step,), (term,), texts_of(sig))[0]


def _rows(
    steps: Sequence[Step], terms: Sequence[str], texts: SignatureTexts
) -> tuple[StepRow, ...]:
    """The rows of consecutive steps: made by the compiled rows (`families/_rows.c`) where it
    is built and switched on and `StepRow` is made as it makes rows (`_compiled_class`), else
    (or for a step it does not make) by `python_rows`."""
    if _ROWS is not None and _COMPILED_ROWS.on and _compiled_class(StepRow):
        made = _ROWS.rows(tuple(steps), tuple(terms), texts.infix, StepRow)
        if made is not None:
            return cast(tuple[StepRow, ...], made)
    return python_rows(steps, terms, texts)


def python_rows(
    steps: Sequence[Step], terms: Sequence[str], texts: SignatureTexts
) -> tuple[StepRow, ...]:
    """The rows of consecutive steps, each state printed once: a step's state before is the
    state after of the step before it when they are the same tree (as they are in a proof)."""
    text = texts.infix  # (Lean syntax for the states, human syntax for the substitution)
    rows: list[StepRow] = []
    last: Expr | None = None
    last_text = ""
    for step, term in zip(steps, terms, strict=True):
        before = last_text if step.before is last else text(step.before, True)
        last, last_text = step.after, text(step.after, True)
        substitution = tuple([(name, text(value, False)) for name, value in step.substitution])
        rows.append(
            StepRow(
                before, step.rule.name, step.direction, step.path, substitution, last_text, term
            )
        )
    return tuple(rows)


def use_compiled_rows(on: bool) -> bool:
    """Make step rows with the compiled rows where built (`on`, the default) or in Python;
    returns the previous setting (for tests that compare the two)."""
    return _COMPILED_ROWS.set(on)


def _compiled_class(cls: type) -> bool:
    """Whether the compiled rows may make rows of `cls`: its `__init__` is the one
    `dataclasses` generates for the fields the C code sets (`_rows.FIELDS`), which only stores
    them (`stores_only`); asked once per class, `__init__` and `__new__` (a class changed in a
    test is asked again)."""
    key = (cls, *init_and_new(cls))
    known = _CHECKED.get(key)
    if known is None:
        fields = getattr(_ROWS, "FIELDS", None)  # (a build from before `FIELDS`: not used)
        known = _CHECKED[key] = isinstance(fields, tuple) and stores_only(cls, fields)
    return known


_ROWS = optional_extension("families._rows")
_COMPILED_ROWS = Switch()
_CHECKED: dict[tuple[object, ...], bool] = {}


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
    """The record of a theorem the kernel accepted (with its accepted alternatives).

    Its fields are built typed, in the order `generate` writes them; a family's own fields
    (`candidate.extra`, which may also set typed ones such as `family`) come between the bound
    and the measures, and a record with such fields is read back from that JSON."""
    texts, steps, lean = texts_of(theory.signature), candidate.steps, candidate.lean
    start, end = candidate.start, candidate.end
    rows = step_rows(candidate.proofs[0], theory)  # (their states print start and end)
    lean_start = rows[0].state_before if steps[0].before is start else texts.infix(start, True)
    first: dict[str, Any] = {  # (`texts` prints as `to_lean`, `to_human` and `to_latex` do)
        "id": candidate.id,
        "theory": theory.name,
        "seed": seed,
        "index": candidate.index,
        "statement": f"{lean_start} = {rows[-1].state_after}",
        "variables": candidate.binders,
        "start": texts.infix(start, False),
        "end": texts.infix(end, False),
        "latex": f"{texts.to_latex(start)} = {texts.to_latex(end)}",
        "lean_name": lean.name,
        "lean_statement": lean.statement,
        "lean_proof": lean.proof,
        "steps": rows,
        "proof_length": len(steps),
    }
    if candidate.bound is not None:
        first.update(_bound_fields(candidate.bound))
    last: dict[str, Any] = {
        "measures": proof_measures(steps),
        "rules_used": tuple(sorted({s.rule.name for s in steps})),
        "proofs": tuple(
            [
                ProofRow(p.lean.name, p.lean.proof, step_rows(p, theory))
                for p in accepted_alternatives
            ]
        ),
        "verified": Verified("lean4", lean_version, tuple(axioms), lean_file),
    }
    if schema is not None:  # None: a record from before the field
        last["schema"] = schema
    record = TheoremRecord(**first, **last, layout=(*first, *last))
    if not candidate.extra:
        return record
    written = record.to_json()
    merged = {k: written[k] for k in first}
    merged.update(candidate.extra)
    merged.update({k: written[k] for k in last})
    return TheoremRecord.from_json(merged)


def _bound_fields(bound: LowerBound) -> dict[str, Any]:
    return {
        "min_length_lower_bound": bound.value,
        "bound_search": {
            "exact": bound.exact,
            "forward_radius": bound.forward,
            "backward_radius": bound.backward,
            "size_cap": bound.size_cap,
            "nodes": bound.nodes,
        },
    }


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
