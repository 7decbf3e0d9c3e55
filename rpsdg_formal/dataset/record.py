"""The dataset record, typed: one `TheoremRecord` per line of `theorems.jsonl`.

`TheoremRecord.from_json` is the only reader of a record's JSON and `to_json` its only writer,
so the schema is stated once for both directions. `to_json(from_json(d)) == d`, key order
included, for every record `generate` writes (the order is kept in `layout`), so parsing and
re-writing a dataset changes no byte. Fields a family adds (an integrand, the plain equations)
stay JSON in `details`; the family that owns them reads them (`families`).
Malformed input raises `RecordError` naming the field.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import ClassVar

from rpsdg_formal.dataset.schema import (
    Field,
    Json,
    Typed,
    choice,
    get,
    integer,
    json_object,
    mapping,
    naturals,
    ordered,
    pair,
    read_fields,
    row_json,
    row_list,
    strings,
    text,
    write_fields,
)
from rpsdg_formal.errors import RecordError

SCHEMA_VERSION = 3  # 3: certificates leave each step's `have` type to Lean

__all__ = [
    "LAYOUT",
    "RECORD_FIELDS",
    "SCHEMA_VERSION",
    "EquationStepRow",
    "Json",
    "ProofRow",
    "Row",
    "StepRow",
    "TheoremRecord",
    "Verified",
]


# --- rows ----------------------------------------------------------------------------------------


def _substitution(raw: Mapping[str, Json], key: str, where: str) -> tuple[tuple[str, str], ...]:
    values = get(raw, key, dict, where)
    if not all(isinstance(v, str) for v in values.values()):
        raise RecordError(f"{where}{key}", "values must be expressions (strings)")
    return tuple((str(k), v) for k, v in values.items())


@dataclass(frozen=True)
class StepRow(Typed):
    """One rewrite step as recorded: the states in Lean syntax, the rule, its direction, the
    position (child indices from the root), the substitution (human syntax) and its proof term."""

    state_before: str
    rule: str
    direction: str
    position: tuple[int, ...]
    substitution: tuple[tuple[str, str], ...]
    state_after: str
    lean: str

    FIELDS: ClassVar[tuple[Field, ...]] = (
        Field("state_before", text),
        Field("rule", text),
        Field("direction", choice("forward", "reverse")),
        Field("position", naturals, list),
        Field("substitution", _substitution, dict),
        Field("state_after", text),
        Field("lean", text),
    )


def _rewrite(raw: Mapping[str, Json], key: str, where: str) -> tuple[str, StepRow]:
    """An equation step's rewrite of one side: the side, then the rewrite step's own fields."""
    inner = json_object(raw[key], f"{where}{key}.")
    side = choice("left", "right")(inner, "side", f"{where}{key}.")
    return str(side), StepRow.from_json(inner, f"{where}{key}.")


@dataclass(frozen=True)
class EquationStepRow(Typed):
    """One equation step: the equation before and after, what it does in words, the equations
    it uses (`sources`), and either the function applied to both sides or a rewrite of one side."""

    before: tuple[str, str]
    do: str
    after: tuple[str, str]
    sources: tuple[int, ...] | None = None
    apply: str | None = None
    rewrite: tuple[str, StepRow] | None = None  # (side: left or right, the step)

    FIELDS: ClassVar[tuple[Field, ...]] = (
        Field("before", pair, list),
        Field("do", text),
        Field("sources", naturals, list, optional=True),
        Field("apply", text, optional=True),
        Field("rewrite", _rewrite, lambda r: {"side": r[0], **r[1].to_json()}, optional=True),
        Field("after", pair, list),
    )


Row = StepRow | EquationStepRow


def _rows(raw: Mapping[str, Json], key: str, where: str) -> tuple[Row, ...]:
    """Steps of either shape: an equation step has `do`, a rewrite step `state_before`."""
    values = get(raw, key, list, where)
    return tuple(
        EquationStepRow.from_json(v, f"{where}{key}.{n}.")
        if isinstance(v, dict) and "do" in v
        else StepRow.from_json(v, f"{where}{key}.{n}.")
        for n, v in enumerate(values, 1)
    )


@dataclass(frozen=True)
class ProofRow(Typed):
    """Another proof of the theorem (or an equation record's converse): its Lean name, its
    certificate and its steps; equation proofs also state their statement and `goal`."""

    lean_name: str
    lean_proof: str
    steps: tuple[Row, ...]
    lean_statement: str | None = None
    goal: tuple[int, ...] | None = None

    FIELDS: ClassVar[tuple[Field, ...]] = (
        Field("goal", naturals, list, optional=True),
        Field("lean_name", text),
        Field("lean_statement", text, optional=True),
        Field("lean_proof", text),
        Field("steps", _rows, row_list),
    )


@dataclass(frozen=True)
class Verified(Typed):
    """The kernel's verdict: which kernel, which Lean, the axioms `#print axioms` listed, and
    the Lean file that was checked."""

    kernel: str
    lean_version: str
    axioms: tuple[str, ...]
    lean_file: str

    FIELDS: ClassVar[tuple[Field, ...]] = (
        Field("kernel", text),
        Field("lean_version", text),
        Field("axioms", strings, list),
        Field("lean_file", text),
    )


# --- the record ------------------------------------------------------------------------------

LAYOUT = (
    "id", "theory", "seed", "index", "statement", "variables", "start", "end", "latex",
    "lean_name", "lean_statement", "lean_proof", "steps", "goal", "converse", "proof_length",
    "min_length_lower_bound", "bound_search", "measures", "rules_used", "proofs", "verified",
    "schema",
)  # fmt: skip
"""The order of a rewrite record's keys (a family's own fields come where its builder put
them, which `layout` remembers)."""


@dataclass(frozen=True)
class TheoremRecord:
    """One verified theorem of a dataset. `family` is None for rewrite theorems (whose records
    have no `family` field); `details` holds the fields of the other families, as JSON, in
    record order; `goal` and `converse` belong to equation records."""

    id: str
    theory: str
    statement: str
    variables: tuple[str, ...]
    start: str
    end: str
    latex: str
    lean_name: str
    lean_statement: str
    lean_proof: str
    steps: tuple[Row, ...]
    proof_length: int
    verified: Verified
    seed: int | None = None
    index: int | None = None
    family: str | None = None
    min_length_lower_bound: int | None = None
    bound_search: Mapping[str, Json] | None = None
    measures: Mapping[str, Json] | None = None
    rules_used: tuple[str, ...] | None = None
    proofs: tuple[ProofRow, ...] = ()
    goal: tuple[int, ...] | None = None
    converse: ProofRow | None = None
    schema: int | None = None
    details: Mapping[str, Json] = field(default_factory=dict)
    layout: tuple[str, ...] = field(default=LAYOUT, compare=False)

    @classmethod
    def from_json(cls, raw: Json) -> TheoremRecord:
        """The typed record of a JSON object; raises RecordError naming the first bad field."""
        row = json_object(raw, "record.")
        details = {k: v for k, v in row.items() if k not in _TYPED}
        return cls(**read_fields(row, "", _RECORD), details=details, layout=tuple(row))

    def to_json(self) -> dict[str, Json]:
        """The record as `generate` writes it (keys in `layout` order)."""
        return self._ordered(write_fields(self, _RECORD))

    def typed_items(self) -> dict[str, Json]:
        """The keys and values `to_json` writes, in its order, with the values its fields'
        writers would turn into JSON left typed (rows, tuples): what `dataset.record_line`
        writes as JSON text itself."""
        return self._ordered(write_fields(self, _AS_IS))

    def _ordered(self, present: dict[str, Json]) -> dict[str, Json]:
        if "proofs" not in self.layout and not self.proofs:
            del present["proofs"]  # an old record without the field
        if not self.details and tuple(present) == self.layout:
            return present  # already in order (every record `generate` writes)
        return ordered({**present, **self.details}, self.layout)

    @property
    def family_name(self) -> str:
        """The record's family (`rewrite` when it has no `family` field)."""
        return self.family or "rewrite"

    @property
    def axioms(self) -> tuple[str, ...]:
        return self.verified.axioms


def _proofs(raw: Mapping[str, Json], key: str, where: str) -> tuple[ProofRow, ...]:
    """The other proofs, numbered from 2 (the record's own proof is the first)."""
    values = get(raw, key, list, where)
    return tuple(ProofRow.from_json(p, f"{where}{key}.{n}.") for n, p in enumerate(values, 2))


def _converse(raw: Mapping[str, Json], key: str, where: str) -> ProofRow | None:
    value = raw.get(key)
    return None if value is None else ProofRow.from_json(value, f"{where}{key}.")


def _verified(raw: Mapping[str, Json], key: str, where: str) -> Verified:
    return Verified.from_json(raw.get(key), f"{where}{key}.")


_RECORD = (
    Field("id", text),
    Field("theory", text),
    Field("seed", integer, optional=True),
    Field("index", integer, optional=True),
    Field("family", text, optional=True),
    Field("statement", text),
    Field("variables", strings, list),
    Field("start", text),
    Field("end", text),
    Field("latex", text),
    Field("lean_name", text),
    Field("lean_statement", text),
    Field("lean_proof", text),
    Field("steps", _rows, row_list),
    Field("goal", naturals, list, optional=True),
    Field("converse", _converse, row_json, optional=True),
    Field("proof_length", integer),
    Field("min_length_lower_bound", integer, optional=True),
    Field("bound_search", mapping, optional=True),
    Field("measures", mapping, optional=True),
    Field("rules_used", strings, list, optional=True),
    Field("proofs", _proofs, row_list, optional=True),
    Field("verified", _verified, row_json),
    Field("schema", integer, optional=True),
)
"""A record's typed fields, in the order `generate` writes them (before `layout` reorders)."""

RECORD_FIELDS = _RECORD
_AS_IS = tuple(Field(f.key, f.read, optional=f.optional) for f in _RECORD)
"""The same fields with their values written as they are (`typed_items`)."""

_TYPED = frozenset(f.key for f in _RECORD)
