"""`rpsdg-formal check`: re-check a generated folder (replaying every record) or a Lean file
with the kernel."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from rpsdg_formal.audit.record import require_audit
from rpsdg_formal.cli.common import (
    EXIT_OK,
    EXIT_REJECTED,
    FOLDER_THEORY,
    add_kernel_options,
    add_theory_options,
    kernel_config,
)
from rpsdg_formal.cli.theories import file_rules, folder_rules
from rpsdg_formal.errors import ConfigError
from rpsdg_formal.kernel.check import prepare_kernel
from rpsdg_formal.pipeline.recheck import CHECK_BATCH, CheckReport, check_dataset, check_lean_file

SHOWN = 50  # rejected theorems listed one per line


def add_parser(sub: Any, summary: str) -> None:
    """The `check` subcommand."""
    chk = sub.add_parser(
        "check",
        help=summary,
        description="For a folder: replay every record's steps, rebuild its certificate and "
        "have the kernel check it. For a .lean file: check it as it is and audit the axioms of "
        "each theorem. Exits 1 if anything is rejected. The rule file must have passed "
        "`rpsdg-formal audit` (a proof from a false axiom proves nothing). Without --rules or "
        "--theory the folder's run.json (or its records' theory) says which rules it used, and a "
        "Lean file's `import` which shipped theory it needs.",
    )
    chk.add_argument("target", type=Path, metavar="DIR_OR_FILE")
    add_theory_options(chk, f"{FOLDER_THEORY}; for a Lean file, the theory it imports")
    chk.add_argument(
        "--batch-size", type=int, default=CHECK_BATCH,
        help=f"theorems per Lean file (default {CHECK_BATCH})",
    )  # fmt: skip
    add_kernel_options(chk)


def print_report(report: CheckReport) -> int:
    """Each rejection (the first 50), the total, and the exit code it means."""
    for label, reason in report.failures[:SHOWN]:
        print(f"REJECTED {label}: {reason}")
    if len(report.failures) > SHOWN:
        print(f"... and {len(report.failures) - SHOWN} more")
    print(f"{report.accepted}/{report.total} theorems accepted by the kernel")
    return EXIT_OK if report.ok else EXIT_REJECTED


def run(args: argparse.Namespace) -> int:
    """Check the folder or file."""
    target: Path = args.target
    if not target.exists():
        raise ConfigError(f"{target} does not exist")
    if target.is_dir():
        rules = folder_rules(target, args)
    else:
        rules = file_rules(target, args)
    settings = kernel_config(args)
    require_audit(rules, settings.cache())
    kernel = prepare_kernel(rules.theory, settings)
    if target.is_dir():
        return print_report(check_dataset(target, rules, kernel, args.batch_size, not args.quiet))
    return print_report(check_lean_file(target, kernel))
