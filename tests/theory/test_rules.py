"""Rule files: the shipped field rules load and resolve; bad rule files fail with file and line."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from rpsdg_formal.errors import RuleSpecError
from rpsdg_formal.terms.expr import app, var, variables
from rpsdg_formal.terms.signature import is_lean_ident
from rpsdg_formal.theory.catalogue import lean_dir, rules_path
from rpsdg_formal.theory.rules import RuleSet, load_rules

FIELD_YAML = rules_path("field")
LEAN_DIR = lean_dir()


@pytest.fixture(scope="module")
def field() -> RuleSet:
    return load_rules(FIELD_YAML)


def _theory_section() -> str:
    """The `theory:` section of field.yaml, with `lean_dir` made absolute."""
    text = FIELD_YAML.read_text(encoding="utf-8")
    section = text[text.index("\ntheory:") + 1 : text.index("\nrules:") + 1]
    section, count = re.subn(
        r"^  lean_dir: .*$", f"  lean_dir: {json.dumps(str(LEAN_DIR))}", section, flags=re.M
    )
    assert count == 1
    return section


def _write(tmp_path: Path, rules: str, *, with_theory: bool = True) -> Path:
    path = tmp_path / "my_rules.yaml"
    path.write_text((_theory_section() if with_theory else "") + rules, encoding="utf-8")
    return path


def _load_error(path: Path) -> RuleSpecError:
    with pytest.raises(RuleSpecError) as info:
        load_rules(path)
    err = info.value
    assert isinstance(err, ValueError)
    assert str(path) in str(err)
    return err


def _line_of(path: Path, fragment: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    (index,) = [i for i, line in enumerate(lines) if fragment in line]
    return index + 1


# --- the shipped field rules --------------------------------------------------------------------


def test_field_rules_load(field: RuleSet) -> None:
    assert len(field.rules) >= 30
    assert field.theory.name == "field"
    assert field.theory.signature.names() == {"add", "sub", "mul", "div", "neg", "inv"}


def test_rule_names_are_unique(field: RuleSet) -> None:
    names = [rule.name for rule in field.rules]
    assert len(names) == len(set(names))


def test_every_lean_name_resolves(field: RuleSet) -> None:
    for rule in field.rules:
        qualified = field.theory.qualified(rule.lean_name)
        assert qualified is not None, rule.name
        assert qualified in field.theory.declarations
        assert qualified.endswith("." + rule.lean_name)


def test_rule_variables_are_those_of_the_equation(field: RuleSet) -> None:
    for rule in field.rules:
        used = set(variables(rule.lhs)) | set(variables(rule.rhs))
        assert set(rule.variables) == used, rule.name
        assert len(rule.variables) == len(used), rule.name


def test_theory_axioms(field: RuleSet) -> None:
    axioms = field.theory.axioms
    for name in ("add_comm", "add_assoc", "mul_comm", "left_distrib", "inv_zero"):
        assert f"RpsdgFormal.Field.{name}" in axioms
    # Derived laws are theorems, not axioms; every axiom is also a declaration.
    assert "RpsdgFormal.Field.add_zero" in field.theory.declarations
    assert "RpsdgFormal.Field.add_zero" not in axioms
    assert axioms <= field.theory.declarations


def test_unknown_names_do_not_resolve(field: RuleSet) -> None:
    assert field.theory.qualified("no_such_theorem") is None
    with pytest.raises(KeyError):
        field.by_name("no_such_rule")


def test_rule_content(field: RuleSet) -> None:
    rule = field.by_name("left_distrib")
    a, b, c = var("a"), var("b"), var("c")
    assert rule.lhs is app("mul", a, app("add", b, c))
    assert rule.rhs is app("add", app("mul", a, b), app("mul", a, c))
    assert rule.variables == ("a", "b", "c")
    assert rule.side(False) == (rule.lhs, rule.rhs)
    assert rule.side(True) == (rule.rhs, rule.lhs)
    assert rule.line == _line_of(FIELD_YAML, "name: left_distrib,")


# --- a minimal valid file (the error cases below differ from it in one thing) ------------------


def test_minimal_file_with_copied_theory_loads(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        'rules:\n  - {name: add_comm, rule: "a + b = b + a", vars: [a, b]}\n'
        '  - {name: swap, rule: "x * y = y * x", lean: mul_comm}\n',
    )
    loaded = load_rules(path)
    assert [r.name for r in loaded.rules] == ["add_comm", "swap"]
    assert loaded.by_name("swap").lean_name == "mul_comm"
    assert loaded.theory.lean_dir == LEAN_DIR


# --- error cases --------------------------------------------------------------------------------


def test_malformed_yaml(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        'rules:\n  - {name: add_comm, rule: "a + b = b + a"}\n'
        '  - {name: mul_comm, rule: "a * b = b * a"]\n',
    )
    err = _load_error(path)
    line = _line_of(path, "name: mul_comm")
    assert err.line == line
    assert f"{path}:{line}:" in str(err)
    assert "malformed YAML" in str(err)


@pytest.mark.parametrize(
    ("entry", "words"),
    [
        (
            '{name: add_comm, rule: "a + d = d + a", vars: [a, b]}',
            ["uses variable(s) ['d'] not listed in vars"],
        ),
        (
            '{name: add_comm, rule: "a + b = b + a", lean: add_comm_nope}',
            ["'add_comm_nope'", "not declared"],
        ),
        # without `lean:`, the rule's name is its Lean name
        ('{name: plus_swaps, rule: "a + b = b + a"}', ["'plus_swaps'", "not declared"]),
        (
            '{name: add_comm, rule: "a + = b + a"}',
            ["rule 'add_comm'", "expected an expression, found end of input"],
        ),
        ('{name: add_comm, rule: "a + b = b + $a"}', ["unexpected character '$' at column 13"]),
        ('{name: add_comm, rule: "a + b"}', ["exactly one '='"]),
        ('{name: add_comm, rule: "R + b = b + R"}', ["'R' cannot be a variable name"]),
        ('{name: add_comm, rule: "one + b = b + one"}', ["'one' cannot be a variable name"]),
        # `$` in a pattern also matches before a final newline: the name must end where it ends
        (
            '{name: add_comm, rule: "a + b = b + a", lean: "add_comm\\n"}',
            ["'add_comm\\n' is not a valid Lean identifier"],
        ),
    ],
    ids=[
        "variable-not-in-vars",
        "unknown-lean-theorem",
        "name-defaults-to-lean-name",
        "unparsable-equation",
        "unparsable-right-side",
        "no-equals",
        "carrier-as-variable",
        "lean-constant-as-variable",
        "lean-name-with-a-final-newline",
    ],
)
def test_a_bad_rule_is_refused_naming_it_and_its_line(
    tmp_path: Path, entry: str, words: list[str]
) -> None:
    path = _write(tmp_path, f"rules:\n  - {entry}\n")
    err = _load_error(path)
    assert err.line == _line_of(path, "{name: ")
    for word in words:
        assert word in str(err)


def test_duplicate_rule_name(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        'rules:\n  - {name: add_comm, rule: "a + b = b + a"}\n'
        '  - {name: mul_comm, rule: "a * b = b * a"}\n'
        '  - {name: add_comm, rule: "b + a = a + b"}\n',
    )
    err = _load_error(path)
    first = _line_of(path, 'rule: "a + b = b + a"')
    second = _line_of(path, 'rule: "b + a = a + b"')
    assert err.line == second
    assert f"rule name 'add_comm' already used on line {first}" in str(err)


def test_missing_rules_section(tmp_path: Path) -> None:
    err = _load_error(_write(tmp_path, ""))
    assert "top-level 'rules' section" in str(err)


def test_empty_rules_list(tmp_path: Path) -> None:
    err = _load_error(_write(tmp_path, "rules: []\n"))
    assert "non-empty list" in str(err)


def test_missing_theory_section(tmp_path: Path) -> None:
    rules = 'rules:\n  - {name: add_comm, rule: "a + b = b + a"}\n'
    path = _write(tmp_path, rules, with_theory=False)
    err = _load_error(path)
    assert "top-level 'theory' section" in str(err)


def test_wrong_lean_dir(tmp_path: Path) -> None:
    path = tmp_path / "my_rules.yaml"
    path.write_text(
        _theory_section().replace(json.dumps(str(LEAN_DIR)), json.dumps(str(tmp_path / "nowhere")))
        + 'rules:\n  - {name: add_comm, rule: "a + b = b + a"}\n',
        encoding="utf-8",
    )
    err = _load_error(path)
    assert "RpsdgFormal.Field not found" in str(err)
    assert "lean_dir" in str(err)


def test_missing_file(tmp_path: Path) -> None:
    err = _load_error(tmp_path / "absent.yaml")
    assert "cannot read" in str(err)
    assert err.line is None


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("model: sub,", 'sympy: "{0} - ({1})",', "replace it with `model: sub`"),
        ("model: div,", 'model: div, plain: "({0}) / ({1})",', "the `plain:` plain SymPy"),
        ("model: mul,", "model: times,", "model 'times' is not a registry entry"),
        ("model: mul,", "", "operator 'mul' needs a 'model'"),
    ],
)
def test_the_model_is_named_from_the_registry_never_defined(
    tmp_path: Path, old: str, new: str, message: str
) -> None:
    path = _write(tmp_path, 'rules:\n  - {name: add_comm, rule: "a + b = b + a"}\n')
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    err = _load_error(path)
    assert message in str(err)
    fragment = new or "mul: {"
    assert err.line == _line_of(path, fragment)


# --- the Mathlib carrier ------------------------------------------------------------------------


def test_the_mathlib_carrier_defaults_to_the_reals(field: RuleSet) -> None:
    assert field.theory.mathlib_carrier == "ℝ"


def test_a_rule_file_can_name_its_mathlib_carrier(tmp_path: Path) -> None:
    path = tmp_path / "my_rules.yaml"
    section = _theory_section().replace("  carrier: R\n", "  carrier: R\n  mathlib_carrier: ℂ\n")
    path.write_text(section + 'rules:\n  - {name: add_comm, rule: "a + b = b + a"}\n', "utf-8")
    assert load_rules(path).theory.mathlib_carrier == "ℂ"


def test_a_mathlib_carrier_that_is_no_lean_type_is_refused_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "my_rules.yaml"
    bad = '  mathlib_carrier: "ℝ) → False"\n'
    section = _theory_section().replace("  carrier: R\n", "  carrier: R\n" + bad)
    path.write_text(section + 'rules:\n  - {name: add_comm, rule: "a + b = b + a"}\n', "utf-8")
    err = _load_error(path)
    assert "mathlib_carrier" in str(err) and "nor a Lean identifier" in str(err)
    assert err.line == _line_of(path, "mathlib_carrier")


@pytest.mark.parametrize("name", ["add_comm\n", "Field.add_comm\n", "add_comm\n\n", "\nadd_comm"])
def test_a_lean_name_ends_where_its_text_ends(name: str) -> None:
    """A name with a line break around it is no identifier (a rule file's text reaches Lean
    files and the audit's probe file, one name a line)."""
    assert not is_lean_ident(name)
    assert is_lean_ident(name.strip())
