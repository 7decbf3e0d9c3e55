"""The tables' columns and types, stated once: the dataset card's `features` and the Parquet
schema are both read from `FEATURES`, so the two never disagree."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from rpsdg_formal.errors import ConfigError

FEATURES: dict[str, dict[str, str]] = {
    "theorems": {
        "id": "string",
        "theory": "string",
        "family": "string",
        "statement": "string",
        "hypotheses": "list<string>",
        "problem": "string",
        "answer": "string",
        "lean_statement": "string",
        "lean_proof": "string",
        "proof_length": "int64",
        "min_length_lower_bound": "int64",
        "proofs": "int64",
        "rules_used": "list<string>",
        "axioms": "list<string>",
        "lean_version": "string",
    },
    "steps": {
        "theorem": "string",
        "proof": "int64",
        "step": "int64",
        "state_before": "string",
        "tactic": "string",
        "state_after": "string",
        "rule": "string",
        "mathlib": "bool",
        "label": "int64",
    },
    "negatives": {
        "theorem": "string",
        "proof": "int64",
        "step": "int64",
        "kind": "string",
        "state_before": "string",
        "claimed_after": "string",
        "description": "string",
        "tactic": "string",
        "label": "int64",
        "kernel_message": "string",
    },
    "dpo": {
        "prompt": "string",
        "chosen": "string",
        "rejected": "string",
        "theorem": "string",
        "kind": "string",
    },
    "stepwise": {
        "prompt": "string",
        "completions": "list<string>",
        "labels": "list<bool>",
        "raw_labels": "list<int64>",
        "theorem": "string",
        "proof": "int64",
    },
}
"""Each table's columns and their types (`list<T>` is a sequence of T)."""


def _arrow_type(kind: str) -> Any:
    import pyarrow as pa

    scalar = {"string": pa.string(), "int64": pa.int64(), "bool": pa.bool_()}
    if kind.startswith("list<"):
        return pa.list_(scalar[kind[5:-1]])
    return scalar[kind]


def schema(table: str) -> Any:
    """The pyarrow schema of `table`."""
    import pyarrow as pa

    return pa.schema([(name, _arrow_type(kind)) for name, kind in FEATURES[table].items()])


def write_parquet(path: Path, rows: Sequence[Mapping[str, Any]], table: str) -> Path:
    """Write `rows` as the Parquet file of `table`, typed by `FEATURES` (pyarrow needed)."""
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise ConfigError(
            "--format parquet needs pyarrow: pip install 'rpsdg-formal[parquet]'"
        ) from None
    columns = {name: [row.get(name) for row in rows] for name in FEATURES[table]}
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.table(columns, schema=schema(table)), path)
    return path
