"""The compiled certifying search: encode rules and trees as int32 codes, run the C search
(`_fastsearch_search.c`), build the paths it reports into `Step`s (in C where the walker can,
`listed_walk.replay`; else replayed here, `_chain`, the reference).

Why C: the search is the largest cost of a default run (it builds hundreds of thousands of
trees per theorem in pure Python). Encoding happens once per rule index (each rule direction's
two sides as prefix codes with variable slots) and once per theorem (its two sides and the walk's
nodes: in C too, `_fastsearch_encode.c`, reading the `Expr` objects; `_Encoding.encode` is the
Python reference, property-tested against it in tests/rewriting/test_encoding.py); the C code
then matches, substitutes and interns trees as integer ids and keeps the two balls in flat
arrays. The pure-Python `certify.certify_python` stays the reference: when the extension is not
built (no compiler at install time) or a tree is out of its limits (an operator of more than 4
arguments, a rule of more than 16 variables), `certify_compiled` returns None and the caller
uses the reference, which gives the same results.
"""

from __future__ import annotations

import itertools
import operator
from array import array
from collections.abc import Sequence
from types import ModuleType
from typing import Any

from rpsdg_formal.rewriting.along import Along, Triple, plan_numbers
from rpsdg_formal.rewriting.certify import Certified
from rpsdg_formal.rewriting.graph import LowerBound, SearchBounds
from rpsdg_formal.rewriting.steps import RuleIndex, Step, _Plan, reverse_step
from rpsdg_formal.terms.expr import Expr, Kind, Path, positions, replace, substitute
from rpsdg_formal.terms.extension import optional_extension

_native: ModuleType | None = optional_extension("rewriting._fastsearch")
"""The C extension, or None where it was not built (the pure-Python search is used)."""


def available() -> bool:
    """True when the C extension is built and importable."""
    return _native is not None


class _Encoding:
    """One rule index as int32 codes for the C search, with the symbol table it grows as new
    variables and numerals appear (a per-index interning table: mutable by design)."""

    def __init__(self, index: RuleIndex) -> None:
        self.index = index
        unique: dict[int, _Plan] = {}
        for entries in index.plans.values():
            for plan in entries:
                unique.setdefault(id(plan), plan)
        self.plans = tuple(unique.values())
        self.plan_ids = {id(plan): k for k, plan in enumerate(self.plans)}
        self.symbols: dict[tuple[Kind, str, int], int] = {}
        self.symplans = array("i")
        self.planlist = array("i")
        self.lists: dict[str, tuple[int, int]] = {}
        code = array("i", [len(self.plans)])
        for plan in self.plans:
            code.extend(self._plan_code(plan))
        self.code = code
        # per plan, its group in the default walk's choice: one per (rule name, direction)
        keys: dict[tuple[str, bool], int] = {}
        self.group_of = array(
            "i", [keys.setdefault((p.rule.name, p.reverse), len(keys)) for p in self.plans]
        )
        self.narrow = all(_narrow(p.pattern) for p in self.plans)  # for `fits`, once
        self.numbers = plan_numbers(self.plans)  # (rule name, direction) -> plan number
        # prefix codes of trees met lately: a theorem's walk nodes share most sub-trees
        self.encoded: dict[Expr, tuple[int, ...]] = {}
        self.fresh_codes: dict[tuple[Expr, ...], bytes] = {}  # (theorems share them)
        # the same codes made in C, reading the trees and this symbol table (None: not built,
        # or an extension built before the encoder was added to it)
        encoder = getattr(_native, "Encoder", None)
        self.native: Any = None if encoder is None else encoder(Expr, self.symbols)

    def codes(self, trees: Sequence[Expr]) -> bytes:
        """The prefix codes of `trees`, one after another, as the native int32 bytes the C code
        reads: made in C where the extension is built, else by `python_codes` (the same bytes,
        the same symbols added in the same order)."""
        if self.native is None:
            return self.python_codes(trees)
        code: bytes = self.native.codes(trees, self.symbol)
        return code

    def fresh_code(self, fresh: tuple[Expr, ...]) -> bytes:
        """The symbols of `fresh` (a theorem's variables) as int32 bytes, remembered."""
        found = self.fresh_codes.get(fresh)
        if found is None:
            if len(self.fresh_codes) >= MEMO:
                self.fresh_codes.clear()
            found = array("i", [self.symbol(f) for f in fresh]).tobytes()
            self.fresh_codes[fresh] = found
        return found

    def python_codes(self, trees: Sequence[Expr]) -> bytes:
        """`codes` in Python: each tree's `encode`, one after another."""
        return array("i", itertools.chain.from_iterable(map(self.encode, trees))).tobytes()

    def symbol(self, node: Expr) -> int:
        """The symbol id of a node's (kind, head, value), added with its plan list if new."""
        key = (node.kind, node.head, node.value)
        found = self.symbols.get(key)
        if found is not None:
            return found
        head = f"#{node.value}" if node.kind is Kind.NUM else node.head
        if head not in self.lists:
            plans = self.index.plans
            entries = plans.get(head, plans[""])
            self.lists[head] = (len(self.planlist), len(entries))
            self.planlist.extend(self.plan_ids[id(p)] for p in entries)
        self.symbols[key] = len(self.symbols)
        self.symplans.extend(self.lists[head])
        return self.symbols[key]

    def tree(self, expr: Expr, slots: dict[str, int] | None = None) -> list[int]:
        """The prefix code of `expr`; with `slots`, its variables as slot codes (-1 - slot)."""
        out: list[int] = []
        stack = [expr]
        while stack:
            node = stack.pop()
            if slots is not None and node.kind is Kind.VAR:
                out.append(-1 - slots[node.head])
                continue
            out.extend((self.symbol(node), len(node.args)))
            stack.extend(reversed(node.args))
        return out

    def encode(self, expr: Expr) -> tuple[int, ...]:
        """The prefix code of `expr` (as `tree` gives it, symbols added in the same order),
        each sub-tree encoded once while it stays in the memo (emptied past `MEMO` trees)."""
        found = self.encoded.get(expr)
        if found is not None:
            return found
        if len(self.encoded) >= MEMO:
            self.encoded.clear()
        code: tuple[int, ...] = (self.symbol(expr), len(expr.args))
        for arg in expr.args:
            code += self.encode(arg)
        self.encoded[expr] = code
        return code

    def _plan_code(self, plan: _Plan) -> list[int]:
        slots = {v: k for k, v in enumerate(plan.rule.variables)}
        pattern, produced = self.tree(plan.pattern, slots), self.tree(plan.produced, slots)
        return [
            len(pattern), len(produced), plan.least, len(slots),
            len(plan.missing), *(slots[v] for v in plan.missing),
            len(plan.dropped), *(slots[v] for v in plan.dropped),
            *pattern, *produced,
        ]  # fmt: skip


MEMO = 4096
"""How many encoded trees an encoding remembers (a few hundred theorems' walks)."""

_ENCODINGS: dict[int, _Encoding] = {}


def _encoding(index: RuleIndex) -> _Encoding:
    """The encoding of `index`, made once (kept with the index it belongs to)."""
    found = _ENCODINGS.get(id(index))
    if found is None or found.index is not index:
        found = _ENCODINGS[id(index)] = _Encoding(index)
    return found


def _at(expr: Expr, position: int) -> tuple[Path, Expr]:
    """The path to and the sub-tree at the `position`-th node of `expr` in pre-order (the
    numbering `positions` gives), found by descending on sub-tree sizes."""
    path: list[int] = []
    node = expr
    while position:
        position -= 1
        for child, arg in enumerate(node.args):
            if position < arg.size:
                path.append(child)
                node = arg
                break
            position -= arg.size
        else:
            raise AssertionError("the compiled listing reported a position outside the tree")
    return tuple(path), node


def _build(expr: Expr, plan: _Plan, position: int, values: tuple[Expr, ...]) -> Step:
    """The step `plan` makes on `expr` at the `position`-th node in pre-order, with `values`
    for the plan's missing variables (as `Match.step` builds it)."""
    path, sub = _at(expr, position)
    bindings = plan.matcher(sub)
    if bindings is None:
        raise AssertionError("the compiled search reported a step that does not match")
    full = {**bindings, **dict(zip(plan.missing, values, strict=True))}
    after = replace(expr, path, substitute(plan.produced, full))
    subst = tuple((v, full[v]) for v in plan.rule.variables)
    return Step(plan.rule, plan.reverse, path, subst, expr, after)


def _replay(expr: Expr, plan: _Plan, position: int, choice: int, fresh: tuple[Expr, ...]) -> Step:
    """The step `successors` makes from `expr` with `plan` at the `position`-th node in
    pre-order and the `choice`-th tuple of fresh values (itertools.product order)."""
    values = list(itertools.product(fresh, repeat=len(plan.missing)))[choice]
    return _build(expr, plan, position, values)


def _chain(
    root: Expr, triples: list[tuple[int, int, int]], enc: _Encoding, fresh: tuple[Expr, ...]
) -> list[Step]:
    steps: list[Step] = []
    for plan, position, choice in triples:
        steps.append(_replay(steps[-1].after if steps else root, enc.plans[plan], position,
                             choice, fresh))  # fmt: skip
    return steps


def certify_compiled(
    start: Expr,
    end: Expr,
    index: RuleIndex,
    fresh: tuple[Expr, ...],
    size_cap: int,
    upto: int,
    bounds: SearchBounds,
    via: tuple[Expr, ...] = (),
    along: tuple[Step, ...] = (),
) -> Certified | None:
    """`certify.certify_python`'s result from the C search, or None where it cannot run. With
    `along` (the steps from each `via` node to the next), a link that retraces them is given
    as those steps, without replaying it (`along.Along`)."""
    if _native is None or start is end or any(f.kind is not Kind.VAR for f in fresh):
        return None
    if max(start.depth, end.depth, *[t.depth for t in via]) > MAX_DEPTH:
        return None  # the C search could not list such a tree's successors (nor recurse)
    enc = _encoding(index)
    ends = _Ends(start, end, enc.codes((start,)), enc.codes((end,)), fresh, enc)
    found = _native.search(
        enc.code, enc.symplans, enc.planlist, ends.codes[0], ends.codes[1], ends.fresh_code,
        enc.codes(via), size_cap, upto, bounds.max_depth, bounds.node_budget,
    )  # fmt: skip
    if found is None:
        return None
    value, exact, forward, backward, nodes, ahead, behind, (to, back) = found
    bound = LowerBound(value, bool(exact), forward, backward, size_cap, nodes)
    walk = Along(along, enc.plans, enc.numbers, fresh) if _joins(along, via) else None
    links = (
        *(_ahead(walk, k, t) or ends.replay(0, t) for k, t in to),
        *(_behind(walk, k, t) or ends.replay(1, t) for k, t in back),
    )
    if not exact:
        return Certified(bound, None, links)
    return Certified(bound, (*ends.replay(0, ahead), *ends.replay(1, behind)), links)


class _Ends:
    """A theorem's two sides as the search was given them, to build the steps it reports from
    either side: in C (`listed_walk.replay`) where it can, else by `_chain` (its reference)."""

    def __init__(
        self, start: Expr, end: Expr, start_code: bytes, end_code: bytes,
        fresh: tuple[Expr, ...], enc: _Encoding, native: bool = True,
    ) -> None:  # fmt: skip
        self.roots, self.codes = (start, end), (start_code, end_code)
        self.fresh, self.enc, self.native = fresh, enc, native
        self.fresh_code = enc.fresh_code(fresh)

    def replay(self, side: int, triples: list[Triple]) -> tuple[Step, ...]:
        """The steps `triples` make from side `side`'s root: from the start, in order; from the
        end (side 1), each read backwards and last first (a way to the end)."""
        if self.native:
            from rpsdg_formal.rewriting import listed_walk  # (it imports this module)

            found = listed_walk.replay(
                self.enc.index, self.roots[side], self.codes[side], triples, self.fresh,
                self.fresh_code, side == 1,
            )  # fmt: skip
            if found is not None:
                return found
        steps = _chain(self.roots[side], triples, self.enc, self.fresh)
        return _backwards(steps) if side else tuple(steps)


def _joins(along: tuple[Step, ...], via: tuple[Expr, ...]) -> bool:
    """Whether `along` are steps from each `via` node to the next."""
    return (
        len(along) + 1 == len(via)
        and all(map(operator.is_, [s.before for s in along], via))
        and all(map(operator.is_, [s.after for s in along], via[1:]))
    )


def _ahead(walk: Along | None, k: int, triples: list[Triple]) -> tuple[Step, ...] | None:
    return None if walk is None else walk.prefix(k, triples)


def _behind(walk: Along | None, k: int, triples: list[Triple]) -> tuple[Step, ...] | None:
    return None if walk is None else walk.suffix(k, triples)


def _backwards(steps: list[Step]) -> tuple[Step, ...]:
    """A path from the end, read from its far node to the end."""
    return tuple(reverse_step(s) for s in reversed(steps))


Neighbour = tuple[_Plan, int, int, bytes]
"""A step out of a tree, not yet built: rule direction, position, fresh choice, result's key."""


MAX_ARITY, MAX_DEPTH = 4, 256
"""The C code's limits: operator arguments, and tree depth (a tree of at most 256 nodes)."""


def _narrow(tree: Expr) -> bool:
    """Whether no operator of `tree` has more arguments than the C code takes."""
    return all(len(node.args) <= MAX_ARITY for _, node in positions(tree))


def fits(expr: Expr, index: RuleIndex, max_size: int) -> bool:
    """Whether every tree of a walk from `expr` under `max_size` is within the C limits."""
    enc = _encoding(index)
    return max_size <= MAX_DEPTH and enc.narrow and _narrow(expr)


def key(expr: Expr, index: RuleIndex) -> bytes:
    """An identity of `expr` that `neighbours` results share (its prefix code as bytes)."""
    return _encoding(index).codes((expr,))


def neighbours(
    expr: Expr, index: RuleIndex, fresh: tuple[Expr, ...], max_size: int
) -> list[Neighbour] | None:
    """Every step `steps.successors(symmetric=True)` makes from `expr`, in its order, as
    (plan, position, choice, key of the result); None where the extension cannot run."""
    if _native is None or any(f.kind is not Kind.VAR for f in fresh):
        return None
    enc = _encoding(index)
    code = enc.codes((expr,))
    fresh_code = array("i", [enc.symbol(f) for f in fresh])
    found = _native.neighbours(enc.code, enc.symplans, enc.planlist, code, fresh_code, max_size)
    if found is None:
        return None
    return [(enc.plans[plan], position, choice, after) for plan, position, choice, after in found]


def build_step(expr: Expr, neighbour: Neighbour, fresh: tuple[Expr, ...]) -> Step:
    """The `Step` a neighbour stands for."""
    plan, position, choice, _ = neighbour
    return _replay(expr, plan, position, choice, fresh)
