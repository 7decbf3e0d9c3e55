"""`rpsdg-formal export`: a generated folder in training formats (jsonl, parquet, TRL, LeanDojo,
a Lean project). The arguments and the dataset file are checked before any work."""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path
from typing import Any

from rpsdg_formal.audit.record import require_audit
from rpsdg_formal.cli.common import (
    EXIT_OK,
    FOLDER_THEORY,
    add_kernel_options,
    add_route_option,
    add_theory_options,
    field_default,
    kernel_config,
)
from rpsdg_formal.cli.theories import folder_rules
from rpsdg_formal.errors import ConfigError
from rpsdg_formal.exports.writer import FORMATS, ExportConfig, export, validate_export
from rpsdg_formal.kernel.check import prepare_kernel


def add_parser(sub: Any, summary: str) -> None:
    """The `export` subcommand."""
    negatives = field_default(ExportConfig, "negatives_per_step")
    seed = field_default(ExportConfig, "seed")
    exp = sub.add_parser(
        "export",
        help=summary,
        description="Trace every proof of DIR/theorems.jsonl into Lean goal states and tactics, "
        "have the kernel judge plausible wrong steps (only rejected ones are labelled negative), "
        "and write them as: jsonl or parquet tables; trl-dpo "
        "(prompt/chosen/rejected); trl-stepwise (prompt/completions/labels); leandojo (LeanDojo "
        "Benchmark 4: random/ and novel_premises/ splits, corpus.jsonl, metadata.json); "
        "lean-project (lakefile, theory and checked files, one git commit; `rpsdg-formal check` "
        "accepts it). OUT/README.md is the Hugging Face dataset card of whatever was written. "
        "Equation and system records are traced as forward reasoning (have … := congrArg …) "
        "with their own judged wrong steps.",
    )
    exp.add_argument("dir", type=Path, metavar="DIR", help="a folder written by generate")
    exp.add_argument(
        "--format", required=True, metavar="F[,F...]|all",
        help=f"export formats: {', '.join(FORMATS)}; several (or all) write one subfolder each "
        "and trace and judge the proofs once",
    )  # fmt: skip
    exp.add_argument(
        "--out", type=Path, required=True, metavar="OUT",
        help="output folder (not inside DIR)",
    )  # fmt: skip
    exp.add_argument(
        "--negatives", type=int, default=negatives, metavar="K",
        help="wrong steps of each kind judged by the kernel per proof step (rewrites: wrong "
        "position, instantiation, direction, a missing rule, a mutated rule; equations: one "
        "side only, a divisor that may be zero, arithmetic off by one, the wrong cancellation, "
        f"another hypothesis) (default {negatives}; 0 for none)",
    )  # fmt: skip
    exp.add_argument(
        "--seed", type=int, default=seed, help=f"seed for wrong steps and splits (default {seed})"
    )
    exp.add_argument("--force", action="store_true", help="write into a non-empty --out")
    exp.add_argument(
        "--repo-url", default=field_default(ExportConfig, "repo_url"), metavar="URL",
        help="LeanDojo `url` of a published copy of the exported Lean project (default: the "
        "local git repository the export makes of it); give --commit with it",
    )  # fmt: skip
    exp.add_argument(
        "--commit", default=field_default(ExportConfig, "commit"), metavar="HASH",
        help="LeanDojo `commit` of --repo-url",
    )  # fmt: skip
    add_theory_options(exp, FOLDER_THEORY)
    add_kernel_options(exp)
    add_route_option(exp)


def run(args: argparse.Namespace) -> int:
    """Export the folder in every format asked for."""
    if not args.dir.is_dir():
        raise ConfigError(f"{args.dir} is not a folder written by `rpsdg-formal generate`")
    formats = FORMATS if args.format == "all" else tuple(f.strip() for f in args.format.split(","))
    config = ExportConfig(
        formats, args.out, args.negatives, args.seed, args.force, args.repo_url, args.commit
    )
    validate_export(args.dir, config)
    rules = folder_rules(args.dir, args)
    settings = kernel_config(args)
    require_audit(rules, settings.cache())
    kernel = prepare_kernel(rules.theory, settings)
    with tempfile.TemporaryDirectory(prefix="rpsdg-export-") as work:
        summary = export(args.dir, rules, kernel, config, Path(work), not args.quiet)
    counts = ", ".join(f"{v} {k.replace('_', ' ')}" for k, v in summary.counts.items())
    print(f"{args.format} export in {summary.out}: {len(summary.files)} files; {counts}")
    return EXIT_OK
