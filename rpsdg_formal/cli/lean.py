"""`rpsdg-formal lean ARGS`: the embedded Lean command line, every argument passed through."""

from __future__ import annotations

import argparse
import subprocess
from collections.abc import Sequence
from typing import Any

from rpsdg_formal.kernel import LeanRunner


def add_parser(sub: Any, summary: str) -> None:
    """The `lean` subcommand (for --help; `main` hands its arguments to Lean untouched)."""
    lean = sub.add_parser(
        "lean",
        help=summary,
        description="Pass all following arguments to the embedded `lean` "
        "(`rpsdg-formal lean --help` shows Lean's own help).",
    )
    lean.add_argument("lean_args", nargs=argparse.REMAINDER, metavar="ARGS")


def run_lean(lean_args: Sequence[str]) -> int:
    """Run the embedded `lean` with `lean_args`, sharing this terminal."""
    runner = LeanRunner.embedded()
    return subprocess.call(runner.argv(lean_args), env=runner.environment())
