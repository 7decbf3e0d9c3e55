"""`rpsdg-formal evaluate`: the baseline prover on a curriculum (or dataset) folder, per level,
every found proof replayed through the kernel."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from rpsdg_formal.audit.record import require_audit
from rpsdg_formal.cli.common import (
    CORES,
    EXIT_OK,
    FOLDER_THEORY,
    add_kernel_options,
    add_route_option,
    add_theory_options,
    kernel_config,
)
from rpsdg_formal.cli.theories import first_record_field, folder_rules
from rpsdg_formal.env.environment import KernelChecker
from rpsdg_formal.env.evaluate import DEFAULT_LEVELS, evaluate, markdown_table
from rpsdg_formal.errors import ConfigError
from rpsdg_formal.kernel.check import prepare_kernel

BUDGET = 50  # node expansions per theorem
UNSEARCHABLE = ("equation-system",)  # elimination combines two equations: not searched


def add_parser(sub: Any, summary: str) -> None:
    """The `evaluate` subcommand."""
    ev = sub.add_parser(
        "evaluate",
        help=summary,
        description="Run the baseline prover (best-first search over rule applications, "
        "priority steps + 0.5 x the mismatch of the two sides; for equations, forward steps "
        "from the hypothesis: inverse operations on both sides, cancellations, arithmetic) on "
        "every theorem of the curriculum DIR (level_NN.jsonl from `rpsdg-formal curriculum`; "
        "a dataset folder is split into --levels levels the same way), with --budget node "
        "expansions per theorem; every found proof is replayed step by step through the Lean "
        "kernel. Prints success rate and mean expansions per level and writes "
        "evaluation.json, evaluation.md (the table) and evaluation.svg (the plot) to --out "
        "(default DIR). Not for systems of equations; without --rules or --theory the theory "
        "is the one DIR's records name.",
    )
    ev.add_argument("dir", type=Path, metavar="DIR", help="a curriculum (or dataset) folder")
    ev.add_argument("--budget", type=int, default=BUDGET,
                    help=f"expansions per theorem ({BUDGET})")  # fmt: skip
    ev.add_argument("--out", type=Path, metavar="OUT", help="output folder (default DIR)")
    ev.add_argument("--levels", type=int, default=DEFAULT_LEVELS,
                    help=f"levels for a dataset folder ({DEFAULT_LEVELS})")  # fmt: skip
    ev.add_argument("--workers", type=int, default=None, metavar="N",
                    help="search processes (default: every core)")  # fmt: skip
    add_theory_options(ev, FOLDER_THEORY)
    add_kernel_options(ev)
    add_route_option(ev)


def require_searchable_family(folder: Path) -> None:
    """Refuse a folder of systems of equations: the prover searches one equation forward (or
    rule applications between two expressions), and would attempt none of them (0/0)."""
    family = first_record_field(folder, "family") or "rewrite"
    if family in UNSEARCHABLE:
        raise ConfigError(
            f"{folder} holds {family} theorems, which the baseline prover cannot search (it "
            "proves rewrite and calculus theorems by rule applications and single equations by "
            "forward steps; a system needs elimination); evaluate a dataset made by --theory "
            "field, --theory calculus or --theory equation (without --family equation-system)"
        )


def run(args: argparse.Namespace) -> int:
    """Search, replay, print the table and the files written."""
    require_searchable_family(args.dir)
    rules = folder_rules(args.dir, args)
    settings = kernel_config(args)
    require_audit(rules, settings.cache())
    checker = KernelChecker(prepare_kernel(rules.theory, settings), jobs=CORES)
    report = evaluate(
        args.dir, rules, checker, args.budget, args.out, workers=args.workers,
        progress=not args.quiet, dataset_levels=args.levels,
    )  # fmt: skip
    print(markdown_table(report), end="")
    print(f"{report.proved}/{report.theorems} theorems proved (every step kernel-checked), "
          f"budget {args.budget} expansions")  # fmt: skip
    for path in report.files:
        print(path)
    return EXIT_OK
