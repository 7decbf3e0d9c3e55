"""`rpsdg-formal generate`: its parser (defaults read from the pipeline's configurations) and
the command, which builds a `GenerateConfig`, requires a passed audit and runs the pipeline
locally or on Ray."""

from __future__ import annotations

import argparse
import dataclasses
from pathlib import Path
from typing import Any

from rpsdg_formal.audit.record import require_audit
from rpsdg_formal.cli.common import (
    CORES,
    EXIT_OK,
    EXIT_REJECTED,
    add_kernel_options,
    add_theory_options,
    field_default,
    kernel_config,
    positive,
)
from rpsdg_formal.cli.families import (
    CALCULUS,
    EQUATION,
    EQUATION_FAMILIES,
    SELECT,
    SHAPE,
    WALK,
    Unset,
    calculus_config,
    equation_config,
    refuse_equation_options,
    select_config,
    walk_config,
)
from rpsdg_formal.cli.kernel_route import generate_locally, prepare_generate_kernel
from rpsdg_formal.cli.theories import rules_path
from rpsdg_formal.families.calculus_config import FAMILIES
from rpsdg_formal.families.equation_config import KINDS
from rpsdg_formal.kernel.route import LEAN_SAMPLE
from rpsdg_formal.pipeline.config import GenerateConfig, GenerateSummary
from rpsdg_formal.pipeline.run import statements_of
from rpsdg_formal.theory.rules import RuleSet, load_rules

COUNT = 1000  # the command line's default --count (GenerateConfig requires one)


def _ints(values: tuple[int, ...]) -> str:
    """Numbers as an option would take them: `0,1,2`."""
    return ",".join(str(v) for v in values)


def add_parser(sub: Any, summary: str) -> None:
    """The `generate` subcommand and its option groups."""
    gen = sub.add_parser(
        "generate",
        help=summary,
        description="Walk random rewrites from random start expressions, emit one Lean theorem "
        "per walk (one `have` per step), check them with the Lean kernel in batches, and write "
        "DIR/theorems.jsonl (verified records) and DIR/lean/*.lean (the files the kernel checked).",
    )
    add_theory_options(gen)
    gen.add_argument(
        "--count", type=int, default=COUNT, help=f"verified theorems to write (default {COUNT})"
    )
    gen.add_argument(
        "--seed", type=int, default=0, help="run seed; same seed, same output (default 0)"
    )
    gen.add_argument(
        "--steps", type=int, default=Unset(WALK.steps),
        help=f"rewrite steps per theorem (default {WALK.steps})",
    )  # fmt: skip
    gen.add_argument("--out", type=Path, required=True, metavar="DIR", help="output folder")
    _add_shape_options(gen)
    _add_family_options(gen)
    _add_selection_options(gen)
    _add_run_options(gen)
    add_kernel_options(gen)


def _add_shape_options(gen: argparse.ArgumentParser) -> None:
    """What start expressions (rewrite walks) or functions (calculus) are made of."""
    group = gen.add_argument_group("expressions (rewrite walks / calculus functions / equations)")
    group.add_argument(
        "--vars", default=None,
        help="comma-separated variable names for start expressions "
        f"(default {','.join(SHAPE.variables)})",
    )  # fmt: skip
    group.add_argument(
        "--min-ops", type=int, default=None,
        help="fewest operators in a start expression / function F / operations done to both "
        f"sides of x = c (default {SHAPE.min_ops} / {CALCULUS.min_ops} / {EQUATION.min_ops})",
    )  # fmt: skip
    group.add_argument(
        "--max-ops", type=int, default=None,
        help="most operators in a start expression / function F / operations done to both "
        f"sides of x = c (default {SHAPE.max_ops} / {CALCULUS.max_ops} / {EQUATION.max_ops})",
    )  # fmt: skip
    group.add_argument(
        "--max-size", type=int, default=None,
        help="largest expression (in nodes) a walk may reach / a derivative may have / a side "
        f"of an equation may have (default {WALK.max_size} / {CALCULUS.max_size} / "
        f"{EQUATION.max_size})",
    )  # fmt: skip
    group.add_argument(
        "--numerals", default=None,
        help="numerals that may appear as leaves of start expressions / functions "
        f"(default {_ints(SHAPE.numerals)} / {_ints(CALCULUS.numerals)})",
    )  # fmt: skip
    group.add_argument(
        "--operators",
        help="operators for start expressions or functions, comma-separated; repeat a name to "
        "draw it more often (default: all of the theory / "
        f"{','.join(CALCULUS.unary + CALCULUS.binary)})",
    )


def _add_family_options(gen: argparse.ArgumentParser) -> None:
    """Which family of problems, and the equation family's settings."""
    group = gen.add_argument_group("families")
    group.add_argument(
        "--family", choices=(*FAMILIES, *EQUATION_FAMILIES),
        help="calculus theories: `antiderivative` (differentiate a random F; publish ∫ f = F) "
        "or `by-parts` (F = u·v; the record names u and dv), default antiderivative; theory "
        "equation: `equation` (from x = c, do the same to both sides; publish the equation "
        "and its kernel-checked solution), the default there, or `equation-system` (two "
        "linear equations in x and y, solved by elimination); rewrite walks otherwise",
    )  # fmt: skip
    group.add_argument(
        "--kinds", help=f"equations: comma-separated kinds among {', '.join(KINDS)} (default all)"
    )
    group.add_argument(
        "--distractions", type=int, default=EQUATION.distractions, metavar="K",
        help="equations: random rewrites that disguise the left side "
        f"(default {EQUATION.distractions})",
    )  # fmt: skip


def _add_selection_options(gen: argparse.ArgumentParser) -> None:
    """How theorems are chosen from the walks."""
    group = gen.add_argument_group("selection (rewrite walks)")
    group.add_argument(
        "--proofs", type=int, default=SELECT.proofs, metavar="K",
        help="keep up to K distinct shortest proofs per theorem, each kernel-checked "
        f"(default {SELECT.proofs})",
    )  # fmt: skip
    group.add_argument(
        "--difficulty", metavar="LO-HI|K:W,...",
        help="keep only theorems whose certified lower bound on proof length is in LO..HI "
        "(e.g. 3-6), or share the count among bounds by weight (e.g. 2:1,3:2,4:1: a quarter "
        "with bound 2, half with 3, a quarter with 4); from a lowest bound of 5 up, the walk "
        "length, expression cap, start size and search budget left at their defaults are "
        "chosen from it",
    )  # fmt: skip
    group.add_argument(
        "--bound-budget", type=int, default=Unset(SELECT.bounds.node_budget), metavar="N",
        help="expressions per side the certifying bidirectional search may visit "
        f"(default {SELECT.bounds.node_budget}); larger certifies higher lower bounds, slower",
    )  # fmt: skip
    group.add_argument(
        "--natural", action="store_true",
        help="walks that look like the identities people prove: the start and every step "
        "avoid identity elements (1 * t, t + 0, t / 1, -0), numeral arithmetic (2 * 3, "
        "x + 3 + 3) and degenerate pieces (1^2, (-x)^2, x / x); see `stats` for the rates",
    )  # fmt: skip
    group.add_argument(
        "--adversarial", type=int, default=None, metavar="N",
        help="keep only theorems the baseline prover's search does not prove within N "
        "expansions (an explicit filter on the prover's outcome; off by default)",
    )  # fmt: skip
    group.add_argument(
        "--python-search", action="store_true",
        help="certify bounds with the pure-Python search even where the compiled one is built "
        "(the reference: the same theorems, slower; for comparisons)",
    )  # fmt: skip
    group.add_argument(
        "--python-walk", action="store_true",
        help="draw walks with the pure-Python walk even where the compiled listing is built "
        "(the reference: the same theorems, slower; for comparisons)",
    )  # fmt: skip
    group.add_argument(
        "--explore", action="store_true",
        help="also add every neighbour of every walk node to the graph (finds more shortcuts "
        "and alternative proofs; about 3x slower)",
    )  # fmt: skip
    group.add_argument(
        "--exclude", type=Path, action="append", default=[], metavar="DIR",
        help="never repeat a statement of this earlier dataset, up to renaming variables and "
        "swapping sides (repeatable)",
    )  # fmt: skip


def _add_run_options(gen: argparse.ArgumentParser) -> None:
    """Batches, processes, the backend and --force."""
    batch_size = field_default(GenerateConfig, "batch_size")
    group = gen.add_argument_group("scale")
    group.add_argument(
        "--batch-size", type=int, default=batch_size,
        help=f"theorems per Lean file; also bounds Lean's memory (default {batch_size})",
    )  # fmt: skip
    group.add_argument(
        "--workers", type=int, default=CORES, metavar="N",
        help="processes preparing theorems, and on the direct route checking them too (default: "
        "all cores); the output does not depend on it",
    )  # fmt: skip
    group.add_argument(
        "--backend", choices=("local", "ray"), default="local",
        help="local: worker processes and Lean jobs on this machine (default); ray: shards of "
        "--batch-size theorem indices as Ray tasks, each prepared and checked on a cluster "
        "node, admitted in index order by this process (same theorems as local)",
    )  # fmt: skip
    group.add_argument(
        "--ray-address", metavar="ADDR",
        help="the Ray cluster to join (e.g. 10.0.0.1:6379 or auto; default: RAY_ADDRESS, else "
        "a new local instance); a cluster of Ray 2.52 or later needs RAY_AUTH_MODE=token",
    )  # fmt: skip
    group.add_argument(
        "--lean-jobs", type=int, default=CORES, metavar="N",
        help="Lean processes checking batches at the same time (default: all cores)",
    )  # fmt: skip
    group.add_argument(
        "--kernel", choices=("direct", "lean"), default="direct",
        help="direct: the Lean kernel checks proof terms built in Python, in one worker per "
        "core, and `lean` re-checks a sample of the written files (default); lean: `lean` "
        "parses and elaborates every written file (the route `check` and `audit` use)",
    )  # fmt: skip
    group.add_argument(
        "--lean-sample", type=int, default=LEAN_SAMPLE, metavar="N",
        help="with --kernel direct, `lean` also checks, in a file of its own, one theorem in "
        f"10 of the first batch and of one batch in N (default {LEAN_SAMPLE}; 0: the first "
        "only), and in every batch a few theorems that use every name `lean` has not seen: a "
        "cross-check of the direct route against the written files; any disagreement stops "
        "the run. What `lean` confirmed is remembered in the cache for later runs of the same "
        "code, theory, rules and Lean: they show it only new names and, once it has confirmed "
        "25 spread theorems, one theorem of those batches (delete the lean-confirmed folder "
        "of the cache to "
        "cross-check from scratch)",
    )  # fmt: skip
    gen.add_argument("--force", action="store_true", help="overwrite an earlier run in --out")


def generate_config(args: argparse.Namespace) -> tuple[GenerateConfig, RuleSet]:
    """The run the options describe, and its rule set (loaded and checked first)."""
    positive(args.count, "--count")
    positive(args.steps, "--steps")
    rules = load_rules(rules_path(args.theory, args.rules))
    select = select_config(args)
    if args.adversarial is not None:  # the prover's modules only for a run that asks for it
        from rpsdg_formal.env.adversarial import Adversarial

        select = dataclasses.replace(select, keep=Adversarial(rules, args.adversarial))
    config = GenerateConfig(
        select=select,
        count=args.count,
        seed=args.seed,
        out=args.out,
        calculus=calculus_config(args, rules),
        equation=equation_config(args, rules),
        walk=walk_config(args, rules),
        batch_size=args.batch_size,
        force=args.force,
        workers=args.workers,
        lean_jobs=args.lean_jobs,
        exclude=frozenset().union(*(statements_of(d, rules) for d in args.exclude)),
    )
    if config.calculus is None and config.equation is None:
        refuse_equation_options(args, "rewrite walks")
    return config, rules


def run(args: argparse.Namespace) -> int:
    """Generate, then say what was written (and what was refused or rejected)."""
    config, rules = generate_config(args)
    if args.backend == "ray":  # the Ray backend's module is imported by a Ray run only
        from rpsdg_formal.pipeline import ray_backend

        ray_backend.require_ray(args.ray_address)
        ray_backend.require_listening(args.ray_address)
    settings = kernel_config(args)
    require_audit(rules, settings.cache())
    kernel = prepare_generate_kernel(args, rules.theory, settings)
    if args.backend == "ray":
        from rpsdg_formal.pipeline import ray_backend

        summary = ray_backend.generate_ray(
            rules, config, settings, kernel.version, args.ray_address, not args.quiet
        )
    else:
        summary = generate_locally(args, rules, config, kernel)
    _report(summary, config, kernel.version)
    ok = summary.rejected == 0 and summary.disagreements == 0
    return EXIT_OK if ok else EXIT_REJECTED


def _report(summary: GenerateSummary, config: GenerateConfig, lean_version: str) -> None:
    """Print what the run wrote; a run already complete says so instead of 'resumed'."""
    out = summary.out
    if summary.resumed_after >= config.count:
        print(
            f"{out} already holds this finished run ({summary.resumed_after} theorems); nothing "
            "to do (pass --force to generate it afresh, or choose another --out)"
        )
    elif summary.resumed_after:
        print(f"resumed an interrupted run after {summary.resumed_after} theorems")
    print(
        f"{summary.accepted} kernel-verified theorems in {out / 'theorems.jsonl'} "
        f"({summary.batches} Lean file{'' if summary.batches == 1 else 's'} in {out / 'lean'}, "
        f"Lean {lean_version})"
    )
    if summary.rejected:
        print(f"{summary.rejected} theorems rejected by the kernel: {out / 'rejected.jsonl'}")
    if summary.disagreements:
        print(
            f"ERROR: SymPy contradicts {summary.disagreements} theorems (none exported; see "
            f"{out / 'rejected.jsonl'}): the rule set is unsound, run `rpsdg-formal audit`"
        )
    if summary.refused:
        print(
            f"{summary.refused} theorems refused: a step needs a side condition nothing proves "
            f"(see {out / 'rejected.jsonl'})"
        )
