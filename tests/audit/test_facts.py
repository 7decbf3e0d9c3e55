"""The meaning of every declaration, asked of Lean (`#print` with full names), classified for
the audit: nothing is read from the theory's source for meaning, nothing is skipped."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from rpsdg_formal.audit.facts import TheoryMeanings, _classify, _Names, _Unreadable, theory_meanings
from rpsdg_formal.audit.lean_probe import Printed
from rpsdg_formal.audit.lean_terms import LeanTermError, read_term
from rpsdg_formal.kernel.check import Kernel, prepare_kernel
from rpsdg_formal.kernel.config import KernelConfig
from rpsdg_formal.terms.expr import num
from rpsdg_formal.terms.printers import to_human
from rpsdg_formal.theory.catalogue import lean_dir
from rpsdg_formal.theory.leansource import scan_source
from rpsdg_formal.theory.rules import RuleSet
from rpsdg_formal.theory.section import module_closure, scan_modules

pytestmark = pytest.mark.kernel

EXTRA = """
axiom five : Eq (add (bit1 (bit0 one)) zero) (bit1 (bit0 one))
axiom long_one : ∀ a b : R,
    Eq (add a b)
      (add b a)
axiom by_lambda : ∀ a : R, Eq ((fun x => x) a) a
axiom eq_hyp : ∀ a : R, Eq a zero → Eq (add a a) zero
axiom mystery : R → R
axiom foreign : ∀ a : R, Eq (mystery a) a
axiom sneaky_constant : R → R → Prop
private axiom hidden : ∀ a : R, Eq a zero

namespace Evil
noncomputable def Eq (a b : R) : Prop := Ne a b
noncomputable def add (a b : R) : R := mul a b
axiom fake_eq : ∀ a : R, Eq (add a one) a
axiom shadowed : ∀ a b : R, RpsdgFormal.Eq (add a b) (mul b a)
end Evil
"""


def _meanings(
    field_rules: RuleSet, tmp_path: Path, kernel_cache: Path, extra: str
) -> TheoryMeanings:
    shutil.copytree(lean_dir(), tmp_path / "lean")
    field = tmp_path / "lean" / "RpsdgFormal" / "Field.lean"
    text = field.read_text().replace("/-! Derived laws. -/", extra + "\n\n/-! Derived laws. -/")
    field.write_text(text)
    modules = module_closure(tmp_path / "lean", "RpsdgFormal.Field")
    names, axioms = scan_modules(modules)
    theory = replace(field_rules.theory, modules=modules, declarations=names, axioms=axioms)
    kernel = prepare_kernel(theory, KernelConfig(cache_dir=kernel_cache))
    return theory_meanings(theory, kernel)


def test_shipped_declarations_are_all_interpreted(
    field_rules: RuleSet, field_kernel: Kernel
) -> None:
    meanings = theory_meanings(field_rules.theory, field_kernel)
    assert meanings.unreadable == ()
    by_name = {f.name.rsplit(".", 1)[-1]: f for f in meanings.facts}
    sig = field_rules.theory.signature
    assert to_human(by_name["left_distrib"].lhs, sig) == "a * (b + c)"
    assert by_name["mul_inv_cancel"].hypotheses[0].rhs is num(0)
    assert by_name["zero_ne_one"].relation == "ne"
    assert by_name["bit1"].digit == 1 and by_name["sub"].kind == "definition"
    constants = {c.name.rsplit(".", 1)[-1]: c.detail for c in meanings.constants}
    assert (
        constants["add"]
        == "operator add: RpsdgFormal.Field.R → RpsdgFormal.Field.R → RpsdgFormal.Field.R"
    )
    assert constants["R"] == "carrier: Type"


def test_what_lean_elaborated_is_read_and_everything_else_fails(
    field_rules: RuleSet, tmp_path: Path, kernel_cache: Path
) -> None:
    meanings = _meanings(field_rules, tmp_path, kernel_cache, EXTRA)
    facts = {f.name.rsplit(".", 1)[-1]: f for f in meanings.facts}
    assert facts["five"].rhs is num(5)  # numerals read as numbers
    assert "long_one" in facts  # a multi-line axiom is one declaration to Lean
    reasons = {u.name.rsplit(".", 1)[-1]: u.reason for u in meanings.unreadable}
    assert set(reasons) >= {
        "by_lambda", "eq_hyp", "mystery", "foreign", "sneaky_constant", "hidden",
        "Eq", "add", "fake_eq", "shadowed",
    }  # fmt: skip
    assert "only disequation and positivity hypotheses" in reasons["eq_hyp"]
    assert "RpsdgFormal.Field.mystery" in reasons["foreign"]
    # issue 16 class 2: a head named `Eq` that is another definition, a definition in a nested
    # namespace that shadows a signature name, and a constant nobody declared in the signature
    assert "RpsdgFormal.Field.Evil.Eq" in reasons["fake_eq"]
    assert "RpsdgFormal.Field.Evil.add" in reasons["shadowed"]
    assert "no meaning" in reasons["sneaky_constant"] and "no meaning" in reasons["Eq"]
    assert not {"fake_eq", "shadowed", "sneaky_constant"} & set(facts)


def test_a_changed_logic_module_fails(
    field_rules: RuleSet, tmp_path: Path, kernel_cache: Path
) -> None:
    """A theory may bring its own Logic.lean (lean_dir is searched in order): an extra
    definition there has no meaning, and a pinned declaration that prints otherwise fails."""
    shutil.copytree(lean_dir(), tmp_path / "lean")
    logic = tmp_path / "lean" / "RpsdgFormal" / "Logic.lean"
    logic.write_text(
        logic.read_text().replace(
            "end RpsdgFormal",
            "noncomputable def Always : Prop := ∀ p : Prop, p → p\nend RpsdgFormal",
        )
    )
    modules = module_closure(tmp_path / "lean", "RpsdgFormal.Field")
    names, axioms = scan_modules(modules)
    theory = replace(field_rules.theory, modules=modules, declarations=names, axioms=axioms)
    meanings = theory_meanings(theory, prepare_kernel(theory, KernelConfig(cache_dir=kernel_cache)))
    (bad,) = [u for u in meanings.unreadable if u.name == "RpsdgFormal.Always"]
    assert "no meaning" in bad.reason
    names_ = _Names("R", {}, {}, None)
    forged = Printed(
        "RpsdgFormal.False",
        "inductive",
        "RpsdgFormal.False",
        "Prop",
        "",
        "inductive RpsdgFormal.False : Prop\nconstructors:\nRpsdgFormal.False.trivial",
    )
    with pytest.raises(_Unreadable, match="differs from the trusted logic"):
        _classify("RpsdgFormal.False", forged, None, names_, theory, logic, 1)


def test_the_scanner_skips_comments_and_finds_constructors() -> None:
    source = (
        "namespace A\n/-- a doc\n  inductive whose constructor -/\ninductive T : Prop where\n"
        "  | mk : T\naxiom x : T\nend A\n"
    )
    found = [(d.kind, d.name) for d in scan_source(source)]
    assert found == [("inductive", "A.T"), ("constructor", "A.T.mk"), ("axiom", "A.x")]


def test_printed_terms_outside_the_shapes_are_refused() -> None:
    term = read_term("∀ (a b : R), @RpsdgFormal.Eq R (add a b) (add b a)")
    assert term.kind == "forall" and [n for n, _ in term.binders] == ["a", "b"]
    with pytest.raises(LeanTermError):
        read_term("∀ (a : R), Eq a [a]")
