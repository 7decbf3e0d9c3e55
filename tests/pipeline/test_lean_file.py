"""`check FILE.lean`: only expected commands, axiom reports read only where the checker put them,
and a one-line message for each mistake a newcomer makes (issue 16 class 6, issue 15 point 7)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from rpsdg_formal.cli.main import main
from rpsdg_formal.pipeline.lean_file import LeanFileError, read_lean_file
from rpsdg_formal.theory.rules import RuleSet

GOOD = """prelude
import RpsdgFormal.Field
set_option autoImplicit false

section
open RpsdgFormal RpsdgFormal.Field

theorem t1 : ∀ (a : R), Eq (add a zero) a :=
  fun a => add_zero a

end

#print axioms t1
"""

TOP_LEVEL_OPEN = """prelude
import RpsdgFormal.Field
open RpsdgFormal RpsdgFormal.Field

theorem t1 : ∀ (a : R), Eq (add a zero) a :=
  fun a => add_zero a
"""

# Class 6 of issue 16: the file brings its own false axiom and prints a fake clean report
# inside the theorem's span; before, this was accepted.
FORGED_REPORT = """prelude
import RpsdgFormal.Field
open RpsdgFormal RpsdgFormal.Field
axiom bad : Eq zero one
theorem t1 : Eq zero one :=
  bad
#print axioms t1
"""

HIDDEN_COMMAND = """prelude
import RpsdgFormal.Field
open RpsdgFormal RpsdgFormal.Field
theorem t1 : ∀ (a : R), Eq (add a zero) a :=
  fun a => add_zero a
  axiom bad : Eq zero one
"""


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        (FORGED_REPORT, 4, "`axiom bad : Eq zero one` is not a command check accepts"),
        (HIDDEN_COMMAND, 6, "`axiom` inside a theorem would start another command"),
        (GOOD.replace("prelude\n", ""), 1, "must start with `prelude`"),
        (GOOD.replace("import RpsdgFormal.Field", "import Mathlib"), 2, "import only the theory"),
        (GOOD.replace("open RpsdgFormal RpsdgFormal.Field", "open Lean"), 6, "open only"),
        (GOOD.replace("fun a =>", "fun a => #eval"), 9, "and attributes are not allowed"),
        (GOOD.replace("\nend\n", "\nset_option maxHeartbeats 0\n"), 11, "not a command check"),
    ],
)
def test_unexpected_commands_are_refused_with_their_line(
    field_rules: RuleSet, text: str, line: int, message: str
) -> None:
    with pytest.raises(LeanFileError, match=message) as err:
        read_lean_file(text, "f.lean", field_rules.theory)
    assert err.value.line == line and str(err.value).startswith(f"f.lean:{line}: ")


def test_own_axiom_reports_are_blanked_and_the_checker_appends_its_own(
    field_rules: RuleSet,
) -> None:
    batch = read_lean_file(GOOD, "f.lean", field_rules.theory)
    lines = batch.text.split("\n")
    assert lines.count("#print axioms t1") == 1  # the file's own report is gone
    assert lines[batch.print_lines[0] - 1] == "#print axioms t1"
    assert lines[batch.print_lines[0] - 2] == "set_option pp.fullNames true"


@pytest.mark.kernel
@pytest.mark.parametrize(
    ("text", "code", "expected"),
    [
        (GOOD, 0, "1/1 theorems accepted"),
        (TOP_LEVEL_OPEN, 0, "1/1 theorems accepted"),
        (FORGED_REPORT, 1, "f.lean:4: `axiom bad : Eq zero one` is not a command check accepts"),
        (GOOD.replace("prelude\n", ""), 1, "f.lean:1: the file must start with `prelude`"),
        (GOOD.replace("add_zero a", "add_comm a"), 1, "REJECTED t1"),
    ],
)
def test_check_lean_file_end_to_end(
    tmp_path: Path,
    audited_cache: Path,
    capsys: pytest.CaptureFixture[str],
    text: str,
    code: int,
    expected: str,
) -> None:
    path = tmp_path / "f.lean"
    path.write_text(text, encoding="utf-8")
    assert main(["check", str(path), "--cache-dir", str(audited_cache), "--quiet"]) == code
    out = capsys.readouterr().out
    assert expected in out
    assert "internal exception" not in out and "Traceback" not in out
    cited = [int(n) for n in re.findall(r"f\.lean:(\d+)", out)]
    assert all(n <= len(text.splitlines()) for n in cited), out  # no line past the end
