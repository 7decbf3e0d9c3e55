"""Reading a theory's axioms and definitions from Lean source for the model check."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

from rpsdg_formal.audit.facts import theory_facts
from rpsdg_formal.terms.expr import num
from rpsdg_formal.terms.printers import to_human
from rpsdg_formal.theory.catalogue import lean_dir
from rpsdg_formal.theory.rules import RuleSet
from rpsdg_formal.theory.section import Theory, module_closure, scan_modules


def _theory_with(field_rules: RuleSet, tmp_path: Path, extra: str) -> Theory:
    shutil.copytree(lean_dir(), tmp_path / "lean")
    field = tmp_path / "lean" / "RpsdgFormal" / "Field.lean"
    text = field.read_text().replace("/-! Derived laws. -/", extra + "\n\n/-! Derived laws. -/")
    field.write_text(text)
    modules = module_closure(tmp_path / "lean", "RpsdgFormal.Field")
    names, axioms = scan_modules(modules)
    return replace(field_rules.theory, modules=modules, declarations=names, axioms=axioms)


def test_shipped_axioms_and_definitions_are_all_read(field_rules: RuleSet) -> None:
    facts, unreadable = theory_facts(field_rules.theory)
    assert unreadable == []
    by_name = {f.name.rsplit(".", 1)[-1]: f for f in facts}
    sig = field_rules.theory.signature
    assert to_human(by_name["left_distrib"].lhs, sig) == "a * (b + c)"
    assert by_name["mul_inv_cancel"].hypotheses[0].rhs is num(0)
    assert by_name["zero_ne_one"].relation == "ne"
    assert by_name["bit1"].digit == 1 and by_name["sub"].kind == "definition"
    assert "R" not in by_name and "add" not in by_name  # signature constants are not facts


def test_numerals_in_axioms_are_read_as_numbers(field_rules: RuleSet, tmp_path: Path) -> None:
    theory = _theory_with(
        field_rules, tmp_path, "axiom five : Eq (add (bit1 (bit0 one)) zero) (bit1 (bit0 one))"
    )
    facts, unreadable = theory_facts(theory)
    (five,) = [f for f in facts if f.name.endswith(".five")]
    assert five.rhs is num(5) and unreadable == []


def test_multiline_axioms_are_read(field_rules: RuleSet, tmp_path: Path) -> None:
    theory = _theory_with(
        field_rules, tmp_path, "axiom long_one : ∀ a b : R,\n    Eq (add a b)\n      (add b a)"
    )
    facts, _ = theory_facts(theory)
    assert any(f.name.endswith(".long_one") for f in facts)


def test_unreadable_axioms_are_reported_not_skipped(field_rules: RuleSet, tmp_path: Path) -> None:
    extra = (
        "axiom by_lambda : ∀ a : R, Eq ((fun x => x) a) a\n"
        "axiom eq_hyp : ∀ a : R, Eq a zero → Eq (add a a) zero\n"
        "axiom foreign : ∀ a : R, Eq (mystery a) a"
    )
    theory = _theory_with(field_rules, tmp_path, "axiom mystery : R → R\n" + extra)
    _, unreadable = theory_facts(theory)
    names = {u.name.rsplit(".", 1)[-1]: u.reason for u in unreadable}
    assert set(names) == {"by_lambda", "eq_hyp", "foreign"}
    assert "only Ne and positivity hypotheses" in names["eq_hyp"]
    assert "mystery" in names["foreign"]
