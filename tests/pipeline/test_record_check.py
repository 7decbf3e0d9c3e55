"""`check DIR` re-derives every field of a record from its replay and refuses a difference,
naming the record and the field (issue 16, point 7)."""

from __future__ import annotations

import copy
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from rpsdg_formal.dataset.record import TheoremRecord
from rpsdg_formal.errors import RewriteError
from rpsdg_formal.families.base import Family
from rpsdg_formal.families.calculus_config import CalculusConfig
from rpsdg_formal.families.calculus_family import CalculusFamily
from rpsdg_formal.families.equation_family import EquationFamily
from rpsdg_formal.families.rewrite_family import RewriteFamily
from rpsdg_formal.families.system_family import SystemFamily
from rpsdg_formal.kernel.check import Kernel
from rpsdg_formal.pipeline.config import GenerateConfig
from rpsdg_formal.pipeline.prepare import Preparer
from rpsdg_formal.pipeline.recheck import check_dataset
from rpsdg_formal.pipeline.record_check import check_record, first_difference
from rpsdg_formal.pipeline.run import generate
from rpsdg_formal.rewriting.walk import WalkConfig
from rpsdg_formal.theory.catalogue import rules_path
from rpsdg_formal.theory.rules import RuleSet, load_rules

VERSION = "4.35.0"
VERIFIED = {"kernel": "lean4", "lean_version": VERSION, "axioms": [], "lean_file": "lean/b.lean"}
Edit = Callable[[dict[str, Any]], object]


def _rules(theory: str) -> RuleSet:
    return load_rules(rules_path(theory))


def _records(
    theory: str, family: Family, count: int, want: Callable[[dict[str, Any]], bool] = bool
) -> list[dict[str, Any]]:
    """JSON records of the first usable draws that `want` accepts, with a plausible verdict."""
    preparer = Preparer(_rules(theory), family, seed=8)
    found: list[dict[str, Any]] = []
    for index in range(400):
        item = preparer(index)
        if item.record is not None and item.error is None and want(raw := item.record.to_json()):
            found.append({**raw, "verified": dict(VERIFIED)})
            if len(found) == count:
                return found
    raise AssertionError(f"fewer than {count} records in 400 draws")


def _refusal(raw: dict[str, Any], theory: str) -> str:
    with pytest.raises(RewriteError) as caught:
        check_record(TheoremRecord.from_json(raw), _rules(theory), VERSION)
    return str(caught.value)


FAMILIES: list[tuple[str, Family]] = [
    ("field", RewriteFamily(WalkConfig(steps=4))),
    ("calculus", CalculusFamily()),
    ("calculus", CalculusFamily(CalculusConfig(family="by-parts"))),
    ("equation", EquationFamily()),
    ("equation", SystemFamily()),
]


@pytest.mark.parametrize(("theory", "family"), FAMILIES, ids=lambda c: getattr(c, "run_name", c))
def test_untouched_records_of_every_family_pass(theory: str, family: Family) -> None:
    rules = _rules(theory)
    for raw in _records(theory, family, 3):
        checked = check_record(TheoremRecord.from_json(raw), rules, VERSION)
        assert checked.record.to_json() == raw


def _swap_sides(r: dict[str, Any]) -> None:
    left, right = str(r["statement"]).split(" = ")
    r["statement"] = f"{right} = {left}"


REWRITE_EDITS: list[tuple[Edit, str]] = [
    (_swap_sides, "statement"),
    (lambda r: r.update(latex="x = y"), "latex"),
    (lambda r: r.update(variables=[*r["variables"], "w"]), "variables"),
    (lambda r: r.update(id="field_s0_n999"), "id"),
    (lambda r: r.update(rules_used=["add_comm"]), "rules_used"),
    (lambda r: r["measures"].update(start_size=1), "measures.start_size"),
    (lambda r: r.update(proof_length=r["proof_length"] + 1), "proof_length"),
    (lambda r: r["steps"][0].update(lean=r["steps"][-1]["lean"] + " "), "steps.1.lean"),
    (lambda r: r["verified"].update(kernel="coq"), "verified.kernel"),
    (lambda r: r["verified"].update(lean_version="4.99.0"), "verified.lean_version"),
    (lambda r: r["verified"].update(lean_file="/etc/passwd"), "verified.lean_file"),
]


@pytest.mark.parametrize(("edit", "field"), REWRITE_EDITS, ids=[f for _, f in REWRITE_EDITS])
def test_an_edited_rewrite_record_is_refused_naming_the_field(edit: Edit, field: str) -> None:
    raw = _records("field", RewriteFamily(WalkConfig(steps=4)), 1)[0]
    edit(raw)
    assert f"field '{field}" in _refusal(raw, "field")


def _first_step(r: dict[str, Any]) -> dict[str, Any]:
    step: dict[str, Any] = r["solution"][0]
    return step


CALCULUS_EDITS: list[tuple[Edit, str]] = [
    (lambda r: r.update(problem="Find an antiderivative of x with respect to x."), "problem"),
    (lambda r: r.update(answer="x + C"), "answer"),
    (lambda r: r.update(problem_latex="\\int x \\, dx"), "problem_latex"),
    (lambda r: r.update(hypotheses=[]), "hypotheses"),
    (lambda r: _first_step(r).update(explanation="by magic"), "solution.1.explanation"),
    (lambda r: _first_step(r).update(to="x"), "solution.1.to"),
    (lambda r: r.update(solution=r["solution"][1:]), "solution"),
    (lambda r: r["crosscheck"].update(symbolic=not r["crosscheck"]["symbolic"]), "crosscheck"),
    (lambda r: r.update(family="by-parts"), "start"),
]


@pytest.mark.parametrize(("edit", "field"), CALCULUS_EDITS, ids=[f for _, f in CALCULUS_EDITS])
def test_an_edited_calculus_record_is_refused_naming_the_field(edit: Edit, field: str) -> None:
    raw = _records("calculus", CalculusFamily(), 1, lambda r: len(r["hypotheses"]) > 0)[0]
    edit(raw)
    message = _refusal(raw, "calculus")
    assert f"field '{field}" in message


def test_an_edited_by_parts_record_is_refused_naming_the_field() -> None:
    raw = _records("calculus", CalculusFamily(CalculusConfig(family="by-parts")), 1)[0]
    raw["by_parts"]["u"] = raw["by_parts"]["v"]
    assert "field 'by_parts.u'" in _refusal(raw, "calculus")


def _wrong_answer(r: dict[str, Any]) -> None:
    value = int(r["solution"]["x"])
    r["answer"] = f"x = {value + 1}"  # `x = 12` where the solution is 11


EQUATION_EDITS: list[tuple[Edit, str]] = [
    (_wrong_answer, "answer"),
    (lambda r: r.update(problem="Solve x = 1 for x."), "problem"),
    (lambda r: r.update(statement="∀ x, x = 1 → x = 1"), "statement"),
    (lambda r: r.update(latex="x = 1"), "latex"),
    (lambda r: r["solution_steps"][0].update(do="add 100 to both sides"), "solution_steps.1.do"),
    (lambda r: r["solution_steps"][-1].update(equation="x = 0"), "solution_steps"),
    (lambda r: r["steps"][0].update(do="divide both sides by 0"), "steps.1.do"),
    (lambda r: r["converse"]["steps"][0].update(do="add 7 to both sides"), "converse.steps.1.do"),
    (lambda r: r.update(variables=["y"]), "variables"),
    (lambda r: r.update(start="x"), "start"),
]


@pytest.mark.parametrize(("edit", "field"), EQUATION_EDITS, ids=[f for _, f in EQUATION_EDITS])
def test_an_edited_equation_record_is_refused_naming_the_field(edit: Edit, field: str) -> None:
    raw = _records("equation", EquationFamily(), 1)[0]
    edit(raw)
    assert f"field '{field}" in _refusal(raw, "equation")


def test_an_edited_system_record_is_refused_naming_the_field() -> None:
    raw = _records("equation", SystemFamily(), 1)[0]
    raw["answer"] = "x = 1, y = 1"
    assert "field 'answer'" in _refusal(raw, "equation")
    raw = _records("equation", SystemFamily(), 1)[0]
    raw["steps"][0]["do"] = "multiply equation 2 by 9"
    assert "field 'steps.1.do'" in _refusal(raw, "equation")


def test_first_difference_names_the_deepest_path() -> None:
    recorded = {"a": 1, "b": [{"c": "x"}, {"c": "y"}], "d": True}
    assert first_difference(recorded, copy.deepcopy(recorded)) is None
    assert first_difference(recorded, {**recorded, "b": [{"c": "x"}, {"c": "z"}]}) == "b.2.c"
    assert first_difference(recorded, {**recorded, "b": [{"c": "x"}]}) == "b"
    assert first_difference(recorded, {"a": 1, "b": recorded["b"]}) == "d"
    assert first_difference({"n": 1}, {"n": True}) == "n"


# --- end to end, with the kernel -----------------------------------------------------------------


@pytest.mark.kernel
def test_check_names_the_record_and_the_field_and_asks_the_kernel_for_the_axioms(
    field_rules: RuleSet, field_kernel: Kernel, tmp_path: Path
) -> None:
    out = tmp_path / "run"
    config = GenerateConfig(count=6, seed=3, out=out, walk=WalkConfig(steps=4))
    generate(field_rules, config, field_kernel, show_progress=False)
    assert check_dataset(out, field_rules, field_kernel, show_progress=False).ok
    lines = (out / "theorems.jsonl").read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines]
    forged = copy.deepcopy(records)
    forged[1]["verified"]["axioms"] = []  # claims to depend on no axiom
    _swap_sides(forged[2])
    forged[3]["variables"] = [*reversed(forged[3]["variables"]), "w"]
    shutil.copytree(out, tmp_path / "forged")
    text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in forged)
    (tmp_path / "forged" / "theorems.jsonl").write_text(text, encoding="utf-8")
    report = check_dataset(tmp_path / "forged", field_rules, field_kernel, show_progress=False)
    assert (report.total, report.accepted) == (6, 3)
    failures = dict(report.failures)
    assert "field 'verified.axioms': the kernel lists" in failures[records[1]["id"]]
    assert "field 'statement'" in failures[records[2]["id"]]
    assert "field 'variables" in failures[records[3]["id"]]


def test_older_schemas_are_re_derived_as_written_and_unknown_ones_refused() -> None:
    rules = _rules("field")
    raw = _records("field", RewriteFamily(WalkConfig(steps=4)), 1)[0]
    del raw["schema"]  # a record from before the field
    assert check_record(TheoremRecord.from_json(raw), rules, VERSION).record.schema is None
    raw["schema"] = 7
    assert "field 'schema'" in _refusal(raw, "field")
