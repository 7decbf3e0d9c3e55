"""`families.records.theorem_record` builds the typed record directly, without writing its
JSON and reading it back: the record it builds must be exactly the one `TheoremRecord.from_json`
reads from its JSON (key order included), and that JSON must be the one the first definition
wrote (its dict, reproduced here), for rewrite theorems of every shipped rewrite theory and for
calculus theorems, whose family fields also set typed ones (`family`, the bound)."""

from __future__ import annotations

from typing import Any

import pytest

from rpsdg_formal.dataset.record import SCHEMA_VERSION, TheoremRecord
from rpsdg_formal.families.calculus import draw_problem, problem_fields, unusable
from rpsdg_formal.families.calculus_config import CalculusConfig
from rpsdg_formal.families.derive import Engine
from rpsdg_formal.families.records import Candidate, make_candidate, theorem_record
from rpsdg_formal.families.rewrite_family import RewriteFamily
from rpsdg_formal.kernel.emit import hypotheses, step_proof
from rpsdg_formal.pipeline.prepare import Preparer
from rpsdg_formal.rewriting.graph import proof_measures
from rpsdg_formal.rewriting.selection import SelectConfig, select_theorem
from rpsdg_formal.rewriting.steps import RuleIndex
from rpsdg_formal.rewriting.walk import WalkConfig, draw_walk, theorem_rng
from rpsdg_formal.terms.printers import to_human, to_latex, to_lean
from rpsdg_formal.theory.catalogue import rules_path
from rpsdg_formal.theory.rules import load_rules
from rpsdg_formal.theory.section import Theory


def first_definition(candidate: Candidate, theory: Theory, seed: int) -> dict[str, Any]:
    """The record's JSON as `theorem_record` first wrote it (a dict, then `from_json`)."""
    sig = theory.signature

    def rows(steps: Any) -> list[dict[str, Any]]:
        assumed = hypotheses(steps, theory)
        return [
            {
                "state_before": to_lean(s.before, sig),
                "rule": s.rule.name,
                "direction": s.direction,
                "position": list(s.path),
                "substitution": {v: to_human(e, sig) for v, e in s.substitution},
                "state_after": to_lean(s.after, sig),
                "lean": step_proof(s, theory, assumed),
            }
            for s in steps
        ]

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
        "steps": rows(candidate.steps),
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
        {"lean_name": p.lean.name, "lean_proof": p.lean.proof, "steps": rows(p.steps)}
        for p in candidate.proofs[1:]
    ]
    record["verified"] = {
        "kernel": "lean4",
        "lean_version": "4.35.0",
        "axioms": ["A", "B"],
        "lean_file": "lean/batch_0.lean",
    }
    record["schema"] = SCHEMA_VERSION
    return TheoremRecord.from_json(record).to_json()


def assert_same(made: TheoremRecord, expected_json: dict[str, Any]) -> None:
    written = made.to_json()
    assert written == expected_json
    assert list(written) == list(expected_json)  # key order
    read = TheoremRecord.from_json(written)
    assert read == made and read.layout == made.layout


@pytest.mark.parametrize("theory", ["field", "equation"])
def test_rewrite_records_are_the_records_their_json_reads_back(theory: str) -> None:
    rules = load_rules(rules_path(theory))
    index, config = RuleIndex.build(rules.rules), SelectConfig()
    made = 0
    for number in range(60):
        walk = draw_walk(WalkConfig(), index, theorem_rng(7, number))
        chosen = select_theorem(walk, index, config)
        if chosen is None:
            continue
        candidate = make_candidate(
            f"t{number}", number, chosen.start, chosen.proofs, rules.theory, chosen.bound
        )
        record = theorem_record(
            candidate, rules.theory, ("A", "B"), "4.35.0", "lean/batch_0.lean", 7,
            candidate.proofs[1:],
        )  # fmt: skip
        assert_same(record, first_definition(candidate, rules.theory, 7))
        made += 1
    assert made >= 30


def test_calculus_records_with_family_fields_are_the_same() -> None:
    rules = load_rules(rules_path("calculus"))
    engine, config = Engine.from_rules(rules), CalculusConfig()
    made = 0
    for number in range(12):
        problem = draw_problem(engine, config, theorem_rng(5, number))
        if problem is None or unusable(problem, engine) is not None:
            continue
        fields = problem_fields(problem, engine, config.family)
        candidate = make_candidate(
            f"c{number}", number, problem.start, [problem.steps], rules.theory, extra=fields
        )
        record = theorem_record(
            candidate, rules.theory, ("A", "B"), "4.35.0", "lean/batch_0.lean", 5
        )
        assert record.family is not None and record.details  # the family's fields
        assert_same(record, first_definition(candidate, rules.theory, 5))
        made += 1
    assert made >= 6


def test_a_record_keeps_the_certificate_step_terms() -> None:
    rules = load_rules(rules_path("field"))
    item = Preparer(rules, RewriteFamily(), 3)(0)
    assert item.record is not None
    lines = item.record.lean_proof.split("\n  ")
    haves = [line.split(" := ", 1)[1] for line in lines if line.startswith("have ")]
    assert haves == [row.lean for row in item.record.steps]  # type: ignore[union-attr]
