"""Rules by the role an engine gives them, declared with tags in the rule file.

The differentiation, equation and system engines name no rule in Python: a rule file tags the
rule that plays each role (`assoc`, `undo-add`, `arithmetic`, …), and a missing or doubled role
is a ConfigError naming the file and the tag, before anything is generated.
"""

from __future__ import annotations

from rpsdg_formal.errors import ConfigError
from rpsdg_formal.theory.rules import Rule, RuleSet


def tagged(rules: RuleSet, tag: str) -> tuple[Rule, ...]:
    """Every rule of `rules` tagged `tag`, in file order."""
    return tuple(r for r in rules.rules if tag in r.tags)


def role(rules: RuleSet, tag: str, engine: str, shape: str) -> Rule:
    """The one rule tagged `tag`; raises ConfigError naming the file, the tag and the `shape`
    the `engine` expects (`a * b * c = a * (b * c)`) when there is none, or more than one."""
    found = tagged(rules, tag)
    if len(found) != 1:
        which = "no rule is" if not found else f"{len(found)} rules ({found[0].name}, …) are"
        raise ConfigError(
            f"{rules.path}: {which} tagged `{tag}`; the {engine} needs exactly one, a rule "
            f"{shape}: add `{tag}` to its tags"
        )
    return found[0]
