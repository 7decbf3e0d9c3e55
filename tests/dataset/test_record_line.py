"""The record line written straight from the typed record (`dataset.record_line`, compiled in
`dataset/_jsonline.c`) against its reference, `json.dumps(record_json(...), ensure_ascii=False)`:
the same text, character for character, on the records every family prepares (with several
proofs, alternatives the kernel rejected, a verdict put in), and on typed records made of
hostile text (quotes, backslashes, control characters, lone surrogates, non-ASCII) and of
values the writer leaves to the reference (floats, repeated names, keys that are not strings),
in every field; the same exception where the reference raises one."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rpsdg_formal.dataset import record_line
from rpsdg_formal.dataset.record import (
    LAYOUT,
    EquationStepRow,
    ProofRow,
    StepRow,
    TheoremRecord,
    Verified,
)
from rpsdg_formal.dataset.record_line import line_around_nul, record_json
from rpsdg_formal.families.base import Family
from rpsdg_formal.families.calculus_config import CalculusConfig
from rpsdg_formal.families.calculus_family import CalculusFamily
from rpsdg_formal.families.equation_family import EquationFamily
from rpsdg_formal.families.rewrite_family import RewriteFamily
from rpsdg_formal.families.system_family import SystemFamily
from rpsdg_formal.kernel.check import Accepted, Rejected, Verdict
from rpsdg_formal.pipeline.prepare import Prepared, Preparer, finish, finished
from rpsdg_formal.rewriting.selection import SelectConfig
from rpsdg_formal.rewriting.walk import WalkConfig
from rpsdg_formal.theory.catalogue import rules_path
from rpsdg_formal.theory.rules import load_rules

NATIVE = record_line._NATIVE
GAP = json.dumps("\0")  # `"\u0000"`, the Lean file `judged` leaves as a gap
needs_native = pytest.mark.skipif(NATIVE is None, reason="the compiled writer is not built")

CASES: list[tuple[str, Family]] = [
    ("field", RewriteFamily()),
    ("field", RewriteFamily(WalkConfig(steps=12), SelectConfig(proofs=3))),
    ("calculus", CalculusFamily()),
    ("calculus", CalculusFamily(CalculusConfig(family="by-parts"))),
    ("equation", EquationFamily()),
    ("equation", SystemFamily()),
]


def _items(theory: str, family: Family, count: int) -> Iterator[Prepared]:
    preparer = Preparer(load_rules(rules_path(theory)), family, seed=6)
    index = found = 0
    while found < count:
        item = preparer(index)
        index += 1
        if item.record is not None and item.error is None:
            found += 1
            yield item


def _reference(record: TheoremRecord, verified: Verified | None = None) -> str:
    return json.dumps(record_json(record, verified), ensure_ascii=False)


def _compiled(record: TheoremRecord, verified: Verified | None = None) -> str:
    before = record_line.use_compiled(True)
    try:
        return record_line.record_line(record, verified)
    finally:
        record_line.use_compiled(before)


def _check_cut(record: TheoremRecord, verified: Verified) -> tuple[str, str] | None:
    """`line_around_nul` cuts the reference line where a search for the NUL string's JSON
    finds it, when it finds it once, or leaves the line to that search."""
    head, gap, tail = _reference(record, verified).partition(GAP)
    before = record_line.use_compiled(True)
    try:
        cut = line_around_nul(record, verified)
    finally:
        record_line.use_compiled(before)
    if cut is not None:
        assert gap and GAP not in tail and cut == (head, tail)
    return cut


def _verdicts(item: Prepared, rejected: int | None) -> list[Verdict]:
    """Accepted with two axioms, except theorem `rejected` (an alternative, say)."""
    refused = Rejected("kernel", ("no",))
    return [
        refused if k == rejected else Accepted(("B.b", "A.a")) for k in range(len(item.theorems))
    ]


@pytest.mark.parametrize(("theory", "family"), CASES, ids=lambda c: getattr(c, "run_name", c))
def test_every_family_writes_the_reference_line(theory: str, family: Family) -> None:
    """Prepared records with and without their verdict; finished lines with every theorem
    accepted, and with the last one (an alternative where there are several) rejected."""
    several = 0
    for item in _items(theory, family, 6):
        assert item.record is not None
        several += len(item.theorems) > 1
        assert _compiled(item.record) == _reference(item.record)
        files = {t.name: "batch_0001.lean" for t in item.theorems}
        for rejected in (None, len(item.theorems) - 1 if len(item.theorems) > 1 else None):
            verdicts = _verdicts(item, rejected)
            by_name = {t.name: v for t, v in zip(item.theorems, verdicts, strict=True)}
            row = finish(item, by_name, "4.35.0", files)
            done = finished(item, verdicts, "4.35.0", "batch_0001.lean")
            assert (done is None) == (row is None)
            if done is not None:
                assert _compiled(*done) == json.dumps(row, ensure_ascii=False)
                _check_cut(done[0], replace(done[1], lean_file="\0"))
    if family == CASES[1][1]:  # `--proofs 3`: some theorems have alternatives
        assert several


@needs_native
@pytest.mark.parametrize(("theory", "family"), CASES, ids=lambda c: getattr(c, "run_name", c))
def test_the_compiled_writer_writes_shipped_records_itself(theory: str, family: Family) -> None:
    """No record a family prepares is handed back to the reference (which would be slow)."""
    assert NATIVE is not None
    for item in _items(theory, family, 3):
        record = item.record
        assert record is not None
        if not record.details:
            line = NATIVE.record(
                record, None, record_line._RECORD_ORDER, record.layout, record_line._SPECS, False
            )
            gap = replace(record.verified, lean_file="\0")
            assert _check_cut(record, gap) is not None

        else:
            line = NATIVE.dumps(record.typed_items(), record_line._RECORD_MODES,
                                record_line._SPECS)  # fmt: skip
        assert line == _reference(record)


# --- hostile records -----------------------------------------------------------------------

HOSTILE = ['"', "\\", "\\u0000", "\0", "\x1f", "\x7f", "\n\r\t\b\f", "\ud800", "\udfff", "é",
           "∀", "⁻¹", "😀", "\u2028", "}", ", "]  # fmt: skip
_CHAR = st.characters(min_codepoint=0, max_codepoint=0x10FFFF, exclude_categories=())
TEXT = st.lists(st.one_of(_CHAR, st.sampled_from(HOSTILE)), max_size=8).map("".join)
NAME = st.one_of(TEXT, st.sampled_from(["a", "b", "state_before"]))
INTEGER = st.one_of(st.integers(-5, 5), st.integers(), st.sampled_from([2**63, -(2**63) - 1]))
LEAF = st.one_of(TEXT, INTEGER, st.booleans(), st.none(), st.floats(allow_nan=False))
PLAIN = st.recursive(
    LEAF, lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(TEXT, inner,
                                                                                max_size=3)),
    max_leaves=8,
)  # fmt: skip


@st.composite
def step_rows(draw: st.DrawFn) -> StepRow:
    names = draw(st.lists(NAME, max_size=4))  # repeated names: `dict` keeps the last value
    return StepRow(
        draw(TEXT), draw(TEXT), draw(st.sampled_from(["forward", "reverse"])),
        tuple(draw(st.lists(st.integers(0, 2**70), max_size=4))),
        tuple((n, draw(TEXT)) for n in names), draw(TEXT), draw(TEXT),
    )  # fmt: skip


@st.composite
def equation_rows(draw: st.DrawFn) -> EquationStepRow:
    pair = st.tuples(TEXT, TEXT)
    rewrite = st.one_of(st.none(), st.tuples(st.sampled_from(["left", "right"]), step_rows()))
    sources = st.one_of(st.none(), st.tuples(st.integers(0, 9)))
    return EquationStepRow(draw(pair), draw(TEXT), draw(pair), draw(sources),
                           draw(st.one_of(st.none(), TEXT)), draw(rewrite))  # fmt: skip


ROWS = st.lists(st.one_of(step_rows(), equation_rows()), max_size=3).map(tuple)
PROOF = st.builds(ProofRow, TEXT, TEXT, ROWS, st.one_of(st.none(), TEXT),
                  st.one_of(st.none(), st.tuples(st.integers(0, 3))))  # fmt: skip
PROOFS = st.lists(PROOF, max_size=2).map(tuple)
VERIFIED = st.builds(Verified, TEXT, TEXT, st.lists(TEXT, max_size=3).map(tuple), TEXT)


@st.composite
def records(draw: st.DrawFn) -> TheoremRecord:
    """A typed record: hostile text everywhere, optional fields present or not, family fields
    (`details`), and a layout that is the usual one or not."""
    optional = st.one_of(st.none(), INTEGER)
    record = TheoremRecord(
        draw(TEXT), draw(TEXT), draw(TEXT), tuple(draw(st.lists(TEXT, max_size=3))),
        draw(TEXT), draw(TEXT), draw(TEXT), draw(TEXT), draw(TEXT), draw(TEXT), draw(ROWS),
        draw(INTEGER), draw(VERIFIED), draw(optional), draw(optional),
        draw(st.one_of(st.none(), TEXT)), draw(optional),
        draw(st.one_of(st.none(), st.dictionaries(TEXT, PLAIN, max_size=3))),
        draw(st.one_of(st.none(), st.dictionaries(TEXT, INTEGER, max_size=3))),
        draw(st.one_of(st.none(), st.lists(TEXT, max_size=3).map(tuple))), draw(PROOFS),
        draw(st.one_of(st.none(), st.tuples(st.integers(0, 3)))),
        draw(st.one_of(st.none(), PROOF)), draw(optional),
        draw(st.one_of(st.just({}), st.dictionaries(TEXT, PLAIN, max_size=2))),
    )  # fmt: skip
    if draw(st.booleans()):
        return replace(record, layout=tuple(record.to_json()))  # as `generate` makes them
    if draw(st.booleans()):
        return replace(record, layout=tuple(draw(st.permutations(LAYOUT))))
    return record


@settings(max_examples=400, deadline=None)
@given(records(), st.one_of(st.none(), VERIFIED))
def test_hostile_records_write_the_reference_line(
    record: TheoremRecord, verified: Verified | None
) -> None:
    assert _compiled(record, verified) == _reference(record, verified)
    _check_cut(record, replace(verified or record.verified, lean_file="\0"))


def test_a_line_with_the_gap_text_twice_is_not_cut() -> None:
    """A string ending in a quote and a NUL holds `"\\u0000"` in its JSON too: the search
    would find it twice, so the line is not cut (and `judged` refuses it)."""
    record = next(_items("field", RewriteFamily(), 1)).record
    assert record is not None
    for version in ('v"\0', "\0"):
        verified = replace(record.verified, lean_version=version, lean_file="\0")
        assert _check_cut(record, verified) is None
    plain = replace(record.verified, lean_version='v"\0"', lean_file="\0")  # no NUL at the end
    assert _check_cut(record, plain) is not None or NATIVE is None


@pytest.mark.parametrize(
    "details",
    [{"x": 1.5}, {"x": float("inf")}, {"x": {1: "a"}}, {"x": {None: 1}}, {"x": [[0.0]]}],
)
def test_values_the_writer_leaves_to_the_reference_are_written_by_it(
    details: dict[str, Any],
) -> None:
    record = next(_items("field", RewriteFamily(), 1)).record
    assert record is not None
    odd = replace(record, details=details)
    assert _compiled(odd) == _reference(odd)
    if NATIVE is not None:  # the writer itself declines each of them
        items = odd.typed_items()
        assert NATIVE.dumps(items, record_line._RECORD_MODES, record_line._SPECS) is None


def test_a_repeated_substitution_name_keeps_the_value_dict_keeps() -> None:
    record = next(_items("field", RewriteFamily(), 1)).record
    assert record is not None
    step = replace(record.steps[0], substitution=(("a", "1"), ("b", "2"), ("a", "3")))
    odd = replace(record, steps=(step, *record.steps[1:]))
    assert _compiled(odd) == _reference(odd)
    assert '"substitution": {"a": "3", "b": "2"}' in _compiled(odd)


def test_what_the_reference_refuses_is_refused_the_same_way() -> None:
    record = next(_items("field", RewriteFamily(), 1)).record
    assert record is not None
    for odd in (
        replace(record, details={"x": object()}),  # not JSON at all
        replace(record, steps=("not a row",)),  # a row field holding something else
    ):
        with pytest.raises((TypeError, AttributeError)) as reference:
            _reference(odd)
        with pytest.raises(reference.type):
            _compiled(odd)


def test_deep_nesting_is_left_to_the_reference() -> None:
    record = next(_items("field", RewriteFamily(), 1)).record
    assert record is not None
    deep: Any = "bottom"
    for _ in range(200):
        deep = {"d": [deep]}
    odd = replace(record, details={"deep": deep})
    assert _compiled(odd) == _reference(odd)


def test_one_byte_text_is_escaped_wherever_the_character_falls() -> None:
    """Text read eight characters at a time: a character needing an escape (or one just past
    the ASCII range, or a DEL, which need none) at every place of a word and of its tail."""
    record = next(_items("field", RewriteFamily(), 1)).record
    assert record is not None
    for char in ['"', "\\", "\0", "\x1f", " ", "\x7f", "\x80", "é", "\xff", "!", "#", "[", "]"]:
        for at in range(19):
            text = "a" * at + char + "b" * (18 - at)
            odd = replace(record, lean_proof=text, latex=text[:at] + char)
            assert _compiled(odd) == _reference(odd), (char, at)
