"""The LeanDojo Benchmark 4 layout of an exported dataset, as LeanDojo and ReProver read it.

Everything names the files of the exported Lean project (`leanproject`): `corpus.jsonl` has one
line per Lean file of the project, theory first, in import order (ReProver's `Corpus` asserts
that every import is a file listed before it, and that the imports form a DAG); `imports` are
file paths of the corpus (`lean/RpsdgFormal/Field.lean`), as LeanDojo writes them; each
generated file `Generated/BatchNNNNN.lean` is a corpus entry, and every theorem entry's
`file_path` is one of them, with `start`/`end` where the theorem sits in that file. Premise
`code` is cut as LeanDojo's `TracedFile.get_premise_definitions` cuts it: a theorem's statement
up to its proof (without `:=`), an axiom's or definition's whole text. `url`/`commit` are the
git repository of the exported project (a local path `lean_dojo.LeanGitRepo` accepts) or the
published copy given with `--repo-url`/`--commit`.

A step's premise is the theory declaration that proves its rule; the tactic names the rule's
Mathlib lemma, which is what is marked `<a>…</a>` (the two differ where Mathlib's name does).
`random/` and `novel_premises/` hold JSON arrays of theorem entries split train/val/test (the
random split by a hash of the theorem id, 90/5/5, with at least one theorem in val and in test
from 3 theorems on: `random_splits`); the novel split holds out the rarest rules as LeanDojo
holds out premises (the theorems using them half to val and half to test, both non-empty from
two such theorems on: `novel_splits`).

ReProver's retriever ranks the premises accessible at a theorem (`Corpus.get_accessible_premises`:
the theorem's file up to it and every file it imports, transitively) and its
`get_nearest_premises` raises `ValueError` when fewer than `num_retrieved` of them exist (100 in
ReProver's configs). A corpus this small can have fewer, so `metadata.json` says how many the
poorest theorem sees (`min_accessible_premises`): a bound for `num_retrieved`.
"""

from __future__ import annotations

import bisect
import hashlib
import random
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rpsdg_formal.dataset.jsonl import write_json, write_jsonl
from rpsdg_formal.dataset.record import TheoremRecord
from rpsdg_formal.exports.leanproject import LeanProject
from rpsdg_formal.tactics.render import TacticStep, traced_rules
from rpsdg_formal.theory.rules import RuleSet

SPLITS = (("train", 0.9), ("val", 0.05), ("test", 0.05))
_DECLARATION = re.compile(
    r"^(?:(?:private|protected|noncomputable)\s+)*(theorem|axiom|def|inductive)\s+([^\s(:]+)"
)


@dataclass(frozen=True)
class DojoSource:
    """Where LeanDojo finds the files the export names: the exported project, or a published
    copy of it (`url`, `commit`)."""

    project: LeanProject
    url: str = ""
    commit: str = ""

    @property
    def repo_url(self) -> str:
        return self.url or str(self.project.root.resolve())

    @property
    def repo_commit(self) -> str:
        return self.commit or self.project.commit


def _hash_value(key: str, seed: int) -> float:
    """Where the theorem id `key` falls in [0, 1]: the first 32 bits of a hash."""
    return int(hashlib.sha256(f"{seed}:{key}".encode()).hexdigest()[:8], 16) / 0xFFFFFFFF


def _split_of(key: str, seed: int) -> str:
    """A stable split from a hash of the theorem id (same id, same split)."""
    value = _hash_value(key, seed)
    total = 0.0
    for name, share in SPLITS:
        total += share
        if value <= total:
            return name
    return SPLITS[-1][0]


MIN_SPLIT_THEOREMS = 3
"""From this many theorems on, val and test each get at least one (`random_splits`)."""


def random_splits(keys: Sequence[str], seed: int) -> dict[str, str]:
    """Each theorem id's random split: its hash's (`_split_of`), except that a run of at least
    `MIN_SPLIT_THEOREMS` theorems whose hashes leave test or val empty moves one theorem there,
    so a small run can still be evaluated: to an empty test, then to an empty val, the theorem
    with the highest hash of the largest split (train on a tie), which never empties a split. A
    run whose hashes fill both is split exactly as the hashes say.
    """
    split = {key: _split_of(key, seed) for key in keys}
    if len(split) < MIN_SPLIT_THEOREMS:
        return split
    ranked = sorted(split, key=lambda key: (_hash_value(key, seed), key), reverse=True)
    for name in ("test", "val"):
        sizes = Counter(split.values())
        if sizes[name] == 0:
            donor = max((n for n, _ in SPLITS), key=lambda n: sizes[n])  # the first on a tie
            split[next(key for key in ranked if split[key] == donor)] = name
    return split


def _coin(key: str) -> bool:
    return hashlib.sha256(key.encode()).digest()[0] % 2 == 0


def novel_splits(held: Sequence[str]) -> dict[str, str]:
    """The novel split of the theorems (ids) that use a held-out rule: val or test by a coin
    from each id's hash, except that from two such theorems on, a side the coins leave empty
    gets the theorem with the highest hash of the other side, so a small run still has both. A
    run whose coins fill both is split exactly as they say."""
    split = {key: "val" if _coin(key) else "test" for key in held}
    sides = Counter(split.values())
    if len(split) >= 2 and len(sides) == 1:
        [(full, _)] = sides.items()
        donor = max(split, key=lambda key: (hashlib.sha256(key.encode()).digest(), key))
        split[donor] = "test" if full == "val" else "val"
    return split


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


# --- the corpus ---------------------------------------------------------------------------------


def _code(kind: str, block: list[str]) -> str:
    """Premise code as LeanDojo cuts it: a theorem up to its proof, without `:=`."""
    text = "\n".join(block).rstrip()
    if kind != "theorem":
        return text
    head = text.split(":=", 1)[0] if ":=" in text else text
    return head.rstrip()


def declarations(lines: Sequence[str]) -> list[dict[str, Any]]:
    """The top-level declarations of a Lean file as LeanDojo premises: full name (with the
    enclosing namespaces), code, 1-based start and end positions, kind."""
    premises: list[dict[str, Any]] = []
    stack: list[str] = []
    for number, raw in enumerate(lines, 1):
        words = raw.split()
        if raw.startswith("namespace ") and len(words) > 1:
            stack.append(words[1])
            continue
        if raw.startswith("end ") and stack and words[1:2] == [stack[-1]]:
            stack.pop()
            continue
        found = _DECLARATION.match(raw)
        if found is None:
            continue
        end = number
        while end < len(lines) and lines[end].startswith(" "):
            end += 1
        premises.append(
            {
                "full_name": ".".join([*stack, found.group(2)]),
                "code": _code(found.group(1), list(lines[number - 1 : end])),
                "start": [number, 1],
                "end": [end, len(lines[end - 1]) + 1],
                "kind": "commanddeclaration",
            }
        )
    return premises


def _imports(lines: Sequence[str], files: Sequence[str]) -> list[str]:
    """A file's imports as paths of the project's files (`import RpsdgFormal.Field` is
    `lean/RpsdgFormal/Field.lean`, `import Generated.Batch00000` `Generated/Batch00000.lean`)."""
    by_module = {
        path.removeprefix("lean/").removesuffix(".lean").replace("/", "."): path for path in files
    }
    found = []
    for raw in lines:
        if raw.startswith("import "):
            found += [by_module[m] for m in raw.split()[1:] if m in by_module]
    return found


@dataclass(frozen=True)
class Accessible:
    """How many premises ReProver's `Corpus` finds accessible at a position of a corpus file:
    those of the file that end before it, and all of the files it imports, transitively."""

    imported: Mapping[str, int]  # path -> premises of its transitive imports
    ends: Mapping[str, tuple[tuple[int, ...], ...]]  # path -> its premises' ends, sorted

    @classmethod
    def of(cls, files: Sequence[Mapping[str, Any]]) -> Accessible:
        """From corpus entries, each listed after the files it imports."""
        closure: dict[str, set[str]] = {}
        sizes = {f["path"]: len(f["premises"]) for f in files}
        for entry in files:
            closure[entry["path"]] = set(entry["imports"]).union(
                *(closure[name] for name in entry["imports"])
            )
        return cls(
            {path: sum(sizes[name] for name in names) for path, names in closure.items()},
            {f["path"]: tuple(sorted(tuple(p["end"]) for p in f["premises"])) for f in files},
        )

    def count(self, path: str, start: Sequence[int]) -> int:
        return self.imported[path] + bisect.bisect_right(self.ends[path], tuple(start))


def corpus(project: LeanProject) -> list[dict[str, Any]]:
    """One corpus entry per Lean file of the project, each after the files it imports."""
    entries = []
    for path in project.files:
        lines = (project.root / path).read_text(encoding="utf-8").splitlines()
        entries.append(
            {
                "path": path,
                "imports": _imports(lines, project.files),
                "premises": declarations(lines),
            }
        )
    return entries


# --- theorem entries ----------------------------------------------------------------------------


def _dojo_entry(
    record: TheoremRecord,
    number: int,
    traced: Sequence[TacticStep],
    rules: RuleSet,
    premises: Mapping[str, tuple[str, Mapping[str, Any]]],
    located: Mapping[str, tuple[str, Mapping[str, Any]]],
    source: DojoSource,
) -> dict[str, Any]:
    """One traced proof as a LeanDojo theorem entry (premises annotated `<a>name</a>`)."""
    name = record.lean_name if number == 0 else record.proofs[number - 1].lean_name
    tactics = []
    for step, rule_name in zip(traced, traced_rules(record, number), strict=True):
        provenance = []
        annotated = step.tactic
        rule = next((r for r in rules.rules if r.name == rule_name), None)
        full = (rules.theory.qualified(rule.lean_name) or "") if rule is not None else ""
        if rule is not None and full in premises and rule.evaluate is None:
            path, premise = premises[full]
            provenance.append(
                {
                    "full_name": full,
                    "def_path": path,
                    "def_pos": premise["start"],
                    "def_end_pos": premise["end"],
                }
            )
            shown = re.search(r"\[(?:← )?([^\s\]]+)", step.tactic)
            if shown is not None:
                word = shown.group(1)
                annotated = step.tactic.replace(word, f"<a>{word}</a>", 1)
        tactics.append(
            {
                "tactic": step.tactic,
                "annotated_tactic": [annotated, provenance],
                "state_before": step.state_before,
                "state_after": step.state_after,
            }
        )
    path, theorem = located[name]
    return {
        "url": source.repo_url,
        "commit": source.repo_commit,
        "file_path": path,
        "full_name": name,
        "start": theorem["start"],
        "end": theorem["end"],
        "traced_tactics": tactics,
    }


def write_leandojo(
    theorems: Sequence[Mapping[str, Any]],
    traces: Sequence[tuple[TheoremRecord, int, Sequence[TacticStep]]],
    rules: RuleSet,
    source: DojoSource,
    out: Path,
    seed: int,
) -> list[Path]:
    """The LeanDojo Benchmark 4 layout: `random/` and `novel_premises/` splits, the premise
    corpus of the exported Lean project, and metadata."""
    files_corpus = corpus(source.project)
    located = {p["full_name"]: (f["path"], p) for f in files_corpus for p in f["premises"]}
    theory = set(source.project.files) - set(source.project.generated.values())
    premises = {k: v for k, v in located.items() if v[0] in theory}
    entries = [
        _dojo_entry(record, number, traced, rules, premises, located, source)
        for record, number, traced in traces
    ]
    held = _held_out_rules(theorems, seed)
    accessible = Accessible.of(files_corpus)
    files = [write_jsonl(out / "corpus.jsonl", files_corpus)]
    random_split: dict[str, list[dict[str, Any]]] = {name: [] for name, _ in SPLITS}
    novel: dict[str, list[dict[str, Any]]] = {name: [] for name, _ in SPLITS}
    ids = list(dict.fromkeys(record.id for record, _, _ in traces))
    split_of = random_splits(ids, seed)
    uses_held = {record.id for record, _, _ in traces if held & set(record.rules_used or ())}
    novel_of = novel_splits([i for i in ids if i in uses_held])  # half to val, half to test
    for entry, (record, _, _) in zip(entries, traces, strict=True):
        random_split[split_of[record.id]].append(entry)
        novel[novel_of.get(record.id, "train")].append(entry)
    for layout, split in (("random", random_split), ("novel_premises", novel)):
        for name, rows in split.items():
            files.append(write_json(out / layout / f"{name}.json", rows))
    metadata = {
        "generator": "rpsdg-formal",
        "theory": rules.theory.name,
        "lean_version": (entries and theorems[0]["lean_version"]) or "",
        "from_repo": {"url": source.repo_url, "commit": source.repo_commit},
        "min_accessible_premises": min(
            (accessible.count(e["file_path"], e["start"]) for e in entries), default=0
        ),
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
