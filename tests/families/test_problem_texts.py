"""What a reader of the generated problems sees, on real kernel-checked runs: a system prints
`x + 3 * y = 27` (no coefficient 1) and its text reads back as the kernel's equations; an
equation's statement binds its unknowns typed (`∀ x y : ℝ,`); a calculus problem states the
record's hypotheses; and `check` still accepts records written with the earlier wordings."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import sympy

from rpsdg_formal.cli.main import main
from rpsdg_formal.terms.parse import parse_expr
from rpsdg_formal.terms.printers import to_plain_sympy
from rpsdg_formal.theory.catalogue import rules_path
from rpsdg_formal.theory.rules import load_rules

OLD = Path(__file__).resolve().parents[1] / "fixtures" / "old_texts"
"""Records `generate` wrote before these wordings changed (main at 7e45c8a, seed 5): a system
and an equation, and three integration problems, two with hypotheses."""
SIG = load_rules(rules_path("equation")).theory.signature
X, Y = sympy.symbols("x y")
UNIT = re.compile(r"(?<![\d.])1 \* ")  # `1 * x`, not `21 * x`
UNIT_LATEX = re.compile(r"(?<![\d.])1 \\cdot ")
pytestmark = pytest.mark.kernel


def _records(folder: Path) -> list[dict[str, Any]]:
    text = (folder / "theorems.jsonl").read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines()]


@pytest.fixture(scope="module")
def system_run(tmp_path_factory: pytest.TempPathFactory, equation_cache: Path) -> Path:
    """`generate --family equation-system`: 12 systems (seed 5)."""
    out = tmp_path_factory.mktemp("systems") / "run"
    argv = ["generate", "--theory", "equation", "--family", "equation-system", "--count", "12"]
    argv += ["--seed", "5", "--out", str(out), "--cache-dir", str(equation_cache), "--quiet"]
    assert main(argv) == 0
    return out


def _linear(text: str) -> tuple[Any, ...]:
    """The coefficients of x and y and the constant of a left side, as SymPy reads it."""
    poly = sympy.Poly(to_plain_sympy(parse_expr(text, SIG), SIG), X, Y)
    return (poly.coeff_monomial(X), poly.coeff_monomial(Y), poly.coeff_monomial(1))


def _shown_equations(problem: str) -> list[list[str]]:
    """The equations a system's problem text states (`Solve A = B, C = D for x and y.`)."""
    found = re.fullmatch(r"Solve (.+) for x and y\.", problem)
    assert found, problem
    return [equation.split(" = ") for equation in found.group(1).split(", ")]


def test_a_system_prints_no_unit_coefficient_and_reads_back_as_its_equations(
    system_run: Path, equation_cache: Path
) -> None:
    records = _records(system_run)
    assert len(records) == 12
    assert any(UNIT.search(lhs) for r in records for lhs, _ in r["system"]), "no coefficient 1"
    for record in records:
        problem, latex = record["problem"], record["latex"]
        assert not UNIT.search(problem) and not UNIT_LATEX.search(latex), (problem, latex)
        shown = _shown_equations(problem)
        assert len(shown) == len(record["system"]) == 2
        for (lhs, rhs), (kernel_lhs, kernel_rhs) in zip(shown, record["system"], strict=True):
            assert _linear(lhs) == _linear(kernel_lhs) and rhs == kernel_rhs, (problem, lhs)
        assert record["statement"].startswith("∀ x y : ℝ, "), record["statement"]
    argv = ["check", str(system_run), "--cache-dir", str(equation_cache), "--quiet"]
    assert main(argv) == 0


def test_an_equation_binds_x_typed_and_its_problem_is_unchanged(equation_run: Path) -> None:
    for record in _records(equation_run):
        assert record["statement"].startswith("∀ x : ℝ, "), record["statement"]
        assert record["problem"] == f"Solve {record['start']} = {record['end']} for x."


def test_a_calculus_problem_states_the_records_hypotheses(calculus_run: Path) -> None:
    records = _records(calculus_run)
    with_hypotheses = [r for r in records if r["hypotheses"]]
    assert with_hypotheses and len(with_hypotheses) < len(records)
    for record in records:
        asked = f"Find an antiderivative of {record['end']} with respect to x"
        hypotheses = record["hypotheses"]
        if not hypotheses:
            assert record["problem"] == f"{asked}.", record["problem"]
            continue
        assert record["problem"].startswith(f"{asked}, where "), record["problem"]
        assert all(h in record["problem"] for h in hypotheses), record["problem"]
        stated = record["problem"].removeprefix(f"{asked}, where ").removesuffix(".")
        assert re.split(r", | and ", stated) == hypotheses, record["problem"]


@pytest.mark.parametrize(("theory", "count"), [("equation", 2), ("calculus", 3)])
def test_check_accepts_records_with_the_earlier_wordings(
    theory: str,
    count: int,
    tmp_path: Path,
    kernel_cache: Path,
    equation_cache: Path,
    calculus_cache: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    folder = tmp_path / theory
    shutil.copytree(OLD / theory, folder)
    records = _records(folder)
    if theory == "equation":  # written before: `1 * x` in the problem, an untyped `∀ x y,`
        assert any(UNIT.search(r["problem"]) for r in records)
        assert all(re.match(r"∀ [xy ]+, ", r["statement"]) for r in records)
    else:  # written before: hypotheses the problem did not state
        assert any(r["hypotheses"] and "where" not in r["problem"] for r in records)
    assert main(["check", str(folder), "--cache-dir", str(kernel_cache), "--quiet"]) == 0
    assert f"{count}/{count} theorems accepted" in capsys.readouterr().out
    records[0]["problem"] = records[0]["problem"].replace("Solve", "Solve, please,", 1)
    records[0]["problem"] = records[0]["problem"].replace("Find", "Please find", 1)
    (folder / "theorems.jsonl").write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8"
    )
    assert main(["check", str(folder), "--cache-dir", str(kernel_cache), "--quiet"]) == 1
    assert "field 'problem'" in capsys.readouterr().out
