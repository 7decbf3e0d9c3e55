"""Differentiation by rewriting: the easy direction of the calculus reverse process.

`differentiate` turns `D(F)` into a derivative `f` by rule steps only, so the Lean kernel can
check every one: the `derivative` rules push D inwards from the outside, the `simp` rules (read
left to right) clean up, and each product is put in a normal form (numeral first, factors by
size, equal factors merged into powers) with mul_assoc, mul_comm, mul_right_comm, the `power`
rules and the numeral product rule. Rules are found by their tags in the rule file.
"""

from __future__ import annotations

from dataclasses import dataclass

from rpsdg_formal.errors import ConfigError, RewriteError
from rpsdg_formal.families.roles import role, tagged
from rpsdg_formal.rewriting.steps import Step, apply_step
from rpsdg_formal.rewriting.strategies import Rewrite, do_one, exhaust, innermost, outermost
from rpsdg_formal.terms.expr import Expr, Kind, Path, match, positions, subterm
from rpsdg_formal.terms.printers import to_human
from rpsdg_formal.terms.signature import Signature
from rpsdg_formal.theory import numerals
from rpsdg_formal.theory.rules import Rule, RuleSet

MAX_STEPS = 2000
_ENGINE = "calculus engine"


@dataclass(frozen=True)
class Engine:
    """The rules differentiation uses, by role."""

    derivative: tuple[Rule, ...]
    simp: tuple[Rule, ...]
    power: tuple[Rule, ...]
    assoc: Rule
    comm: Rule
    right_comm: Rule
    product: Rule | None  # numeral product (`evaluate: numeral_product`)
    mul: str  # the multiplication operator
    derivation: str  # the operator D
    signature: Signature
    powers: dict[str, int]  # power operator -> exponent

    @classmethod
    def from_rules(cls, rules: RuleSet) -> Engine:
        """Collect the roles from tags; raises ConfigError naming what the rule file lacks."""
        derivative = tagged(rules, "derivative")
        if not derivative:
            raise ConfigError(f"{rules.path} has no rule tagged `derivative`; not a calculus")
        assoc = role(rules, "assoc", _ENGINE, "a * b * c = a * (b * c)")
        heads = {r.lhs.head for r in derivative if r.lhs.kind is Kind.APP}
        if len(heads) != 1:
            raise ConfigError(f"the derivative rules of {rules.path} rewrite {sorted(heads)}")
        product = next(
            (
                r
                for r in tagged(rules, "product")
                if r.evaluate is not None and r.lhs.head == assoc.lhs.head
            ),
            None,
        )
        return cls(
            derivative=derivative,
            simp=tagged(rules, "simp"),
            power=tagged(rules, "power"),
            assoc=assoc,
            comm=role(rules, "comm", _ENGINE, "a * b = b * a"),
            right_comm=role(rules, "right-comm", _ENGINE, "a * b * c = a * c * b"),
            product=product,
            mul=assoc.lhs.head,
            derivation=heads.pop(),
            signature=rules.theory.signature,
            powers=exponents(tagged(rules, "power")),
        )


def _forward(expr: Expr, path: Path, rules: tuple[Rule, ...]) -> Step | None:
    """The first of `rules` that applies at `path` (left to right) and changes it."""
    sub = subterm(expr, path)
    for rule in rules:
        binding = match(rule.lhs, sub)
        if binding is None:
            continue
        try:
            if rule.evaluate is not None:
                binding = numerals.instance(rule.evaluate.kind, rule.lhs, rule.rhs, binding)
            elif len(binding) < len(rule.variables):
                continue  # would invent a variable
            step = apply_step(expr, rule, False, path, binding)
        except RewriteError:
            continue  # a numeral-only rule on non-numerals
        if step.after is not expr:
            return step
    return None


def _rules(rules: tuple[Rule, ...]) -> Rewrite:
    """`_forward` with `rules`, as a rewrite for the strategies."""
    return lambda expr, path: _forward(expr, path, rules)


# --- products ------------------------------------------------------------------------------


def _factors(expr: Expr, mul: str) -> list[Expr]:
    """The factors of a left-nested product chain (a single factor if not a product)."""
    out: list[Expr] = []
    while expr.kind is Kind.APP and expr.head == mul:
        out.append(expr.args[1])
        expr = expr.args[0]
    out.append(expr)
    return out[::-1]


def exponents(power: tuple[Rule, ...]) -> dict[str, int]:
    """The exponent each power operator stands for, read off the `power` rules (`a * a = a^2`
    makes `^2` the exponent 2, then `a * a^2 = a^3` makes `^3` the exponent 3, …)."""

    def value(side: Expr, known: dict[str, int]) -> int | None:
        if side.kind is Kind.VAR:
            return 1
        if side.kind is Kind.APP and len(side.args) == 2:
            left, right = value(side.args[0], known), value(side.args[1], known)
            return None if left is None or right is None else left + right
        if side.kind is Kind.APP and len(side.args) == 1 and side.args[0].kind is Kind.VAR:
            return known.get(side.head)
        return None

    known: dict[str, int] = {}
    changed = True
    while changed:
        changed = False
        for rule in power:
            total = value(rule.lhs, known)
            if total is not None and rule.rhs.kind is Kind.APP and rule.rhs.head not in known:
                known[rule.rhs.head] = total
                changed = True
    return known


def _order(expr: Expr, engine: Engine) -> tuple[int, int, str, int]:
    """Sort key of a factor: numerals first, then by the size and text of its base, then by
    exponent, so equal bases become neighbours."""
    if expr.kind is Kind.NUM:
        return (0, 0, "", expr.value)
    power = engine.powers.get(expr.head, 0) if expr.kind is Kind.APP else 0
    base = expr.args[0] if power else expr
    return (1, base.size, to_human(base, engine.signature), power or 1)


def _product_steps(expr: Expr, path: Path, engine: Engine) -> list[Step]:
    """The next steps towards the normal form of the maximal product at `path` (none if it is
    normal): re-nest to the left, swap one unordered neighbour pair, or merge one pair."""
    node = subterm(expr, path)
    mul = engine.mul
    chain_path, chain = path, node
    while chain.kind is Kind.APP and chain.head == mul:
        right = chain.args[1]
        if right.kind is Kind.APP and right.head == mul:
            binding = {"a": chain.args[0], "b": right.args[0], "c": right.args[1]}
            return [apply_step(expr, engine.assoc, True, chain_path, binding)]
        chain_path, chain = (*chain_path, 0), chain.args[0]
    factors = _factors(node, mul)
    n = len(factors)
    # numerals first: 3 * 3 is 9, not 3^2
    merge_rules = ((engine.product,) if engine.product else ()) + engine.power
    for i in range(n - 1):
        left, right = factors[i], factors[i + 1]
        pair_path = (*path, *([0] * (n - 2 - i)))  # the node whose last factor is factors[i+1]
        if i == 0:
            if _order(left, engine) > _order(right, engine):
                return [apply_step(expr, engine.comm, False, pair_path, {"a": left, "b": right})]
            step = _forward(expr, pair_path, merge_rules)
            if step is not None:
                return [step]
            continue
        binding = {"a": subterm(expr, (*pair_path, 0, 0)), "b": left, "c": right}
        if _order(left, engine) > _order(right, engine):
            return [apply_step(expr, engine.right_comm, False, pair_path, binding)]
        regrouped = apply_step(expr, engine.assoc, False, pair_path, binding)
        merged = _forward(regrouped.after, (*pair_path, 1), merge_rules)
        if merged is not None:
            return [regrouped, merged]
    return []


def _maximal_products(expr: Expr, mul: str) -> list[Path]:
    """Paths of product nodes whose parent is not a product, innermost first."""
    found = []
    for path, node in positions(expr):
        if node.kind is Kind.APP and node.head == mul:
            parent = subterm(expr, path[:-1]) if path else None
            if parent is None or parent.kind is not Kind.APP or parent.head != mul:
                found.append(path)
    return sorted(found, key=lambda p: -len(p))


def _normalize_steps(expr: Expr, engine: Engine) -> list[Step]:
    for path in _maximal_products(expr, engine.mul):
        steps = _product_steps(expr, path, engine)
        if steps:
            return steps
    return []


# --- the whole derivation ------------------------------------------------------------------------


def differentiate(start: Expr, engine: Engine) -> tuple[Step, ...]:
    """The steps from `start` (an expression containing D) to a D-free simplified normal form.

    Raises RewriteError if some D cannot be pushed in (an operator without a derivative rule)
    or the simplification does not settle within MAX_STEPS.
    """
    pushed = exhaust(outermost(_rules(engine.derivative)), start, MAX_STEPS)
    current = pushed[-1].after if pushed else start
    if any(n.kind is Kind.APP and n.head == engine.derivation for _, n in positions(current)):
        raise RewriteError(
            f"no derivative rule applies inside {to_human(current, engine.signature)}"
        )
    tidy = do_one(innermost(_rules(engine.simp)), lambda expr: _normalize_steps(expr, engine))
    return pushed + exhaust(tidy, current, MAX_STEPS - len(pushed))
