"""Curriculum levels: a dataset's theorems split easy→hard into numbered JSONL files, with a
YAML manifest saying what each level holds (so a prover can be trained level by level).
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import statistics
import tempfile
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

from rpsdg_formal.dataset.jsonl import read_jsonl
from rpsdg_formal.errors import ConfigError, OutputError

DifficultyKey = tuple[int, int, int, int, int, int, str]

_MEASURES = ("start_size", "end_size", "distinct_rules", "max_rewrite_depth")
_LEVEL_FILE = re.compile(r"level_\d{2,}\.jsonl")


def _int(value: object) -> bool:
    """True for a JSON integer (a bool is not one, although Python says it is an int)."""
    return isinstance(value, int) and not isinstance(value, bool)


def record_problem(record: Mapping[str, Any]) -> str | None:
    """What is wrong with a record's fields the curriculum and the plots rely on, or None."""
    for key, kind in (("id", str), ("theory", str)):
        if not isinstance(record.get(key), kind):
            return f"field {key!r} is missing or not a string"
    for key in ("seed", "proof_length", "min_length_lower_bound"):
        if not _int(record.get(key)):
            return f"field {key!r} is missing or not an integer"
    measures = record.get("measures")
    if not isinstance(measures, dict):
        return "field 'measures' is missing or not an object"
    for key in _MEASURES:
        if not _int(measures.get(key)):
            return f"field 'measures.{key}' is missing or not an integer"
    rules = record.get("rules_used")
    if not isinstance(rules, list) or not all(isinstance(r, str) for r in rules):
        return "field 'rules_used' is missing or not a list of rule names"
    if not isinstance(record.get("proofs", []), list):
        return "field 'proofs' is not a list"
    return None


def _size(record: Mapping[str, Any]) -> int:
    """The statement's size: nodes of its start and its end."""
    measures = record["measures"]
    return int(measures["start_size"]) + int(measures["end_size"])


def difficulty_key(
    record: Mapping[str, Any], efforts: Mapping[str, int] | None = None
) -> DifficultyKey:
    """The easy→hard sort key: lower bound, prover effort (with `efforts`, by record id; 0
    without), total size, proof length, distinct rules, depth, id.

    Effort and size come before proof length so that levels which share their bounds still
    separate by them (a proof length is mostly the walk's length: a run of one `--steps` ties
    it)."""
    measures = record["measures"]
    return (
        record["min_length_lower_bound"],
        0 if efforts is None else efforts[record["id"]],
        _size(record),
        record["proof_length"],
        measures["distinct_rules"],
        measures["max_rewrite_depth"],
        record["id"],
    )


def _median(values: Sequence[int]) -> float:
    return float(statistics.median(values))


def separation(
    groups: Sequence[Sequence[Mapping[str, Any]]], efforts: Mapping[str, int] | None = None
) -> list[str | None]:
    """For each level, the measure whose median rises strictly over the level before:
    "lower_bound", else (medians of bounds equal) "prover_effort" (with `efforts`), else
    "size"; None where none does (and for the first level, which has nothing before it)."""
    measures: list[tuple[str, Callable[[Mapping[str, Any]], int]]] = [
        ("lower_bound", lambda r: int(r["min_length_lower_bound"]))
    ]
    if efforts is not None:
        measures.append(("prover_effort", lambda r: efforts[r["id"]]))
    measures.append(("size", _size))
    found: list[str | None] = [None]
    for before, after in itertools.pairwise(groups):
        verdict: str | None = None
        for name, measure in measures:
            old, new = (_median([measure(r) for r in g]) for g in (before, after))
            if new != old:
                verdict = name if new > old else None
                break
        found.append(verdict)
    return found


def _read_numbered(path: Path) -> list[tuple[int, dict[str, Any]]]:
    """Every JSON object of a JSONL file with its line number; blank lines are skipped."""
    return list(read_jsonl(path))


def read_records(path: Path) -> list[dict[str, Any]]:
    """Every JSON object of a JSONL file, in file order; blank lines are skipped."""
    return [record for _, record in _read_numbered(path)]


def read_dataset(dataset_dir: Path) -> list[dict[str, Any]]:
    """The records of `dataset_dir/theorems.jsonl`, each checked to have the fields we use."""
    path = dataset_dir / "theorems.jsonl"
    numbered = _read_numbered(path)
    for number, record in numbered:
        problem = record_problem(record)
        if problem is not None:
            raise OutputError(
                f"{path}:{number}: {problem}; regenerate the dataset with the current version"
            )
    return [record for _, record in numbered]


def _split_sizes(total: int, parts: int) -> list[int]:
    """Sizes of `parts` contiguous groups covering `total` items, differing by at most one."""
    base, extra = divmod(total, parts)
    return [base + 1 if i < extra else base for i in range(parts)]


def plan_levels(
    records: Sequence[dict[str, Any]],
    levels: int,
    balanced: bool,
    seed: int,
    efforts: Mapping[str, int] | None = None,
) -> list[list[dict[str, Any]]]:
    """Records sorted by difficulty and cut into at most `levels` contiguous, non-empty groups.

    Contiguous cuts of the sorted list keep every level no easier than the one before. With
    fewer records than levels there are fewer (one-record) levels. `balanced` down-samples every
    level to the size of the smallest, choosing with `random.Random(seed)`.
    """
    if levels < 1:
        raise ConfigError(f"levels must be at least 1, got {levels}")
    if not records:
        raise ConfigError("no records to split into levels: the dataset is empty")
    ordered = sorted(records, key=lambda r: difficulty_key(r, efforts))
    groups: list[list[dict[str, Any]]] = []
    start = 0
    for size in _split_sizes(len(ordered), min(levels, len(ordered))):
        groups.append(ordered[start : start + size])
        start += size
    if balanced:
        smallest = min(len(group) for group in groups)
        rng = random.Random(seed)
        groups = [
            [group[i] for i in sorted(rng.sample(range(len(group)), smallest))] for group in groups
        ]
    return groups


def _rule_coverage(records: Sequence[Mapping[str, Any]]) -> dict[str, int]:
    """How many records use each rule, by rule name."""
    counts = Counter(rule for record in records for rule in set(record["rules_used"]))
    return dict(sorted(counts.items()))


def _span(values: Sequence[int]) -> list[int]:
    """`[min, max]` of a non-empty sequence."""
    return [min(values), max(values)]


def _effort_entry(
    group: Sequence[Mapping[str, Any]], efforts: Mapping[str, int] | None
) -> dict[str, float]:
    """The level's median prover effort, when efforts were measured."""
    if efforts is None:
        return {}
    return {"median_prover_effort": _median([efforts[r["id"]] for r in group])}


def _level_entry(
    number: int,
    group: Sequence[Mapping[str, Any]],
    efforts: Mapping[str, int] | None,
    separated_by: str | None,
) -> dict[str, Any]:
    """What the manifest says about one level."""
    return {
        "level": number,
        "file": level_file(number),
        "count": len(group),
        "lower_bound": _span([r["min_length_lower_bound"] for r in group]),
        "proof_length": _span([r["proof_length"] for r in group]),
        "median_lower_bound": _median([r["min_length_lower_bound"] for r in group]),
        "median_size": _median([_size(r) for r in group]),
        **_effort_entry(group, efforts),
        "separated_by": separated_by,
        "rule_coverage": _rule_coverage(group),
    }


def level_file(level: int) -> str:
    """The file name of a 1-based level: `level_01.jsonl`."""
    return f"level_{level:02d}.jsonl"


def write_text_atomic(path: Path, text: str) -> None:
    """Write `text` to `path` through a temporary file and `os.replace`, so readers never see
    half a file."""
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.replace(temp, path)
    except OSError as err:
        Path(temp).unlink(missing_ok=True)
        raise OutputError(f"cannot write {path}: {err.strerror or err}") from err


def write_curriculum(
    dataset_dir: Path,
    out: Path,
    levels: int,
    balanced: bool = False,
    seed: int = 0,
    effort: Callable[[list[dict[str, Any]]], tuple[Mapping[str, int], str]] | None = None,
) -> Path:
    """Write `out/level_NN.jsonl` (easy→hard) and `out/manifest.yaml`; return the manifest path.

    `effort`, if given, measures the prover's effort on the records (by id, with a sentence
    saying how for the manifest): the tie-break after the bound. Level files left by an earlier
    run with more levels are removed, so `out` matches the manifest. Records are copied whole,
    unknown fields included.
    """
    source = dataset_dir / "theorems.jsonl"
    records = read_dataset(dataset_dir)
    efforts, how = effort(records) if effort is not None else (None, None)
    groups = plan_levels(records, levels, balanced, seed, efforts)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise OutputError(f"cannot create the output folder {out}: {err.strerror or err}") from err
    entries: list[dict[str, Any]] = []
    separated = separation(groups, efforts)
    for number, group in enumerate(groups, 1):
        name = level_file(number)
        write_text_atomic(
            out / name, "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in group)
        )
        entries.append(_level_entry(number, group, efforts, separated[number - 1]))
    written = {entry["file"] for entry in entries}
    try:
        for stale in out.glob("level_*.jsonl"):
            if _LEVEL_FILE.fullmatch(stale.name) and stale.name not in written:
                stale.unlink()
    except OSError as err:
        raise OutputError(f"cannot remove old level files in {out}: {err.strerror or err}") from err
    manifest = {
        "source": str(source),
        "seed": sorted({r["seed"] for r in records}),
        "sampling_seed": seed,
        "balanced": balanced,
        "total": sum(entry["count"] for entry in entries),
        "order": "median certified lower bound strictly increasing from level to level or, "
        "where two levels share it, "
        + ("median prover effort, then " if efforts is not None else "")
        + "median size (start_size + end_size); each level's separated_by names the measure "
        "(null: not separated from the level before)",
        "prover_effort": how,
        "strictly_increasing": all(s is not None for s in separated[1:]),
        "levels": entries,
        "rule_coverage": _rule_coverage([r for group in groups for r in group]),
    }
    path = out / "manifest.yaml"
    write_text_atomic(path, yaml.safe_dump(manifest, sort_keys=False, allow_unicode=True))
    return path
