"""Exports of a generated dataset in the shapes prover-training code already reads.

One pass reads `DIR/theorems.jsonl`, traces every proof of every theorem into Lean goal states
and tactics (`tactics`), and has the kernel judge plausible wrong steps (`negatives` for rewrite
chains, `equation_negatives` for equation and system proofs).
From those three tables (theorems, steps, negatives) every format is written:

- `jsonl` / `parquet`: the tables (`data/{theorems,steps,negatives}.*`);
- `trl-dpo`: `prompt` (the goal state and a newline), `chosen` (the step's tactic), `rejected`
  (a tactic the kernel rejected there);
- `trl-stepwise`: `prompt`, `completions` (tactics) and boolean `labels` per proof, with the raw
  −1/0/+1 labels; a rejected step ends a proof prefix labelled False;
- `leandojo`: the LeanDojo Benchmark 4 layout (`random/` and `novel_premises/` splits,
  `corpus.jsonl`, `metadata.json`); the novel split holds out rules as LeanDojo holds out
  premises;
- `lean-project`: `lakefile.lean`, `lean-toolchain`, the theory and the checked Lean files (less
  the theorems in rejected.jsonl), which `rpsdg-formal check` accepts and a standard toolchain
  can `lake build`.

Several proofs of one theorem appear as separate traced proofs of the same statement. The
export root carries the Hugging Face dataset card (`README.md`, `card`): one config per table and
per training format, whichever formats were written.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rpsdg_formal.dataset.jsonl import iter_jsonl, read_jsonl, write_jsonl
from rpsdg_formal.dataset.negative import NegativeRow
from rpsdg_formal.dataset.record import TheoremRecord
from rpsdg_formal.errors import ConfigError, OutputError, RewriteError
from rpsdg_formal.exports.card import card_configs, dataset_card
from rpsdg_formal.exports.equation_negatives import equation_negatives
from rpsdg_formal.exports.features import write_parquet
from rpsdg_formal.exports.leandojo import DojoSource, write_leandojo
from rpsdg_formal.exports.leanproject import LeanProject, write_project
from rpsdg_formal.exports.negatives import record_negatives
from rpsdg_formal.families.equation_records import EquationCandidate
from rpsdg_formal.families.records import Candidate
from rpsdg_formal.families.registry import family_of
from rpsdg_formal.kernel.check import Kernel
from rpsdg_formal.progress import Progress
from rpsdg_formal.tactics.render import NO_GOALS, TacticStep, traced_rules, traces
from rpsdg_formal.theory.rules import RuleSet

FORMATS = ("jsonl", "parquet", "trl-dpo", "trl-stepwise", "leandojo", "lean-project")


@dataclass(frozen=True)
class ExportConfig:
    """What to export, where, and how many wrong steps of each kind to judge per proof step."""

    formats: tuple[str, ...]
    out: Path
    negatives_per_step: int = 1
    seed: int = 0
    force: bool = False
    repo_url: str = ""  # LeanDojo's `url`: a published copy of the Lean project ("": the export's)
    commit: str = ""  # with repo_url, the commit of that copy

    def __post_init__(self) -> None:
        unknown = [f for f in self.formats if f not in FORMATS]
        if unknown or not self.formats:
            raise ConfigError(
                f"--format takes {', '.join(FORMATS)} (comma-separated) or all, got {unknown}"
            )
        if self.negatives_per_step < 0:
            raise ConfigError(f"--negatives must be >= 0, got {self.negatives_per_step}")
        if bool(self.repo_url) != bool(self.commit):
            raise ConfigError("--repo-url and --commit go together: give both or neither")
        if self.commit and not re.fullmatch(r"[0-9a-f]{40}", self.commit):
            raise ConfigError(f"--commit must be a 40-digit git commit hash, got {self.commit!r}")


@dataclass(frozen=True)
class Tables:
    """The dataset as three tables of JSON-able rows."""

    theorems: list[dict[str, Any]]
    steps: list[dict[str, Any]]
    negatives: list[NegativeRow]
    traces: list[tuple[TheoremRecord, int, list[TacticStep]]]  # (record, proof, steps)


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


def _records(folder: Path) -> Iterator[TheoremRecord]:
    """Each record of the dataset, typed (OutputError naming the line of a malformed one)."""
    path = _dataset(folder)
    for number, record in iter_jsonl(path):
        if isinstance(record, str):
            raise OutputError(f"{path}:{number}: {record}")
        try:
            yield TheoremRecord.from_json(record)
        except RewriteError as err:
            raise OutputError(f"{path}:{number}: {err}; run check") from err


def _texts(value: object) -> list[str]:
    """A record's list of strings (its `hypotheses`), or [] where it has none."""
    return [str(v) for v in value] if isinstance(value, list) else []


def _theorem_row(record: TheoremRecord) -> dict[str, Any]:
    """One row of the `theorems` table. `problem`, `answer` and `hypotheses` are the record's
    own (calculus and equation families; empty for a rewrite theorem, whose statement is the
    problem): a calculus `statement` holds only under its `hypotheses` (`x != 0` for a log)."""
    bound = record.min_length_lower_bound
    details = record.details
    return {
        "id": record.id,
        "theory": record.theory,
        "family": record.family_name,
        "statement": record.statement,
        "hypotheses": _texts(details.get("hypotheses")),
        "problem": str(details.get("problem", "")),
        "answer": str(details.get("answer", "")),
        "lean_statement": record.lean_statement,
        "lean_proof": record.lean_proof,
        "proof_length": record.proof_length,
        "min_length_lower_bound": 1 if bound is None else bound,
        "proofs": 1 + len(record.proofs),
        "rules_used": list(record.rules_used or ()),
        "axioms": list(record.verified.axioms),
        "lean_version": record.verified.lean_version,
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
    negatives: list[NegativeRow] = []
    traced_proofs: list[tuple[TheoremRecord, int, list[TacticStep]]] = []
    rng = random.Random(config.seed)
    for done, record in enumerate(_records(folder), 1):
        progress.update(done, f", {len(negatives)} wrong steps judged")
        try:
            replayed = family_of(record).replay(record, rules)  # the record's only replay
            proofs = traces(replayed, rules)
        except RewriteError as err:
            raise OutputError(f"{record.id}: cannot be traced ({err}); run check") from err
        theorems.append(_theorem_row(record))
        for number, traced in enumerate(proofs):
            traced_proofs.append((record, number, traced))
            rule_names = traced_rules(record, number)
            for index, step in enumerate(traced):
                steps.append(
                    {
                        "theorem": record.id,
                        "proof": number,
                        "step": index,
                        "state_before": step.state_before,
                        "tactic": step.tactic,
                        "state_after": step.state_after,
                        "rule": rule_names[index],
                        "mathlib": step.mathlib,
                        "label": 1,
                    }
                )
        path = work / f"negatives_{len(theorems):06d}.lean"
        if config.negatives_per_step and isinstance(replayed, Candidate):  # rewrite chains
            negatives += record_negatives(
                replayed, rules, kernel, rng, path, limit=config.negatives_per_step
            )
        elif config.negatives_per_step and isinstance(replayed, EquationCandidate):
            negatives += equation_negatives(
                replayed, rules, kernel, rng, path, limit=config.negatives_per_step
            )
    progress.close()
    return Tables(theorems, steps, negatives, traced_proofs)


# --- writing -------------------------------------------------------------------------------------


def trl_prompt(state: str) -> str:
    """A goal state as a TRL prompt: TRL's DPO and PRM trainers append the completion's tokens
    right after the prompt's, so the prompt carries the separator (a newline)."""
    return f"{state}\n"


CLAIM = "; show "
"""What a wrong rewrite step's action appends when its tactic alone would succeed
(`negatives.wrong_action`): the claimed goal, which is what is wrong."""


def chosen_tactic(step: Mapping[str, Any], rejected: str) -> str:
    """The step's tactic in the rejected one's form: where the rejected tactic claims its goal
    (`; show G`), the chosen one claims the true goal after the step, so a pair never differs
    by the claim's presence alone (a preference a model would learn from the text's shape).
    A step that closes the goal claims nothing (`show` would be refused: no goals)."""
    after = str(step["state_after"])
    if CLAIM not in rejected or after == NO_GOALS:
        return str(step["tactic"])
    return f"{step['tactic']}{CLAIM}{after.rpartition('⊢ ')[2]}"


def dpo_rows(tables: Tables) -> list[dict[str, Any]]:
    """TRL DPO: the goal state, the kernel-checked tactic (`chosen_tactic`), and a tactic the
    kernel rejected."""
    chosen = {(s["theorem"], s["proof"], s["step"]): s for s in tables.steps}
    rows = []
    for neg in tables.negatives:
        step = chosen.get((neg.theorem, neg.proof, neg.step))
        if step is None or not neg.rejected:
            continue
        rows.append(
            {
                "prompt": trl_prompt(step["state_before"]),
                "chosen": chosen_tactic(step, neg.tactic),
                "rejected": neg.tactic,  # the proof environment's action, which it refuses
                "theorem": neg.theorem,
                "kind": neg.kind,
            }
        )
    return rows


def _stepwise(
    prompt: str, completions: list[str], last: bool, theorem: str, proof: int
) -> dict[str, Any]:
    """One stepwise row: every completion but the last is a true step; the last is `last`."""
    labels = [True] * (len(completions) - 1) + [last]
    raw = [1 if ok else -1 for ok in labels]
    return {"prompt": prompt, "completions": completions, "labels": labels, "raw_labels": raw,
            "theorem": theorem, "proof": proof}  # fmt: skip


def stepwise_rows(tables: Tables) -> list[dict[str, Any]]:
    """TRL stepwise supervision: each traced proof (all steps True); for each rejected step the
    proof prefix ending in it (last label False); and where a rejected step claims its goal
    (`; show G`), the prefix ending in the true step claiming the true goal (`chosen_tactic`,
    all True), once per step, so a claim alone never marks a step wrong. Raw labels are −1/+1.
    A wrong step the kernel accepted is left out: the kernel judged its proof term, and its
    tactic may still fail in Lean (`rw [← div_eq_mul_inv z y]` where `z * y⁻¹` does not occur)."""
    rows = []
    by_proof: dict[tuple[str, int], list[NegativeRow]] = {}
    for neg in tables.negatives:
        if neg.rejected:
            by_proof.setdefault((neg.theorem, neg.proof), []).append(neg)
    steps = {(s["theorem"], s["proof"], s["step"]): s for s in tables.steps}
    for record, number, traced in tables.traces:
        if not traced:
            continue
        prompt = trl_prompt(traced[0].state_before)
        tactics = [s.tactic for s in traced]
        rows.append(_stepwise(prompt, tactics, True, record.id, number))
        claimed: set[int] = set()
        for neg in by_proof.get((record.id, number), []):
            k = neg.step
            rows.append(_stepwise(prompt, [*tactics[:k], neg.tactic], False, record.id, number))
            true = chosen_tactic(steps[(record.id, number, k)], neg.tactic)
            if true != tactics[k] and k not in claimed:
                claimed.add(k)
                rows.append(_stepwise(prompt, [*tactics[:k], true], True, record.id, number))
    return rows


# --- the export ----------------------------------------------------------------------------------


def _write_format(
    kind: str, tables: Tables, rules: RuleSet, out: Path, config: ExportConfig,
    project: LeanProject | None,
) -> list[Path]:  # fmt: skip
    files: list[Path] = []
    if kind in ("jsonl", "parquet"):
        negatives = [n.to_json() for n in tables.negatives]
        named = (("theorems", tables.theorems), ("steps", tables.steps), ("negatives", negatives))
        for name, rows in named:
            path = out / "data" / f"{name}.{kind}"
            write = write_jsonl(path, rows) if kind == "jsonl" else write_parquet(path, rows, name)
            files.append(write)
    elif kind == "trl-dpo":
        files.append(write_jsonl(out / "dpo.jsonl", dpo_rows(tables)))
    elif kind == "trl-stepwise":
        files.append(write_jsonl(out / "stepwise.jsonl", stepwise_rows(tables)))
    elif kind == "leandojo" and project is not None:
        source = DojoSource(project, config.repo_url, config.commit)
        files += write_leandojo(tables.theorems, tables.traces, rules, source, out, config.seed)
    return files


def validate_export(folder: Path, config: ExportConfig) -> None:
    """Refuse, before any work, an export that would write into its own dataset or over a
    non-empty folder without --force, and a dataset file with a bad line (file:line)."""
    source, out = folder.resolve(), config.out.resolve()
    if out == source or source in out.parents:
        raise ConfigError(
            f"--out {config.out} is inside the dataset {folder} it exports; choose a folder "
            f"outside it, e.g. --out {folder.name}-export"
        )
    if out.exists() and not out.is_dir():
        raise OutputError(f"--out {config.out} is a file; choose a folder")
    if out.is_dir() and any(out.iterdir()) and not config.force:
        raise OutputError(f"{config.out} is not empty; choose another --out or pass --force")
    for _ in read_jsonl(_dataset(folder)):
        pass


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
    validate_export(folder, config)
    out = config.out
    out.mkdir(parents=True, exist_ok=True)
    tables = build_tables(folder, rules, kernel, config, work, show_progress)
    files: list[Path] = []
    folders = {kind: out / kind if len(config.formats) > 1 else out for kind in config.formats}
    project = None
    if "lean-project" in folders or "leandojo" in folders:  # LeanDojo names the project's files
        root = folders.get("lean-project") or folders["leandojo"] / "repo"
        project, written = write_project(folder, rules, root)
        files += written
    for kind, target in folders.items():
        files += _write_format(kind, tables, rules, target, config, project)
    configs = card_configs(folders)
    if configs:  # the card sits at the export root, whatever the formats
        card = out / "README.md"
        text = dataset_card(out, configs, tables.theorems, tables.steps, tables.negatives, rules)
        card.write_text(text, encoding="utf-8")
        files.append(card)
    counts = {
        "theorems": len(tables.theorems),
        "traced_proofs": len(tables.traces),
        "steps": len(tables.steps),
        "negatives": len(tables.negatives),
        "rejected_negatives": sum(1 for n in tables.negatives if n.rejected),
    }
    return ExportSummary(out, tuple(files), counts)
