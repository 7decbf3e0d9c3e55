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

`listed_draw` makes one try of `walk.draw_walk` in the same C call: the start drawn as
`sample.random_expr` draws it (the same `randint`, `randrange`, `choice` and `random` calls, in
the same order, on the same generator: `_fastsearch_start.c`), interned as the walk's root and
built as an `Expr` once, then the walk from it. In Python the start cost about 23 µs a walk
(`random_expr`, a tree of small calls) and 5 µs more to encode it for the C walker; drawn here,
about 12 µs, most of it building its new `Expr` nodes.
"""

from __future__ import annotations

import dataclasses
import itertools
import random
from array import array
from typing import Any

from rpsdg_formal.rewriting import fastsearch
from rpsdg_formal.rewriting.steps import Keep, RuleIndex, Step
from rpsdg_formal.terms import expr as _expr
from rpsdg_formal.terms.expr import Expr, Kind, app, num, var
from rpsdg_formal.terms.extension import stores_only
from rpsdg_formal.terms.sample import ExprShape

_POOL = (_expr._POOL, _expr._PoolRef)
"""Expr's interning pool and its weak reference type: the C walk builds a node Python has not
seen as `Expr.__new__` builds it (the same fields, hash and pool entry), without running it,
its reference's callback the C twin of `expr._forget` (the same entry dropped when the node
dies; `tests/rewriting/test_listed_walk.py` checks every node it makes, and that each dead
node leaves the pool)."""


def _stored_fields() -> tuple[str, ...] | None:
    """Step's six fields where `Step(*values)` only stores them, in order (its `__init__` the
    one `dataclasses` generates for them, `object.__new__`: `extension.stores_only`): the C
    walk then makes each Step as that `__init__` does, without running its Python frame
    (about 1 µs a step); else None, and the C walk calls Step."""
    names = tuple(f.name for f in dataclasses.fields(Step))
    return names if len(names) == 6 and stores_only(Step, names) else None


_STEP_FIELDS = _stored_fields()


class _Compiled:
    """One rule index's C walker, with the list of symbol keys (kind, head, value) it builds
    `Expr`s from, kept in step with the index's encoding (whose symbol table only grows)."""

    def __init__(self, encoding: fastsearch._Encoding, native: Any) -> None:
        self.encoding = encoding
        self.symbols: list[tuple[Kind, str, int]] = []
        self.shapes: dict[int, tuple[ExprShape, array[int]]] = {}  # by id: no dataclass hash
        info = tuple((p.rule, p.reverse, p.rule.variables) for p in encoding.plans)
        self.walker = native.Walker(
            encoding.code, encoding.group_of, self.symbols, Expr, info, Step, Kind.VAR, _POOL,
            _STEP_FIELDS,
        )  # fmt: skip

    def sync(self) -> None:
        """Add the symbols the encoding has made since the last walk."""
        known, table = len(self.symbols), self.encoding.symbols
        if known < len(table):
            self.symbols.extend(itertools.islice(table, known, None))

    def shape(self, shape: ExprShape) -> array[int]:
        """`shape` as the C draw reads it (`_fastsearch_start.c` `parse_shape`), made once:
        min and max operators, how many labels of each kind, then their symbol ids."""
        known = self.shapes.get(id(shape))
        if known is not None and known[0] is shape:
            return known[1]
        symbol = self.encoding.symbol  # only a node's kind, head and value make its symbol
        labels = (
            [symbol(app(op)) for op in shape.unary],
            [symbol(app(op)) for op in shape.binary],
            [symbol(var(name)) for name in shape.variables],
            [symbol(num(value)) for value in shape.numerals],
        )
        found = array("q", [shape.min_ops, shape.max_ops, *map(len, labels)])
        for kind in labels:
            found.extend(kind)
        if len(self.shapes) >= 64:  # a bounded memo: a run draws from one or two shapes
            self.shapes.clear()
        self.shapes[id(shape)] = (shape, found)
        return found


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


def listed_draw(
    shape: ExprShape,
    index: RuleIndex,
    steps: int,
    max_size: int,
    rng: random.Random,
    keep: Keep | None = None,
) -> tuple[Expr, tuple[Step, ...]] | None:
    """One try of `walk.draw_walk`: a start drawn as `sample.random_expr(shape, rng)` draws
    it, and (where `keep` keeps the start) the walk `listed_walk` walks from it, no steps
    where `keep` refuses it; or None when the C draw cannot run (nothing is drawn then): as for
    `listed_walk`, or a shape beyond the C limits (a negative numeral, which `num` refuses;
    more than 16 variables; more than 127 operators; more than 2**125 trees of an operator
    count; no operator for trees that need one)."""
    if type(rng) is not random.Random or min(shape.numerals, default=0) < 0:
        return None
    compiled = _compiled(index)
    if compiled is None:
        return None
    encoding = compiled.encoding
    code = compiled.shape(shape)
    compiled.sync()
    found = compiled.walker.draw(
        code, shape.numeral_probability, encoding.symplans, encoding.planlist, steps, max_size,
        rng, keep,
    )  # fmt: skip
    return None if found is None else (found[0], tuple(found[1]))


def replay(
    index: RuleIndex,
    root: Expr,
    code: bytes,
    triples: list[tuple[int, int, int]],
    fresh: tuple[Expr, ...],
    fresh_code: bytes,
    backwards: bool,
) -> tuple[Step, ...] | None:
    """The steps the compiled search reports as `triples` from `root` (its prefix code `code`;
    a missing variable's values drawn from `fresh`, their symbols `fresh_code`), built by the
    index's C walker as it builds the steps it takes: in order, or (`backwards`) each read
    backwards and last first. None where it cannot (no extension, or one built before it
    could, a triple that does not apply): `fastsearch._chain` replays them then."""
    compiled = _compiled(index)
    native = None if compiled is None else getattr(compiled.walker, "replay", None)
    if compiled is None or native is None:
        return None
    compiled.sync()  # (the search may have met new symbols)
    found: tuple[Step, ...] | None = native(code, root, fresh_code, fresh, triples, backwards)
    return found
