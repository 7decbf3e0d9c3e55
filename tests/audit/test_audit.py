"""The soundness audit with the real kernel: shipped rules pass; each unsound rule fails for
its own reason, with a counterexample where the model refutes it; generate demands an audit."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from rpsdg_formal.audit.report import (
    AuditReport,
    AuditRequiredError,
    AuditRow,
    canonical,
    require_audit,
    run_audit,
)
from rpsdg_formal.cli.main import main
from rpsdg_formal.kernel.check import Kernel
from rpsdg_formal.kernel.config import KernelConfig
from rpsdg_formal.theory.catalogue import lean_dir, rules_dir, rules_path
from rpsdg_formal.theory.rules import RuleSet, load_rule_file
from rpsdg_formal.theory.section import Theory

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
UNSOUND = FIXTURES / "unsound" / "rules.yaml"
pytestmark = pytest.mark.kernel


@pytest.fixture(scope="module")
def unsound_report(kernel_cache: Path) -> AuditReport:
    from rpsdg_formal.kernel.check import prepare_kernel

    def kernel_for(theory: Theory) -> Kernel:
        return prepare_kernel(theory, KernelConfig(cache_dir=kernel_cache))

    return run_audit(UNSOUND, kernel_for)


@pytest.fixture(scope="module")
def field_report(field_kernel: Kernel) -> AuditReport:
    return run_audit(rules_path("field"), lambda theory: field_kernel)


def _row(report: AuditReport, name: str, kind: str = "rule") -> AuditRow:
    (row,) = [r for r in report.rows if r.name == name and r.kind == kind]
    return row


def _failed(row: AuditRow) -> set[str]:
    checks = {"structure": row.structure, "kernel": row.kernel, "model": row.model}
    return {label for label, f in checks.items() if f is not None and not f.ok}


def test_shipped_rules_pass(field_report: AuditReport, field_rules: RuleSet) -> None:
    assert field_report.ok, field_report.table()
    rule_rows = [r for r in field_report.rows if r.kind == "rule"]
    assert len(rule_rows) == len(field_rules.rules) >= 30
    axioms = {r.name for r in field_report.rows if r.kind == "axiom"}
    assert "RpsdgFormal.Field.left_distrib" in axioms and "RpsdgFormal.Field.zero_ne_one" in axioms
    assert {r.name for r in field_report.rows if r.kind == "definition"} >= {
        "RpsdgFormal.Field.sub",
        "RpsdgFormal.Field.bit1",
    }
    assert all(r.kernel is not None and r.model is not None for r in rule_rows)


EXPECTED = {
    # rule: (checks that must fail, words the reasons must contain)
    "distrib_missing_term": ({"kernel", "model"}, "proves a different statement"),
    "sub_wrong_sign": ({"kernel", "model"}, "proves a different statement"),
    "square_no_cross": ({"kernel", "model"}, "proves a different statement"),
    "mul_comm_by_add_comm": ({"kernel"}, "'add_comm' proves a different statement"),
    "mul_self": ({"model"}, "fails in the model"),
    "neg_add_wrong": ({"kernel", "model"}, "proves a different statement"),
    "div_self_always": ({"structure", "kernel", "model"}, "Ne a zero"),
    "one_add_one_three": ({"kernel", "model"}, "proves a different statement"),
    "add_zero_missing": ({"structure"}, "add_zero_nonexistent"),
    "mul_zero_silent": ({"structure"}, "introduces"),
    "add_comm_again": ({"structure", "kernel"}, "duplicates rule 'add_comm'"),
    "mul": ({"structure"}, "clashes with the theory's signature"),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_unsound_rule_fails_for_its_reason(unsound_report: AuditReport, name: str) -> None:
    row = _row(unsound_report, name)
    checks, words = EXPECTED[name]
    assert not row.ok
    assert _failed(row) == checks
    assert words in " ".join(row.reasons())
    if "model" in checks:
        assert row.model is not None and row.model.counterexample
        assert ": lhs = " in row.model.counterexample and ", rhs = " in row.model.counterexample


def test_counterexamples_are_concrete(unsound_report: AuditReport) -> None:
    assert _row(unsound_report, "square_no_cross").model.counterexample == (  # type: ignore[union-attr]
        "a = 1, b = 1: lhs = 4, rhs = 2"
    )
    div = _row(unsound_report, "div_self_always").model
    assert div is not None and div.counterexample == "a = 0: lhs = 0, rhs = 1"


def test_false_axiom_in_the_theory_is_caught(unsound_report: AuditReport) -> None:
    row = _row(unsound_report, "RpsdgFormal.Field.mul_self_bad", kind="axiom")
    assert not row.ok and row.model is not None and row.model.counterexample
    assert _row(unsound_report, "RpsdgFormal.Field.add_comm", kind="axiom").ok


def test_the_sound_rule_in_the_unsound_file_passes(unsound_report: AuditReport) -> None:
    assert _row(unsound_report, "add_comm").ok
    assert not unsound_report.ok


def test_canonical_form_identifies_renamed_and_swapped_rules(field_rules: RuleSet) -> None:
    comm = field_rules.by_name("add_comm")
    assoc = field_rules.by_name("add_assoc")
    assert canonical(comm) == canonical(comm)
    assert canonical(comm) != canonical(assoc)
    swapped = type(assoc)("assoc2", assoc.rhs, assoc.lhs, assoc.variables, "add_assoc", (), 0)
    assert canonical(swapped) == canonical(assoc)


def test_cli_audit_exit_codes_table_and_json(
    tmp_path: Path, kernel_cache: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report = tmp_path / "report.json"
    code = main(["audit", str(UNSOUND), "--json", str(report), "--cache-dir", str(kernel_cache)])
    assert code == 1
    out = capsys.readouterr().out
    assert "audit FAILED" in out and "distrib_missing_term" in out
    data = json.loads(report.read_text())
    assert data["passed"] is False
    by_name = {row["name"]: row for row in data["rows"]}
    assert by_name["square_no_cross"]["model"]["counterexample"] == "a = 1, b = 1: lhs = 4, rhs = 2"
    assert by_name["add_comm"]["ok"] is True


def test_generate_refuses_until_the_audit_passes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cache = tmp_path / "cache"
    rules = tmp_path / "rules"
    shutil.copytree(rules_dir(), rules)
    text = (rules / "field.yaml").read_text()
    (rules / "field.yaml").write_text(text.replace("lean_dir: ../lean", f"lean_dir: {lean_dir()}"))
    args = [
        "generate",
        "--rules",
        str(rules / "field.yaml"),
        "--count",
        "3",
        "--steps",
        "3",
        "--out",
        str(tmp_path / "out"),
        "--cache-dir",
        str(cache),
        "--quiet",
    ]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "has not passed the soundness audit" in err and "rpsdg-formal audit" in err
    assert main(["audit", str(rules / "field.yaml"), "--cache-dir", str(cache)]) == 0
    assert main(args) == 0
    capsys.readouterr()
    # any change to the rule file needs a new audit
    (rules / "field.yaml").write_text((rules / "field.yaml").read_text() + "\n# edited\n")
    assert main([*args, "--force"]) == 2
    assert "has not passed the soundness audit" in capsys.readouterr().err


def test_unsound_rules_are_never_recorded_as_audited(kernel_cache: Path) -> None:
    assert main(["audit", str(UNSOUND), "--cache-dir", str(kernel_cache)]) == 1
    rules, problems = load_rule_file(UNSOUND)
    assert [p.name for p in problems] == ["add_zero_missing"]
    with pytest.raises(AuditRequiredError, match="rpsdg-formal audit"):
        require_audit(rules, kernel_cache)


def test_check_also_requires_a_passed_audit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / "theorems.jsonl").write_text("")
    args = ["check", str(folder), "--cache-dir", str(tmp_path / "fresh-cache"), "--quiet"]
    assert main(args) == 2
    assert "has not passed the soundness audit" in capsys.readouterr().err
