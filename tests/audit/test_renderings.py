"""The rendering audit: display fields are the registry's, printers read back faithfully."""

from __future__ import annotations

from dataclasses import replace

from rpsdg_formal.audit.renderings import rendering_checks
from rpsdg_formal.terms.signature import Signature
from rpsdg_formal.theory.rules import RuleSet


def test_a_template_that_cannot_be_filled_fails_the_rendering_audit(field_rules: RuleSet) -> None:
    sig = field_rules.theory.signature
    broken = tuple(replace(op, latex="{7}") if op.name == "add" else op for op in sig.operators)
    checks = {c.name: c for c in rendering_checks(Signature(broken, sig.numerals), 0)}
    assert not checks["add"].ok and not checks["printers"].ok
    assert "cannot be filled" in checks["printers"].detail
    assert all(c.ok for c in rendering_checks(sig, 0))


def test_a_symbol_of_another_operator_is_named(field_rules: RuleSet) -> None:
    sig = field_rules.theory.signature
    swapped = tuple(replace(op, symbol="+") if op.name == "sub" else op for op in sig.operators)
    checks = {c.name: c for c in rendering_checks(Signature(swapped, sig.numerals), 0)}
    assert not checks["sub"].ok and "how add is written" in checks["sub"].detail
    assert not checks["printers"].ok
