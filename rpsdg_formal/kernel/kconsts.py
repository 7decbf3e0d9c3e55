"""The constants kernel terms are made of, resolved once per process against the environment.

Each constant used by a proof is looked up in the imported kernel environment (so an unknown
name fails here, loudly, before any term is built), instantiated at universe 1 for each of its
universe parameters (everything in our theories lives in `Sort 1`: the carrier is a `Type`),
and kept as one persistent Lean object. The axioms each constant depends on are computed once,
by walking its type and value in the environment, as Lean's `#print axioms` does.
"""

from __future__ import annotations

from rpsdg_formal.errors import KernelCrashError
from rpsdg_formal.kernel.lean_abi import LeanRuntime, Obj, box, field, tag
from rpsdg_formal.theory.section import Theory

LOGIC = "RpsdgFormal"

# ConstantInfo constructors (Lean.Declaration): the kinds whose value is read for axioms
_AXIOM, _DEFN, _THM, _OPAQUE, _INDUCT = 0, 1, 2, 3, 5
# Expr constructors
_CONST, _APP, _LAM, _FORALL, _LET, _MDATA, _PROJ = 4, 5, 6, 7, 8, 10, 11


def name_order(name: str) -> tuple[int, tuple[str, ...]]:
    """Sort key of a Lean name as `#print axioms` orders them. `Name.cmp` compares the
    prefixes first, recursively, so a name with fewer components comes first; names of equal
    length compare component by component."""
    parts = tuple(name.split("."))
    return len(parts), parts


class Constants:
    """Constant expressions by full name, and the axioms each depends on (both memoized)."""

    def __init__(self, rt: LeanRuntime, env: Obj, theory: Theory) -> None:
        self.rt, self.env, self.theory = rt, env, theory
        self.level1 = rt.persist(int(rt.level_succ(int(rt.level_zero(box(0))))))
        self._exprs: dict[str, Obj] = {}
        self._short: dict[str, str] = {}
        self._axioms: dict[str, frozenset[str]] = {}
        self._sets: dict[frozenset[str], tuple[str, ...]] = {}  # by the constants used

    def full(self, short: str) -> str:
        """The full name a theory name resolves to (as `open` does in the emitted files)."""
        found = self._short.get(short)
        if found is None:
            found = self.theory.qualified(short)
            if found is None:
                raise KernelCrashError(
                    f"{short!r} is not declared by the {self.theory.name} theory's Lean files"
                )
            self._short[short] = found
        return found

    def expr(self, full: str) -> Obj:
        """`full.{1, …, 1}` as a persistent Expr (no reference counting needed)."""
        got = self._exprs.get(full)
        if got is None:
            rt = self.rt
            info = rt.find(self.env, full)
            if info is None:
                raise KernelCrashError(f"the kernel environment has no constant {full!r}")
            levels = [self.level1] * _length(field(field(field(info, 0), 0), 1))
            got = rt.persist(int(rt.mk_const(rt.name(full), rt.list(levels))))
            self._exprs[full] = got
        return got

    def axioms(self, full: str) -> frozenset[str]:
        """The axioms `full` depends on (itself, if it is one)."""
        got = self._axioms.get(full)
        if got is not None:
            return got
        self._axioms[full] = frozenset()  # an inductive and its constructors refer to each other
        info = self.rt.find(self.env, full)
        if info is None:
            raise KernelCrashError(f"the kernel environment has no constant {full!r}")
        kind, value = tag(info), field(info, 0)
        roots = [field(field(value, 0), 2)]  # the type
        if kind in (_DEFN, _THM, _OPAQUE):
            roots.append(field(value, 1))
        used = _constants(self.rt, roots)
        if kind == _INDUCT:
            used |= set(_names(self.rt, field(value, 4)))  # its constructors
        found = {full} if kind == _AXIOM else set()
        for other in used - {full}:
            found |= self.axioms(other)
        result = frozenset(found)
        self._axioms[full] = result
        return result

    def axioms_of(self, used: set[str]) -> tuple[str, ...]:
        """The axioms a term made of the constants `used` depends on, in `#print axioms`
        order."""
        key = frozenset(used)
        got = self._sets.get(key)
        if got is None:
            found: set[str] = set()
            for name in key:
                found |= self.axioms(name)
            got = self._sets[key] = tuple(sorted(found, key=name_order))
        return got


def _length(items: Obj) -> int:
    count = 0
    while not items & 1:
        count += 1
        items = field(items, 1)
    return count


def _names(rt: LeanRuntime, items: Obj) -> list[str]:
    out = []
    while not items & 1:
        out.append(rt.name_text(field(items, 0)))
        items = field(items, 1)
    return out


def _constants(rt: LeanRuntime, roots: list[Obj]) -> set[str]:
    """The names of the constants occurring in the expressions `roots` (borrowed)."""
    out: set[str] = set()
    seen: set[Obj] = set()
    stack = list(roots)
    while stack:
        e = stack.pop()
        if e & 1 or e in seen:
            continue
        seen.add(e)
        kind = tag(e)
        if kind == _CONST:
            out.add(rt.name_text(field(e, 0)))
        elif kind == _APP:
            stack += (field(e, 0), field(e, 1))
        elif kind in (_LAM, _FORALL):
            stack += (field(e, 1), field(e, 2))
        elif kind == _LET:
            stack += (field(e, 1), field(e, 2), field(e, 3))
        elif kind == _MDATA:
            stack.append(field(e, 1))
        elif kind == _PROJ:
            stack.append(field(e, 2))
    return out
