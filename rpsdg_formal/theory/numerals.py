"""Numeral certificates: Lean proof terms for instances such as `2 * 3 = 6` and `D(5) = 0`.

Some rules hold only for numerals. Lean cannot state them as one theorem over the carrier, so
each instance is proven by a term built here from binary-numeral lemmas that the rule file names
(`evaluate:`). The terms are built from integers and validated Lean names only, and the kernel
checks every instance: a mistake here can make a theorem fail, never make a false one pass.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from rpsdg_formal.errors import RewriteError
from rpsdg_formal.terms.expr import Expr, Kind, num
from rpsdg_formal.terms.printers import numeral_to_kernel
from rpsdg_formal.terms.signature import Numerals

PRODUCT = "numeral_product"
SUM = "numeral_sum"
DIFFERENCE = "numeral_difference"
QUOTIENT = "numeral_quotient"
DERIVATIVE = "numeral_derivative"

_ADD = (
    "add",
    "one_add_one",
    "bit0_add_one",
    "one_add_bit0",
    "bit1_add_one",
    "one_add_bit1",
    "bit0_add_bit0",
    "bit0_add_bit1",
    "bit1_add_bit0",
    "bit1_add_bit1",
)
_MUL = (*_ADD, "one_mul", "bit0_mul", "bit1_mul")

ROLES: dict[str, tuple[str, ...]] = {
    PRODUCT: _MUL,
    SUM: _ADD,
    DIFFERENCE: (*_ADD, "sub_eq_of_add_eq"),
    QUOTIENT: (*_MUL, "div_eq_of_mul_eq"),
    DERIVATIVE: ("zero", "one", "bit0", "bit1"),
}
"""The lemmas each kind of evaluation needs, by role (see Field.lean, Calculus.lean and
Equation.lean); a quotient also needs the theory's `nonzero:` lemmas for its divisor."""

DEFAULT_LEMMAS: dict[str, dict[str, str]] = {
    kind: {role: role for role in roles} for kind, roles in ROLES.items() if kind != DERIVATIVE
}
DEFAULT_LEMMAS[DERIVATIVE] = {"zero": "D_zero", "one": "D_one", "bit0": "D_bit0", "bit1": "D_bit1"}

_BINARY = "m ∘ n = k (an operator applied to two variables, equal to a third variable)"
SHAPES = {kind: _BINARY for kind in (PRODUCT, SUM, DIFFERENCE, QUOTIENT)}
SHAPES[DERIVATIVE] = "D(n) = 0 (a unary operator applied to a variable, equal to 0)"


@dataclass(frozen=True)
class Evaluation:
    """How the instances of a numeral-only rule are proven: the kind and its lemma names."""

    kind: str
    lemmas: tuple[tuple[str, str], ...]  # (role, Lean name)

    def lemma(self, role: str) -> str:
        return dict(self.lemmas)[role]


def shape_ok(kind: str, lhs: Expr, rhs: Expr) -> bool:
    """Does the equation `lhs = rhs` have the shape evaluation `kind` proves?"""
    if kind != DERIVATIVE:
        return (
            lhs.kind is Kind.APP
            and len(lhs.args) == 2
            and all(a.kind is Kind.VAR for a in lhs.args)
            and lhs.args[0] is not lhs.args[1]
            and rhs.kind is Kind.VAR
            and rhs not in lhs.args
        )
    return (
        lhs.kind is Kind.APP
        and len(lhs.args) == 1
        and lhs.args[0].kind is Kind.VAR
        and rhs.kind is Kind.NUM
        and rhs.value == 0
    )


def _numeral(binding: Mapping[str, Expr], name: str, least: int) -> int:
    value = binding[name]
    if value.kind is not Kind.NUM or value.value < least:
        raise RewriteError(
            f"{name} must be a numeral of at least {least}, got a {value.kind.value}"
        )
    return value.value


def instance(kind: str, lhs: Expr, rhs: Expr, binding: Mapping[str, Expr]) -> dict[str, Expr]:
    """The full binding of one instance, computing the result variable of a product.

    Raises RewriteError if the bound values are not numerals (or not the product).
    """
    if kind == DERIVATIVE:
        _numeral(binding, lhs.args[0].head, 0)
        return dict(binding)
    m = _numeral(binding, lhs.args[0].head, 1)
    n = _numeral(binding, lhs.args[1].head, 1)
    if kind == DIFFERENCE and m <= n:
        raise RewriteError(f"{m} - {n} is not a positive numeral")
    if kind == QUOTIENT and m % n:
        raise RewriteError(f"{m} / {n} is not a whole number")
    value = {PRODUCT: m * n, SUM: m + n, DIFFERENCE: m - n, QUOTIENT: m // n}[kind]
    given = binding.get(rhs.head)
    if given is not None and given is not num(value):
        raise RewriteError(f"{m} ∘ {n} is {value}, not what the step records")
    return {**binding, rhs.head: num(value)}


class _Terms:
    """Builds proof terms from the lemma names of one evaluation."""

    def __init__(self, evaluation: Evaluation, numerals: Numerals, carrier: str) -> None:
        self.ev = evaluation
        self.nums = numerals
        self.carrier = carrier

    def k(self, value: int) -> str:
        text = numeral_to_kernel(value, self.nums)
        return text if value < 2 else f"({text})"

    def use(self, role: str, *values: int) -> str:
        return " ".join([self.ev.lemma(role), *(self.k(v) for v in values)])

    @staticmethod
    def trans(first: str, second: str) -> str:
        return f"Eq.trans ({first}) ({second})"

    def under(self, context: str, proof: str) -> str:
        """Congruence: `context` is a function of `rpsdg_hole` (a Lean term)."""
        return f"congrArg (fun (rpsdg_hole : {self.carrier}) => {context}) ({proof})"

    def add(self, m: int, n: int) -> str:
        """A proof of `m + n = (m + n)` for numerals m, n ≥ 1."""
        bit0, bit1 = self.nums.bit0, self.nums.bit1
        if m == 1 and n == 1:
            return self.use("one_add_one")
        if n == 1:
            return self._plus_one(m, "bit0_add_one", "bit1_add_one")
        if m == 1:
            return self._plus_one(n, "one_add_bit0", "one_add_bit1")
        a, b = m // 2, n // 2
        role = f"bit{m % 2}_add_bit{n % 2}"
        if m % 2 == 1 and n % 2 == 1:
            add = self.ev.lemma("add")
            inner = self.trans(
                self.under(f"{add} rpsdg_hole {self.nums.one}", self.add(a, b)), self.add(a + b, 1)
            )
            return self.trans(self.use(role, a, b), self.under(f"{bit0} rpsdg_hole", inner))
        outer = bit1 if (m + n) % 2 else bit0
        return self.trans(self.use(role, a, b), self.under(f"{outer} rpsdg_hole", self.add(a, b)))

    def _plus_one(self, k: int, even: str, odd: str) -> str:
        """`k + 1 = (k+1)` (or `1 + k`, as the roles `even` and `odd` state it) for k ≥ 2: a
        digit 0 becomes 1 by `even`; a digit 1 carries by `odd` and `(k/2) + 1` under bit0."""
        half = k // 2
        if k % 2 == 0:
            return self.use(even, half)
        bit0 = self.nums.bit0
        return self.trans(self.use(odd, half), self.under(f"{bit0} rpsdg_hole", self.add(half, 1)))

    def mul(self, m: int, n: int) -> str:
        """A proof of `m * n = (m n)` for numerals m, n ≥ 1, by recursion on the bits of m."""
        if m == 1:
            return self.use("one_mul", n)
        a = m // 2
        inner = self.mul(a, n)
        if m % 2 == 0:
            return self.trans(
                self.use("bit0_mul", a, n), self.under(f"{self.nums.bit0} rpsdg_hole", inner)
            )
        add = self.ev.lemma("add")
        shifted = self.under(f"{add} ({self.nums.bit0} rpsdg_hole) {self.k(n)}", inner)
        return self.trans(self.use("bit1_mul", a, n), self.trans(shifted, self.add(2 * a * n, n)))

    def derivative(self, n: int) -> str:
        """A proof of `D(n) = 0` for a numeral n."""
        if n < 2:
            return self.use("zero" if n == 0 else "one")
        role = f"bit{n % 2}"
        return f"{self.ev.lemma(role)} {self.k(n // 2)} ({self.derivative(n // 2)})"


def proof(
    evaluation: Evaluation,
    lhs: Expr,
    binding: Mapping[str, Expr],
    numerals: Numerals,
    carrier: str,
    nonzero: Mapping[str, str] | None = None,
) -> str:
    """The Lean term proving one instance (`binding` as returned by `instance`); a quotient
    needs the theory's `nonzero` lemmas to show its divisor is not 0."""
    terms = _Terms(evaluation, numerals, carrier)
    values = [binding[a.head].value for a in lhs.args]
    if evaluation.kind == DERIVATIVE:
        return terms.derivative(values[0])
    m, n = values
    if evaluation.kind == PRODUCT:
        return terms.mul(m, n)
    if evaluation.kind == SUM:
        return terms.add(m, n)
    if evaluation.kind == DIFFERENCE:
        return f"{terms.use('sub_eq_of_add_eq', m, n, m - n)} ({terms.add(m - n, n)})"
    divisor = nonzero_proof(num(n), nonzero or {}, numerals)
    if divisor is None:
        raise RewriteError(f"cannot show {n} != 0: the theory has no `nonzero:` lemmas")
    use = terms.use("div_eq_of_mul_eq", m, n, m // n)
    return f"{use} ({divisor}) ({terms.mul(n, m // n) if n > 1 else terms.use('one_mul', m)})"


def nonzero_proof(value: Expr, lemmas: Mapping[str, str], numerals: Numerals) -> str | None:
    """A Lean term proving `Ne value zero` for a non-zero numeral (or its negation), from the
    theory's `nonzero:` lemmas; None if `value` is not one, or the theory has no such lemmas.

    This is how side conditions such as `2 != 0` are discharged: the positivity axioms make
    every positive numeral provably non-zero.
    """
    if not lemmas:
        return None
    if value.kind is Kind.APP and len(value.args) == 1 and value.head == "neg":
        inner = nonzero_proof(value.args[0], lemmas, numerals)
        if inner is None:
            return None
        return f"{lemmas['neg']} {_atom(value.args[0], numerals)} ({inner})"
    if value.kind is not Kind.NUM or value.value < 1:
        return None
    return (
        f"{lemmas['ne_zero']} {_atom(value, numerals)} ({_positive(value.value, lemmas, numerals)})"
    )


def _atom(value: Expr, numerals: Numerals) -> str:
    text = numeral_to_kernel(value.value, numerals)
    return text if value.value < 2 else f"({text})"


def _positive(n: int, lemmas: Mapping[str, str], numerals: Numerals) -> str:
    if n == 1:
        return lemmas["one"]
    role = "bit0" if n % 2 == 0 else "bit1"
    inner = _positive(n // 2, lemmas, numerals)
    return f"{lemmas[role]} {_atom(num(n // 2), numerals)} ({inner})"


def audit_instances(kind: str, lhs: Expr, rhs: Expr) -> list[dict[str, Expr]]:
    """The instances the audit checks for a numeral-only rule (small, carrying and large)."""
    if kind == DERIVATIVE:
        return [instance(kind, lhs, rhs, {lhs.args[0].head: num(n)}) for n in range(0, 18)]
    pairs = [(1, 1), (1, 6), (6, 1), (2, 2), (2, 3), (3, 2), (3, 3), (5, 7), (7, 5)]
    pairs += [(6, 4), (9, 9), (12, 11), (15, 17), (31, 33), (100, 7)]
    if kind == DIFFERENCE:
        pairs = [(m + n, n) for m, n in pairs]
    elif kind == QUOTIENT:
        pairs = [(m * n, n) for m, n in pairs]
    return [
        instance(kind, lhs, rhs, {lhs.args[0].head: num(m), lhs.args[1].head: num(n)})
        for m, n in pairs
    ]
