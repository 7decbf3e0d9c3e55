"""The typed record: one schema both ways, byte for byte, and malformed records refused by
field."""

from __future__ import annotations

import json
from typing import Any

import pytest

from rpsdg_formal.dataset.record import EquationStepRow, StepRow, TheoremRecord
from rpsdg_formal.errors import RecordError
from rpsdg_formal.families.base import Family
from rpsdg_formal.families.calculus_config import CalculusConfig
from rpsdg_formal.families.calculus_family import CalculusFamily
from rpsdg_formal.families.equation_family import EquationFamily
from rpsdg_formal.families.rewrite_family import RewriteFamily
from rpsdg_formal.families.system_family import SystemFamily
from rpsdg_formal.pipeline.prepare import Preparer
from rpsdg_formal.theory.catalogue import rules_path
from rpsdg_formal.theory.rules import load_rules

CASES: list[tuple[str, Family]] = [
    ("field", RewriteFamily()),
    ("calculus", CalculusFamily()),
    ("calculus", CalculusFamily(CalculusConfig(family="by-parts"))),
    ("equation", EquationFamily()),
    ("equation", SystemFamily()),
]


def _records(theory: str, family: Family, count: int) -> list[dict[str, Any]]:
    """The JSON records (before the kernel's verdict) of the first `count` usable draws."""
    preparer = Preparer(load_rules(rules_path(theory)), family, seed=4)
    found: list[dict[str, Any]] = []
    index = 0
    while len(found) < count:
        item = preparer(index)
        index += 1
        if item.record is not None and item.error is None:
            found.append(item.record.to_json())
    return found


@pytest.mark.parametrize(("theory", "family"), CASES, ids=lambda c: getattr(c, "run_name", c))
def test_every_family_round_trips_byte_for_byte(theory: str, family: Family) -> None:
    for raw in _records(theory, family, 4):
        record = TheoremRecord.from_json(raw)
        again = record.to_json()
        assert json.dumps(again, ensure_ascii=False) == json.dumps(raw, ensure_ascii=False)
        assert TheoremRecord.from_json(again) == record
        kinds = {type(s) for s in record.steps}
        assert kinds == ({EquationStepRow} if "equation" in family.name else {StepRow})


def test_an_old_record_without_optional_fields_round_trips() -> None:
    raw = _records("field", RewriteFamily(), 1)[0]
    for key in ("proofs", "schema", "min_length_lower_bound", "bound_search", "seed"):
        del raw[key]
    assert TheoremRecord.from_json(raw).to_json() == raw


@pytest.mark.parametrize(
    ("edit", "field"),
    [
        (lambda r: r.pop("statement"), "statement"),
        (lambda r: r.update(variables="x"), "variables"),
        (lambda r: r.update(proof_length="3"), "proof_length"),
        (lambda r: r["steps"][0].update(direction="sideways"), "steps.1.direction"),
        (lambda r: r["steps"][1].update(position=[0, -1]), "steps.2.position"),
        (lambda r: r["verified"].update(axioms="none"), "verified.axioms"),
        (lambda r: r.update(proofs=[{"lean_name": "p"}]), "proofs.2.lean_proof"),
    ],
)
def test_a_malformed_record_is_refused_naming_the_field(edit: Any, field: str) -> None:
    raw = _records("field", RewriteFamily(), 1)[0]
    raw["steps"] = raw["steps"] * 2
    edit(raw)
    with pytest.raises(RecordError) as caught:
        TheoremRecord.from_json(raw)
    assert caught.value.field == field and f"field {field!r}" in str(caught.value)
