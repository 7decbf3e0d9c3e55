"""Evaluating the baseline prover per curriculum level: how many theorems of each level it
proves within a budget of expansions (every proof replayed through the Lean kernel), how much
search that took, and how long its proofs are next to the recorded ones.

`evaluate(DIR, …)` reads `DIR/level_NN.jsonl` (written by `rpsdg-formal curriculum`), or a
dataset folder's `theorems.jsonl` split into levels in memory the same way, and writes
`evaluation.json` (per level and per theorem), `evaluation.md` (a Markdown table) and
`evaluation.svg` (success rate and mean expansions per level, drawn by hand: no plotting
library needed).
"""

from __future__ import annotations

import json
import math
import os
import re
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from rpsdg_formal.dataset.curriculum import (
    level_file,
    plan_levels,
    record_problem,
    write_text_atomic,
)
from rpsdg_formal.dataset.jsonl import read_jsonl
from rpsdg_formal.env.environment import EnvError, KernelChecker, ProofEnv
from rpsdg_formal.env.prover import (
    DEFAULT_SEARCH,
    PROVED,
    REJECTED,
    UNSUPPORTED,
    Outcome,
    SearchConfig,
    prove_many,
    supported,
)
from rpsdg_formal.errors import ConfigError, OutputError, RpsdgError
from rpsdg_formal.progress import Progress
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


# --- reading levels ------------------------------------------------------------------------------


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


def _check_records(levels: Sequence[Level], rules: RuleSet, checker: KernelChecker) -> None:
    """Every rewrite record must start a proof (replay against the rules): else EvaluationError
    naming file:line, before any search is spent."""
    env = ProofEnv(rules, checker)
    for level in levels:
        for record, origin in zip(level.records, level.origins, strict=True):
            if not supported(record):
                continue
            try:
                env.reset(record)
            except EnvError as err:
                raise EvaluationError(
                    f"{origin}: {err}; is the file from another theory, or hand-edited? "
                    "Regenerate it with `rpsdg-formal generate` and `rpsdg-formal curriculum`"
                ) from err


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


def markdown_report(report: EvaluationReport) -> str:
    """`evaluation.md`: what was run, the table, and how to read it."""
    config = report.config
    skipped = sum(level.skipped for level in report.levels)
    rejected = sum(level.rejected for level in report.levels)
    notes = [
        f"# Baseline prover on `{report.source}`",
        "",
        f"Best-first search, budget **{report.budget}** expansions per theorem, priority "
        f"g + {config.weight:g}·h (h: mismatch of the two sides), size cap "
        f"max({config.max_size}, largest side) + {config.slack}"
        f"{', fresh variables' if config.fresh else ''}"
        ". "
        f"{report.proved} of {report.theorems} theorems proved; every proof was replayed "
        f"step by step through the Lean kernel ({report.kernel_obligations} step obligations "
        f"checked). Search {report.search_seconds:.0f} s, kernel replay "
        f"{report.replay_seconds:.0f} s.",
        "",
        markdown_table(report),
        "Mean expansions are over all theorems of the level (a failure spends the whole "
        "budget unless the search space ran out) and over the proved ones; proof lengths are "
        "compared on the proved theorems (found by the search vs recorded by the generator).",
    ]
    if skipped:
        notes += ["", f"{skipped} records are not rewrite theorems and were not attempted."]
    if rejected:
        notes += ["", f"{rejected} proofs found by the search were refused on replay."]
    return "\n".join(notes) + "\n"


# --- the chart -----------------------------------------------------------------------------------


def _nice_step(value: float) -> float:
    """The smallest 1, 2, 2.5 or 5 × 10^k at or above `value` (a tick spacing)."""
    if value <= 0:
        return 1.0
    power = 10.0 ** math.floor(math.log10(value))
    return next(m * power for m in (1.0, 2.0, 2.5, 5.0, 10.0) if m * power >= value - 1e-9)


@dataclass(frozen=True)
class _Axis:
    """A y axis: its title, ticks every `step` from 0 to `top`, point labels with `digits`
    decimals."""

    label: str
    top: float
    step: float
    digits: int = 0

    @classmethod
    def spanning(cls, label: str, largest: float, digits: int = 0) -> _Axis:
        """An axis from 0 to a round value at or above `largest`, with about five ticks."""
        largest = largest if largest > 0 else 1.0
        step = _nice_step(largest / 5)
        return cls(label, step * max(1, math.ceil(largest / step - 1e-9)), step, digits)

    def ticks(self) -> list[float]:
        """The tick values, 0 first."""
        return [self.step * k for k in range(round(self.top / self.step) + 1)]


_LEFT, _TOP, _BOTTOM, _WIDTH = 60.0, 84.0, 300.0, 260.0  # plot area of a panel (x from x0)


def _panel(
    x0: float,
    title: str,
    axis: _Axis,
    levels: Sequence[int],
    values: Sequence[float | None],
    colour: str,
) -> list[str]:
    """One line chart of `values` per level in a 360-pixel-wide panel whose left edge is `x0`:
    axes, grid lines, tick labels, axis titles, and each point labelled with its value."""
    left, right = x0 + _LEFT, x0 + _LEFT + _WIDTH

    def x_of(i: int) -> float:
        return left + _WIDTH * (i + 0.5) / len(levels)

    def y_of(v: float) -> float:
        return _BOTTOM - (_BOTTOM - _TOP) * v / axis.top

    middle = (_TOP + _BOTTOM) / 2
    parts = [
        f'<text x="{left + _WIDTH / 2:.1f}" y="{_TOP - 16}" text-anchor="middle" '
        f'font-weight="bold">{escape(title)}</text>',
        f'<text x="{x0 + 16}" y="{middle:.1f}" text-anchor="middle" '
        f'transform="rotate(-90 {x0 + 16} {middle:.1f})">{escape(axis.label)}</text>',
        f'<text x="{left + _WIDTH / 2:.1f}" y="{_BOTTOM + 40}" text-anchor="middle">'
        "curriculum level (easy → hard)</text>",
    ]
    for tick in axis.ticks():
        y = y_of(tick)
        parts.append(
            f'<line x1="{left - 4}" y1="{y:.1f}" x2="{right}" y2="{y:.1f}" stroke="#ddd"/>'
            f'<text x="{left - 7}" y="{y + 4:.1f}" text-anchor="end">{tick:g}</text>'
        )
    for i, level in enumerate(levels):
        parts.append(
            f'<text x="{x_of(i):.1f}" y="{_BOTTOM + 18}" text-anchor="middle">{level}</text>'
        )
    parts += [
        f'<line x1="{left}" y1="{_BOTTOM}" x2="{right}" y2="{_BOTTOM}" stroke="black"/>',
        f'<line x1="{left}" y1="{_TOP}" x2="{left}" y2="{_BOTTOM}" stroke="black"/>',
    ]
    points = [(x_of(i), y_of(v), v) for i, v in enumerate(values) if v is not None]
    if len(points) > 1:
        line = " ".join(f"{x:.1f},{y:.1f}" for x, y, _ in points)
        parts.append(f'<polyline points="{line}" fill="none" stroke="{colour}" stroke-width="2"/>')
    for x, y, v in points:
        parts.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{colour}"/>'
            f'<text x="{x:.1f}" y="{y - 9:.1f}" text-anchor="middle">{v:.{axis.digits}f}</text>'
        )
    return parts


def svg_chart(report: EvaluationReport) -> str:
    """`evaluation.svg`: success rate and mean expansions per level in two side-by-side
    panels, with the budget and theorem count in the title."""
    levels = [r.level for r in report.levels]
    rates = [None if r.success_rate is None else 100 * r.success_rate for r in report.levels]
    spent = [r.mean_expansions for r in report.levels]
    largest = max([v for v in spent if v is not None], default=1.0)
    subtitle = (
        f"budget {report.budget} expansions per theorem · {report.theorems} theorems · "
        f"{report.proved} proved, every step checked by the Lean kernel"
    )
    body = [
        '<rect width="720" height="360" fill="white"/>',
        '<text x="360" y="24" text-anchor="middle" font-size="15" font-weight="bold">'
        "Baseline prover per curriculum level</text>",
        f'<text x="360" y="44" text-anchor="middle">{escape(subtitle)}</text>',
        *_panel(
            0,
            "Success rate",
            _Axis("theorems proved (%)", 100.0, 20.0, 1),
            levels,
            rates,
            "#1f77b4",
        ),
        *_panel(
            360,
            "Search effort",
            _Axis.spanning("mean expansions per theorem", largest, 1),
            levels,
            spent,
            "#d62728",
        ),
    ]
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<svg xmlns="http://www.w3.org/2000/svg" width="720" height="360" '
        'viewBox="0 0 720 360" font-family="sans-serif" font-size="12">\n'
        + "\n".join(body)
        + "\n</svg>\n"
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
    levels = load_levels(curriculum_dir, dataset_levels)
    _check_records(levels, rules, checker)
    records = [r for level in levels for r in level.records]
    marks: list[int | None] = [level.number for level in levels for _ in level.records]
    timings: dict[str, float] = {}
    started = time.monotonic()
    before = checker.checked
    if progress:
        print(
            f"evaluating {len(records)} theorems in {len(levels)} levels, budget {budget}",
            file=sys.stderr,
        )
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
    )
    files = write_report(report, out if out is not None else curriculum_dir)
    return replace(report, files=files)
