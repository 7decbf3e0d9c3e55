"""`rpsdg-formal audit`: check a rule file for soundness three ways (kernel, model, structure),
with progress per row; a passed audit is remembered so `generate` can rely on it."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from rpsdg_formal.audit.record import record_audit
from rpsdg_formal.audit.report import run_audit
from rpsdg_formal.cli.common import (
    EXIT_OK,
    EXIT_REJECTED,
    add_kernel_options,
    add_theory_options,
    kernel_config,
)
from rpsdg_formal.cli.theories import rules_path
from rpsdg_formal.errors import OutputError
from rpsdg_formal.kernel.check import Kernel, prepare_kernel
from rpsdg_formal.progress import Progress
from rpsdg_formal.theory.rules import load_rules
from rpsdg_formal.theory.section import Theory


def add_parser(sub: Any, summary: str) -> None:
    """The `audit` subcommand."""
    aud = sub.add_parser(
        "audit",
        help=summary,
        description="Check every rule of a rule file, and every axiom and operator definition "
        "of its Lean theory, three ways: (1) the kernel accepts `theorem _ : <the rule as "
        "written> := <its Lean name>` using only the theory's axioms; (2) the equation holds in "
        "the intended model (SymPy, at special, random, large, tiny and complex points, and "
        "symbolically where SymPy can decide), with a counterexample when it does not; "
        "(3) structure: the rule loads, one-sided variables are declared in `introduces:`, no "
        "duplicates up to renaming, no clash with the theory's names. Prints a table, exits 1 "
        "if any row fails. A passing audit is remembered (keyed by the rule file's and the "
        "Lean sources' contents); `generate` refuses rule files without one.",
    )
    aud.add_argument(
        "rules_file", nargs="?", metavar="RULES.yaml",
        help="the rule file (default: --theory's, else rules/field.yaml)",
    )  # fmt: skip
    add_theory_options(aud)
    aud.add_argument("--json", type=Path, metavar="REPORT", help="also write the report as JSON")
    aud.add_argument("--seed", type=int, default=0, help="seed for the model check's points")
    add_kernel_options(aud)


def require_writable(path: Path, flag: str) -> None:
    """Fail now, not after the work, if `path` cannot be written (a new file is not left)."""
    existed = path.exists()
    try:
        with open(path, "a", encoding="utf-8"):
            pass
    except OSError as err:
        raise OutputError(
            f"cannot write {flag} {path}: {err.strerror or err}; choose a writable file"
        ) from err
    if not existed:
        path.unlink()


def run(args: argparse.Namespace) -> int:
    """Audit, print the table, write --json, remember a pass."""
    path = Path(args.rules_file) if args.rules_file else rules_path(args.theory, args.rules)
    if args.json:
        require_writable(args.json, "--json")
    settings = kernel_config(args)

    def kernel_for(theory: Theory) -> Kernel:
        return prepare_kernel(theory, settings)

    bar: Progress | None = None

    def progress(done: int, total: int) -> None:
        nonlocal bar
        bar = bar or Progress(total, "audited", not args.quiet, frequent=True)
        bar.update(done)

    try:
        report = run_audit(path, kernel_for, seed=args.seed, progress=progress)
    finally:
        if bar is not None:
            bar.close()
    print(report.table())
    if args.json:
        try:
            args.json.write_text(json.dumps(report.to_json(), indent=2) + "\n", encoding="utf-8")
        except OSError as err:
            raise OutputError(f"cannot write --json {args.json}: {err.strerror or err}") from err
    if report.ok:
        record_audit(report, load_rules(path), settings.cache())
    return EXIT_OK if report.ok else EXIT_REJECTED
