"""Negative steps: plausible wrong steps, judged by the real Lean kernel (no mock)."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from rpsdg_formal.dataset.negative import NegativeRow
from rpsdg_formal.exports.negatives import (
    BATCH,
    KINDS,
    JudgedStep,
    WrongStep,
    judge,
    record_negatives,
    wrong_steps,
    wrong_theorem,
)
from rpsdg_formal.exports.wrong_steps import missing_names
from rpsdg_formal.families.records import binders_of
from rpsdg_formal.kernel.check import Accepted, Kernel, Rejected, check_batch
from rpsdg_formal.kernel.emit import batch_file, hypotheses, step_proof, theorem
from rpsdg_formal.rewriting.steps import RuleIndex, Step, apply_step
from rpsdg_formal.terms.expr import Expr
from rpsdg_formal.terms.parse import parse_expr
from rpsdg_formal.terms.signature import is_lean_ident
from rpsdg_formal.theory.rules import RuleSet

BINDERS = ("x", "y", "z")


def _e(rules: RuleSet, text: str) -> Expr:
    return parse_expr(text, rules.theory.signature)


def _step(
    rules: RuleSet, before: str, rule: str, reverse: bool, path: tuple[int, ...], **values: str
) -> Step:
    binding = {v: _e(rules, t) for v, t in values.items()}
    return apply_step(_e(rules, before), rules.by_name(rule), reverse, path, binding)


def _true_steps(rules: RuleSet) -> list[Step]:
    """Hand-built steps: forward, reverse, deep, and one with a side condition (x != 0)."""
    return [
        _step(rules, "x * y + z", "mul_comm", False, (0,), a="x", b="y"),
        _step(rules, "x * y + x * z", "left_distrib", True, (), a="x", b="y", c="z"),
        _step(rules, "z * (x + y + z)", "add_assoc", False, (1,), a="x", b="y", c="z"),
        _step(rules, "x * x⁻¹ + y", "mul_inv_cancel", False, (0,), a="x"),
    ]


@pytest.fixture(scope="module")
def judged(
    field_rules: RuleSet, field_kernel: Kernel, tmp_path_factory: pytest.TempPathFactory
) -> list[JudgedStep]:
    index = RuleIndex.build(field_rules.rules)
    rng = random.Random(11)
    wrong = [
        w for s in _true_steps(field_rules) for w in wrong_steps(s, index, field_rules.theory, rng)
    ]
    path = tmp_path_factory.mktemp("neg") / "neg.lean"
    return judge(BINDERS, wrong, field_rules.theory, field_kernel, path)


def test_wrong_steps_are_plausible_and_reproducible(field_rules: RuleSet) -> None:
    theory = field_rules.theory
    index = RuleIndex.build(field_rules.rules)
    for step in _true_steps(field_rules):
        first = wrong_steps(step, index, theory, random.Random(3))
        assert first == wrong_steps(step, index, theory, random.Random(3))
        for kind in KINDS:
            assert 1 <= sum(w.kind == kind for w in first) <= 3 or (
                kind == "mutated-rule" and step.rule.name == "mul_inv_cancel"  # produces `1`
            ), kind
        for wrong in first:
            assert wrong.step is step and wrong.description.startswith("rw [")
            if wrong.kind in ("wrong-direction", "missing-rule"):
                assert wrong.claimed_after is step.after
            if wrong.kind == "wrong-position":
                assert wrong.claimed_after is not step.after
        for name in missing_names(step, theory):
            assert is_lean_ident(name) and theory.qualified(name) is None
    comm = _true_steps(field_rules)[0]
    mutated = {
        w.claimed_after
        for w in wrong_steps(comm, index, theory, random.Random(0), 20)
        if w.kind == "mutated-rule"
    }
    assert _e(field_rules, "x * y + z") in mutated  # `a * b = a * b`: arguments swapped
    assert _e(field_rules, "y + x + z") in mutated  # `a * b = b + a`: operator replaced


@pytest.mark.kernel
def test_every_kind_is_judged_negative_with_leans_message(judged: list[JudgedStep]) -> None:
    assert {j.wrong.kind for j in judged} == set(KINDS)
    assert all(j.label == -1 for j in judged), [j for j in judged if j.label != -1]
    assert all(j.message.strip() for j in judged)
    assert all(".lean:" not in j.message for j in judged)  # Lean's words, not our file
    missing = [j for j in judged if j.wrong.kind == "missing-rule"]
    assert all("Unknown identifier" in j.message or "unknown" in j.message for j in missing)


@pytest.mark.kernel
def test_negatives_rechecked_in_a_fresh_batch_are_rejected(
    judged: list[JudgedStep], field_rules: RuleSet, field_kernel: Kernel, tmp_path: Path
) -> None:
    sample = random.Random(5).sample(judged, 12)
    thms = [
        wrong_theorem(f"again_{i}", BINDERS, j.wrong, field_rules.theory)
        for i, j in enumerate(sample)
    ]
    verdicts = check_batch(
        field_kernel, batch_file(field_rules.theory, thms), tmp_path / "again.lean"
    )
    assert all(isinstance(v, Rejected) and v.messages for v in verdicts), verdicts


@pytest.mark.kernel
def test_true_steps_are_accepted(
    field_rules: RuleSet, field_kernel: Kernel, tmp_path: Path
) -> None:
    theory = field_rules.theory
    steps = _true_steps(field_rules)
    own = [
        theorem(f"true_{i}", binders_of(s.before, s.after), s.before, [s], theory)
        for i, s in enumerate(steps)
    ]
    verdicts = check_batch(field_kernel, batch_file(theory, own), tmp_path / "true.lean")
    assert all(isinstance(v, Accepted) for v in verdicts), verdicts
    # the same proofs offered through `judge` (as if they were wrong) come back positive
    offered = [
        WrongStep("true", s, s.after, step_proof(s, theory, hypotheses([s], theory)), "rw")
        for s in steps
    ]
    result = judge(BINDERS, offered, theory, field_kernel, tmp_path / "judged_true.lean")
    assert [(j.label, j.message) for j in result] == [(1, "")] * len(steps)


@pytest.mark.kernel
def test_wrong_steps_that_are_valid_are_labelled_positive(
    field_rules: RuleSet, field_kernel: Kernel, tmp_path: Path
) -> None:
    theory = field_rules.theory
    index = RuleIndex.build(field_rules.rules)
    rng = random.Random(1)
    square = _step(field_rules, "x * x", "mul_comm", False, (), a="x", b="x")  # x * x = x * x
    twice = _step(field_rules, "x * y + x * y", "mul_comm", False, (0,), a="x", b="y")
    wrong = wrong_steps(square, index, theory, rng, 50) + wrong_steps(twice, index, theory, rng, 50)
    result = judge(BINDERS, wrong, theory, field_kernel, tmp_path / "valid.lean")

    def labels(kind: str, claimed: str) -> set[int]:
        after = _e(field_rules, claimed)
        return {j.label for j in result if j.wrong.kind == kind and j.wrong.claimed_after is after}

    assert labels("mutated-rule", "x * x") == {1}  # a * b = a * b, still proven by mul_comm x x
    assert labels("wrong-direction", "x * x") == {1}  # Eq.symm (mul_comm x x) is the same claim
    assert labels("wrong-position", "x * y + y * x") == {1}  # the other x * y: coincides
    assert labels("missing-rule", "x * x") == {-1}
    for j in result:
        assert (j.label == 1) == (j.message == "")
    # the kernel's verdict is the label, checked once more in a fresh file
    thms = [wrong_theorem(f"v_{i}", BINDERS, j.wrong, theory) for i, j in enumerate(result)]
    verdicts = check_batch(field_kernel, batch_file(theory, thms), tmp_path / "again.lean")
    assert [1 if isinstance(v, Accepted) else -1 for v in verdicts] == [j.label for j in result]


@pytest.mark.kernel
def test_record_negatives_on_a_generated_dataset(
    field_rules: RuleSet, field_kernel: Kernel, field_run: Path, tmp_path: Path
) -> None:
    lines = (field_run / "theorems.jsonl").read_text().splitlines()
    records = [json.loads(line) for line in lines[:5]]
    assert len(records) == 5
    rng = random.Random(0)
    rows = []
    largest = 0
    for k, record in enumerate(records):
        typed = record_negatives(record, field_rules, field_kernel, rng, tmp_path / f"n{k}.lean", 2)
        got = [r.to_json() for r in typed]
        assert [NegativeRow.from_json(json.loads(json.dumps(r))) for r in got] == typed
        steps = {(p, s) for p, s in ((r["proof"], r["step"]) for r in got)}
        assert (0, len(record["steps"]) - 1) in steps
        rows.extend(got)
        largest = max(largest, len(got))
    assert largest > BATCH  # several Lean files for one record, each under Lean's error limit
    keys = {
        "theorem",
        "proof",
        "step",
        "kind",
        "state_before",
        "claimed_after",
        "description",
        "tactic",
        "label",
        "kernel_message",
    }
    ids = {r["id"] for r in records}
    for row in rows:
        assert set(row) == keys
        assert row["theorem"] in ids
        assert isinstance(row["proof"], int) and isinstance(row["step"], int)
        assert row["kind"] in KINDS
        for key in ("state_before", "claimed_after", "description", "tactic", "kernel_message"):
            assert isinstance(row[key], str)
        assert row["label"] in (-1, 1)
        assert (row["label"] == -1) == bool(row["kernel_message"])
        assert not row["kernel_message"].startswith("Lean printed")  # Lean's words, not ours
    assert {r["kind"] for r in rows} >= {"wrong-position", "wrong-direction", "missing-rule"}
    assert sum(r["label"] == -1 for r in rows) > len(rows) // 2
