"""The LeanDojo Benchmark 4 layout of an exported dataset.

`random/` and `novel_premises/` hold JSON arrays of theorem entries (`traced_tactics` with goal
states, tactics and annotated premises) split train/val/test; the novel split holds out the
rarest rules as LeanDojo holds out premises. `corpus.jsonl` lists the theory's declarations as
premises, `metadata.json` what was made and the counts.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from rpsdg_formal.dataset.jsonl import write_json, write_jsonl
from rpsdg_formal.tactics.render import TacticStep, traced_rules
from rpsdg_formal.theory.rules import RuleSet

SPLITS = (("train", 0.9), ("val", 0.05), ("test", 0.05))


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


def _held_out_rules(theorems: Sequence[Mapping[str, Any]], seed: int) -> set[str]:
    """Rules held out for the novel split: the rarest rules, until they cover about a tenth of
    the theorems (none used by more than half of them: then nothing is held out)."""
    usage: dict[str, int] = {}
    for row in theorems:
        for rule in row["rules_used"]:
            usage[rule] = usage.get(rule, 0) + 1
    rules = sorted(usage)
    random.Random(seed).shuffle(rules)
    rules.sort(key=lambda rule: usage[rule])  # rare rules first, ties in seeded order
    held: set[str] = set()
    covered = 0
    for rule in rules:
        if covered >= max(1, len(theorems) // 10) or usage[rule] > len(theorems) // 2:
            break  # enough held out, or the rest are too common to hold out
        held.add(rule)
        covered = sum(1 for row in theorems if held & set(row["rules_used"]))
    return held


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


def write_leandojo(
    theorems: Sequence[Mapping[str, Any]],
    traces: Sequence[tuple[Mapping[str, Any], int, Sequence[TacticStep]]],
    rules: RuleSet,
    folder: Path,
    out: Path,
    seed: int,
) -> list[Path]:
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
        for record, number, traced in traces
    ]
    held = _held_out_rules(theorems, seed)
    files = [write_jsonl(out / "corpus.jsonl", corpus)]
    random_split: dict[str, list[dict[str, Any]]] = {name: [] for name, _ in SPLITS}
    novel: dict[str, list[dict[str, Any]]] = {name: [] for name, _ in SPLITS}
    for entry, (record, _, _) in zip(entries, traces, strict=True):
        random_split[_split_of(record["id"], seed)].append(entry)
        if held & set(record.get("rules_used", [])):  # half to val, half to test
            novel["val" if _coin(record["id"]) else "test"].append(entry)
        else:
            novel["train"].append(entry)
    for layout, split in (("random", random_split), ("novel_premises", novel)):
        for name, rows in split.items():
            files.append(write_json(out / layout / f"{name}.json", rows))
    metadata = {
        "generator": "rpsdg-formal",
        "theory": theory.name,
        "lean_version": (entries and theorems[0]["lean_version"]) or "",
        "from_repo": {"url": "local", "commit": theory.source_hash()},
        "novel_premises_held_out": sorted(held),
        "counts": {
            "theorems": len(theorems),
            "traced_proofs": len(entries),
            "traced_tactics": sum(len(t[2]) for t in traces),
            **{f"random_{k}": len(v) for k, v in random_split.items()},
            **{f"novel_premises_{k}": len(v) for k, v in novel.items()},
        },
    }
    files.append(write_json(out / "metadata.json", metadata))
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
    name = record["lean_name"] if number == 0 else record["proofs"][number - 1]["lean_name"]
    tactics = []
    for step, rule_name in zip(traced, traced_rules(record, number), strict=True):
        provenance = []
        annotated = step.tactic
        rule = next((r for r in rules.rules if r.name == rule_name), None)
        full = rules.theory.qualified(rule.lean_name) or "" if rule is not None else ""
        if rule is not None and full in premises and rule.evaluate is None:
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
