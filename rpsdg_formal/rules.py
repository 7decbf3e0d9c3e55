"""Rules as data: a rule file (`rules/*.yaml`) parsed once into a frozen `RuleSet`.

A rule file has a `theory:` section (the signature and where its Lean theory lives) and a
`rules:` list. Each rule reads like the mathematics (`rule: a * (b + c) = a * b + a * c`) and
names the Lean axiom or theorem that proves it. Everything is validated on load; errors name
the file, the line, the rule and what is wrong.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from . import numerals
from .errors import ExprSyntaxError, RuleSpecError
from .expr import Expr, variables
from .numerals import Evaluation
from .parse import parse_equation, parse_expr
from .signature import ARITY, Fixity, Numerals, Operator, Signature, is_lean_ident
from .theory import Theory, module_closure, scan_modules

RESERVED_VARIABLES = frozenset({"rpsdg_hole"})
"""Names the emitter uses itself; no rule or theorem variable may take them."""


@dataclass(frozen=True)
class Condition:
    """A side condition `lhs != rhs` (the only relation the field theory can state: `Ne`)."""

    lhs: Expr
    rhs: Expr


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


# --- YAML with line numbers -------------------------------------------------------------------


def _plain(node: yaml.Node) -> Any:
    """A YAML node as plain Python data (mappings, lists, strings, ints, bools)."""
    if isinstance(node, yaml.MappingNode):
        return {_plain(k): _plain(v) for k, v in node.value}
    if isinstance(node, yaml.SequenceNode):
        return [_plain(v) for v in node.value]
    tag = str(node.tag).rsplit(":", 1)[-1]
    if tag == "int":
        return int(node.value)
    if tag == "bool":
        return str(node.value).lower() in ("true", "yes", "on")
    if tag == "null":
        return None
    return str(node.value)


def _line(node: yaml.Node) -> int:
    return int(node.start_mark.line) + 1


def _entries(node: yaml.Node) -> dict[str, tuple[yaml.Node, int]]:
    assert isinstance(node, yaml.MappingNode)
    return {str(k.value): (v, _line(k)) for k, v in node.value}


class _File:
    """Reports errors against one rule file."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def error(self, line: int | None, what: str) -> RuleSpecError:
        return RuleSpecError(str(self.path), line, what)

    def mapping(self, node: yaml.Node, what: str) -> dict[str, tuple[yaml.Node, int]]:
        if not isinstance(node, yaml.MappingNode):
            raise self.error(_line(node), f"{what} must be a mapping (key: value lines)")
        return _entries(node)

    def string(self, node: yaml.Node, what: str) -> str:
        value = _plain(node)
        if not isinstance(value, (str, int)) or isinstance(value, bool):
            raise self.error(_line(node), f"{what} must be a string, got {value!r}")
        return str(value)

    def strings(self, node: yaml.Node, what: str) -> tuple[str, ...]:
        value = _plain(node)
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.error(_line(node), f"{what} must be a list of strings, got {value!r}")
        return tuple(value)

    def ident(self, node: yaml.Node, what: str) -> str:
        value = self.string(node, what)
        if not is_lean_ident(value):
            raise self.error(
                _line(node),
                f"{what} {value!r} is not a valid Lean identifier "
                "(ASCII letters, digits, '_', dot-separated parts, not a keyword)",
            )
        return value


# --- the theory section -----------------------------------------------------------------------

_OPERATOR_KEYS = {
    "symbol",
    "fixity",
    "precedence",
    "lean",
    "lean_symbol",
    "sympy",
    "latex",
    "arity",
    "plain",
}


def _operator(f: _File, name: str, node: yaml.Node, line: int) -> Operator:
    entries = f.mapping(node, f"operator {name!r}")
    unknown = set(entries) - _OPERATOR_KEYS
    if unknown:
        raise f.error(line, f"operator {name!r}: unknown key(s) {sorted(unknown)}")
    for key in ("symbol", "fixity", "lean", "sympy", "latex"):
        if key not in entries:
            raise f.error(line, f"operator {name!r} needs a {key!r}")
    fixity_text = f.string(entries["fixity"][0], "fixity")
    try:
        fixity = Fixity(fixity_text)
    except ValueError:
        choices = ", ".join(x.value for x in Fixity)
        raise f.error(
            entries["fixity"][1], f"fixity {fixity_text!r} is not one of {choices}"
        ) from None
    arity = ARITY.get(fixity)
    if arity is None:
        arity = int(f.string(entries["arity"][0], "arity")) if "arity" in entries else 1
    precedence = (
        int(f.string(entries["precedence"][0], "precedence")) if "precedence" in entries else 0
    )
    symbol = f.string(entries["symbol"][0], "symbol")
    if fixity is Fixity.FUNCTION and not is_lean_ident(symbol):
        raise f.error(
            line, f"function operator {name!r} needs an identifier symbol, got {symbol!r}"
        )
    return Operator(
        name=name,
        symbol=symbol,
        fixity=fixity,
        arity=arity,
        precedence=precedence,
        lean=f.ident(entries["lean"][0], f"operator {name!r} lean name"),
        lean_symbol=f.string(entries["lean_symbol"][0], "lean_symbol")
        if "lean_symbol" in entries
        else symbol,
        sympy=f.string(entries["sympy"][0], "sympy"),
        latex=f.string(entries["latex"][0], "latex"),
        plain=f.string(entries["plain"][0], "plain") if "plain" in entries else "",
    )


def _lean_dirs(f: _File, entry: tuple[yaml.Node, int] | None) -> tuple[Path, ...]:
    """`theory.lean_dir`: one folder or a list, relative to the rule file (default ../lean)."""
    if entry is None:
        texts: tuple[str, ...] = ("../lean",)
    elif isinstance(entry[0], yaml.SequenceNode):
        texts = f.strings(entry[0], "lean_dir")
    else:
        texts = (f.string(entry[0], "lean_dir"),)
    if not texts:
        raise f.error(entry[1] if entry else None, "lean_dir must name at least one folder")
    return tuple((f.path.parent / t).resolve() for t in texts)


def _theory(f: _File, node: yaml.Node, line: int) -> Theory:
    entries = f.mapping(node, "theory")
    for key in ("name", "lean_module", "lean_namespace", "carrier", "numerals", "operators"):
        if key not in entries:
            raise f.error(line, f"the theory section needs a {key!r} entry")
    ops_node = entries["operators"][0]
    ops = tuple(
        _operator(f, name, op_node, op_line)
        for name, (op_node, op_line) in f.mapping(ops_node, "operators").items()
    )
    nums = {
        k: f.ident(v, f"numerals.{k}")
        for k, (v, _) in f.mapping(entries["numerals"][0], "numerals").items()
    }
    if set(nums) != {"zero", "one", "bit0", "bit1"}:
        raise f.error(entries["numerals"][1], "numerals needs exactly zero, one, bit0 and bit1")
    signature = Signature(ops, Numerals(**nums))
    lean_dirs = _lean_dirs(f, entries.get("lean_dir"))
    lean_dir = lean_dirs[0]
    module = f.ident(entries["lean_module"][0], "lean_module")
    try:
        modules = module_closure(lean_dirs, module)
    except FileNotFoundError as err:
        raise f.error(entries["lean_module"][1], f"{err} (set theory.lean_dir)") from err
    declarations, axioms = scan_modules(modules)
    model_variable = _model_variable(f, signature, entries.get("model"))
    theory = Theory(
        name=f.ident(entries["name"][0], "theory name"),
        signature=signature,
        carrier=f.ident(entries["carrier"][0], "carrier"),
        lean_module=module,
        lean_namespace=f.ident(entries["lean_namespace"][0], "lean_namespace"),
        lean_dir=lean_dir,
        modules=modules,
        declarations=declarations,
        axioms=axioms,
        model_variable=model_variable,
    )
    for const in sorted(signature.lean_names() | {theory.carrier}):
        if theory.qualified(const) is None:
            raise f.error(
                line, f"the theory uses Lean constant {const!r}, not declared in {module}"
            )
    return theory


def _model_variable(
    f: _File, signature: Signature, entry: tuple[yaml.Node, int] | None
) -> str | None:
    """`theory.model: {functions_of: x}`: variables mean functions of the constant `x`."""
    if entry is None:
        return None
    entries = f.mapping(entry[0], "model")
    unknown = set(entries) - {"functions_of"}
    if unknown or "functions_of" not in entries:
        raise f.error(entry[1], "model must read {functions_of: NAME} (a constant operator)")
    name = f.string(entries["functions_of"][0], "model.functions_of")
    constant = signature.constant(name)
    if constant is None:
        raise f.error(entry[1], f"model.functions_of: {name!r} is not a constant operator")
    return constant.name


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


def _condition(f: _File, theory: Theory, name: str, text: str, line: int) -> Condition:
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


def _rule(f: _File, theory: Theory, node: yaml.Node) -> Rule:
    line = _line(node)
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
    used = sorted(set(variables(lhs)) | set(variables(rhs)))
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
    conditions: tuple[Condition, ...] = ()
    if "when" in entries:
        node, when_line = entries["when"]
        texts = (
            (f.string(node, "when"),)
            if isinstance(node, yaml.ScalarNode)
            else f.strings(node, "when")
        )
        conditions = tuple(_condition(f, theory, name, t, when_line) for t in texts)
        for cond in conditions:
            stray = sorted(set(variables(cond.lhs) + variables(cond.rhs)) - set(declared))
            if stray:
                raise f.error(when_line, f"rule {name!r}: side condition uses unknown {stray}")
    introduces: tuple[str, ...] = ()
    if "introduces" in entries:
        introduces = f.strings(entries["introduces"][0], "introduces")
        stray = sorted(set(introduces) - set(declared))
        if stray:
            raise f.error(
                entries["introduces"][1], f"rule {name!r}: introduces unknown variable(s) {stray}"
            )
    explain = ""
    if "explain" in entries:
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
    return Rule(
        name, lhs, rhs, declared, lean_name, tags, line, conditions, introduces, evaluate, explain
    )


def _evaluation(
    f: _File, theory: Theory, name: str, node: yaml.Node, line: int, lhs: Expr, rhs: Expr
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
    f = _File(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as err:
        raise f.error(None, f"cannot read the rule file: {err.strerror or err}") from err
    try:
        root = yaml.compose(text)
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
    theory = _theory(f, *top["theory"])
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
            problems.append(RuleProblem(_entry_name(node), err.line or _line(node), err.what))
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
