"""Numeral certificates as kernel terms: the proofs `theory.numerals` writes as Lean text.

Each function mirrors its text twin (same lemmas, same recursion on the binary digits) and
proves a statement its caller knows, so the implicit arguments of `Eq.trans` and `congrArg`
are read off the statements. Intermediate statements are small trees (`Num`): an int is a
numeral, a tuple is a constant (by full name) applied to its arguments, `HOLE` marks the hole
of a congruence context. A slip here makes a theorem fail, never a false one pass.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, TypeAlias

from rpsdg_formal.errors import RewriteError
from rpsdg_formal.kernel.lean_abi import Obj
from rpsdg_formal.terms.expr import Expr, Kind, num
from rpsdg_formal.theory import numerals
from rpsdg_formal.theory.rules import Rule

if TYPE_CHECKING:
    from rpsdg_formal.kernel.kterms import Scope, TermBuilder

Num: TypeAlias = "int | str | tuple[Num, ...]"
"""A statement term: numeral value, the hole (`HOLE`), or (constant, *arguments)."""

HOLE = "·"


class NumeralProofs:
    """Numerals and numeral certificates for one theory."""

    def __init__(self, builder: TermBuilder) -> None:
        self.b = builder
        full = builder.consts.full
        nums = builder.sig.numerals
        self.zero, self.one = full(nums.zero), full(nums.one)
        self.bit0, self.bit1 = full(nums.bit0), full(nums.bit1)
        self.nonzero = {role: full(name) for role, name in builder.theory.nonzero}
        times = builder.sig.infix("*")
        self.mul = full(times.lean) if times is not None else ""

    def numeral(self, s: Scope, value: int) -> Obj:
        """A fresh term for the numeral `value` (`bit0 (bit1 one)` for 6)."""
        if value == 0:
            return s.const(self.zero)
        if value == 1:
            return s.const(self.one)
        digit = self.bit1 if value % 2 else self.bit0
        return s.app(s.const(digit), s.x(num(value // 2)))

    def term(self, s: Scope, t: Num) -> Obj:
        """A fresh term for the statement tree `t` (closed but for the hole, which is bound
        directly outside it)."""
        if isinstance(t, int):
            return s.x(num(t))  # closed: the same term at every depth
        if isinstance(t, str):
            return int(s.rt.mk_bvar(1))  # bvar 0 (1 is box(0))
        head, *args = t
        return s.app(s.const(str(head)), *(self.term(s, a) for a in args))

    # --- combinators over (proof, lhs, rhs) ------------------------------------------------
    def trans(self, s: Scope, a: Num, p: Obj, b: Num, c: Num, q: Obj) -> Obj:
        return self.b.trans(s, self.term(s, a), self.term(s, b), self.term(s, c), p, q)

    def under(self, s: Scope, context: Num, a: Num, b: Num, p: Obj) -> Obj:
        """From `p : a = b`, `context[a] = context[b]`."""
        fn = self.b.lam(self.b.hole_name, self.term(s, context))
        return self.b.congr(s, self.term(s, a), self.term(s, b), fn, p)

    def use(self, s: Scope, lemma: str, *values: int) -> Obj:
        return s.app(s.const(lemma), *(s.x(num(v)) for v in values))

    # --- the certificates ----------------------------------------------------------------
    def add(self, s: Scope, ev: numerals.Evaluation, m: int, n: int) -> Obj:
        """`add m n = m + n` for numerals m, n ≥ 1."""
        full = self.b.consts.full
        add = full(ev.lemma("add"))

        def lemma(role: str) -> str:
            return full(ev.lemma(role))

        if m == 1 and n == 1:
            return self.use(s, lemma("one_add_one"))
        if n == 1 or m == 1:
            k = m if n == 1 else n
            role = ("bit{}_add_one" if n == 1 else "one_add_bit{}").format(k % 2)
            first = self.use(s, lemma(role), k // 2)
            if k % 2 == 0:
                return first
            inner = self.add(s, ev, k // 2, 1)
            step = self.under(s, (self.bit0, HOLE), (add, k // 2, 1), k // 2 + 1, inner)
            return self.trans(s, (add, m, n), first, (self.bit0, (add, k // 2, 1)), m + n, step)
        a, b = m // 2, n // 2
        first = self.use(s, lemma(f"bit{m % 2}_add_bit{n % 2}"), a, b)
        if m % 2 == 1 and n % 2 == 1:
            left = self.under(s, (add, HOLE, 1), (add, a, b), a + b, self.add(s, ev, a, b))
            inner = self.trans(
                s,
                (add, (add, a, b), 1),
                left,
                (add, a + b, 1),
                a + b + 1,
                self.add(s, ev, a + b, 1),
            )
            middle: Num = (self.bit0, (add, (add, a, b), 1))
            step = self.under(s, (self.bit0, HOLE), (add, (add, a, b), 1), a + b + 1, inner)
            return self.trans(s, (add, m, n), first, middle, m + n, step)
        outer = self.bit1 if (m + n) % 2 else self.bit0
        step = self.under(s, (outer, HOLE), (add, a, b), a + b, self.add(s, ev, a, b))
        return self.trans(s, (add, m, n), first, (outer, (add, a, b)), m + n, step)

    def times(self, s: Scope, ev: numerals.Evaluation, m: int, n: int) -> Obj:
        """`mul m n = m * n` for numerals m, n ≥ 1, by recursion on the bits of m."""
        full = self.b.consts.full
        mul, add = self.mul, full(ev.lemma("add"))
        if m == 1:
            return self.use(s, full(ev.lemma("one_mul")), n)
        a = m // 2
        inner = self.times(s, ev, a, n)
        if m % 2 == 0:
            first = self.use(s, full(ev.lemma("bit0_mul")), a, n)
            step = self.under(s, (self.bit0, HOLE), (mul, a, n), a * n, inner)
            return self.trans(s, (mul, m, n), first, (self.bit0, (mul, a, n)), m * n, step)
        first = self.use(s, full(ev.lemma("bit1_mul")), a, n)
        shifted = self.under(s, (add, (self.bit0, HOLE), n), (mul, a, n), a * n, inner)
        start: Num = (add, (self.bit0, (mul, a, n)), n)
        rest = self.trans(
            s, start, shifted, (add, 2 * a * n, n), m * n, self.add(s, ev, 2 * a * n, n)
        )
        return self.trans(s, (mul, m, n), first, start, m * n, rest)

    def derivative(self, s: Scope, ev: numerals.Evaluation, n: int) -> Obj:
        """`D n = 0` for a numeral n."""
        full = self.b.consts.full
        if n < 2:
            return s.const(full(ev.lemma("zero" if n == 0 else "one")))
        lemma = s.const(full(ev.lemma(f"bit{n % 2}")))
        return s.app(lemma, s.x(num(n // 2)), self.derivative(s, ev, n // 2))

    def evaluation(self, s: Scope, rule: Rule, binding: Mapping[str, Expr]) -> Obj:
        """The certificate of one instance of a numeral-only rule (`numerals.proof`)."""
        ev = rule.evaluate
        if ev is None:
            raise ValueError(f"rule {rule.name!r} is not a numeral-only rule")
        full = self.b.consts.full
        values = [binding[a.head].value for a in rule.lhs.args]
        if ev.kind == numerals.DERIVATIVE:
            return self.derivative(s, ev, values[0])
        m, n = values
        if ev.kind == numerals.PRODUCT:
            return self.times(s, ev, m, n)
        if ev.kind == numerals.SUM:
            return self.add(s, ev, m, n)
        if ev.kind == numerals.DIFFERENCE:
            use = self.use(s, full(ev.lemma("sub_eq_of_add_eq")), m, n, m - n)
            return s.app(use, self.add(s, ev, m - n, n))
        divisor = self.nonzero_proof(s, num(n))
        if divisor is None:
            raise RewriteError(f"cannot show {n} != 0: the theory has no `nonzero:` lemmas")
        use = self.use(s, full(ev.lemma("div_eq_of_mul_eq")), m, n, m // n)
        product = (
            self.times(s, ev, n, m // n) if n > 1 else self.use(s, full(ev.lemma("one_mul")), m)
        )
        return s.app(use, divisor, product)

    # --- side conditions -------------------------------------------------------------------
    def nonzero_of(self, s: Scope, hypothesis: tuple[Expr, Expr]) -> Obj | None:
        """A proof of `Ne a zero` for a non-zero numeral a (or its negation), else None."""
        lhs, rhs = hypothesis
        if rhs.kind is not Kind.NUM or rhs.value != 0:
            return None
        return self.nonzero_proof(s, lhs)

    def nonzero_proof(self, s: Scope, value: Expr) -> Obj | None:
        lemmas = self.nonzero
        if not lemmas:
            return None
        if value.kind is Kind.APP and len(value.args) == 1 and value.head == "neg":
            inner = self.nonzero_proof(s, value.args[0])
            if inner is None:
                return None
            return s.app(s.const(lemmas["neg"]), s.x(value.args[0]), inner)
        if value.kind is not Kind.NUM or value.value < 1:
            return None
        positive = self.positive(s, value.value)
        return s.app(s.const(lemmas["ne_zero"]), s.x(value), positive)

    def positive(self, s: Scope, n: int) -> Obj:
        if n == 1:
            return s.const(self.nonzero["one"])
        role = "bit0" if n % 2 == 0 else "bit1"
        return s.app(s.const(self.nonzero[role]), s.x(num(n // 2)), self.positive(s, n // 2))
