"""Artifacts: the pieces of an expression that no textbook prints, found and named.

The reverse process leaves traces of the rules it used: identity elements (`1 * t`, `t / 1`,
`t + 0`, `-0`), numeral arithmetic nobody evaluated (`2 * 3`, `x + 3 + 3`, `4 * x * 8`),
degenerate pieces (`1^2`, `(-x)^2`, `x / (x^2 * x)`, `log(exp(t))`) and sums that a student
would collect (`x - 4 * x`, `x + 1 - x`). `find_artifacts` lists them by kind, so `stats` can
report their rates, the natural walk can avoid them and the families can refuse them. Operators
are recognised by their model name (`add`, `mul`, `pow2`, …), so any theory built on the field
signature is read the same way.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from math import gcd

from rpsdg_formal.terms.expr import Expr, Kind, positions
from rpsdg_formal.terms.printers import to_human
from rpsdg_formal.terms.signature import Signature

IDENTITY = "identity"
NUMERAL = "numeral-arithmetic"
DEGENERATE = "degenerate"
CANCELLING = "cancelling"
LIKE_TERMS = "like-terms"
ADD_NEG = "add-negation"
SIGNS = "sign-games"
COEFFICIENT_LAST = "coefficient-last"

KINDS = (IDENTITY, CANCELLING, NUMERAL, DEGENERATE, LIKE_TERMS, ADD_NEG, SIGNS, COEFFICIENT_LAST)
"""Every kind `find_artifacts` reports, in the order `stats` prints them."""

PATTERNS: dict[str, str] = {
    IDENTITY: "1 * t, t * 1, -1 * t, t / 1, 0 * t, t * 0, 0 / t, t + 0, 0 + t, t - 0, 0 - t, "
    "-0, -(-t), 1⁻¹, (t⁻¹)⁻¹",
    CANCELLING: "an identity element in disguise: a term and its negation in one sum (x - x, "
    "-x + x, x + 1 - x), a factor and its inverse in one product (x * x⁻¹, x * (1 / x))",
    NUMERAL: "an operation on numerals only (2 * 3, 1 + 1, 18 / 2, 160 / 6; a reduced fraction "
    "such as 80 / 3 and a negative numeral such as -3 are numbers, not arithmetic); two or more "
    "numeral terms in one sum (x + 3 + 3, 15 + 9 * x - 3); two or more numeral factors in one "
    "product (4 * x * 8, 2 * (3 * x))",
    DEGENERATE: "a power of a numeral, of a negation, of a power or of a reciprocal (1^2, 3^2, "
    "(-x)^2, (x^2)^3, (1 / x)^2); a quotient of a term by itself or its negation (y / -y); "
    "division by zero (t / 0, 0⁻¹); "
    "equal bases in one product (x * x, x^2 * x); a factor shared by the top and bottom of a "
    "quotient, or twice below the line, a chain of * and / read as one fraction "
    "(x / (x^2 * x), exp(x) / exp(x), t / x / x); log(exp(t)), exp(log(t))",
    LIKE_TERMS: "two terms of one sum with the same non-numeral part (x - 4 * x, x + 1 - x, "
    "sin(x) + 2 * sin(x))",
    ADD_NEG: "adding or subtracting a negation (a + -b, a - -b)",
    SIGNS: "two negations in one product (-2 * -x, -(x + 1) * -6), a negated factor after the "
    "first (3 * -x, x * -2), a negated difference (-(a - b), which is b - a)",
    COEFFICIENT_LAST: "a numeral factor after a non-numeral one (x * 8, (x + 1) * 2)",
}
"""What each kind matches, in words (the README lists the same)."""

ACCEPTANCE = (IDENTITY, CANCELLING, NUMERAL)
"""The kinds a textbook never prints: identity elements (plain or in disguise) and unevaluated
numeral arithmetic."""

NATURAL = (IDENTITY, CANCELLING, NUMERAL, DEGENERATE, SIGNS)
"""The kinds a natural rewrite walk avoids (`generate --natural`): identity elements, plain or
in disguise, numeral arithmetic, degenerate pieces and sign games."""

TEXTBOOK = (IDENTITY, CANCELLING, NUMERAL, LIKE_TERMS, SIGNS, DEGENERATE, ADD_NEG, COEFFICIENT_LAST)
"""The kinds an equation shown to a student must not have."""


@dataclass(frozen=True)
class Artifact:
    """One artifact: its kind and the offending subexpression as printed."""

    kind: str
    text: str


def _model(expr: Expr, sig: Signature) -> str:
    """The model name of `expr`'s operator ('' for variables and numerals, or unknown heads)."""
    if expr.kind is not Kind.APP:
        return ""
    try:
        return sig.by_name(expr.head).model
    except KeyError:
        return ""


def _is_num(expr: Expr, value: int | None = None) -> bool:
    return expr.kind is Kind.NUM and (value is None or expr.value == value)


def _numeral_like(expr: Expr, sig: Signature) -> bool:
    """A numeral or a negated numeral (`3`, `-3`)."""
    return _is_num(expr) or (_model(expr, sig) == "neg" and _is_num(expr.args[0]))


def _unsigned(expr: Expr, sig: Signature) -> Expr:
    """`expr` without its negations (`-y` is y, as a factor)."""
    while _model(expr, sig) == "neg":
        expr = expr.args[0]
    return expr


def _power(model: str) -> int:
    """The exponent of a `powN` model name (0 if it is not one)."""
    return int(model[3:]) if model.startswith("pow") and model[3:].isdigit() else 0


def _signed_terms(expr: Expr, sig: Signature, sign: int = 1) -> Iterator[tuple[int, Expr]]:
    """The terms of the maximal sum at `expr` with their signs (`a - (b + c)` gives +a, -b, -c;
    a negation `-t` is the term t with the opposite sign)."""
    model = _model(expr, sig)
    if model in ("add", "sub"):
        yield from _signed_terms(expr.args[0], sig, sign)
        yield from _signed_terms(expr.args[1], sig, sign if model == "add" else -sign)
    elif model == "neg":
        yield from _signed_terms(expr.args[0], sig, -sign)
    else:
        yield sign, expr


def _factors(expr: Expr, sig: Signature) -> Iterator[Expr]:
    """The factors of the maximal product at `expr` (through `*` only)."""
    if _model(expr, sig) == "mul":
        yield from _factors(expr.args[0], sig)
        yield from _factors(expr.args[1], sig)
    else:
        yield expr


def _base(expr: Expr, sig: Signature) -> Expr:
    """The base of a power (`x` for `x^3`, `-x` for y), else `expr` itself, without signs."""
    expr = _unsigned(expr, sig)
    return _unsigned(expr.args[0], sig) if _power(_model(expr, sig)) else expr


def _monomial(term: Expr, sig: Signature) -> tuple[Expr, ...] | None:
    """The non-numeral factors of a term `c * t` or `t`, in a fixed order (None for a numeral
    term), so `x`, `4 * x` and `x * 4` share one."""
    if _is_num(term):
        return None
    return tuple(sorted((f for f in _factors(term, sig) if not _is_num(f)), key=hash))


def _identity(expr: Expr, model: str, sig: Signature) -> bool:
    a = expr.args
    return (
        (model == "mul" and any(_is_num(t, 1) or _is_num(t, 0) or _minus_one(t, sig) for t in a))
        or (model == "div" and (_is_num(a[1], 1) or _is_num(a[0], 0)))
        or (model == "add" and any(map(_is_num0, a)))
        or (model == "sub" and any(map(_is_num0, a)))
        or (model == "neg" and (_is_num(a[0], 0) or a[0].head == expr.head))
        or (model == "inv" and (_is_num(a[0], 1) or a[0].head == expr.head))
    )


_EVALUABLE = {"exp": 0, "log": 1, "sin": 0, "cos": 0}
"""Functions whose value at this numeral is a numeral: exp(0) = 1, log(1) = 0, …"""


def _is_num0(expr: Expr) -> bool:
    return _is_num(expr, 0)


def _minus_one(expr: Expr, sig: Signature) -> bool:
    """Is `expr` the numeral -1 (a negation of 1)?"""
    return _model(expr, sig) == "neg" and _is_num(expr.args[0], 1)


def _numeral_operation(expr: Expr, model: str, sig: Signature) -> bool:
    """An operation whose arguments are all numerals, other than a number's own spelling."""
    if model == "mul" and all(_numeral_like(a, sig) for a in expr.args):
        return True  # -2 * 2
    if not expr.args or not all(_is_num(a) for a in expr.args):
        return False
    if model in _EVALUABLE:
        return expr.args[0].value == _EVALUABLE[model]
    if model in ("neg", "inv"):
        return False  # -3 and 3⁻¹ are how numbers are written
    if model == "div":
        top, bottom = expr.args[0].value, expr.args[1].value
        return bottom <= 1 or gcd(top, bottom) != 1
    return model in ("add", "sub", "mul") or bool(_power(model))


def _fraction(expr: Expr, sig: Signature) -> tuple[list[Expr], list[Expr]]:
    """The factors above and below the line of `expr`, through `*` and `/` (`a / x / x^3` has
    a above and x, x^3 below; `a / (b / c)` has a, c above and b below)."""
    model = _model(expr, sig)
    if model == "mul":
        left, right = _fraction(expr.args[0], sig), _fraction(expr.args[1], sig)
        return left[0] + right[0], left[1] + right[1]
    if model == "div":
        top, bottom = _fraction(expr.args[0], sig), _fraction(expr.args[1], sig)
        return top[0] + bottom[1], top[1] + bottom[0]
    return [expr], []


def _shared_factor(expr: Expr, sig: Signature) -> bool:
    """Has the quotient `expr` a non-numeral factor base above and below the line, or twice
    below it (`x / (x^2 * x)`, `t / x / x`: a textbook writes `1 / x^2`, `t / x^2`)?"""
    above, below = _fraction(expr, sig)
    top = {_base(f, sig) for f in above if not _is_num(f)}
    bottom = [_base(f, sig) for f in below if not _is_num(f)]
    return bool(top & set(bottom)) or len(set(bottom)) < len(bottom)


def _reciprocal(expr: Expr, sig: Signature) -> bool:
    """Is `expr` a quotient with nothing but 1 above the line (`1 / x`, `1 / x / x`)?"""
    above, below = _fraction(expr, sig)
    return bool(below) and all(_is_num(f, 1) for f in above)


def _degenerate(expr: Expr, model: str, sig: Signature) -> bool:
    if _power(model):
        inner = _model(expr.args[0], sig)
        reciprocal = inner == "div" and _reciprocal(expr.args[0], sig)
        return _is_num(expr.args[0]) or inner == "neg" or bool(_power(inner)) or reciprocal
    if model == "div":
        return _is_num(expr.args[1], 0) or _shared_factor(expr, sig)
    if model == "inv":
        return _is_num(expr.args[0], 0)
    if model in ("log", "exp"):
        return _model(expr.args[0], sig) == ("exp" if model == "log" else "log")
    return False


def _product_artifacts(expr: Expr, sig: Signature) -> Iterator[str]:
    """Artifacts of the maximal product at `expr`: several numerals, equal bases, a numeral
    after a non-numeral factor."""
    factors = list(_factors(expr, sig))
    numerals = [i for i, f in enumerate(factors) if _numeral_like(f, sig)]
    others = [i for i, f in enumerate(factors) if not _numeral_like(f, sig)]
    if len(numerals) >= 2:
        yield NUMERAL
    bases = [_base(factors[i], sig) for i in others]
    if len(set(bases)) < len(bases):
        yield DEGENERATE
    inverses = {f.args[0] for f in factors if _model(f, sig) == "inv"}
    inverses |= {
        _base(d, sig)
        for f in factors
        if _model(f, sig) == "div"
        for d in _factors(f.args[1], sig)
        if not _is_num(d)
    }
    if inverses & set(bases):
        yield CANCELLING
    if numerals and others and others[0] < numerals[-1]:
        yield COEFFICIENT_LAST
    negated = [i for i, f in enumerate(factors) if _model(f, sig) == "neg"]
    if len(negated) >= 2 or any(i > 0 for i in negated):
        yield SIGNS


def _sum_artifacts(expr: Expr, sig: Signature) -> Iterator[str]:
    """Artifacts of the maximal sum at `expr`: several numeral terms, and like terms."""
    terms = list(_signed_terms(expr, sig))
    if sum(1 for _, t in terms if _is_num(t)) >= 2:
        yield NUMERAL
    parts = [m for _, t in terms if (m := _monomial(t, sig)) is not None]
    if len(set(parts)) < len(parts):
        yield LIKE_TERMS
    if any((-sign, term) in terms for sign, term in terms):
        yield CANCELLING


def _in_chain(
    path: tuple[int, ...],
    nodes: dict[tuple[int, ...], Expr],
    models: tuple[str, ...],
    through: tuple[str, ...],
    sig: Signature,
) -> bool:
    """Is the node at `path` inside a larger chain of `models` (looking up through `through`)?"""
    while path:
        path = path[:-1]
        model = _model(nodes[path], sig)
        if model in models:
            return True
        if model not in through:
            return False
    return False


def _node_kinds(
    path: tuple[int, ...], nodes: dict[tuple[int, ...], Expr], sig: Signature
) -> list[str]:
    """The artifact kinds of the node at `path` itself (its chain, when it heads one)."""
    node = nodes[path]
    model = _model(node, sig)
    kinds: list[str] = []
    if _identity(node, model, sig):
        kinds.append(IDENTITY)
    if _numeral_operation(node, model, sig):
        kinds.append(NUMERAL)
    if _degenerate(node, model, sig):
        kinds.append(DEGENERATE)
    if model == "neg" and _model(node.args[0], sig) == "sub":
        kinds.append(SIGNS)
    if model == "mul" and not _in_chain(path, nodes, ("mul",), (), sig):
        kinds.extend(_product_artifacts(node, sig))
    if model in ("add", "sub") and not _in_chain(path, nodes, ("add", "sub"), ("neg",), sig):
        kinds.extend(_sum_artifacts(node, sig))
    if model in ("add", "sub") and _model(node.args[1], sig) == "neg":
        kinds.append(ADD_NEG)
    return kinds


def find_artifacts(expr: Expr, sig: Signature) -> tuple[Artifact, ...]:
    """Every artifact of `expr`, outermost first (a subexpression may carry several kinds)."""
    nodes = dict(positions(expr))
    found: list[Artifact] = []
    for path, node in nodes.items():
        if node.kind is not Kind.APP:
            continue
        kinds = _node_kinds(path, nodes, sig)
        if kinds:
            text = to_human(node, sig)
            found.extend(Artifact(kind, text) for kind in dict.fromkeys(kinds))
    return tuple(found)


def artifact_kinds(expr: Expr, sig: Signature) -> frozenset[str]:
    """The kinds of artifact `expr` has."""
    return frozenset(a.kind for a in find_artifacts(expr, sig))


def is_textbook(expr: Expr, sig: Signature, kinds: tuple[str, ...] = TEXTBOOK) -> bool:
    """Has `expr` none of the artifacts of `kinds`?"""
    return not (artifact_kinds(expr, sig) & set(kinds))


def constant_summand(expr: Expr, sig: Signature, variable: str) -> bool:
    """Has the sum at the root of `expr` a term free of `variable` (an operator's model name,
    `x` in the calculus)? In an antiderivative such a term is absorbed in `+ C`."""
    if _model(expr, sig) not in ("add", "sub", "neg"):
        return False
    return any(
        not any(_model(n, sig) == variable or n.kind is Kind.VAR for _, n in positions(t))
        for _, t in _signed_terms(expr, sig)
    )
