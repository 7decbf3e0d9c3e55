"""A typed row's JSON schema, stated once and read in both directions.

Each typed row of a dataset (`dataset.record`'s records, steps, proofs and verdicts,
`dataset.negative`'s judged wrong steps) lists its JSON keys once, as a table of `Field`s: the
key, how its value is read (a `RecordError` naming the key when it is malformed) and how it is
written back. `read_fields` and `write_fields` walk that table, so reading and writing cannot
drift apart, and a written row's keys come in the table's order; a row class that derives from
`Typed` and names its table `FIELDS` gets both `from_json` and `to_json` from it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol, TypeVar

from rpsdg_formal.errors import RecordError

Json = Any  # a value json.loads returns
Reader = Callable[[Mapping[str, Json], str, str], Any]
"""`read(row, key, where)`: the typed value of `row[key]`; `where` prefixes the field's name in
errors (`steps.2.`)."""


def _same(value: Any) -> Json:
    return value


@dataclass(frozen=True)
class Field:
    """One key of a row. An `optional` key may be absent (the row keeps its default) and is not
    written while the row holds None."""

    key: str
    read: Reader
    write: Callable[[Any], Json] = _same
    optional: bool = False


def read_fields(row: Mapping[str, Json], where: str, fields: Sequence[Field]) -> dict[str, Any]:
    """The typed values of `row`'s fields by key (absent optional keys left out)."""
    return {f.key: f.read(row, f.key, where) for f in fields if not f.optional or f.key in row}


def write_fields(item: object, fields: Sequence[Field]) -> dict[str, Json]:
    """`item`'s fields as JSON, in table order (None values left out). A plain loop that
    skips the identity writer: `generate` writes every record through here."""
    out: dict[str, Json] = {}
    for f in fields:
        value = getattr(item, f.key)
        if value is not None:
            out[f.key] = value if f.write is _same else f.write(value)
    return out


T = TypeVar("T", bound="Typed")


class Typed:
    """A typed row whose JSON keys are its `FIELDS` table: `from_json` reads the table,
    `to_json` writes it (a frozen dataclass whose fields include every key of the table)."""

    FIELDS: ClassVar[tuple[Field, ...]]

    @classmethod
    def from_json(cls: type[T], raw: Json, where: str = "") -> T:
        """The row of a JSON object; RecordError naming the first bad field (after `where`)."""
        build: Callable[..., T] = cls
        return build(**read_fields(json_object(raw, where or "row."), where, cls.FIELDS))

    def to_json(self) -> dict[str, Json]:
        """The row as JSON, keys in table order."""
        return write_fields(self, self.FIELDS)


# --- readers ------------------------------------------------------------------------------------


def get(raw: Mapping[str, Json], key: str, kind: type, where: str) -> Any:
    """`raw[key]`, which must be a `kind` (an int is not a bool)."""
    value = raw.get(key)
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise RecordError(f"{where}{key}", f"missing or not a {kind.__name__}")
    return value


def text(raw: Mapping[str, Json], key: str, where: str) -> str:
    return str(get(raw, key, str, where))


def integer(raw: Mapping[str, Json], key: str, where: str) -> int:
    return int(get(raw, key, int, where))


def natural(raw: Mapping[str, Json], key: str, where: str) -> int:
    value = integer(raw, key, where)
    if value < 0:
        raise RecordError(f"{where}{key}", "must be a natural number")
    return value


def mapping(raw: Mapping[str, Json], key: str, where: str) -> Mapping[str, Json]:
    value: Mapping[str, Json] = get(raw, key, dict, where)
    return value


def strings(raw: Mapping[str, Json], key: str, where: str) -> tuple[str, ...]:
    values = get(raw, key, list, where)
    if not all(isinstance(v, str) for v in values):
        raise RecordError(f"{where}{key}", "must be a list of strings")
    return tuple(values)


def naturals(raw: Mapping[str, Json], key: str, where: str) -> tuple[int, ...]:
    values = get(raw, key, list, where)
    if not all(isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in values):
        raise RecordError(f"{where}{key}", "must be a list of natural numbers")
    return tuple(values)


def pair(raw: Mapping[str, Json], key: str, where: str) -> tuple[str, str]:
    value = get(raw, key, list, where)
    if len(value) != 2 or not all(isinstance(v, str) for v in value):
        raise RecordError(f"{where}{key}", "must be a pair [lhs, rhs] of expressions")
    return value[0], value[1]


def choice(*allowed: str | int) -> Reader:
    """A reader of one of the values `allowed` (all strings or all integers)."""
    kind = type(allowed[0])
    said = " or ".join(str(v) for v in allowed)

    def read(raw: Mapping[str, Json], key: str, where: str) -> str | int:
        value: str | int = get(raw, key, kind, where)
        if value not in allowed:
            raise RecordError(f"{where}{key}", f"must be {said}")
        return value

    return read


def json_object(raw: Json, where: str) -> Mapping[str, Json]:
    """`raw`, which must be a JSON object (`where` names it)."""
    if not isinstance(raw, dict):
        raise RecordError(where.rstrip("."), "must be an object")
    return raw


class Row(Protocol):
    """A typed row: it writes itself as JSON."""

    def to_json(self) -> dict[str, Json]: ...


def row_list(rows: Sequence[Row]) -> list[Json]:
    """Typed rows as a JSON list."""
    return [r.to_json() for r in rows]


def row_json(row: Row) -> Json:
    """One typed row as JSON (a `Field.write`)."""
    return row.to_json()


def ordered(values: Mapping[str, Json], layout: Sequence[str]) -> dict[str, Json]:
    """`values` in `layout` order (keys the layout does not know go last, in their order)."""
    known = [k for k in layout if k in values]
    return {k: values[k] for k in [*known, *(k for k in values if k not in layout)]}
