"""Rules by the role an engine gives them, declared with tags in the rule file.

The differentiation, equation and system engines name no rule in Python: a rule file tags the
rule that plays each role (`assoc`, `undo-add`, `arithmetic`, …), and a missing or doubled role
is a ConfigError naming the file and the tag; so is a tagged rule of another shape than the
engine binds (it names the rule's variables, so the shape includes them).
"""

from __future__ import annotations

from rpsdg_formal.errors import ConfigError, ExprSyntaxError
from rpsdg_formal.terms.expr import Expr
from rpsdg_formal.terms.parse import parse_equation
from rpsdg_formal.terms.printers import to_human
from rpsdg_formal.theory.rules import Rule, RuleSet


def tagged(rules: RuleSet, tag: str) -> tuple[Rule, ...]:
    """Every rule of `rules` tagged `tag`, in file order."""
    return tuple(r for r in rules.rules if tag in r.tags)


_FOUND: dict[tuple[int, str, str], tuple[RuleSet, Rule]] = {}


def role(rules: RuleSet, tag: str, engine: str, shape: str) -> Rule:
    """`find_role`, remembered per rule set (the engines ask for their roles at every step)."""
    key = (id(rules), tag, shape)
    found = _FOUND.get(key)
    if found is None or found[0] is not rules:
        found = _FOUND[key] = (rules, find_role(rules, tag, engine, shape))
    return found[1]


def find_role(rules: RuleSet, tag: str, engine: str, shape: str) -> Rule:
    """The one rule tagged `tag`, which must read `shape` (human syntax, with the variable
    names the `engine` binds: `a * b * c = a * (b * c)`); raises ConfigError naming the file,
    the tag and the shape when there is no such rule, more than one, or one of another shape."""
    found = tagged(rules, tag)
    if len(found) != 1:
        which = "no rule is" if not found else f"{len(found)} rules ({found[0].name}, …) are"
        raise ConfigError(
            f"{rules.path}: {which} tagged `{tag}`; the {engine} needs exactly one, a rule "
            f"`{shape}`: add `{tag}` to its tags"
        )
    rule = found[0]
    sig = rules.theory.signature
    try:
        wanted: tuple[Expr, Expr] | None = parse_equation(shape, sig)
    except ExprSyntaxError:
        wanted = None
    if wanted != (rule.lhs, rule.rhs):
        raise ConfigError(
            f"{rules.path}:{rule.line}: rule {rule.name!r} is tagged `{tag}` but reads "
            f"`{to_human(rule.lhs, sig)} = {to_human(rule.rhs, sig)}`; the {engine} needs "
            f"`{shape}` there"
        )
    return rule
