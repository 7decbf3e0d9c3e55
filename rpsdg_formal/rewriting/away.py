"""The walk that moves away (`WalkConfig.away`) over the compiled successor listing: the same
walk as `walk.random_walk(away=True)` draws with the same generator, step for step.

Each node's successors come from the C extension as (rule direction, position, choice, key of
the result) without building them; only the step taken is built in Python (with a `keep`
filter, as for natural walks, every unvisited candidate is built so that the filter can see
it). Where the extension cannot run, `away_walk` returns None and the caller walks in Python.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable
from typing import TypeVar

from rpsdg_formal.rewriting import fastsearch
from rpsdg_formal.rewriting.steps import Keep, RuleIndex, Step
from rpsdg_formal.terms.expr import Expr

T = TypeVar("T")


def choose_by_rule(
    items: Iterable[T], key: Callable[[T], tuple[str, bool]], rng: random.Random
) -> T | None:
    """A rule and direction first (`key`), then one of its applications, at random: the choice
    both walks that move away make, so they draw the same walk from the same generator."""
    groups: dict[tuple[str, bool], list[T]] = {}
    for item in items:
        groups.setdefault(key(item), []).append(item)
    if not groups:
        return None
    chosen = groups[rng.choice(list(groups))]
    return chosen[rng.randrange(len(chosen))]


def _choose(
    current: Expr,
    around: list[fastsearch.Neighbour],
    visited: set[bytes],
    fresh: tuple[Expr, ...],
    rng: random.Random,
    keep: Keep | None,
) -> Step | None:
    """As `walk._away_step`, among the neighbours not visited (and, with `keep`, whose result
    it accepts: only then are the candidates built before the draw)."""
    unvisited = [item for item in around if item[3] not in visited]
    if keep is None:
        chosen = choose_by_rule(unvisited, lambda item: (item[0].rule.name, item[0].reverse), rng)
        return None if chosen is None else fastsearch.build_step(current, chosen, fresh)
    built = (fastsearch.build_step(current, item, fresh) for item in unvisited)
    kept = (step for step in built if keep(step.after))
    return choose_by_rule(kept, lambda step: (step.rule.name, step.reverse), rng)


def away_walk(
    start: Expr,
    index: RuleIndex,
    fresh: tuple[Expr, ...],
    steps: int,
    max_size: int,
    rng: random.Random,
    keep: Keep | None = None,
) -> tuple[Step, ...] | None:
    """Up to `steps` steps from `start` that never land next to an earlier node (and only to
    expressions `keep` accepts), or None when the compiled listing is not available (nothing is
    drawn from `rng` then)."""
    if not fastsearch.available() or not fastsearch.fits(start, index, max_size):
        return None
    visited = {fastsearch.key(start, index)}
    current = start
    taken: list[Step] = []
    for _ in range(steps):
        around = fastsearch.neighbours(current, index, fresh, max_size)
        if around is None:  # out of memory: `fits` rules out everything else
            raise MemoryError("the compiled successor listing could not allocate")
        step = _choose(current, around, visited, fresh, rng, keep)
        visited.update(item[3] for item in around)
        if step is None:
            break
        taken.append(step)
        current = step.after
    return tuple(taken)
