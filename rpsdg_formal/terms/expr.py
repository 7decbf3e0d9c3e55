"""Immutable, interned expression trees: the one representation walk, graph and emitters share.

There is exactly one `Expr` object per distinct tree (hash-consing through a weak pool), so
equality is identity, hashing is cached, and the same objects serve as dictionary keys, graph
nodes and deduplication keys. A tree is a variable, a natural-number numeral, or an operator
applied to sub-trees; what the operators mean is the business of a `Signature`.
"""

from __future__ import annotations

import hashlib
import weakref
from collections.abc import Callable, Iterator, Mapping
from enum import Enum
from typing import Any, ClassVar

from rpsdg_formal.terms.extension import optional_extension

Path = tuple[int, ...]
"""A position in a tree: the child indices from the root (the root is `()`)."""


class Kind(Enum):
    """The three kinds of node."""

    VAR = "var"
    NUM = "num"
    APP = "app"

    __hash__ = object.__hash__  # members are singletons; Enum's own hash is Python code


class _PoolRef(weakref.ref["Expr"]):
    """A weak reference to a pooled node that knows its pool key (`weakref.KeyedRef` without
    its Python-level constructor, which cost a third of building a node)."""

    __slots__ = ("key",)
    key: tuple[Any, ...]


_NEW, _SET = object.__new__, object.__setattr__


class Expr:
    """An immutable expression node. Build with `var`, `num` and `app`, never directly."""

    __slots__ = ("__weakref__", "_hash", "args", "depth", "head", "kind", "size", "value")
    # key -> weak reference to the one node with that key; a dead node's reference removes its
    # entry (a leaner WeakValueDictionary: building nodes is the search's hot path)
    _pool: ClassVar[dict[tuple[Any, ...], _PoolRef]] = {}

    kind: Kind
    head: str
    value: int
    args: tuple[Expr, ...]
    size: int
    depth: int
    _hash: int

    def __new__(cls, kind: Kind, head: str, value: int = 0, args: tuple[Expr, ...] = ()) -> Expr:
        key = (kind, head, value, args)
        ref = _POOL.get(key)
        if ref is not None:
            found = ref()
            if found is not None:
                return found
        node = _NEW(cls)
        _SET(node, "kind", kind)
        _SET(node, "head", head)
        _SET(node, "value", value)
        _SET(node, "args", args)
        # size, depth and the children's hashes without comprehensions (a function call each
        # before Python 3.12) for the usual arities: building new nodes is the walk's floor
        hashes: tuple[int, ...]
        if not args:
            size, depth, hashes = 1, 1, ()
        elif len(args) == 2:
            left, right = args
            size = 1 + left.size + right.size
            depth = 1 + (left.depth if left.depth > right.depth else right.depth)
            hashes = (left._hash, right._hash)
        elif len(args) == 1:
            (only,) = args
            size, depth, hashes = 1 + only.size, 1 + only.depth, (only._hash,)
        else:
            size = 1 + sum([a.size for a in args])
            depth = 1 + max([a.depth for a in args])
            hashes = tuple([a._hash for a in args])
        _SET(node, "size", size)
        _SET(node, "depth", depth)
        _SET(node, "_hash", hash((kind._value_, head, value, hashes)))
        ref = _PoolRef(node, _forget)
        ref.key = key
        _POOL[key] = ref
        return node

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("Expr is immutable")

    def __delattr__(self, name: str) -> None:
        raise AttributeError("Expr is immutable")

    def __hash__(self) -> int:
        return self._hash

    def __eq__(self, other: object) -> bool:
        return self is other

    def __reduce__(self) -> tuple[Any, ...]:
        return (Expr, (self.kind, self.head, self.value, self.args))

    def __repr__(self) -> str:
        if self.kind is Kind.VAR:
            return f"var({self.head!r})"
        if self.kind is Kind.NUM:
            return f"num({self.value})"
        return f"app({self.head!r}, {', '.join(map(repr, self.args))})"

    @property
    def is_var(self) -> bool:
        return self.kind is Kind.VAR

    @property
    def is_num(self) -> bool:
        return self.kind is Kind.NUM


_POOL = Expr._pool

_HASHING = optional_extension("terms._exprhash")
if _HASHING is not None:  # the hash slot in C; without it, `__hash__` above (its reference)
    _HASHING.install(Expr, "_hash")


def _forget(ref: _PoolRef) -> None:
    if _POOL.get(ref.key) is ref:
        del _POOL[ref.key]


def var(name: str) -> Expr:
    """The variable called `name`."""
    return Expr(Kind.VAR, name)


def num(value: int) -> Expr:
    """The numeral for the natural number `value` (negative numbers are `neg` of a numeral)."""
    if value < 0:
        raise ValueError(f"numerals are natural numbers, got {value}; write -n as neg(n)")
    return Expr(Kind.NUM, str(value), value)


def app(op: str, *args: Expr) -> Expr:
    """The operator `op` applied to `args`."""
    return Expr(Kind.APP, op, 0, tuple(args))


def subterm(expr: Expr, path: Path) -> Expr:
    """The sub-tree of `expr` at `path`."""
    for index in path:
        expr = expr.args[index]
    return expr


def replace(expr: Expr, path: Path, new: Expr) -> Expr:
    """`expr` with the sub-tree at `path` replaced by `new`."""
    if not path:
        return new
    first, rest = path[0], path[1:]
    args = list(expr.args)
    args[first] = replace(args[first], rest, new)
    return Expr(expr.kind, expr.head, expr.value, tuple(args))


def positions(expr: Expr, prefix: Path = ()) -> Iterator[tuple[Path, Expr]]:
    """Every (path, sub-tree) of `expr`, in pre-order."""
    found: list[tuple[Path, Expr]] = []
    stack = [(prefix, expr)]
    while stack:
        path, node = stack.pop()
        found.append((path, node))
        args = node.args
        for index in range(len(args) - 1, -1, -1):  # so that the first child comes out next
            stack.append(((*path, index), args[index]))
    return iter(found)


def variables(expr: Expr) -> tuple[str, ...]:
    """The variable names of `expr` in order of first occurrence (left to right)."""
    seen: dict[str, None] = {}
    _collect_variables(expr, seen)
    return tuple(seen)


def _collect_variables(expr: Expr, seen: dict[str, None]) -> None:
    """Add the variable names of `expr` to `seen` in pre-order (a name already there keeps its
    place): a recursion, cheaper than an explicit stack for trees of this size."""
    if expr.kind is Kind.VAR:
        seen[expr.head] = None
    else:
        for arg in expr.args:
            _collect_variables(arg, seen)


def substitute(expr: Expr, mapping: Mapping[str, Expr]) -> Expr:
    """Replace each variable named in `mapping` by its image (simultaneously)."""
    if expr.kind is Kind.VAR:
        return mapping.get(expr.head, expr)
    if not expr.args:
        return expr
    args = tuple([substitute(a, mapping) for a in expr.args])
    return Expr(expr.kind, expr.head, expr.value, args)


def instantiates_python(pattern: Expr, mapping: Mapping[str, Expr], expr: Expr) -> bool:
    """True if `substitute(pattern, mapping) is expr`, decided by walking both trees instead
    of building the substituted one (interned trees are equal when they are one object).
    `instantiates` is this function, or where it is built its compiled twin
    (`terms/_exprmatch.c`), which hands what it does not read back to this one."""
    if pattern.kind is Kind.VAR:
        return mapping.get(pattern.head, pattern) is expr
    args = pattern.args
    if not args:
        return pattern is expr
    if expr.head != pattern.head or expr.kind is not pattern.kind:
        return False
    found = expr.args
    if len(found) != len(args):
        return False
    for pat, sub in zip(args, found, strict=True):
        if not instantiates_python(pat, mapping, sub):
            return False
    return True


instantiates: Callable[[Expr, Mapping[str, Expr], Expr], bool] = instantiates_python
_MATCHING = optional_extension("terms._exprmatch")
if _MATCHING is not None:  # the compiled `instantiates`; without it the Python function
    _MATCHING.install(Expr, Kind.VAR, instantiates_python)
    instantiates = _MATCHING.instantiates


def _renamed_forms(lhs: Expr, rhs: Expr) -> list[tuple[Expr, Expr]]:
    """Both orientations of `lhs = rhs`, variables renamed by first occurrence."""
    forms = []
    for left, right in ((lhs, rhs), (rhs, lhs)):
        order = tuple(dict.fromkeys(variables(left) + variables(right)))
        renaming = {v: var(f"v{i}") for i, v in enumerate(order)}
        forms.append((substitute(left, renaming), substitute(right, renaming)))
    return forms


def canonical_pair(lhs: Expr, rhs: Expr) -> tuple[Expr, Expr]:
    """`lhs = rhs` with variables renamed by first occurrence, in the orientation that sorts
    first: equal for two equations that differ only by renaming or by swapping sides."""
    return min(_renamed_forms(lhs, rhs), key=lambda pair: (repr(pair[0]), repr(pair[1])))


def statement_key(lhs: Expr, rhs: Expr) -> bytes:
    """A 16-byte digest of `canonical_pair(lhs, rhs)`: a deduplication key that does not keep
    the trees alive (so a run's memory does not hold every statement it has made).

    The digest is of `repr` of the pair that sorts first, printed straight from the trees with
    the renaming applied as each variable is met (pre-order is first-occurrence order), so no
    renamed tree is built; the second side of a form is printed only when its first side
    decides (or ties) the comparison. The printing is `_exprkey.c`'s where it is built (the
    same strings), else `_renamed_repr`."""
    render = _RENDER
    left_first: dict[str, str] = {}
    right_first: dict[str, str] = {}
    lhs_first, rhs_first = render(lhs, left_first), render(rhs, right_first)
    if lhs_first < rhs_first:
        pair = (lhs_first, render(rhs, left_first))
    elif rhs_first < lhs_first:
        pair = (rhs_first, render(lhs, right_first))
    else:
        pair = min(
            (lhs_first, render(rhs, left_first)),
            (rhs_first, render(lhs, right_first)),
        )
    return hashlib.blake2b(f"{pair[0]}={pair[1]}".encode(), digest_size=16).digest()


def _renamed_repr(expr: Expr, names: dict[str, str]) -> str:
    """`repr(expr)` with each variable renamed `v0`, `v1`, … by first occurrence, continuing
    the numbering (and the printed names) already in `names`."""
    kind = expr.kind
    if kind is Kind.VAR:
        text = names.get(expr.head)
        if text is None:
            text = names[expr.head] = f"var('v{len(names)}')"
        return text
    if kind is Kind.NUM:
        return f"num({expr.value})"
    return f"app({expr.head!r}, {', '.join([_renamed_repr(a, names) for a in expr.args])})"


def _compiled_render() -> Callable[[Expr, dict[str, str]], str]:
    """`_renamed_repr` in C (`_exprkey.c`, optional), or the Python function where not built."""
    module = optional_extension("terms._exprkey")
    if module is None:
        return _renamed_repr
    module.install(Expr, Kind.VAR, Kind.NUM)
    render: Callable[[Expr, dict[str, str]], str] = module.renamed_repr
    return render


_RENDER = _compiled_render()
"""How `statement_key` prints a side: the compiled `_renamed_repr` where it is built."""


def match(
    pattern: Expr, expr: Expr, bindings: dict[str, Expr] | None = None
) -> dict[str, Expr] | None:
    """Bindings that make `pattern` equal to `expr` (first-order, non-linear), or None."""
    bindings = {} if bindings is None else bindings
    stack = [(pattern, expr)]
    while stack:
        pat, sub = stack.pop()
        if pat.kind is Kind.VAR:
            bound = bindings.get(pat.head)
            if bound is None:
                bindings[pat.head] = sub
            elif bound is not sub:
                return None
        elif pat is not sub or pat.kind is Kind.APP:  # identical trees still bind variables
            if pat.kind is not Kind.APP or sub.kind is not Kind.APP or pat.head != sub.head:
                return None
            if len(pat.args) != len(sub.args):
                return None
            stack.extend(zip(pat.args, sub.args, strict=True))
    return bindings
