"""Golden files for the emitted certificates: a rewrite batch file, equation implication theorems
and a calculus theorem, each exactly as `generate` would write it for seed 21.

The unit tests diff the emitter's output against tests/golden/*.lean (`pytest --update-golden`
rewrites them after an intended change; review the diff). The kernel test proves that the golden
files themselves are certificates: the embedded Lean kernel accepts every theorem in them with
only the theory's axioms.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path

import pytest

from rpsdg_formal.families.base import Family
from rpsdg_formal.families.calculus_config import CalculusConfig
from rpsdg_formal.families.calculus_family import CalculusFamily
from rpsdg_formal.families.equation_config import EquationConfig
from rpsdg_formal.families.equation_family import EquationFamily
from rpsdg_formal.families.rewrite_family import RewriteFamily
from rpsdg_formal.kernel.check import prepare_kernel
from rpsdg_formal.kernel.config import KernelConfig
from rpsdg_formal.kernel.emit import LeanTheorem, batch_file
from rpsdg_formal.pipeline.prepare import Preparer
from rpsdg_formal.pipeline.recheck import check_lean_file
from rpsdg_formal.rewriting.walk import WalkConfig
from rpsdg_formal.theory.catalogue import rules_path
from rpsdg_formal.theory.rules import load_rules

GOLDEN = Path(__file__).resolve().parents[1] / "golden"
SEED = 21


@dataclass(frozen=True)
class Case:
    """One golden file: the theory, the family, and how many prepared items it holds."""

    file: str
    theory: str
    family: Family
    items: int


CASES = (
    Case("field_batch.lean", "field", RewriteFamily(walk=WalkConfig(steps=4)), 3),
    Case("equation_implication.lean", "equation", EquationFamily(EquationConfig()), 1),
    Case("calculus_theorem.lean", "calculus", CalculusFamily(CalculusConfig()), 1),
)


def _theorems(case: Case) -> list[LeanTheorem]:
    """The theorems of the first `case.items` indices that make a theorem."""
    preparer = Preparer(load_rules(rules_path(case.theory)), case.family, SEED)
    found: list[LeanTheorem] = []
    made = 0
    for index in range(100):
        prepared = preparer(index)
        if prepared.theorems:
            found.extend(prepared.theorems)
            made += 1
        if made == case.items:
            return found
    raise AssertionError(f"{case.file}: fewer than {case.items} theorems in 100 indices")


def emitted(case: Case) -> str:
    """The batch file `generate` would check for these theorems."""
    theory = load_rules(rules_path(case.theory)).theory
    return batch_file(theory, _theorems(case)).text


@pytest.mark.parametrize("case", CASES, ids=[c.file for c in CASES])
def test_emitted_certificate_matches_its_golden_file(case: Case, update_golden: bool) -> None:
    path = GOLDEN / case.file
    text = emitted(case)
    if update_golden:
        path.write_text(text, encoding="utf-8")
    assert path.is_file(), f"{path} is missing; run `pytest --update-golden` to write it"
    expected = path.read_text(encoding="utf-8")
    diff = "".join(
        difflib.unified_diff(
            expected.splitlines(keepends=True),
            text.splitlines(keepends=True),
            fromfile=str(path),
            tofile="emitted",
        )
    )
    advice = "`pytest --update-golden` rewrites the file if the change is intended"
    assert not diff, f"the emitted certificate changed ({advice}):\n{diff}"


def test_golden_files_hold_the_kinds_they_are_named_for() -> None:
    field = (GOLDEN / "field_batch.lean").read_text(encoding="utf-8")
    assert field.count("\ntheorem ") == 3 and field.count("#print axioms") == 3
    assert "Eq.trans" in field and "have s" in field
    equation = (GOLDEN / "equation_implication.lean").read_text(encoding="utf-8")
    assert " → " in equation  # an equation implies its solution
    calculus = (GOLDEN / "calculus_theorem.lean").read_text(encoding="utf-8")
    assert "D (" in calculus or "D(" in calculus


@pytest.mark.kernel
@pytest.mark.parametrize("case", CASES, ids=[c.file for c in CASES])
def test_the_kernel_accepts_every_golden_theorem(case: Case, kernel_cache: Path) -> None:
    theory = load_rules(rules_path(case.theory)).theory
    kernel = prepare_kernel(theory, KernelConfig(cache_dir=kernel_cache, threads=2))
    report = check_lean_file(GOLDEN / case.file, kernel)
    assert report.total >= case.items and report.ok, report.failures
