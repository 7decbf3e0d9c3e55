"""The curriculum levels an evaluation runs on: `level_NN.jsonl` files written by
`rpsdg-formal curriculum`, or a dataset folder's `theorems.jsonl` split into levels in memory the
same way. A bad line is an EvaluationError naming file:line and what to do.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rpsdg_formal.dataset.curriculum import level_file, plan_levels, record_problem
from rpsdg_formal.dataset.jsonl import read_jsonl
from rpsdg_formal.env.environment import EnvError, KernelChecker, ProofEnv
from rpsdg_formal.env.prover import supported
from rpsdg_formal.errors import OutputError, RpsdgError
from rpsdg_formal.theory.rules import RuleSet

_LEVEL_FILE = re.compile(r"level_(?P<n>\d{2,})\.jsonl")
DEFAULT_LEVELS = 5
"""How many levels a plain dataset folder is split into (as `rpsdg-formal curriculum`)."""


class EvaluationError(RpsdgError, ValueError):
    """A folder or record the evaluation cannot use (no level files, an unreadable line)."""


@dataclass(frozen=True)
class Level:
    """One curriculum level's records, with where each came from (`file:line`)."""

    number: int
    records: tuple[dict[str, Any], ...]
    origins: tuple[str, ...]


def _numbered(path: Path, advice: str) -> list[tuple[int, dict[str, Any]]]:
    """The objects of a JSONL file with their line numbers; a bad line raises EvaluationError
    naming file:line, followed by `advice`."""
    try:
        return list(read_jsonl(path))
    except OutputError as err:
        raise EvaluationError(f"{err}, {advice}") from err


def _read_level(path: Path, number: int) -> Level:
    """The records of one level file; a bad line raises EvaluationError naming file:line."""
    numbered = _numbered(path, "or rewrite the levels with `rpsdg-formal curriculum`")
    records = tuple(record for _, record in numbered)
    return Level(number, records, tuple(f"{path}:{line}" for line, _ in numbered))


def _dataset_levels(directory: Path, count: int) -> list[Level]:
    """A dataset folder's theorems.jsonl split into `count` levels as `curriculum` would."""
    path = directory / "theorems.jsonl"
    numbered = _numbered(path, "or regenerate the dataset with `rpsdg-formal generate`")
    for line, record in numbered:
        problem = record_problem(record)
        if problem is not None:
            raise EvaluationError(
                f"{path}:{line}: {problem}; fix or delete that line, or regenerate the "
                "dataset with `rpsdg-formal generate`"
            )
    if not numbered:
        raise EvaluationError(f"{path} holds no theorems")
    origins = {id(record): f"{path}:{line}" for line, record in numbered}
    groups = plan_levels([record for _, record in numbered], count, balanced=False, seed=0)
    return [
        Level(n, tuple(group), tuple(origins[id(r)] for r in group))
        for n, group in enumerate(groups, 1)
    ]


def load_levels(directory: Path, dataset_levels: int = DEFAULT_LEVELS) -> list[Level]:
    """The levels of a curriculum folder (`level_NN.jsonl`, by number), or of a dataset folder
    (`theorems.jsonl`, split into `dataset_levels` levels in memory, easy→hard)."""
    if not directory.is_dir():
        raise EvaluationError(f"{directory} is not a folder: pass a curriculum or dataset folder")
    files = sorted(
        (int(found.group("n")), path)
        for path in directory.glob("level_*.jsonl")
        if (found := _LEVEL_FILE.fullmatch(path.name))
    )
    if files:
        return [_read_level(path, number) for number, path in files]
    if (directory / "theorems.jsonl").is_file():
        return _dataset_levels(directory, dataset_levels)
    raise EvaluationError(
        f"no {level_file(1)}, {level_file(2)}, … (nor theorems.jsonl) in {directory}: run "
        f"`rpsdg-formal curriculum DATASET --out {directory}` first"
    )


def check_records(
    levels: Sequence[Level],
    rules: RuleSet,
    checker: KernelChecker,
    progress: Callable[[int], None] | None = None,
) -> None:
    """Every rewrite record must start a proof (replay against the rules): else EvaluationError
    naming file:line, before any search is spent. `progress` is told how many records have been
    read (about a millisecond each: 3,000 take a few seconds)."""
    env = ProofEnv(rules, checker)
    done = 0
    for level in levels:
        for record, origin in zip(level.records, level.origins, strict=True):
            done += 1
            if progress is not None:
                progress(done)
            if not supported(record):
                continue
            try:
                env.reset(record)
            except EnvError as err:
                raise EvaluationError(
                    f"{origin}: {err}; is the file from another theory, or hand-edited? "
                    "Regenerate it with `rpsdg-formal generate` and `rpsdg-formal curriculum`"
                ) from err
