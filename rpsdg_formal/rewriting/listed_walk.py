"""The default walk (`WalkConfig()`, not `away`) in the C extension: the same walk as the
Python `walk.random_walk` draws with the same generator, step for step.

Why: the Python walk spends nearly all its time listing every match of every node (about a
thousand per step on default trees, most of them for the few rules whose side is a bare
variable), only to pick one. Here one C call makes the whole walk: it lists the matches grouped
by rule and direction, makes every draw as `walk._random_step` makes it (a group, then a match,
then the fresh values: `randrange` and `choice` are `random.Random`'s `getrandbits` calls,
made on the walk's own generator), applies the drawn match to integer trees, checks the size
cap and the visited set, and builds `Expr`s only for the results `keep` looks at and the steps
taken (as `Expr.__new__` builds them: the pool's node where it lives, else a new one entered
in the pool). Each rule index keeps one C `Walker` (plans parsed once, node table emptied after each
walk), so nothing is shared between indexes, and a forked worker has its own copy. Where the
extension cannot run, `listed_walk` returns None (nothing drawn) and the caller walks in Python.
"""

from __future__ import annotations

import itertools
import random
from typing import Any

from rpsdg_formal.rewriting import fastsearch
from rpsdg_formal.rewriting.steps import Keep, RuleIndex, Step
from rpsdg_formal.terms import expr as _expr
from rpsdg_formal.terms.expr import Expr, Kind

_POOL = (_expr._POOL, _expr._PoolRef, _expr._forget)
"""Expr's interning pool, its weak reference type and that type's callback: the C walk builds
a node Python has not seen as `Expr.__new__` builds it (the same fields, hash and pool entry),
without running it (`tests/rewriting/test_listed_walk.py` checks every node it makes)."""


class _Compiled:
    """One rule index's C walker, with the list of symbol keys (kind, head, value) it builds
    `Expr`s from, kept in step with the index's encoding (whose symbol table only grows)."""

    def __init__(self, encoding: fastsearch._Encoding, native: Any) -> None:
        self.encoding = encoding
        self.symbols: list[tuple[Kind, str, int]] = []
        info = tuple((p.rule, p.reverse, p.rule.variables) for p in encoding.plans)
        self.walker = native.Walker(
            encoding.code, encoding.group_of, self.symbols, Expr, info, Step, Kind.VAR, _POOL
        )

    def sync(self) -> None:
        """Add the symbols the encoding has made since the last walk."""
        known, table = len(self.symbols), self.encoding.symbols
        if known < len(table):
            self.symbols.extend(itertools.islice(table, known, None))


_COMPILED: dict[int, _Compiled] = {}


def _compiled(index: RuleIndex) -> _Compiled | None:
    """The C walker of `index` (made once), or None where the extension cannot walk it."""
    native = fastsearch._native
    if native is None:
        return None
    encoding = fastsearch._encoding(index)
    if not encoding.narrow:
        return None
    found = _COMPILED.get(id(index))
    if found is None or found.encoding is not encoding:
        found = _COMPILED[id(index)] = _Compiled(encoding, native)
    return found


def listed_walk(
    start: Expr,
    index: RuleIndex,
    steps: int,
    max_size: int,
    rng: random.Random,
    keep: Keep | None = None,
) -> tuple[Step, ...] | None:
    """Up to `steps` steps from `start` that never revisit an expression (and only to ones
    `keep` accepts), its variables the values for a rule's extra variables, as
    `walk.random_walk` walks; or None when the C walk cannot run (nothing is drawn then): no
    extension, a generator other than `random.Random` itself, a tree or cap beyond the C limits
    (more than 16 variables among them)."""
    if (
        type(rng) is not random.Random
        or start.size > fastsearch.MAX_DEPTH
        or max_size > fastsearch.MAX_DEPTH
    ):
        return None
    compiled = _compiled(index)
    if compiled is None:
        return None
    encoding = compiled.encoding
    code = encoding.codes((start,))
    compiled.sync()
    found = compiled.walker.walk(
        code, start, encoding.symplans, encoding.planlist, steps, max_size, rng, keep
    )
    return None if found is None else tuple(found)
