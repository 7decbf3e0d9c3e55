"""What several subcommands share: exit codes, the theory and kernel options (their defaults
read from `KernelConfig`), and the `KernelConfig` those options describe."""

from __future__ import annotations

import argparse
import dataclasses
import os
from pathlib import Path
from typing import Any

from rpsdg_formal.errors import ConfigError
from rpsdg_formal.kernel import KernelConfig, default_cache_dir
from rpsdg_formal.kernel.config import ROUTES

EXIT_OK, EXIT_REJECTED, EXIT_USAGE = 0, 1, 2
KERNEL = KernelConfig()
CORES = max(1, os.cpu_count() or 1)


def field_default(config: type[Any], name: str) -> Any:
    """The declared default of field `name` of the dataclass `config` (for configurations that
    have required fields and so cannot be built bare)."""
    for item in dataclasses.fields(config):
        if item.name == name and item.default is not dataclasses.MISSING:
            return item.default
    raise KeyError(f"{config.__name__}.{name} has no plain default")


def split(text: str) -> tuple[str, ...]:
    """The non-empty, stripped items of a comma-separated option."""
    return tuple(p.strip() for p in text.split(",") if p.strip())


FOLDER_THEORY = "the one the folder's run.json or records name"
"""The --theory default of a command that reads a generated folder."""


def add_theory_options(parser: argparse.ArgumentParser, default: str = "field") -> None:
    """--quiet, --theory (its default described as `default`) and --rules."""
    parser.add_argument("--quiet", action="store_true", help="no progress output")
    parser.add_argument(
        "--theory", metavar="NAME", help=f"a theory shipped in rules/ (default: {default})"
    )
    parser.add_argument("--rules", metavar="FILE", help="a rule file (overrides --theory)")


def add_kernel_options(parser: argparse.ArgumentParser) -> None:
    """The `kernel` option group: which Lean, its cache, threads and limits."""
    group = parser.add_argument_group("kernel")
    group.add_argument(
        "--lean", metavar="PATH", help="use this standard `lean` executable instead of the "
        "embedded kernel",
    )  # fmt: skip
    group.add_argument(
        "--cache-dir", metavar="DIR", type=Path,
        help=f"where compiled theory .olean files are kept (default {default_cache_dir()})",
    )  # fmt: skip
    group.add_argument(
        "--threads", type=int, default=None, metavar="N",
        help="Lean elaboration threads per Lean process (default: 1 for generate, which runs "
        "--lean-jobs processes instead; all cores otherwise)",
    )  # fmt: skip
    group.add_argument(
        "--memory-mb", type=int, default=KERNEL.memory_mb, metavar="MB",
        help="Lean's memory limit per batch in MB (default: none); a batch over it is re-checked "
        "by halves and only the theorems that exceed it alone are dropped (reason lean-limit)",
    )  # fmt: skip
    group.add_argument(
        "--lean-timeout", type=float, default=KERNEL.timeout, metavar="S",
        help=f"wall-clock limit per Lean file in seconds (default {KERNEL.timeout:g}); a file over "
        "it is killed and re-checked by halves, so only the theorems that exceed it alone are "
        "dropped",
    )  # fmt: skip
    group.add_argument(
        "--max-heartbeats", type=int, default=KERNEL.heartbeats, metavar="N",
        help="Lean's maxHeartbeats per theorem, in thousands (default: Lean's own, 200000); "
        "a deterministic time limit for each theorem",
    )  # fmt: skip


def add_route_option(parser: argparse.ArgumentParser) -> None:
    """--kernel for the commands whose kernel checks theorems they build (export, evaluate,
    serve); `check` and `audit` check Lean files and always use `lean`."""
    parser.add_argument(
        "--kernel", choices=ROUTES, default=KERNEL.route,
        help=f"direct: the Lean kernel checks proof terms built in Python, in one worker per "
        f"core; lean: `lean` parses and elaborates Lean files for every check (default "
        f"{KERNEL.route}). A proof given in kernel syntax always goes through `lean`",
    )  # fmt: skip


def kernel_config(args: argparse.Namespace) -> KernelConfig:
    """The kernel the options describe. `generate` runs --lean-jobs Lean processes, so its Lean
    gets one thread (and elaborates sequentially); other commands use every core."""
    generate = args.command == "generate"
    threads = args.threads if args.threads is not None else (1 if generate else CORES)
    return KernelConfig(
        lean=args.lean,
        cache_dir=args.cache_dir,
        threads=threads,
        memory_mb=args.memory_mb,
        timeout=args.lean_timeout,
        heartbeats=args.max_heartbeats,
        sequential=generate and threads == 1,
        route=getattr(args, "kernel", "lean"),
    )


def positive(value: int, flag: str) -> int:
    """`value`, or a ConfigError naming `flag` when it is below 1."""
    if value < 1:
        raise ConfigError(f"{flag} must be at least 1, got {value}")
    return value
