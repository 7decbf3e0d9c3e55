"""The default walk (`WalkConfig()`, not `away`) over the compiled match listing: the same
walk as the Python `walk.random_walk` draws with the same generator, step for step.

Why: the Python walk spends nearly all its time listing every match of every node (about a
thousand per step on default trees, most of them for the few rules whose side is a bare
variable), only to pick one. Here the C extension lists them, already grouped by rule and
direction, as integers; Python makes every draw from `rng` exactly as `walk._random_step` does
(a group, then a match, then the fresh values), the C code applies the drawn match to give the
result's size and identity (for the size cap and the visited check), and only the step taken
is built as a Python `Step`. Where the extension cannot run, `listed_walk` returns None and the
caller walks in Python.
"""

from __future__ import annotations

import random
from array import array

from rpsdg_formal.rewriting import fastsearch
from rpsdg_formal.rewriting.steps import Keep, RuleIndex, Step
from rpsdg_formal.terms.expr import Expr


def _listing_fails() -> MemoryError:
    return MemoryError("the compiled match listing could not allocate")


def _step(
    current: Expr,
    code: bytes,
    index: RuleIndex,
    fresh: tuple[Expr, ...],
    max_size: int,
    visited: set[bytes],
    rng: random.Random,
    keep: Keep | None,
) -> tuple[Step, bytes] | None:
    """As `walk._random_step` from `current` (whose key is `code`), with the same draws: the
    step taken and its result's key, or None."""
    groups = fastsearch.groups(code, index, not fresh)
    if groups is None:  # out of memory: `fits` rules out everything else
        raise _listing_fails()
    keys = list(range(len(groups)))  # the groups in order of first appearance
    while keys:
        candidates = array("i", groups[keys.pop(rng.randrange(len(keys)))]).tolist()
        while candidates:
            entry = candidates.pop(rng.randrange(len(candidates)))
            plan = fastsearch.entry_plan(index, entry)
            values = tuple([rng.choice(fresh) for _ in plan.missing])
            applied = fastsearch.apply(code, index, entry, values)
            if applied is None:
                raise _listing_fails()
            size, after = applied
            if size > max_size or after in visited:
                continue
            step = fastsearch.entry_step(current, plan, entry, values)
            if keep is None or keep(step.after):
                return step, after
    return None


def listed_walk(
    start: Expr,
    index: RuleIndex,
    fresh: tuple[Expr, ...],
    steps: int,
    max_size: int,
    rng: random.Random,
    keep: Keep | None = None,
) -> tuple[Step, ...] | None:
    """Up to `steps` steps from `start` that never revisit an expression (and only to ones
    `keep` accepts), or None when the compiled listing cannot run (nothing is drawn then)."""
    if (
        not fastsearch.available()
        or start.size > fastsearch.MAX_DEPTH
        or not fastsearch.fits(start, index, max_size)
    ):
        return None
    code = fastsearch.key(start, index)
    visited = {code}
    current = start
    taken: list[Step] = []
    for _ in range(steps):
        found = _step(current, code, index, fresh, max_size, visited, rng, keep)
        if found is None:
            break
        step, code = found
        taken.append(step)
        visited.add(code)
        current = step.after
    return tuple(taken)
