"""How `generate`'s options become the frozen configurations the pipeline takes: a walk
(`WalkConfig`), a selection (`SelectConfig`), or a calculus or equation family. Every default
comes from those dataclasses; an option left out is None here and takes it."""

from __future__ import annotations

import argparse
import dataclasses

from rpsdg_formal.cli.common import split
from rpsdg_formal.errors import ConfigError
from rpsdg_formal.families.calculus_config import CalculusConfig
from rpsdg_formal.families.equation_config import EquationConfig
from rpsdg_formal.kernel.emit import check_variable_names
from rpsdg_formal.rewriting.difficulty import DifficultyPlan, plan_for
from rpsdg_formal.rewriting.graph import SearchBounds
from rpsdg_formal.rewriting.selection import SelectConfig
from rpsdg_formal.rewriting.walk import WalkConfig
from rpsdg_formal.terms.sample import ExprShape
from rpsdg_formal.terms.signature import Fixity
from rpsdg_formal.theory.rules import RuleSet

WALK = WalkConfig()
SHAPE = WALK.shape
SELECT = SelectConfig()
CALCULUS = CalculusConfig()
EQUATION = EquationConfig()
EQUATION_FAMILIES = ("equation", "equation-system")


class Unset(int):
    """A parser default that remembers it was not typed (`--steps 8` typed is a plain int), so
    the difficulty plan may replace it; it prints and compares as its value."""


def _or(value: int | None, default: int) -> int:
    """An option's value, or the configuration's default when it was left out."""
    return default if value is None else value


def _operators(args: argparse.Namespace, rules: RuleSet) -> tuple[str, ...] | None:
    """--operators, checked against the theory's signature; None when not given."""
    if not args.operators:
        return None
    sig = rules.theory.signature
    names = split(args.operators)
    unknown = sorted(set(names) - sig.names())
    if unknown:
        raise ConfigError(f"--operators: unknown {unknown}; the theory has {sorted(sig.names())}")
    return names


def _numerals(text: str | None, default: tuple[int, ...]) -> tuple[int, ...]:
    """--numerals as natural numbers, or `default` when it was left out."""
    if text is None:
        return default
    try:
        numerals = tuple(int(n) for n in split(text))
    except ValueError:
        raise ConfigError(f"--numerals must be natural numbers, got {text!r}") from None
    if any(n < 0 for n in numerals):
        raise ConfigError("--numerals must be natural numbers")
    return numerals


def walk_config(args: argparse.Namespace, rules: RuleSet) -> WalkConfig:
    """The rewrite walk the options describe."""
    sig = rules.theory.signature
    names = _operators(args, rules) or tuple(op.name for op in sig.operators)
    variables = split(args.vars) if args.vars is not None else SHAPE.variables
    check_variable_names(variables, rules.theory)
    binary = tuple(n for n in names if sig.by_name(n).arity == 2)
    unary = tuple(
        n for n in names if sig.by_name(n).arity == 1 and sig.by_name(n).fixity is not Fixity.INFIX
    )
    if not binary and not unary:
        raise ConfigError("--operators must name at least one operator")
    plan = _plan(args)
    shape = ExprShape(
        unary=unary,
        binary=binary,
        variables=variables,
        numerals=_numerals(args.numerals, _plan_numerals(plan)),
        min_ops=_or(args.min_ops, SHAPE.min_ops),
        max_ops=_or(args.max_ops, SHAPE.max_ops),
    )
    if plan is not None and args.max_ops is None:
        shape = dataclasses.replace(shape, max_ops=plan.max_ops)
    max_size = _or(args.max_size, plan.max_size if plan else WALK.max_size)
    if max_size < 1:
        raise ConfigError(f"--max-size must be positive, got {max_size}")
    return WalkConfig(
        steps=_steps(args),
        max_size=max_size,
        shape=shape,
        away=plan is not None,
        natural=bool(getattr(args, "natural", False)),
        compiled=not getattr(args, "python_walk", False),
    )


def _plan_numerals(plan: DifficultyPlan | None) -> tuple[int, ...]:
    """The numerals of a start expression when --numerals is left out."""
    return SHAPE.numerals if plan is None or plan.numerals is None else plan.numerals


def _plan(args: argparse.Namespace) -> DifficultyPlan | None:
    """The settings `--difficulty` chooses when its lowest bound is hard (`difficulty`)."""
    if args.difficulty is None:
        return None
    histogram = _histogram(args.difficulty)
    span = _difficulty(args.difficulty)
    lowest = min(k for k, _ in histogram) if histogram else span[0] if span else 1
    return plan_for(lowest)


def _steps(args: argparse.Namespace) -> int:
    """--steps, or the plan's walk length when it was left at its default."""
    plan = _plan(args)
    return plan.steps if plan is not None and isinstance(args.steps, Unset) else int(args.steps)


def _refuse_walk_options(args: argparse.Namespace, what: str, proofs: bool = False) -> None:
    """Refuse options that only rewrite walks read, for another family (`what`)."""
    walk_only = {
        "--steps": not isinstance(getattr(args, "steps", None), Unset | None),
        "--difficulty": args.difficulty is not None,
        "--proofs": args.proofs != SELECT.proofs and not proofs,
        "--bound-budget": not isinstance(getattr(args, "bound_budget", None), Unset | None),
        "--explore": args.explore,
        "--natural": bool(getattr(args, "natural", False)),
        "--vars": args.vars is not None,
    }
    _refuse([flag for flag, used in walk_only.items() if used], "rewrite walks", what)


def refuse_equation_options(args: argparse.Namespace, what: str) -> None:
    """Refuse options that only the equation families read, for another family (`what`)."""
    given = {
        "--kinds": getattr(args, "kinds", None) is not None,
        "--distractions": getattr(args, "distractions", EQUATION.distractions)
        != EQUATION.distractions,
    }
    _refuse([flag for flag, used in given.items() if used], "equations", what)


def _refuse(given: list[str], owner: str, what: str) -> None:
    """The one error for options of another family: `--x applies` / `--x, --y apply`."""
    if given:
        verb, them = ("applies", "it") if len(given) == 1 else ("apply", "them")
        raise ConfigError(f"{', '.join(given)} {verb} to {owner}, not to {what}; leave {them} out")


def equation_config(args: argparse.Namespace, rules: RuleSet) -> EquationConfig | None:
    """The equation settings for `--family equation` (the default of a theory with `solve`
    rules), or None."""
    solver = any("solve" in r.tags for r in rules.rules)
    family = args.family or EQUATION.family
    if family not in EQUATION_FAMILIES or (args.family is None and not solver):
        return None
    if not solver:
        raise ConfigError(
            f"--family {family} needs a theory with the solver's rules (tagged `solve`), but "
            f"{rules.path} has none; use --theory equation"
        )
    # --proofs is "up to K": a system, which has one solution, keeps its one
    _refuse_walk_options(args, "equations (their proof is the solution)", proofs=True)
    if args.operators or args.numerals:
        raise ConfigError("--operators and --numerals do not apply to equations; use --kinds")
    return EquationConfig(
        kinds=split(args.kinds) if args.kinds else EQUATION.kinds,
        min_ops=_or(args.min_ops, EQUATION.min_ops),
        max_ops=_or(args.max_ops, EQUATION.max_ops),
        distractions=args.distractions,
        max_size=_or(args.max_size, EQUATION.max_size),
        proofs=args.proofs,
        family=family,
    )


def calculus_config(args: argparse.Namespace, rules: RuleSet) -> CalculusConfig | None:
    """The integration-problem settings, or None for rewrite walks (a theory without
    derivative rules and no --family)."""
    has_derivatives = any("derivative" in r.tags for r in rules.rules)
    if args.family in EQUATION_FAMILIES or (args.family is None and not has_derivatives):
        return None
    if not has_derivatives:
        raise ConfigError(
            f"--family {args.family} needs a calculus theory (rules tagged `derivative`), "
            f"but {rules.path} has none; use --theory calculus"
        )
    _refuse_walk_options(args, "calculus problems (their proof is the differentiation)")
    refuse_equation_options(args, "calculus problems")
    sig = rules.theory.signature
    names = _operators(args, rules)
    return CalculusConfig(
        family=args.family or CALCULUS.family,
        unary=CALCULUS.unary
        if names is None
        else tuple(n for n in names if sig.by_name(n).arity == 1),
        binary=CALCULUS.binary
        if names is None
        else tuple(n for n in names if sig.by_name(n).arity == 2),
        numerals=_numerals(args.numerals, CALCULUS.numerals),
        min_ops=_or(args.min_ops, CALCULUS.min_ops),
        max_ops=_or(args.max_ops, CALCULUS.max_ops),
        max_size=_or(args.max_size, CALCULUS.max_size),
    )


def _difficulty(text: str | None) -> tuple[int, int] | None:
    """--difficulty LO-HI (or K) as a range; None for a histogram or when left out."""
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
    """--difficulty K:W,... as (bound, weight) pairs; None for a range or when left out."""
    if text is None or ":" not in text:
        return None
    try:
        pairs = [part.split(":") for part in split(text)]
        return tuple((int(k), float(w)) for k, w in pairs)
    except ValueError:
        raise ConfigError(
            f"--difficulty histogram must be K:W pairs (e.g. 2:1,3:2,4:1), got {text!r}"
        ) from None


def select_config(args: argparse.Namespace) -> SelectConfig:
    """How theorems are chosen from the walks (the search budget from the difficulty plan
    when --bound-budget was left at its default)."""
    plan, budget, steps = _plan(args), int(args.bound_budget), _steps(args)
    if plan is not None and isinstance(args.bound_budget, Unset):
        budget = plan.node_budget
    if budget < 1:
        raise ConfigError(f"--bound-budget must be positive, got {budget}")
    difficulty = _difficulty(args.difficulty)
    if difficulty is not None and difficulty[0] > steps:
        raise ConfigError(
            f"--difficulty {args.difficulty} cannot be met with --steps {steps}: a proof is "
            f"never longer than its walk; use --steps {difficulty[0]} or more"
        )
    return SelectConfig(
        proofs=args.proofs,
        difficulty=difficulty,
        histogram=_histogram(args.difficulty),
        explore=args.explore,
        explore_max_size=args.max_size,  # None (no limit) unless --max-size: as before
        bounds=SearchBounds(node_budget=budget),
        compiled=not args.python_search,
        shortcut_free=plan is not None and plan.shortcut_free,
        deceptive=plan is not None and plan.deceptive,
        # numeral-free sides only where the plan also chose the starts' numerals (none)
        numeral_free=plan is not None and plan.deceptive and args.numerals is None,
        room=plan.room if plan is not None else 0,
    )
