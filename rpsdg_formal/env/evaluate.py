"""Evaluating the baseline prover per curriculum level: how many theorems of each level it
proves within a budget of expansions (every proof replayed through the Lean kernel), how much
search that took, and how long its proofs are next to the recorded ones.

`evaluate(DIR, …)` reads `DIR/level_NN.jsonl` (written by `rpsdg-formal curriculum`), or a
dataset folder's `theorems.jsonl` split into levels in memory the same way (`levels`), and
writes `evaluation.json` (per level and per theorem), `evaluation.md` (a Markdown table) and
`evaluation.svg` (success rate and mean expansions per level, drawn by hand by `chart`: no
plotting library needed).
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from rpsdg_formal.dataset.curriculum import write_text_atomic
from rpsdg_formal.env.chart import levels_chart
from rpsdg_formal.env.environment import KernelChecker
from rpsdg_formal.env.forward_search import FORWARD_WEIGHT
from rpsdg_formal.env.levels import (
    DEFAULT_LEVELS,
    EvaluationError,
    Level,
    check_records,
    load_levels,
)
from rpsdg_formal.env.prover import (
    DEFAULT_SEARCH,
    PROVED,
    REJECTED,
    UNSUPPORTED,
    Outcome,
    SearchConfig,
    prove_many,
)
from rpsdg_formal.errors import ConfigError, OutputError
from rpsdg_formal.progress import Progress
from rpsdg_formal.theory.rules import RuleSet

__all__ = [
    "DEFAULT_LEVELS",
    "EvaluationError",
    "EvaluationReport",
    "Level",
    "LevelReport",
    "default_workers",
    "evaluate",
    "level_report",
    "load_levels",
    "markdown_report",
    "markdown_table",
    "svg_chart",
    "write_report",
]


@dataclass(frozen=True)
class LevelReport:
    """One level's results. Lengths are compared on the proved theorems only (found vs the
    recorded proof of the same theorems); expansion means are over every attempted theorem and
    over the proved ones."""

    level: int
    theorems: int  # attempted (rewrite theorems)
    proved: int  # kernel-verified
    skipped: int  # not rewrite theorems: not attempted
    rejected: int  # the search found a proof the kernel (or the environment) refused
    mean_expansions: float | None
    mean_expansions_proved: float | None
    mean_length_found: float | None
    mean_length_recorded: float | None

    @property
    def success_rate(self) -> float | None:
        """Proved / attempted, None for a level with nothing attempted."""
        return self.proved / self.theorems if self.theorems else None

    def as_dict(self) -> dict[str, Any]:
        """The level's results as JSON-ready data (with the success rate)."""
        return {**asdict(self), "success_rate": self.success_rate}


@dataclass(frozen=True)
class EvaluationReport:
    """A whole evaluation: its settings, the results per level and per theorem, timings (wall
    seconds for the search and for the kernel replay) and the files written."""

    source: str
    budget: int
    config: SearchConfig
    levels: tuple[LevelReport, ...]
    outcomes: tuple[Outcome, ...]
    search_seconds: float
    replay_seconds: float
    kernel_obligations: int
    files: tuple[Path, ...] = ()
    forward: int = 0  # theorems searched forward (single equations, `forward_search`)

    @property
    def theorems(self) -> int:
        """Theorems attempted over all levels."""
        return sum(level.theorems for level in self.levels)

    @property
    def proved(self) -> int:
        """Theorems proved (kernel-verified) over all levels."""
        return sum(level.proved for level in self.levels)

    def as_dict(self) -> dict[str, Any]:
        """The report as JSON-ready data (`theorems` lists every outcome)."""
        return {
            "source": self.source,
            "budget": self.budget,
            "search": asdict(self.config),
            "theorems_attempted": self.theorems,
            "proved": self.proved,
            "search_seconds": round(self.search_seconds, 3),
            "replay_seconds": round(self.replay_seconds, 3),
            "kernel_obligations": self.kernel_obligations,
            "levels": [level.as_dict() for level in self.levels],
            "theorems": [outcome.as_dict() for outcome in self.outcomes],
        }


# --- summarising ---------------------------------------------------------------------------------


def _mean(values: Sequence[float]) -> float | None:
    """The mean, None for no values."""
    return sum(values) / len(values) if values else None


def level_report(level: int, outcomes: Sequence[Outcome]) -> LevelReport:
    """One level's figures from its outcomes."""
    tried = [o for o in outcomes if o.status != UNSUPPORTED]
    proved = [o for o in tried if o.status == PROVED]
    found = [float(o.found_length) for o in proved if o.found_length is not None]
    recorded = [float(o.recorded_length) for o in proved if o.recorded_length is not None]
    return LevelReport(
        level=level,
        theorems=len(tried),
        proved=len(proved),
        skipped=len(outcomes) - len(tried),
        rejected=sum(o.status == REJECTED for o in tried),
        mean_expansions=_mean([float(o.expansions) for o in tried]),
        mean_expansions_proved=_mean([float(o.expansions) for o in proved]),
        mean_length_found=_mean(found),
        mean_length_recorded=_mean(recorded) if len(recorded) == len(proved) else None,
    )


def _number(value: float | None, digits: int = 1) -> str:
    """A table cell: the value with `digits` decimals, a dash for none."""
    return "–" if value is None else f"{value:.{digits}f}"


def _percent(value: float | None) -> str:
    """A table cell: a fraction as a percentage, a dash for none."""
    return "–" if value is None else f"{100 * value:.1f} %"


def markdown_table(report: EvaluationReport) -> str:
    """The per-level results as a Markdown table (README-ready), with an `all` row."""
    everything = level_report(0, report.outcomes)
    rows = [
        "| Level | Theorems | Proved | Success rate | Mean expansions | "
        "Mean expansions (proved) | Proof length found | Proof length recorded |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for label, level in [*((str(r.level), r) for r in report.levels), ("all", everything)]:
        rows.append(
            f"| {label} | {level.theorems} | {level.proved} | {_percent(level.success_rate)} | "
            f"{_number(level.mean_expansions)} | {_number(level.mean_expansions_proved)} | "
            f"{_number(level.mean_length_found, 2)} | {_number(level.mean_length_recorded, 2)} |"
        )
    return "\n".join(rows) + "\n"


def _method(report: EvaluationReport) -> str:
    """What was searched, and how: the rewrite search, the forward search of single equations,
    or both (a report of equations only does not describe a search none of them ran)."""
    config = report.config
    forward = (
        f"the {report.forward} single equations were searched forward (undo moves, numeral "
        f"arithmetic, rewrites; priority g + {FORWARD_WEIGHT:g}·h, h: mismatch of the last "
        "equation and the goal)"
    )
    if report.forward and report.forward == report.theorems:  # `theorems`: those attempted
        return f"Best-first search, budget **{report.budget}** expansions per theorem: {forward}."
    chain = (
        f"Best-first search, budget **{report.budget}** expansions per theorem, priority "
        f"g + {config.weight:g}·h (h: mismatch of the two sides), size cap "
        f"max({config.max_size}, largest side) + {config.slack}"
        f"{', fresh variables' if config.fresh else ''}."
    )
    return f"{chain} {forward[0].upper()}{forward[1:]}." if report.forward else chain


def markdown_report(report: EvaluationReport) -> str:
    """`evaluation.md`: what was run, the table, and how to read it."""
    skipped = sum(level.skipped for level in report.levels)
    rejected = sum(level.rejected for level in report.levels)
    notes = [
        f"# Baseline prover on `{report.source}`",
        "",
        f"{_method(report)} {report.proved} of {report.theorems} theorems proved; every "
        f"proof was replayed step by step through the Lean kernel ({report.kernel_obligations} "
        f"step obligations checked). Search {report.search_seconds:.0f} s, kernel replay "
        f"{report.replay_seconds:.0f} s.",
        "",
        markdown_table(report),
        "Mean expansions are over all theorems of the level (a failure spends the whole "
        "budget unless the search space ran out) and over the proved ones; proof lengths are "
        "compared on the proved theorems (found by the search vs recorded by the generator).",
    ]
    if skipped:
        notes += ["", f"{skipped} records (systems of equations, or records that do not "
                  "replay) were not attempted."]  # fmt: skip
    if rejected:
        notes += ["", f"{rejected} proofs found by the search were refused on replay."]
    return "\n".join(notes) + "\n"


# --- the chart -----------------------------------------------------------------------------------


def svg_chart(report: EvaluationReport) -> str:
    """`evaluation.svg`: success rate and mean expansions per level in two side-by-side
    panels (`chart`), with the budget and theorem count in the title."""
    subtitle = (
        f"budget {report.budget} expansions per theorem · {report.theorems} theorems · "
        f"{report.proved} proved, every step checked by the Lean kernel"
    )
    return levels_chart(
        [r.level for r in report.levels],
        [None if r.success_rate is None else 100 * r.success_rate for r in report.levels],
        [r.mean_expansions for r in report.levels],
        subtitle,
    )


# --- running -------------------------------------------------------------------------------------


def default_workers() -> int:
    """The cores this process may use (the search pool's default size)."""
    affinity = getattr(os, "sched_getaffinity", None)
    return len(affinity(0)) if affinity is not None else os.cpu_count() or 1


def write_report(report: EvaluationReport, out: Path) -> tuple[Path, ...]:
    """Write evaluation.json, evaluation.md and evaluation.svg into `out`; their paths."""
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise OutputError(f"cannot create the output folder {out}: {err.strerror or err}") from err
    texts = {
        "evaluation.json": json.dumps(report.as_dict(), ensure_ascii=False, indent=1) + "\n",
        "evaluation.md": markdown_report(report),
        "evaluation.svg": svg_chart(report),
    }
    for name, text in texts.items():
        write_text_atomic(out / name, text)
    return tuple(out / name for name in texts)


def _progress_bar(total: int, enabled: bool) -> Callable[[int, int], None] | None:
    """A progress callback for the search (about a hundred updates), then a note that the
    kernel replay has begun; None when disabled."""
    if not enabled:
        return None
    bar = Progress(total, "searching")
    every = max(1, total // 100)

    def update(done: int, _total: int) -> None:
        if done % every == 0 or done == total:
            bar.update(done)
        if done == total:
            bar.close()
            print("replaying the proofs found through the Lean kernel", file=sys.stderr)

    return update


def _require_attempts(outcomes: Sequence[Outcome], source: Path) -> None:
    """Raise EvaluationError, with the first reason, when no theorem could be attempted (the
    report would read 0/0)."""
    if all(o.status == UNSUPPORTED for o in outcomes):
        why = next((o.message for o in outcomes if o.message), "no theorems")
        raise EvaluationError(
            f"the baseline prover can attempt none of the {len(outcomes)} theorems of {source} "
            f"(the first: {why}); evaluate rewrite, calculus or single-equation theorems"
        )


def _read_levels(
    curriculum_dir: Path,
    dataset_levels: int,
    rules: RuleSet,
    checker: KernelChecker,
    budget: int,
    progress: bool,
) -> list[Level]:
    """The levels of `curriculum_dir`, every record replayed first (EvaluationError naming
    file:line for one that starts no proof); with `progress`, what is evaluated (at `budget`)
    and the replay (seconds for thousands of records) are shown on stderr."""
    levels = load_levels(curriculum_dir, dataset_levels)
    total = sum(len(level.records) for level in levels)
    if progress:
        print(
            f"evaluating {total} theorems in {len(levels)} levels, budget {budget}", file=sys.stderr
        )
    reading = Progress(total, "replaying the records", progress, frequent=True)
    check_records(levels, rules, checker, reading.update)
    reading.close()
    return levels


def evaluate(
    curriculum_dir: Path,
    rules: RuleSet,
    checker: KernelChecker,
    budget: int,
    out: Path | None = None,
    config: SearchConfig = DEFAULT_SEARCH,
    workers: int | None = None,
    progress: bool = False,
    dataset_levels: int = DEFAULT_LEVELS,
) -> EvaluationReport:
    """Run the prover on every level of `curriculum_dir` with `budget` expansions per theorem
    (search on `workers` processes, default every core; found proofs replayed through the
    kernel), write evaluation.json/.md/.svg into `out` (default `curriculum_dir`), and return
    the report. Progress goes to stderr when `progress` is True."""
    if budget < 1:
        raise ConfigError(f"the budget must be at least 1 expansion per theorem, got {budget}")
    levels = _read_levels(curriculum_dir, dataset_levels, rules, checker, budget, progress)
    records = [r for level in levels for r in level.records]
    marks: list[int | None] = [level.number for level in levels for _ in level.records]
    timings: dict[str, float] = {}
    started = time.monotonic()
    before = checker.checked
    outcomes = prove_many(
        records,
        rules,
        checker,
        budget,
        marks,
        config,
        workers if workers is not None else default_workers(),
        _progress_bar(len(records), progress),
        timings,
    )
    _require_attempts(outcomes, curriculum_dir)
    total = time.monotonic() - started
    replay = timings.get("replay", 0.0)
    by_level: dict[int, list[Outcome]] = {level.number: [] for level in levels}
    for outcome in outcomes:
        assert outcome.level is not None
        by_level[outcome.level].append(outcome)
    report = EvaluationReport(
        source=str(curriculum_dir),
        budget=budget,
        config=config,
        levels=tuple(level_report(n, found) for n, found in by_level.items()),
        outcomes=tuple(outcomes),
        search_seconds=total - replay,
        replay_seconds=replay,
        kernel_obligations=checker.checked - before,
        forward=sum(1 for r in records if r.get("family") == "equation"),
    )
    files = write_report(report, out if out is not None else curriculum_dir)
    return replace(report, files=files)
