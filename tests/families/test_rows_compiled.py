"""The compiled step rows (`families/_rows.c`) against `records.python_rows`, which they stand
for: the same rows, field for field and attribute for attribute, for the proofs of random
walks of every shipped theory (reverse steps, side conditions, numeral-only `evaluate:` rules,
long walks, several shortest proofs), for every family's records, and the same exception where
the printer raises one; and a row class whose `__init__` is not the generated one is called."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, fields, replace
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rpsdg_formal.dataset.record import StepRow, TheoremRecord
from rpsdg_formal.families import records
from rpsdg_formal.families.base import Family
from rpsdg_formal.families.calculus_config import CalculusConfig
from rpsdg_formal.families.calculus_family import CalculusFamily
from rpsdg_formal.families.equation_family import EquationFamily
from rpsdg_formal.families.records import Proof, make_candidate, step_rows
from rpsdg_formal.families.rewrite_family import RewriteFamily
from rpsdg_formal.families.rewrite_family import natural as natural_keep
from rpsdg_formal.families.system_family import SystemFamily
from rpsdg_formal.pipeline.prepare import Preparer
from rpsdg_formal.rewriting.selection import SelectConfig, select_theorem
from rpsdg_formal.rewriting.steps import RuleIndex
from rpsdg_formal.rewriting.walk import WalkConfig, draw_walk, theorem_rng
from rpsdg_formal.terms.texts import texts_of
from rpsdg_formal.theory.catalogue import rules_path, shipped_theories
from rpsdg_formal.theory.rules import RuleSet, load_rules

RULES = {t: load_rules(rules_path(t)) for t in shipped_theories()}
INDEX = {t: RuleIndex.build(r.rules) for t, r in RULES.items()}
needs_native = pytest.mark.skipif(records._ROWS is None, reason="the compiled rows are not built")


@contextmanager
def _compiled(on: bool) -> Iterator[None]:
    before = records.use_compiled_rows(on)
    try:
        yield
    finally:
        records.use_compiled_rows(before)


def _both(proof: Proof, rules: RuleSet) -> tuple[tuple[StepRow, ...], tuple[StepRow, ...]]:
    """The rows of `proof` made compiled, and made by `python_rows` (both through `step_rows`,
    which derives the proof terms a proof does not keep)."""
    with _compiled(True):
        made = step_rows(proof, rules.theory)
    with _compiled(False):
        return made, step_rows(proof, rules.theory)


def _same(made: tuple[Any, ...], reference: tuple[Any, ...]) -> None:
    assert made == reference
    assert [type(r) for r in made] == [type(r) for r in reference]
    assert [list(vars(r).items()) for r in made] == [list(vars(r).items()) for r in reference]


@needs_native
@settings(max_examples=60, deadline=None)
@given(
    theory=st.sampled_from(sorted(RULES)),
    index=st.integers(0, 10**6),
    steps=st.integers(1, 14),
    proofs=st.integers(1, 3),
    natural=st.booleans(),
)
def test_walk_proofs_make_the_same_rows(
    theory: str, index: int, steps: int, proofs: int, natural: bool
) -> None:
    rules = RULES[theory]
    keep = natural_keep(rules.theory.signature) if natural else None
    walk = draw_walk(WalkConfig(steps=steps), INDEX[theory], theorem_rng(5, index), keep)
    selected = select_theorem(walk, INDEX[theory], SelectConfig(proofs=proofs))
    if selected is None:
        return
    candidate = make_candidate("t", index, selected.start, selected.proofs, rules.theory)
    for proof in candidate.proofs:
        _same(*_both(proof, rules))
        without_terms = Proof(proof.steps, proof.lean)  # terms derived first, then the rows
        _same(*_both(without_terms, rules))


FAMILIES: list[tuple[str, Family]] = [
    ("field", RewriteFamily(WalkConfig(steps=10), SelectConfig(proofs=3))),
    ("calculus", CalculusFamily()),
    ("calculus", CalculusFamily(CalculusConfig(family="by-parts"))),
    ("equation", EquationFamily()),
    ("equation", SystemFamily()),
]


def _records(theory: str, family: Family, on: bool) -> list[TheoremRecord | None]:
    preparer = Preparer(RULES[theory], family, seed=9)
    with _compiled(on):
        return [preparer(i).record for i in range(12)]


@needs_native
@pytest.mark.parametrize(("theory", "family"), FAMILIES, ids=lambda c: getattr(c, "run_name", c))
def test_every_family_makes_the_same_records(theory: str, family: Family) -> None:
    made, reference = _records(theory, family, True), _records(theory, family, False)
    assert made == reference and any(r is not None for r in made)
    for a, b in zip(made, reference, strict=True):
        if a is not None and b is not None:
            _same(tuple(a.steps), tuple(b.steps))
            assert a.to_json() == b.to_json()


def _field_proof(index: int, steps: int) -> Proof:
    """The primary proof of a walk of the field theory (one that selects a theorem)."""
    walk = draw_walk(WalkConfig(steps=steps), INDEX["field"], theorem_rng(5, index), None)
    selected = select_theorem(walk, INDEX["field"], SelectConfig())
    assert selected is not None
    theory = RULES["field"].theory
    return make_candidate("t", index, selected.start, selected.proofs, theory).proofs[0]


@needs_native
def test_a_step_the_rows_do_not_make_is_made_in_python() -> None:
    proof = _field_proof(1, 6)
    listed = replace(proof.steps[0], substitution=list(proof.steps[0].substitution))  # type: ignore[arg-type]
    odd = Proof((listed, *proof.steps[1:]), proof.lean, proof.terms)
    assert records._ROWS is not None
    texts = texts_of(RULES["field"].theory.signature)
    assert records._ROWS.rows(odd.steps, odd.terms, texts.infix, StepRow) is None
    _same(*_both(odd, RULES["field"]))


@needs_native
def test_what_the_printer_raises_is_raised() -> None:
    proof = _field_proof(2, 4)

    def refuses(tree: object, lean: bool) -> str:
        raise LookupError(f"no text for {tree!r}")

    assert records._ROWS is not None
    with pytest.raises(LookupError, match="no text"):
        records._ROWS.rows(proof.steps, proof.terms, refuses, StepRow)
    with pytest.raises(TypeError):
        records._ROWS.rows(proof.steps, proof.terms[1:], refuses, StepRow)


_ROW_FIELDS = tuple(f.name for f in fields(StepRow))


@dataclass(frozen=True, init=False)
class _CheckedRow(StepRow):
    """StepRow with a hand-written `__init__` that validates and counts: the C rows, which set
    the fields without calling `__init__`, must not make it."""

    made = 0

    def __init__(self, *values: Any) -> None:
        if values[2] not in ("forward", "reverse"):
            raise ValueError(f"not a direction: {values[2]!r}")
        type(self).made += 1
        for name, value in zip(_ROW_FIELDS, values, strict=True):
            object.__setattr__(self, name, value)


@needs_native
def test_a_row_class_with_its_own_init_is_called(monkeypatch: pytest.MonkeyPatch) -> None:
    """With StepRow's `__init__` replaced (the class the records make changed), rows are made
    by `python_rows`, calling it once per step; StepRow itself is made by the C rows."""
    proof = _field_proof(3, 6)
    assert records._compiled_class(StepRow)
    assert not records._compiled_class(_CheckedRow)
    monkeypatch.setattr(records, "StepRow", _CheckedRow)
    with _compiled(True):
        made = step_rows(proof, RULES["field"].theory)
    assert _CheckedRow.made == len(proof.steps) == len(made)
    assert all(type(row) is _CheckedRow for row in made)
    monkeypatch.undo()
    with _compiled(False):
        reference = step_rows(proof, RULES["field"].theory)
    assert [r.to_json() for r in made] == [r.to_json() for r in reference]
