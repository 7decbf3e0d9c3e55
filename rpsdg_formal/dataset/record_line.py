"""A record's line of `theorems.jsonl`, written straight from the typed record.

The reference is `json.dumps(row, ensure_ascii=False)` of the record's JSON (`record_json`).
Building that dict of dicts and encoding it cost more than making the record's texts, so
`record_line` hands the typed fields to a compiled writer (`dataset/_jsonline.c`, an optional
extension) that writes the same text from the rows themselves, told how by the rows' own
`FIELDS` tables (`_modes`). Where the writer is not built, after `use_compiled(False)`, and
for any value it would not write exactly as `json.dumps` does (it says so by returning None),
the reference writes the line.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from rpsdg_formal.dataset.record import (
    RECORD_FIELDS,
    EquationStepRow,
    Json,
    ProofRow,
    StepRow,
    TheoremRecord,
    Verified,
)
from rpsdg_formal.dataset.schema import Field, Typed, row_json, row_list, text
from rpsdg_formal.terms.extension import Switch, optional_extension

__all__ = ["available", "line_around_nul", "record_json", "record_line", "use_compiled"]

_NATIVE = optional_extension("dataset._jsonline")
_COMPILED = Switch()  # the switch `use_compiled` turns
_IDENTITY = Field("", text).write  # the default writer: the value as it is


def available() -> bool:
    """Is the compiled writer built (and switched on)?"""
    return _NATIVE is not None and _COMPILED.on


def use_compiled(on: bool) -> bool:
    """Write lines through the compiled writer where it is built (`on`, the default) or through
    the reference; returns the previous setting (for tests that compare the two)."""
    return _COMPILED.set(on)


def record_json(record: TheoremRecord, verified: Verified | None = None) -> dict[str, Json]:
    """The record's JSON object, with `verified` (the kernel's verdict) in place of its own."""
    row = record.to_json()
    if verified is not None:
        row["verified"] = verified.to_json()
    return row


def record_line(record: TheoremRecord, verified: Verified | None = None) -> str:
    """`json.dumps(record_json(record, verified), ensure_ascii=False)`, without the JSON."""
    if _NATIVE is not None and _COMPILED.on:
        line: str | None = None
        if not record.details:  # its fields in `layout` order, or None
            line = _NATIVE.record(record, verified, _RECORD_ORDER, record.layout, _SPECS, False)
        if line is None:
            items = record.typed_items()
            if verified is not None:
                items["verified"] = verified
            line = _NATIVE.dumps(items, _RECORD_MODES, _SPECS)
        if line is not None:
            return line
    return json.dumps(record_json(record, verified), ensure_ascii=False)


def line_around_nul(record: TheoremRecord, verified: Verified | None) -> tuple[str, str] | None:
    """`record_line(record, verified)` cut around `"\\u0000"`, the JSON of its one string that
    is a NUL character (the Lean file `pipeline.judged` leaves as a gap), as the texts before
    and after it; written by the compiled writer, which cuts a line only where a search for
    that text in it would find it once. None where it does not (the module is not built, the
    record has family fields or another layout, no such string or more than one): the caller
    searches the line `record_line` writes."""
    if _NATIVE is None or not _COMPILED.on or record.details:
        return None
    order, layout = _RECORD_ORDER, record.layout
    cut: tuple[str, str] | None = _NATIVE.record(record, verified, order, layout, _SPECS, True)
    return cut


def _mode(write: Callable[[Any], Json]) -> int | Callable[[Any], Json]:
    """How the compiled writer writes a field whose `Field.write` is `write` (a code for the
    writers it knows, else `write` itself, which it calls)."""
    if _NATIVE is None:
        return write
    codes: dict[object, int] = {
        _IDENTITY: _NATIVE.PLAIN,
        row_json: _NATIVE.ROW,
        row_list: _NATIVE.ROWS,
        list: _NATIVE.LIST,
        dict: _NATIVE.PAIRS,
    }
    return codes.get(write, write)


def _modes(fields: tuple[Field, ...]) -> tuple[tuple[str, int | Callable[[Any], Json]], ...]:
    return tuple((f.key, _mode(f.write)) for f in fields)


def _specs(*rows: type[Typed]) -> Mapping[type, Any]:
    """The rows the compiled writer writes itself: those whose `to_json` is their table's."""
    return {cls: _modes(cls.FIELDS) for cls in rows if cls.to_json is Typed.to_json}


_SPECS = _specs(StepRow, EquationStepRow, ProofRow, Verified)
_RECORD_ORDER = _modes(RECORD_FIELDS)
_RECORD_MODES = dict(_RECORD_ORDER)
