"""Rules as data: a rule file (`rules/*.yaml`) parsed once into a frozen `RuleSet`.

A rule file has a `theory:` section (the signature and where its Lean theory lives) and a
`rules:` list. Each rule reads like the mathematics (`rule: a * (b + c) = a * b + a * c`) and
names the Lean axiom or theorem that proves it. Everything is validated on load; errors name
the file, the line, the rule and what is wrong.
"""

from __future__ import annotations

import string
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from rpsdg_formal.errors import ExprSyntaxError, RuleSpecError
from rpsdg_formal.terms.expr import Expr, variables
from rpsdg_formal.terms.parse import parse_equation, parse_expr
from rpsdg_formal.terms.signature import is_lean_ident
from rpsdg_formal.theory import numerals
from rpsdg_formal.theory.numerals import Evaluation
from rpsdg_formal.theory.section import Theory, theory_section
from rpsdg_formal.theory.yamlfile import YamlFile, compose, line_of

RESERVED_VARIABLES = frozenset({"rpsdg_hole", "rpsdg_hole2", "rpsdg_goal"})
"""Names the emitter uses itself; no rule or theorem variable may take them."""


@dataclass(frozen=True)
class Condition:
    """A side condition: `lhs != rhs` (relation "ne", the only one a rule may state), or, in an
    axiom read for the audit, `positive(lhs)` (relation "pos"; `rhs` is `lhs`)."""

    lhs: Expr
    rhs: Expr
    relation: str = "ne"


@dataclass(frozen=True)
class Rule:
    """One rewrite rule `lhs = rhs`, proven in Lean by `lean_name` applied to `variables`.

    With `conditions`, the Lean declaration takes one `Ne` hypothesis per condition after the
    variables. `introduces` lists the variables that occur on one side only: reading the rule
    towards that side, the walk must choose a value for them. With `evaluate`, the variables
    range over numerals and each instance is proven by a generated term (see `numerals`).
    """

    name: str
    lhs: Expr
    rhs: Expr
    variables: tuple[str, ...]
    lean_name: str
    tags: tuple[str, ...]
    line: int
    conditions: tuple[Condition, ...] = ()
    introduces: tuple[str, ...] = ()
    evaluate: Evaluation | None = None  # numeral-only rule, each instance proven by a term
    explain: str = ""  # the step in words, integration direction; `{a}` is variable a

    def side(self, reverse: bool) -> tuple[Expr, Expr]:
        """(pattern, replacement) for applying the rule forward or in reverse."""
        return (self.rhs, self.lhs) if reverse else (self.lhs, self.rhs)


@dataclass(frozen=True)
class RuleProblem:
    """A rule entry that could not be loaded, and why (reported by the audit)."""

    name: str
    line: int
    message: str


@dataclass(frozen=True)
class RuleSet:
    """A theory and its rules, as loaded from one rule file."""

    path: Path
    theory: Theory
    rules: tuple[Rule, ...]

    def by_name(self, name: str) -> Rule:
        for rule in self.rules:
            if rule.name == name:
                return rule
        raise KeyError(name)


# --- rules ------------------------------------------------------------------------------------

_RULE_KEYS = {
    "name",
    "rule",
    "lean",
    "vars",
    "tags",
    "when",
    "introduces",
    "evaluate",
    "explain",
}


def _condition(f: YamlFile, theory: Theory, name: str, text: str, line: int) -> Condition:
    if text.count("!=") != 1:
        raise f.error(
            line,
            f"rule {name!r}: side condition {text!r} must have the form `x != y` "
            "(the only relation the theory can state)",
        )
    left, right = text.split("!=")
    try:
        return Condition(parse_expr(left, theory.signature), parse_expr(right, theory.signature))
    except ExprSyntaxError as err:
        raise f.error(line, f"rule {name!r}: side condition {text!r}: {err}") from err


Entries = dict[str, tuple[yaml.Node, int]]


def _rule(f: YamlFile, theory: Theory, node: yaml.Node) -> Rule:
    line = line_of(node)
    entries = f.mapping(node, "each rule")
    unknown = set(entries) - _RULE_KEYS
    if unknown:
        raise f.error(line, f"unknown key(s) {sorted(unknown)}; a rule has {sorted(_RULE_KEYS)}")
    for key in ("name", "rule"):
        if key not in entries:
            raise f.error(line, f"a rule needs a {key!r}")
    name = f.ident(entries["name"][0], "rule name")
    text = f.string(entries["rule"][0], f"rule {name!r}")
    try:
        lhs, rhs = parse_equation(text, theory.signature)
    except ExprSyntaxError as err:
        raise f.error(entries["rule"][1], f"rule {name!r}: {err}") from err
    declared = _declared(f, theory, name, entries, line, variables(lhs) + variables(rhs))
    lean_name = f.ident(entries["lean"][0], "lean") if "lean" in entries else name
    evaluate = (
        _evaluation(f, theory, name, *entries["evaluate"], lhs, rhs)
        if "evaluate" in entries
        else None
    )
    if evaluate is None and theory.qualified(lean_name) is None:
        where = ", ".join(str(m.path) for m in theory.modules)
        raise f.error(
            entries["lean"][1] if "lean" in entries else line,
            f"rule {name!r} names Lean declaration {lean_name!r}, which is not declared in "
            f"{where}; prove it there or fix the name",
        )
    tags = f.strings(entries["tags"][0], "tags") if "tags" in entries else ()
    conditions = _conditions(f, theory, name, entries, declared)
    introduces: tuple[str, ...] = ()
    if "introduces" in entries:
        introduces = f.strings(entries["introduces"][0], "introduces")
        stray = sorted(set(introduces) - set(declared))
        if stray:
            raise f.error(
                entries["introduces"][1], f"rule {name!r}: introduces unknown variable(s) {stray}"
            )
    explain = _explain(f, name, entries, declared)
    return Rule(
        name, lhs, rhs, declared, lean_name, tags, line, conditions, introduces, evaluate, explain
    )


def _declared(
    f: YamlFile, theory: Theory, name: str, entries: Entries, line: int, seen: Sequence[str]
) -> tuple[str, ...]:
    """A rule's variables: its `vars:` list, which must name exactly the variables it uses,
    else those it uses, sorted; none may clash with the theory's names or Lean keywords."""
    used = sorted(set(seen))
    if "vars" in entries:
        declared = f.strings(entries["vars"][0], f"rule {name!r} vars")
        extra = sorted(set(used) - set(declared))
        if extra:
            raise f.error(
                entries["rule"][1],
                f"rule {name!r} uses variable(s) {extra} not listed in vars {list(declared)}",
            )
        unused = sorted(set(declared) - set(used))
        if unused:
            raise f.error(entries["vars"][1], f"rule {name!r} lists unused variable(s) {unused}")
        if len(set(declared)) != len(declared):
            raise f.error(entries["vars"][1], f"rule {name!r} lists a variable twice")
    else:
        declared = tuple(used)
    clashes = theory.signature.lean_names() | {theory.carrier} | RESERVED_VARIABLES
    for v in declared:
        if not is_lean_ident(v) or v in clashes:
            raise f.error(
                line, f"rule {name!r}: {v!r} cannot be a variable name (clash or keyword)"
            )
    return tuple(declared)


def _conditions(
    f: YamlFile, theory: Theory, name: str, entries: Entries, declared: Sequence[str]
) -> tuple[Condition, ...]:
    """The rule's `when:` side conditions (one or a list), over its own variables only."""
    if "when" not in entries:
        return ()
    node, when_line = entries["when"]
    texts = (
        (f.string(node, "when"),) if isinstance(node, yaml.ScalarNode) else f.strings(node, "when")
    )
    conditions = tuple(_condition(f, theory, name, t, when_line) for t in texts)
    for cond in conditions:
        stray = sorted(set(variables(cond.lhs) + variables(cond.rhs)) - set(declared))
        if stray:
            raise f.error(when_line, f"rule {name!r}: side condition uses unknown {stray}")
    return conditions


def _explain(f: YamlFile, name: str, entries: Entries, declared: Sequence[str]) -> str:
    """The rule's `explain:` words, whose `{a}` fields may name only the rule's variables."""
    if "explain" not in entries:
        return ""
    explain = f.string(entries["explain"][0], f"rule {name!r} explain")
    try:
        fields = {fld for _, fld, _, _ in string.Formatter().parse(explain) if fld is not None}
    except ValueError as err:
        raise f.error(entries["explain"][1], f"rule {name!r} explain: {err}") from None
    if not fields <= set(declared):
        raise f.error(
            entries["explain"][1],
            f"rule {name!r} explain uses {sorted(fields - set(declared))}, not variables "
            "of the rule (write {a} for variable a)",
        )
    return explain


def _evaluation(
    f: YamlFile, theory: Theory, name: str, node: yaml.Node, line: int, lhs: Expr, rhs: Expr
) -> Evaluation:
    """`evaluate: KIND` or `evaluate: {kind: KIND, lemmas: {role: LeanName, ...}}`."""
    if isinstance(node, yaml.ScalarNode):
        kind, lemma_nodes = f.string(node, "evaluate"), None
    else:
        entries = f.mapping(node, "evaluate")
        if "kind" not in entries:
            raise f.error(line, f"rule {name!r}: evaluate needs a 'kind'")
        kind = f.string(entries["kind"][0], "evaluate.kind")
        lemma_nodes = entries.get("lemmas")
    if kind not in numerals.ROLES:
        raise f.error(
            line, f"rule {name!r}: evaluate kind {kind!r} is not one of {sorted(numerals.ROLES)}"
        )
    if not numerals.shape_ok(kind, lhs, rhs):
        raise f.error(line, f"rule {name!r}: an {kind} rule must read {numerals.SHAPES[kind]}")
    lemmas = dict(numerals.DEFAULT_LEMMAS[kind])
    if lemma_nodes is not None:
        for role, (value, role_line) in f.mapping(lemma_nodes[0], "evaluate.lemmas").items():
            if role not in lemmas:
                raise f.error(
                    role_line,
                    f"rule {name!r}: unknown lemma role {role!r}; roles: {sorted(lemmas)}",
                )
            lemmas[role] = f.ident(value, f"lemma {role}")
    for role, lean in lemmas.items():
        if theory.qualified(lean) is None:
            raise f.error(
                line,
                f"rule {name!r}: lemma {lean!r} (role {role}) is not declared in the theory; "
                "prove it there or name another under evaluate.lemmas",
            )
    return numerals.Evaluation(kind, tuple(sorted(lemmas.items())))


def load_rules(path: str | Path) -> RuleSet:
    """Read and validate a rule file. Raises RuleSpecError with file and line on bad input."""
    rules, problems = load_rule_file(path)
    if problems:
        first = problems[0]
        raise RuleSpecError(str(rules.path), first.line, first.message)
    return rules


def load_rule_file(path: str | Path) -> tuple[RuleSet, tuple[RuleProblem, ...]]:
    """Read a rule file, keeping going past bad rules: the good rules and the problems.

    A problem with the file as a whole (YAML, the theory section) still raises RuleSpecError.
    """
    path = Path(path)
    f = YamlFile(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as err:
        raise f.error(None, f"cannot read the rule file: {err.strerror or err}") from err
    try:
        root = compose(text)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(err, "problem", None) or str(err)
        raise f.error(line, f"malformed YAML: {problem}") from err
    if root is None:
        raise f.error(None, "the rule file is empty; it needs 'theory:' and 'rules:' sections")
    top = f.mapping(root, "the rule file")
    for key in ("theory", "rules"):
        if key not in top:
            raise f.error(1, f"the rule file needs a top-level {key!r} section")
    theory = theory_section(f, *top["theory"])
    rules_node, rules_line = top["rules"]
    if not isinstance(rules_node, yaml.SequenceNode) or not rules_node.value:
        raise f.error(rules_line, "'rules' must be a non-empty list")
    rules: list[Rule] = []
    problems: list[RuleProblem] = []
    seen: dict[str, int] = {}
    for node in rules_node.value:
        try:
            rule = _rule(f, theory, node)
        except RuleSpecError as err:
            problems.append(RuleProblem(_entry_name(node), err.line or line_of(node), err.what))
            continue
        if rule.name in seen:
            what = f"rule name {rule.name!r} already used on line {seen[rule.name]}"
            problems.append(RuleProblem(rule.name, rule.line, what))
            continue
        seen[rule.name] = rule.line
        rules.append(rule)
    return RuleSet(path, theory, tuple(rules)), tuple(problems)


def _entry_name(node: yaml.Node) -> str:
    """The `name:` of a rule entry, for reporting a rule that failed to load."""
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if key.value == "name" and isinstance(value, yaml.ScalarNode):
                return str(value.value)
    return "?"
