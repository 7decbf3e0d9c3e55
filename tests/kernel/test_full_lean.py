"""With a standard Lean toolchain (Init on the search path): the theory imports beside Init."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from rpsdg_formal.kernel import LeanRunner, build_theory
from rpsdg_formal.theory.rules import RuleSet

LEAN = shutil.which("lean")
pytestmark = [
    pytest.mark.full_lean,
    pytest.mark.skipif(
        LEAN is None,
        reason="no standard Lean toolchain (`lean` with Init) on PATH; the embedded kernel has "
        "no Init, so these checks need one (elan, or lake with lean-toolchain v4.35.0)",
    ),
]


def test_theory_imports_beside_init_without_clash(field_rules: RuleSet, tmp_path: Path) -> None:
    assert LEAN is not None
    runner = LeanRunner.external(LEAN)
    version = runner.version()
    lean_path = build_theory(field_rules.theory, runner, tmp_path / "cache", version)
    user = tmp_path / "User.lean"
    user.write_text(
        "import RpsdgFormal.Field\n"
        "open RpsdgFormal.Field\n"
        "example : (1 + 1 : Nat) = 2 := rfl\n"
        "theorem t (a : R) : RpsdgFormal.Eq (add a zero) a := add_zero a\n",
        encoding="utf-8",
    )
    result = runner.with_lean_path(lean_path).run([str(user)], timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
