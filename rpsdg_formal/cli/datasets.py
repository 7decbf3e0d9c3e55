"""`rpsdg-formal curriculum` and `stats`: a generated folder split into levels, and its plots."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import yaml

from rpsdg_formal.cli.common import CORES, EXIT_OK, FOLDER_THEORY, add_theory_options
from rpsdg_formal.cli.theories import folder_rules
from rpsdg_formal.dataset.artifact_rates import artifact_rates, rates_markdown
from rpsdg_formal.dataset.curriculum import read_dataset, write_curriculum
from rpsdg_formal.dataset.stats import write_stats
from rpsdg_formal.env.effort import prover_effort
from rpsdg_formal.env.evaluate import DEFAULT_LEVELS
from rpsdg_formal.progress import Progress

EFFORT_BUDGET = 50
"""The default search budget of the curriculum's prover-effort tie-break."""


def add_curriculum_parser(sub: Any, summary: str) -> None:
    """The `curriculum` subcommand."""
    cur = sub.add_parser(
        "curriculum",
        help=summary,
        description="Order the theorems of DIR/theorems.jsonl easy to hard (certified lower "
        "bound, then the baseline prover's effort (expansions, search only, --effort-budget), "
        "expression sizes, proof length, distinct rules, rewrite depth) and write "
        "OUT/level_NN.jsonl, one per level, plus OUT/manifest.yaml (counts, difficulty range "
        "and rule coverage per level, the seed), for a training loop to stream in order.",
    )
    cur.add_argument("dir", type=Path, metavar="DIR", help="a folder written by generate")
    cur.add_argument(
        "--levels", type=int, default=DEFAULT_LEVELS,
        help=f"number of levels (default {DEFAULT_LEVELS})",
    )  # fmt: skip
    cur.add_argument(
        "--out", type=Path, required=True, metavar="OUT",
        help="folder for level_NN.jsonl and manifest.yaml",
    )  # fmt: skip
    cur.add_argument(
        "--balanced", action="store_true",
        help="down-sample every level to the size of the smallest",
    )  # fmt: skip
    cur.add_argument("--seed", type=int, default=0, help="seed for --balanced sampling (default 0)")
    cur.add_argument(
        "--effort-budget", type=int, default=EFFORT_BUDGET, metavar="N",
        help=f"expansions of the baseline prover's search per theorem, the tie-break between "
        f"theorems of one bound (default {EFFORT_BUDGET}; 0: no prover, size breaks ties)",
    )  # fmt: skip
    cur.add_argument("--workers", type=int, default=None, metavar="N",
                     help="search processes for the effort (default: every core)")  # fmt: skip
    add_theory_options(cur, FOLDER_THEORY)


def add_stats_parser(sub: Any, summary: str) -> None:
    """The `stats` subcommand."""
    sts = sub.add_parser(
        "stats",
        help=summary,
        description="Write PNG plots (difficulty histogram, proof length vs lower bound, rule "
        "usage, expression sizes) and summary.md for DIR/theorems.jsonl, and print the rates of "
        "artifacts (identity elements, numeral arithmetic, degenerate pieces) per family and "
        "field. Needs matplotlib "
        "(pip install 'rpsdg-formal[plots]').",
    )
    sts.add_argument("dir", type=Path, metavar="DIR", help="a folder written by generate")
    sts.add_argument(
        "--out", type=Path, required=True, metavar="OUT", help="folder for the plots and summary.md"
    )


def _effort(
    args: argparse.Namespace,
) -> Callable[[list[dict[str, Any]]], tuple[Mapping[str, int], str]] | None:
    """The prover-effort measure `--effort-budget` asks for, None for 0."""
    if args.effort_budget == 0:
        return None
    rules = folder_rules(args.dir, args)
    workers = args.workers or CORES

    def measure(records: list[dict[str, Any]]) -> tuple[Mapping[str, int], str]:
        bar = Progress(len(records), "searching (prover effort)", not args.quiet, frequent=True)

        def update(done: int, searches: int) -> None:  # (records that are no rewrite: none)
            bar.total = searches
            bar.update(done)

        try:
            return prover_effort(records, rules, args.effort_budget, workers, update)
        finally:
            bar.close()

    return measure


def run_curriculum(args: argparse.Namespace) -> int:
    """Write the levels and their manifest."""
    manifest = write_curriculum(
        args.dir, args.out, args.levels, args.balanced, args.seed, _effort(args)
    )
    written = yaml.safe_load(manifest.read_text(encoding="utf-8"))
    count = len(written["levels"])
    fewer = f" (not {args.levels}: a level holds a theorem at least)" if count < args.levels else ""
    print(f"curriculum written: {count} levels{fewer}, {written['total']} theorems, {manifest}")
    return EXIT_OK


def run_stats(args: argparse.Namespace) -> int:
    """Write the plots and the summary, and print the artifact rates."""
    for path in write_stats(args.dir, args.out):
        print(path)
    print("\n".join(rates_markdown(artifact_rates(read_dataset(args.dir)))))
    return EXIT_OK
