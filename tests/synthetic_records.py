"""Synthetic dataset records for tests of the dataset readers (curriculum, stats)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

RULES = ("add_comm", "add_zero", "mul_comm", "mul_one", "neg_neg")


def make_record(
    index: int,
    lower_bound: int,
    proof_length: int,
    start_size: int = 5,
    end_size: int = 4,
    rules: tuple[str, ...] = ("add_comm",),
    seed: int = 0,
    **extra: Any,
) -> dict[str, Any]:
    """A record with the fields the curriculum reads; `extra` adds unknown fields."""
    step = {
        "state_before": "x",
        "rule": rules[0],
        "direction": "forward",
        "position": [],
        "substitution": {},
        "state_after": "x",
        "lean": "rfl",
    }
    return {
        "id": f"field_s{seed}_n{index}",
        "theory": "field",
        "seed": seed,
        "statement": "x = x",
        "proof_length": proof_length,
        "min_length_lower_bound": lower_bound,
        "measures": {
            "start_size": start_size,
            "end_size": end_size,
            "distinct_rules": len(set(rules)),
            "max_rewrite_depth": index % 3,
        },
        "rules_used": sorted(set(rules)),
        "steps": [step] * proof_length,
        "proofs": [],
        **extra,
    }


def write_dataset(folder: Path, records: list[dict[str, Any]]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    text = "".join(json.dumps(r) + "\n" for r in records)
    (folder / "theorems.jsonl").write_text(text, encoding="utf-8")
    return folder
