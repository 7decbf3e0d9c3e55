"""Issue 16's classes of hostile input, one fixture each (tests/fixtures/hostile/), each refused
for its own reason with a message that names the class; and a true law that only the exact
decision settles, which passes. Class 8 (the service refusing `And.intro`) is tested in
tests/serve/test_serve.py; class 7 (record fields) belongs to `check DIR`."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from rpsdg_formal.audit.report import AuditReport, AuditRow, run_audit
from rpsdg_formal.cli.main import main
from rpsdg_formal.errors import RuleSpecError
from rpsdg_formal.kernel.check import Kernel, prepare_kernel
from rpsdg_formal.kernel.config import KernelConfig
from rpsdg_formal.theory.rules import load_rule_file
from rpsdg_formal.theory.section import Theory

HOSTILE = Path(__file__).resolve().parents[1] / "fixtures" / "hostile"


def _audit(name: str, kernel_cache: Path) -> AuditReport:
    def kernel_for(theory: Theory) -> Kernel:
        return prepare_kernel(theory, KernelConfig(cache_dir=kernel_cache))

    return run_audit(HOSTILE / f"{name}.yaml", kernel_for)


def _failed(report: AuditReport) -> dict[str, AuditRow]:
    return {row.name.rsplit(".", 1)[-1]: row for row in report.rows if not row.ok}


@pytest.mark.kernel
def test_class1_numeric_evidence_alone_is_no_pass(kernel_cache: Path) -> None:
    report = _audit("class1_numeric", kernel_cache)
    failed = _failed(report)
    assert set(failed) == {"mul_cancel_12345"}  # its rule row and its axiom row
    for row in (r for r in report.rows if r.name.endswith("mul_cancel_12345")):
        assert row.model is not None and "points tried, yet" in row.model.detail
        assert "a - 12345 = 0" in row.model.detail
    (true,) = [r for r in report.rows if r.kind == "rule" and r.name == "mul_inv_distrib"]
    assert true.ok and true.model is not None and "polynomial arithmetic" in true.model.detail


@pytest.mark.kernel
def test_class2_meanings_come_from_lean_not_from_the_source(kernel_cache: Path) -> None:
    failed = _failed(_audit("class2_shadow", kernel_cache))
    assert set(failed) == {"Eq", "add", "eq_self", "add_comm'", "sneaky"}
    for row in failed.values():
        assert row.model is not None
        assert "cannot be interpreted from Lean's elaboration" in row.model.detail
    assert "RpsdgFormal.Field.Evil.Eq" in str(failed["eq_self"].model)
    assert "RpsdgFormal.Field.Evil.add" in str(failed["add_comm'"].model)


@pytest.mark.parametrize("name", ["class3_template", "class5_code"])
def test_class3_and_5_templates_are_refused_unread(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = HOSTILE / f"{name}.yaml"
    with pytest.raises(
        RuleSpecError, match=r":12: operator 'sub': the `sympy:` template is no"
    ) as err:
        load_rule_file(path)
    assert "replace it with `model: sub`" in str(err.value)
    here = Path.cwd()
    os.chdir(tmp_path)
    try:
        assert main(["audit", str(path), "--cache-dir", str(tmp_path / "cache")]) == 2
    finally:
        os.chdir(here)
    assert "it cannot define it" in capsys.readouterr().err
    assert not (tmp_path / "PWNED").exists() and not (HOSTILE / "PWNED").exists()


@pytest.mark.kernel
def test_class4_a_rendering_that_says_another_operator(kernel_cache: Path) -> None:
    failed = _failed(_audit("class4_rendering", kernel_cache))
    assert set(failed) == {"sub", "printers"}
    detail = str(failed["sub"].structure)
    assert "a rendering that says another expression" in detail and "how add is written" in detail


@pytest.mark.kernel
def test_class6_a_forged_axiom_report_is_refused(
    audited_cache: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = HOSTILE / "class6_forged_report.lean"
    assert main(["check", str(path), "--cache-dir", str(audited_cache), "--quiet"]) == 1
    out = capsys.readouterr().out
    assert "class6_forged_report.lean:6: `axiom bad : Eq zero one` is not a command" in out
