"""Numeral arithmetic by the rules tagged `arithmetic` (`m + n = k` with `evaluate:`): the rule
for an operator, and the strategy that evaluates the innermost operation on two numerals.
"""

from __future__ import annotations

from rpsdg_formal.errors import ConfigError, RewriteError
from rpsdg_formal.families.roles import tagged
from rpsdg_formal.rewriting.steps import Step, apply_step
from rpsdg_formal.rewriting.strategies import Strategy, deepest
from rpsdg_formal.terms.expr import Expr, Kind, Path, subterm
from rpsdg_formal.theory.rules import Rule, RuleSet


def arithmetic(rules: RuleSet) -> dict[str, Rule]:
    """The numeral-arithmetic rules (tagged `arithmetic`, with `evaluate:`), by the operator
    they evaluate (`num_add` for `add`)."""
    found: dict[str, Rule] = {}
    for rule in tagged(rules, "arithmetic"):
        if rule.evaluate is not None:
            found.setdefault(rule.lhs.head, rule)
    return found


def arithmetic_rule(rules: RuleSet, head: str) -> Rule:
    """The numeral-arithmetic rule of the operator `head` (tagged `arithmetic`)."""
    found = arithmetic(rules).get(head)
    if found is None:
        raise ConfigError(
            f"{rules.path}: no rule tagged `arithmetic` evaluates `{head}` on numerals; the "
            "equation solver needs one (`m + n = k` with `evaluate: numeral_sum`, …)"
        )
    return found


def _is_arithmetic(node: Expr) -> bool:
    """An operation on two numerals."""
    return (
        node.kind is Kind.APP and len(node.args) == 2 and all(a.kind is Kind.NUM for a in node.args)
    )


def arithmetic_strategy(rules: RuleSet) -> Strategy:
    """Evaluate the deepest operation on two numerals (nothing if there is none, or its result
    is not a positive whole number)."""
    table = arithmetic(rules)

    def evaluate(expr: Expr, path: Path) -> Step | None:
        node = subterm(expr, path)
        rule = table.get(node.head)
        if rule is None:
            return None
        try:
            return apply_step(expr, rule, False, path, {"m": node.args[0], "n": node.args[1]})
        except RewriteError:
            return None

    return deepest(_is_arithmetic, evaluate)
