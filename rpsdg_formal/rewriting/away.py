"""The walk that moves away (`WalkConfig.away`) over the compiled successor listing: the same
walk as `walk.random_walk(away=True)` draws with the same generator, step for step.

Each node's successors come from the C extension as (rule direction, position, choice, key of
the result) without building them; only the step taken is built in Python. Where the
extension cannot run, `away_walk` returns None and the caller walks in Python.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable
from typing import TypeVar

from rpsdg_formal.rewriting import fastsearch
from rpsdg_formal.rewriting.steps import RuleIndex, Step
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
    around: list[fastsearch.Neighbour], visited: set[bytes], rng: random.Random
) -> fastsearch.Neighbour | None:
    """As `walk._away_step`, among the neighbours not visited."""
    fresh = (item for item in around if item[3] not in visited)
    return choose_by_rule(fresh, lambda item: (item[0].rule.name, item[0].reverse), rng)


def away_walk(
    start: Expr,
    index: RuleIndex,
    fresh: tuple[Expr, ...],
    steps: int,
    max_size: int,
    rng: random.Random,
) -> tuple[Step, ...] | None:
    """Up to `steps` steps from `start` that never land next to an earlier node, or None when
    the compiled listing is not available (nothing is drawn from `rng` then)."""
    if not fastsearch.available() or not fastsearch.fits(start, index, max_size):
        return None
    visited = {fastsearch.key(start, index)}
    current = start
    taken: list[Step] = []
    for _ in range(steps):
        around = fastsearch.neighbours(current, index, fresh, max_size)
        if around is None:  # out of memory: `fits` rules out everything else
            raise MemoryError("the compiled successor listing could not allocate")
        chosen = _choose(around, visited, rng)
        visited.update(item[3] for item in around)
        if chosen is None:
            break
        step = fastsearch.build_step(current, chosen, fresh)
        taken.append(step)
        visited.add(chosen[3])
        current = step.after
    return tuple(taken)
