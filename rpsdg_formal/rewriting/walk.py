"""Random rewrite walks: from a random start, apply random steps that never revisit an expression.

The walk knows nothing about Lean. Each theorem is drawn from its own generator, seeded by
(run seed, theorem index), so theorem i is the same whatever the batch size, shard or resume.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from rpsdg_formal.errors import ConfigError
from rpsdg_formal.rewriting.away import away_walk, choose_by_rule
from rpsdg_formal.rewriting.listed_walk import listed_draw, listed_walk
from rpsdg_formal.rewriting.steps import Keep, Match, RuleIndex, Step, matches, successors
from rpsdg_formal.terms.expr import Expr, var, variables
from rpsdg_formal.terms.sample import ExprShape, random_expr

DEFAULT_SHAPE = ExprShape(unary=("neg",), binary=("add", "sub", "mul"), variables=("x", "y", "z"))


@dataclass(frozen=True)
class WalkConfig:
    """How walks are drawn."""

    steps: int = 8
    max_size: int = 30  # steps that would produce a larger expression (in nodes) are not taken
    shape: ExprShape = field(default_factory=lambda: DEFAULT_SHAPE)
    away: bool = False  # never step next to an earlier expression (walks that move away)
    natural: bool = False  # start and steps free of identity elements, numeral arithmetic, …
    # walk over the C extension's listing where it is built; it draws the Python walk's steps,
    # so it is no part of a run's settings (left out of repr: the run's config hash)
    compiled: bool = field(default=True, repr=False)

    def __post_init__(self) -> None:
        if self.steps < 1:
            raise ConfigError(f"steps must be at least 1, got {self.steps}")
        if self.shape.min_ops < 0 or self.shape.max_ops < self.shape.min_ops:
            raise ConfigError(
                f"need 0 <= min_ops <= max_ops, got {self.shape.min_ops} and {self.shape.max_ops}"
            )
        if not self.shape.variables:
            raise ConfigError("at least one variable is needed")
        if not 0 <= self.shape.numeral_probability < 1:
            raise ConfigError(
                f"numeral_probability must be in [0, 1), got {self.shape.numeral_probability}"
            )


@dataclass(frozen=True)
class Walk:
    """A walk: its start, the steps taken, and where it ended."""

    start: Expr
    steps: tuple[Step, ...]

    @property
    def end(self) -> Expr:
        return self.steps[-1].after if self.steps else self.start


def theorem_rng(seed: int, index: int) -> random.Random:
    """The generator for theorem `index` of a run with `seed` (stable across Python versions)."""
    return random.Random(f"rpsdg:{seed}:{index}")


def _random_step(
    current: Expr,
    index: RuleIndex,
    fresh: tuple[Expr, ...],
    max_size: int,
    visited: set[Expr],
    rng: random.Random,
    keep: Keep | None = None,
) -> Step | None:
    """A random new step from `current`: first a rule and direction, then a position.

    Choosing the rule first keeps rules that match almost everywhere (such as `a = a + 0` read
    right to left) from crowding out the rest.
    """
    groups: dict[tuple[str, bool], list[Match]] = {}
    for m in matches(current, index):
        if m.missing() and not fresh:
            continue
        groups.setdefault((m.rule.name, m.reverse), []).append(m)
    keys = list(groups)
    while keys:
        key = keys.pop(rng.randrange(len(keys)))
        candidates = groups[key]
        while candidates:
            m = candidates.pop(rng.randrange(len(candidates)))
            extra = {v: rng.choice(fresh) for v in m.missing()}
            step = m.step(current, extra)
            if step.after.size > max_size or step.after in visited:
                continue
            if keep is None or keep(step.after):
                return step
    return None


def _away_step(
    around: list[Step], visited: set[Expr], rng: random.Random, keep: Keep | None = None
) -> Step | None:
    """A random step among `around` to an expression not in `visited`: a rule and direction
    first, then one of its applications (as `_random_step` chooses)."""
    fresh = (s for s in around if s.after not in visited and (keep is None or keep(s.after)))
    return choose_by_rule(fresh, lambda step: (step.rule.name, step.reverse), rng)


def random_walk(
    start: Expr,
    index: RuleIndex,
    steps: int,
    max_size: int,
    rng: random.Random,
    away: bool = False,
    keep: Keep | None = None,
    compiled: bool = True,
) -> tuple[Step, ...]:
    """Up to `steps` random steps from `start`, never revisiting an expression, and only to
    expressions `keep` accepts (every one when it is None).

    With `away`, each step also avoids every expression one step from an earlier node of the
    walk (so no single step shortcuts it) and stays in the step set of proofs
    (`steps.in_step_set`); the walk then keeps moving away from where it has been.
    With `compiled` (and the C extension built), the same walk is drawn over the compiled
    listing (`listed_walk`, `away.away_walk`): the same steps from the same draws, faster.
    """
    if compiled and not away:  # the same walk in C, where it is built
        found = listed_walk(start, index, steps, max_size, rng, keep)
        if found is not None:
            return found
    fresh = tuple(var(v) for v in variables(start))
    if compiled and away:  # the same walk over the compiled listing, where it is built
        found = away_walk(start, index, fresh, steps, max_size, rng, keep)
        if found is not None:
            return found
    visited = {start}
    current = start
    taken: list[Step] = []
    for _ in range(steps):
        if away:  # the neighbours of the node being left are off limits from now on
            around = list(successors(current, index, fresh, max_size, symmetric=True))
            step = _away_step(around, visited, rng, keep)
            visited.update(s.after for s in around)
        else:
            step = _random_step(current, index, fresh, max_size, visited, rng, keep)
        if step is None:
            break
        taken.append(step)
        visited.add(step.after)
        current = step.after
    return tuple(taken)


def _try_walk(config: WalkConfig, index: RuleIndex, rng: random.Random, keep: Keep | None) -> Walk:
    """One try of `draw_walk`: a random start and a walk from it, no steps where `keep`
    refuses the start. The default walk draws its start in the same C call as the walk where
    it can (`listed_walk.listed_draw`: the same draws, so the same start and walk)."""
    if config.compiled and not config.away:
        found = listed_draw(config.shape, index, config.steps, config.max_size, rng, keep)
        if found is not None:
            return Walk(*found)
    start = random_expr(config.shape, rng)
    if keep is not None and not keep(start):
        return Walk(start, ())
    steps = random_walk(
        start, index, config.steps, config.max_size, rng, config.away, keep, config.compiled
    )
    return Walk(start, steps)


def draw_walk(
    config: WalkConfig, index: RuleIndex, rng: random.Random, keep: Keep | None = None
) -> Walk:
    """A walk of exactly `config.steps` steps (restarting from a new start if one gets stuck);
    with `keep`, its start and every expression it reaches are ones `keep` accepts."""
    for _ in range(100):
        walk = _try_walk(config, index, rng, keep)
        if len(walk.steps) == config.steps:
            return walk
    raise ConfigError(
        f"could not find a walk of {config.steps} steps in 100 tries; "
        "allow larger expressions (--max-size) or fewer steps"
    )
