"""The dataset record, typed: one `TheoremRecord` per line of `theorems.jsonl`.

`TheoremRecord.from_json` is the only reader of a record's JSON and `to_json` its only writer,
so the schema is stated once for both directions. `to_json(from_json(d)) == d`, key order
included, for every record `generate` writes (the order is kept in `layout`), so parsing and
re-writing a dataset changes no byte. Fields a family adds (an integrand, the plain equations)
stay JSON in `details`; the family that owns them reads them (`families`).
Malformed input raises `RecordError` naming the field.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from rpsdg_formal.errors import RecordError

SCHEMA_VERSION = 3  # 3: certificates leave each step's `have` type to Lean

Json = Any  # a value json.loads returns


# --- reading helpers -------------------------------------------------------------------------


def _get(raw: Mapping[str, Json], key: str, kind: type, where: str) -> Any:
    value = raw.get(key)
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise RecordError(f"{where}{key}", f"missing or not a {kind.__name__}")
    return value


def _optional(raw: Mapping[str, Json], key: str, kind: type, where: str) -> Any:
    return _get(raw, key, kind, where) if key in raw else None


def _strings(raw: Mapping[str, Json], key: str, where: str) -> tuple[str, ...]:
    values = _get(raw, key, list, where)
    if not all(isinstance(v, str) for v in values):
        raise RecordError(f"{where}{key}", "must be a list of strings")
    return tuple(values)


def _ints(raw: Mapping[str, Json], key: str, where: str) -> tuple[int, ...]:
    values = _get(raw, key, list, where)
    if not all(isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in values):
        raise RecordError(f"{where}{key}", "must be a list of natural numbers")
    return tuple(values)


def _object(raw: Json, where: str) -> Mapping[str, Json]:
    if not isinstance(raw, dict):
        raise RecordError(where.rstrip("."), "must be an object")
    return raw


def _ordered(values: Mapping[str, Json], layout: Sequence[str]) -> dict[str, Json]:
    """`values` in `layout` order (keys the layout does not know go last, in their order)."""
    known = [k for k in layout if k in values]
    return {k: values[k] for k in [*known, *(k for k in values if k not in layout)]}


# --- rows ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StepRow:
    """One rewrite step as recorded: the states in Lean syntax, the rule, its direction, the
    position (child indices from the root), the substitution (human syntax) and its proof term."""

    state_before: str
    rule: str
    direction: str
    position: tuple[int, ...]
    substitution: tuple[tuple[str, str], ...]
    state_after: str
    lean: str

    @classmethod
    def from_json(cls, raw: Json, where: str) -> StepRow:
        row = _object(raw, where)
        direction = _get(row, "direction", str, where)
        if direction not in ("forward", "reverse"):
            raise RecordError(f"{where}direction", "must be forward or reverse")
        substitution = _get(row, "substitution", dict, where)
        if not all(isinstance(v, str) for v in substitution.values()):
            raise RecordError(f"{where}substitution", "values must be expressions (strings)")
        return cls(
            _get(row, "state_before", str, where),
            _get(row, "rule", str, where),
            direction,
            _ints(row, "position", where),
            tuple((str(k), v) for k, v in substitution.items()),
            _get(row, "state_after", str, where),
            _get(row, "lean", str, where),
        )

    def to_json(self) -> dict[str, Json]:
        return {
            "state_before": self.state_before,
            "rule": self.rule,
            "direction": self.direction,
            "position": list(self.position),
            "substitution": dict(self.substitution),
            "state_after": self.state_after,
            "lean": self.lean,
        }


@dataclass(frozen=True)
class EquationStepRow:
    """One equation step: the equation before and after, what it does in words, the equations
    it uses (`sources`), and either the function applied to both sides or a rewrite of one side."""

    before: tuple[str, str]
    do: str
    after: tuple[str, str]
    sources: tuple[int, ...] | None = None
    apply: str | None = None
    rewrite: tuple[str, StepRow] | None = None  # (side: left or right, the step)

    @classmethod
    def from_json(cls, raw: Json, where: str) -> EquationStepRow:
        row = _object(raw, where)
        rewrite = None
        if "rewrite" in row:
            inner = _object(row["rewrite"], f"{where}rewrite.")
            side = _get(inner, "side", str, f"{where}rewrite.")
            if side not in ("left", "right"):
                raise RecordError(f"{where}rewrite.side", "must be left or right")
            rewrite = (side, StepRow.from_json(inner, f"{where}rewrite."))
        return cls(
            _pair(row, "before", where),
            _get(row, "do", str, where),
            _pair(row, "after", where),
            _ints(row, "sources", where) if "sources" in row else None,
            _optional(row, "apply", str, where),
            rewrite,
        )

    def to_json(self) -> dict[str, Json]:
        row: dict[str, Json] = {"before": list(self.before), "do": self.do}
        if self.sources is not None:
            row["sources"] = list(self.sources)
        if self.apply is not None:
            row["apply"] = self.apply
        if self.rewrite is not None:
            row["rewrite"] = {"side": self.rewrite[0], **self.rewrite[1].to_json()}
        row["after"] = list(self.after)
        return row


Row = StepRow | EquationStepRow


def _pair(raw: Mapping[str, Json], key: str, where: str) -> tuple[str, str]:
    value = _get(raw, key, list, where)
    if len(value) != 2 or not all(isinstance(v, str) for v in value):
        raise RecordError(f"{where}{key}", "must be a pair [lhs, rhs] of expressions")
    return value[0], value[1]


def _rows(raw: Json, key: str, where: str) -> tuple[Row, ...]:
    """Steps of either shape: an equation step has `do`, a rewrite step `state_before`."""
    values = _get(_object(raw, where), key, list, where)
    return tuple(
        EquationStepRow.from_json(v, f"{where}{key}.{n}.")
        if isinstance(v, dict) and "do" in v
        else StepRow.from_json(v, f"{where}{key}.{n}.")
        for n, v in enumerate(values, 1)
    )


_PROOF_LAYOUT = ("goal", "lean_name", "lean_statement", "lean_proof", "steps")


@dataclass(frozen=True)
class ProofRow:
    """Another proof of the theorem (or an equation record's converse): its Lean name, its
    certificate and its steps; equation proofs also state their statement and `goal`."""

    lean_name: str
    lean_proof: str
    steps: tuple[Row, ...]
    lean_statement: str | None = None
    goal: tuple[int, ...] | None = None

    @classmethod
    def from_json(cls, raw: Json, where: str) -> ProofRow:
        row = _object(raw, where)
        return cls(
            _get(row, "lean_name", str, where),
            _get(row, "lean_proof", str, where),
            _rows(row, "steps", where),
            _optional(row, "lean_statement", str, where),
            _ints(row, "goal", where) if "goal" in row else None,
        )

    def to_json(self) -> dict[str, Json]:
        values: dict[str, Json] = {
            "goal": None if self.goal is None else list(self.goal),
            "lean_name": self.lean_name,
            "lean_statement": self.lean_statement,
            "lean_proof": self.lean_proof,
            "steps": [s.to_json() for s in self.steps],
        }
        return _ordered({k: v for k, v in values.items() if v is not None}, _PROOF_LAYOUT)


@dataclass(frozen=True)
class Verified:
    """The kernel's verdict: which kernel, which Lean, the axioms `#print axioms` listed, and
    the Lean file that was checked."""

    kernel: str
    lean_version: str
    axioms: tuple[str, ...]
    lean_file: str

    @classmethod
    def from_json(cls, raw: Json, where: str = "verified.") -> Verified:
        row = _object(raw, where)
        return cls(
            _get(row, "kernel", str, where),
            _get(row, "lean_version", str, where),
            _strings(row, "axioms", where),
            _get(row, "lean_file", str, where),
        )

    def to_json(self) -> dict[str, Json]:
        return {
            "kernel": self.kernel,
            "lean_version": self.lean_version,
            "axioms": list(self.axioms),
            "lean_file": self.lean_file,
        }


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
        row = _object(raw, "record.")
        proofs = _get(row, "proofs", list, "") if "proofs" in row else []
        converse = row.get("converse")
        return cls(
            id=_get(row, "id", str, ""),
            theory=_get(row, "theory", str, ""),
            statement=_get(row, "statement", str, ""),
            variables=_strings(row, "variables", ""),
            start=_get(row, "start", str, ""),
            end=_get(row, "end", str, ""),
            latex=_get(row, "latex", str, ""),
            lean_name=_get(row, "lean_name", str, ""),
            lean_statement=_get(row, "lean_statement", str, ""),
            lean_proof=_get(row, "lean_proof", str, ""),
            steps=_rows(row, "steps", ""),
            proof_length=_get(row, "proof_length", int, ""),
            verified=Verified.from_json(row.get("verified")),
            seed=_optional(row, "seed", int, ""),
            index=_optional(row, "index", int, ""),
            family=_optional(row, "family", str, ""),
            min_length_lower_bound=_optional(row, "min_length_lower_bound", int, ""),
            bound_search=_optional(row, "bound_search", dict, ""),
            measures=_optional(row, "measures", dict, ""),
            rules_used=_strings(row, "rules_used", "") if "rules_used" in row else None,
            proofs=tuple(ProofRow.from_json(p, f"proofs.{n}.") for n, p in enumerate(proofs, 2)),
            goal=_ints(row, "goal", "") if "goal" in row else None,
            converse=None if converse is None else ProofRow.from_json(converse, "converse."),
            schema=_optional(row, "schema", int, ""),
            details={k: v for k, v in row.items() if k not in _TYPED},
            layout=tuple(row),
        )

    def to_json(self) -> dict[str, Json]:
        """The record as `generate` writes it (keys in `layout` order)."""
        values: dict[str, Json] = {
            "id": self.id,
            "theory": self.theory,
            "seed": self.seed,
            "index": self.index,
            "family": self.family,
            "statement": self.statement,
            "variables": list(self.variables),
            "start": self.start,
            "end": self.end,
            "latex": self.latex,
            "lean_name": self.lean_name,
            "lean_statement": self.lean_statement,
            "lean_proof": self.lean_proof,
            "steps": [s.to_json() for s in self.steps],
            "goal": None if self.goal is None else list(self.goal),
            "converse": None if self.converse is None else self.converse.to_json(),
            "proof_length": self.proof_length,
            "min_length_lower_bound": self.min_length_lower_bound,
            "bound_search": self.bound_search,
            "measures": self.measures,
            "rules_used": None if self.rules_used is None else list(self.rules_used),
            "proofs": [p.to_json() for p in self.proofs],
            "verified": self.verified.to_json(),
            "schema": self.schema,
        }
        present = {k: v for k, v in values.items() if v is not None}
        if "proofs" not in self.layout and not self.proofs:
            del present["proofs"]  # an old record without the field
        return _ordered({**present, **self.details}, self.layout)

    @property
    def family_name(self) -> str:
        """The record's family (`rewrite` when it has no `family` field)."""
        return self.family or "rewrite"

    @property
    def axioms(self) -> tuple[str, ...]:
        return self.verified.axioms


_TYPED = frozenset(f.name for f in TheoremRecord.__dataclass_fields__.values()) - {
    "details",
    "layout",
}
