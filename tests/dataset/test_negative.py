"""The typed negative row: one schema both ways, malformed rows refused by field, and the
offered proof kept in memory but never written."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest

from rpsdg_formal.dataset.negative import KINDS, REJECTED, VALID, NegativeRow
from rpsdg_formal.errors import RecordError
from rpsdg_formal.kernel.proofspec import Offer
from rpsdg_formal.rewriting.steps import RuleIndex, successors
from rpsdg_formal.terms.parse import parse_expr
from rpsdg_formal.theory.catalogue import rules_path
from rpsdg_formal.theory.rules import load_rules

LINE = (
    '{"theorem": "t_000003", "proof": 1, "step": 2, "kind": "wrong-direction", '
    '"state_before": "x * (y + 0)", "claimed_after": "x * y + x * 0", '
    '"description": "rw [← mul_add x y 0]", "tactic": "rw [← mul_add x y 0]", "label": -1, '
    '"kernel_message": "type mismatch"}'
)


def test_a_line_round_trips_byte_for_byte() -> None:
    row = NegativeRow.from_json(json.loads(LINE))
    assert (row.theorem, row.proof, row.step, row.label) == ("t_000003", 1, 2, REJECTED)
    assert row.rejected and row.offer is None
    assert json.dumps(row.to_json(), ensure_ascii=False) == LINE
    valid = NegativeRow.from_json({**json.loads(LINE), "label": VALID, "kernel_message": ""})
    assert not valid.rejected


def test_the_offer_stays_in_memory() -> None:
    rules = load_rules(rules_path("field"))
    start = parse_expr("x * y", rules.theory.signature)
    step = next(iter(successors(start, RuleIndex.build(rules.rules), ())))
    row = NegativeRow.from_json(json.loads(LINE))
    offered = dataclasses.replace(row, offer=Offer(step))
    assert offered.offer is not None and offered.offer.step is step
    assert offered.to_json() == row.to_json()  # not written
    assert offered == row  # nor compared: a row read back equals the row written


@pytest.mark.parametrize(
    ("key", "value", "reason"),
    [
        ("label", 0, "must be -1 or 1"),
        ("label", True, "missing or not a int"),
        ("kind", "wrong-guess", "must be " + " or ".join(KINDS)),
        ("proof", -1, "must be a natural number"),
        ("step", "2", "missing or not a int"),
        ("tactic", None, "missing or not a str"),
    ],
)
def test_a_malformed_row_is_refused_naming_the_field(key: str, value: Any, reason: str) -> None:
    raw = {**json.loads(LINE), key: value}
    with pytest.raises(RecordError) as caught:
        NegativeRow.from_json(raw)
    assert caught.value.field == key and reason in str(caught.value)


def test_a_row_that_is_not_an_object_is_refused() -> None:
    with pytest.raises(RecordError, match="must be an object"):
        NegativeRow.from_json([LINE])
