"""The `rpsdg-formal` commands: audit, generate, check, export, curriculum, stats, serve,
evaluate, lean."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from rpsdg_formal.audit.report import record_audit, require_audit, run_audit
from rpsdg_formal.cli.options import (
    build_parser,
    calculus_config,
    equation_config,
    select_config,
    walk_config,
)
from rpsdg_formal.dataset.curriculum import write_curriculum
from rpsdg_formal.dataset.stats import write_stats
from rpsdg_formal.env.environment import KernelChecker
from rpsdg_formal.env.evaluate import evaluate, markdown_table
from rpsdg_formal.errors import ConfigError, OutputError, RpsdgError
from rpsdg_formal.exports.writer import FORMATS, ExportConfig, export
from rpsdg_formal.kernel import LeanRunner, default_cache_dir
from rpsdg_formal.kernel.check import Kernel, prepare_kernel
from rpsdg_formal.pipeline.ray_backend import KernelSettings, generate_ray
from rpsdg_formal.pipeline.recheck import CheckReport, check_dataset, check_lean_file
from rpsdg_formal.pipeline.run import GenerateConfig, generate, statements_of
from rpsdg_formal.serve.http import prepare_theories, serve_forever
from rpsdg_formal.serve.service import ServiceConfig
from rpsdg_formal.theory import catalogue
from rpsdg_formal.theory.rules import RuleSet, load_rules
from rpsdg_formal.theory.section import Theory

EXIT_OK, EXIT_REJECTED, EXIT_USAGE = 0, 1, 2


def _rules_path(theory: str | None, rules: str | None) -> Path:
    """--rules FILE if given, else the shipped rule file of --theory (default field)."""
    if rules:
        return Path(rules)
    return catalogue.rules_path(theory or "field")


def _kernel(args: argparse.Namespace, rules: RuleSet) -> Kernel:
    runner = LeanRunner.external(args.lean) if args.lean else LeanRunner.embedded()
    if args.threads < 1:
        raise ConfigError(f"--threads must be at least 1, got {args.threads}")
    if args.lean_timeout <= 0 or args.max_heartbeats < 0 or args.memory_mb < 0:
        raise ConfigError("--lean-timeout must be positive; --max-heartbeats, --memory-mb >= 0")
    return prepare_kernel(
        rules.theory,
        runner,
        args.cache_dir,
        args.threads,
        args.memory_mb,
        args.lean_timeout,
        args.max_heartbeats,
        sequential=args.command == "generate" and args.threads == 1,
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
    calculus = calculus_config(args, rules)
    config = GenerateConfig(
        select=select_config(args),
        count=args.count,
        seed=args.seed,
        out=args.out,
        calculus=calculus,
        equation=equation_config(args, rules),
        walk=walk_config(args, rules),
        batch_size=args.batch_size,
        force=args.force,
        workers=args.workers,
        lean_jobs=args.lean_jobs,
        exclude=frozenset().union(*(statements_of(d, rules) for d in args.exclude)),
    )
    require_audit(rules, args.cache_dir or default_cache_dir())
    kernel = _kernel(args, rules)
    if args.backend == "ray":
        settings = KernelSettings(
            args.lean,
            str(args.cache_dir) if args.cache_dir else None,
            args.threads,
            args.memory_mb,
            args.lean_timeout,
            args.max_heartbeats,
        )
        summary = generate_ray(
            rules, config, settings, kernel.version, args.ray_address, not args.quiet
        )
    else:
        summary = generate(rules, config, kernel, show_progress=not args.quiet)
    if summary.resumed_after:
        print(f"resumed an interrupted run after {summary.resumed_after} theorems")
    print(
        f"{summary.accepted} kernel-verified theorems in {summary.out / 'theorems.jsonl'} "
        f"({summary.batches} Lean files in {summary.out / 'lean'}, Lean {kernel.version})"
    )
    if summary.rejected:
        print(
            f"{summary.rejected} theorems rejected by the kernel: {summary.out / 'rejected.jsonl'}"
        )
    if summary.disagreements:
        print(
            f"ERROR: SymPy contradicts {summary.disagreements} theorems (none exported; see "
            f"{summary.out / 'rejected.jsonl'}): the rule set is unsound, run `rpsdg-formal audit`"
        )
    if summary.refused:
        print(
            f"{summary.refused} theorems refused: a step needs a side condition nothing proves "
            f"(see {summary.out / 'rejected.jsonl'})"
        )
    ok = summary.rejected == 0 and summary.disagreements == 0
    return EXIT_OK if ok else EXIT_REJECTED


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


def _cmd_export(args: argparse.Namespace) -> int:
    if not args.dir.is_dir():
        raise ConfigError(f"{args.dir} is not a folder written by `rpsdg-formal generate`")
    args.target = args.dir
    rules = load_rules(_check_rules_path(args))
    require_audit(rules, args.cache_dir or default_cache_dir())
    kernel = _kernel(args, rules)
    formats = FORMATS if args.format == "all" else tuple(f.strip() for f in args.format.split(","))
    config = ExportConfig(
        formats, args.out, args.negatives, args.seed, args.force, args.repo_url, args.commit
    )
    with tempfile.TemporaryDirectory(prefix="rpsdg-export-") as work:
        summary = export(args.dir, rules, kernel, config, Path(work), not args.quiet)
    counts = ", ".join(f"{v} {k.replace('_', ' ')}" for k, v in summary.counts.items())
    print(f"{args.format} export in {summary.out}: {len(summary.files)} files; {counts}")
    return EXIT_OK


def _cmd_serve(args: argparse.Namespace) -> int:
    names = [n.strip() for n in args.theories.split(",") if n.strip()]
    cache = args.cache_dir or default_cache_dir()
    paths = [_rules_path(name, None) for name in names]
    for path in paths:  # the same policy as generate: only audited rule sets
        require_audit(load_rules(path), cache)
    config = ServiceConfig(
        host=args.host,
        port=args.port,
        workers=args.workers or max(1, os.cpu_count() or 1),
        max_body_bytes=args.max_body_bytes,
        max_proofs=args.max_proofs,
        max_tactics=args.max_tactics,
        request_timeout=args.request_timeout,
        memory_mb=args.memory_mb,
        queue_limit=args.queue_limit,
    )
    runner = LeanRunner.external(args.lean) if args.lean else None
    serve_forever(config, *prepare_theories(paths, cache, runner))
    return EXIT_OK


def _cmd_evaluate(args: argparse.Namespace) -> int:
    rules = load_rules(_rules_path(args.theory, args.rules))
    require_audit(rules, args.cache_dir or default_cache_dir())
    checker = KernelChecker(_kernel(args, rules), jobs=max(1, os.cpu_count() or 1))
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
    if getattr(args, "threads", 0) is None:  # generate runs --lean-jobs Lean processes instead
        args.threads = 1 if args.command == "generate" else max(1, os.cpu_count() or 1)
    commands = {
        "generate": _cmd_generate,
        "check": _cmd_check,
        "export": _cmd_export,
        "audit": _cmd_audit,
        "curriculum": _cmd_curriculum,
        "stats": _cmd_stats,
        "serve": _cmd_serve,
        "evaluate": _cmd_evaluate,
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
