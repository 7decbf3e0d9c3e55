"""Parser and printers over the field signature: round trips, precedence, kernel, LaTeX, SymPy."""

from __future__ import annotations

import dataclasses

import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from rpsdg_formal.errors import ExprSyntaxError
from rpsdg_formal.terms.expr import Expr, app, num, var
from rpsdg_formal.terms.parse import (
    parse_equation,
    parse_expr,
    parse_lean_equation,
    parse_lean_expr,
)
from rpsdg_formal.terms.printers import (
    numeral_to_kernel,
    to_human,
    to_kernel,
    to_latex,
    to_lean,
    to_sympy,
)
from rpsdg_formal.theory.catalogue import rules_path
from rpsdg_formal.theory.rules import load_rules

FIELD_YAML = rules_path("field")
SIG = load_rules(FIELD_YAML).theory.signature

a, b, c = var("a"), var("b"), var("c")

BINARY = ("add", "sub", "mul", "div")
UNARY = ("neg", "inv")

field_exprs = st.recursive(
    st.sampled_from(["a", "b", "c", "x", "y"]).map(var) | st.integers(0, 20).map(num),
    lambda kids: (
        st.builds(app, st.sampled_from(UNARY), kids)
        | st.builds(app, st.sampled_from(BINARY), kids, kids)
    ),
    max_leaves=16,
)


def parse(text: str) -> Expr:
    return parse_expr(text, SIG)


# --- round trips --------------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(field_exprs)
def test_human_round_trip(e: Expr) -> None:
    text = to_human(e, SIG)
    assert parse(text) is e
    assert "--" not in text  # a Lean line comment


@settings(max_examples=300, deadline=None)
@given(field_exprs)
def test_lean_round_trip(e: Expr) -> None:
    text = to_lean(e, SIG)
    assert parse(text) is e
    assert text == to_human(e, SIG)  # the field's Lean symbols are its human symbols


def _paren_pairs(text: str) -> list[tuple[int, int]]:
    stack: list[int] = []
    pairs = []
    for i, ch in enumerate(text):
        if ch == "(":
            stack.append(i)
        elif ch == ")":
            pairs.append((stack.pop(), i))
    assert not stack
    return pairs


@settings(max_examples=200, deadline=None)
@given(field_exprs)
def test_every_printed_parenthesis_pair_is_needed(e: Expr) -> None:
    """Dropping any one pair changes the tree, fails to parse, or would print '--' or stack two
    postfix symbols (`(a⁻¹)⁻¹` on purpose: stacked powers `x^2^3` would read as x^(2^3))."""
    text = to_human(e, SIG)
    for open_, close in _paren_pairs(text):
        shorter = text[:open_] + text[open_ + 1 : close] + text[close + 1 :]
        if "--" in shorter or "⁻¹⁻¹" in shorter:
            continue
        try:
            reparsed = parse(shorter)
        except ExprSyntaxError:
            continue
        assert reparsed is not e, f"parentheses at {open_} in {text!r} are redundant"


# --- precedence and associativity ---------------------------------------------------------------


def test_right_nested_subtraction_keeps_its_parentheses() -> None:
    e = parse("a - (b - c)")
    assert e is app("sub", a, app("sub", b, c))
    assert to_human(e, SIG) == "a - (b - c)"


def test_subtraction_is_left_associative() -> None:
    e = parse("a - b - c")
    assert e is app("sub", app("sub", a, b), c)
    assert to_human(e, SIG) == "a - b - c"
    assert to_human(parse("(a - b) - c"), SIG) == "a - b - c"


def test_division_is_left_associative() -> None:
    assert parse("a / b / c") is app("div", app("div", a, b), c)
    assert parse("a / b * c") is app("mul", app("div", a, b), c)
    assert to_human(app("div", a, app("mul", b, c)), SIG) == "a / (b * c)"


def test_double_negation_keeps_parentheses() -> None:
    e = app("neg", app("neg", a))
    assert to_human(e, SIG) == "-(-a)"
    assert to_lean(e, SIG) == "-(-a)"
    assert parse("-(-a)") is e
    assert to_human(app("sub", a, app("neg", app("neg", b))), SIG) == "a - -(-b)"


def test_inverse_of_negation() -> None:
    e = app("inv", app("neg", a))
    assert to_human(e, SIG) == "(-a)⁻¹"
    assert parse("(-a)⁻¹") is e
    assert parse("-a⁻¹") is app("neg", app("inv", a))
    assert to_human(app("neg", app("inv", a)), SIG) == "-a⁻¹"


def test_negation_binds_tighter_than_multiplication() -> None:
    assert parse("-a * b") is app("mul", app("neg", a), b)
    assert to_human(app("neg", app("mul", a, b)), SIG) == "-(a * b)"
    assert parse("a * -b") is app("mul", a, app("neg", b))
    assert to_human(app("mul", a, app("neg", b)), SIG) == "a * -b"


def test_multiplication_binds_tighter_than_addition() -> None:
    assert parse("a + b * c") is app("add", a, app("mul", b, c))
    assert to_human(parse("((a)) + (b * c)"), SIG) == "a + b * c"
    assert to_human(app("mul", app("add", a, b), c), SIG) == "(a + b) * c"


def test_negative_numeral_is_neg_of_a_numeral() -> None:
    assert parse("-3") is app("neg", num(3))
    assert parse("2 - 3") is app("sub", num(2), num(3))


def test_parse_equation() -> None:
    assert parse_equation("a * (b + c) = a * b + a * c", SIG) == (
        app("mul", a, app("add", b, c)),
        app("add", app("mul", a, b), app("mul", a, c)),
    )


# --- kernel syntax ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0, "zero"),
        (1, "one"),
        (2, "bit0 one"),
        (3, "bit1 one"),
        (4, "bit0 (bit0 one)"),
        (5, "bit1 (bit0 one)"),
        (6, "bit0 (bit1 one)"),
        (13, "bit1 (bit0 (bit1 one))"),
    ],
)
def test_kernel_numerals(value: int, text: str) -> None:
    assert to_kernel(num(value), SIG) == text


def _eval_kernel_numeral(text: str) -> int:
    """Evaluate `zero`/`one`/`bit0 t`/`bit1 t` with their Field.lean meanings."""
    tokens = text.replace("(", " ( ").replace(")", " ) ").split()
    pos = 0

    def term() -> int:
        nonlocal pos
        token = tokens[pos]
        pos += 1
        if token == "(":
            value = term()
            assert tokens[pos] == ")"
            pos += 1
            return value
        if token in ("bit0", "bit1"):
            return 2 * term() + (token == "bit1")
        return {"zero": 0, "one": 1}[token]

    value = term()
    assert pos == len(tokens), text
    return value


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 10**6))
def test_kernel_numerals_denote_their_value(value: int) -> None:
    assert _eval_kernel_numeral(numeral_to_kernel(value, SIG.numerals)) == value


def test_kernel_application() -> None:
    assert to_kernel(app("add", app("mul", a, b), app("neg", c)), SIG) == "add (mul a b) (neg c)"
    assert to_kernel(parse("2 * a + 1"), SIG) == "add (mul (bit0 one) a) one"
    assert to_kernel(parse("0⁻¹ - a / b"), SIG) == "sub (inv zero) (div a b)"


# --- LaTeX and SymPy ----------------------------------------------------------------------------


def test_latex_fraction() -> None:
    assert to_latex(parse("a / b"), SIG) == r"\frac{a}{b}"
    assert to_latex(parse("(a + b) / c"), SIG) == r"\frac{a + b}{c}"


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("(2 + 3) * 4", 20),
        ("2 + 3 * 4", 14),
        ("10 - (3 - 1)", 8),
        ("-(2 - 5)", 3),
        ("1 / 2 - 3⁻¹", sympy.Rational(1, 6)),
    ],
)
def test_sympy_of_numeric_expression(text: str, value: int | sympy.Rational) -> None:
    assert to_sympy(parse(text), SIG) == value


def test_sympy_with_variables() -> None:
    result = to_sympy(parse("a * (b - c)"), SIG)
    sa, sb, sc = sympy.symbols("a b c")
    assert sympy.expand(result - (sa * sb - sa * sc)) == 0


# --- syntax errors ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "column", "words"),
    [
        ("(a + b", 6, "expected ')'"),
        ("a + b)", 5, "unexpected ')'"),
        ("a +", 3, "end of input"),
        ("a * / b", 4, "'/' cannot start"),
        ("a $ b", 2, "unexpected character '$'"),
        ("foo(x)", 0, "unknown function 'foo'"),
    ],
)
def test_parse_errors_carry_a_column(text: str, column: int, words: str) -> None:
    with pytest.raises(ExprSyntaxError) as info:
        parse(text)
    assert info.value.column == column
    assert words in info.value.reason
    assert f"at column {column + 1}" in str(info.value)
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize(
    ("text", "column"),
    [
        ("a + b", 5),  # no '=': points at the end
        ("a = b = c", 6),  # two '=': points at the second
    ],
)
def test_equation_needs_exactly_one_equals(text: str, column: int) -> None:
    with pytest.raises(ExprSyntaxError) as info:
        parse_equation(text, SIG)
    assert info.value.column == column
    assert "exactly one '='" in info.value.reason


def test_equation_error_column_counts_from_the_whole_equation() -> None:
    with pytest.raises(ExprSyntaxError) as info:
        parse_equation("a = b + * c", SIG)
    assert info.value.column == 8
    assert info.value.text == "a = b + * c"


def test_a_lean_reading_is_remembered_per_signature_and_carrier() -> None:
    # the parser's table (symbols, operators, texts read) belongs to one signature and carrier:
    # a signature that writes `*` as `⬝` reads `x ⬝ y`, and the shipped one still refuses it
    shipped = SIG
    dotted = dataclasses.replace(
        shipped,
        operators=tuple(
            dataclasses.replace(op, lean_symbol=" ⬝ ") if op.name == "mul" else op
            for op in shipped.operators
        ),
    )
    for _ in range(2):  # the second round is answered from what was read in the first
        assert parse_lean_expr("x ⬝ y", dotted, "ℝ") is app("mul", var("x"), var("y"))
        assert parse_lean_expr("x * y", shipped, "ℝ") is app("mul", var("x"), var("y"))
        with pytest.raises(ExprSyntaxError):
            parse_lean_expr("x ⬝ y", shipped, "ℝ")
        with pytest.raises(ExprSyntaxError):
            parse_lean_expr("x * y", dotted, "ℝ")
        assert parse_lean_equation("(2 : ℝ) = x", shipped, "ℝ") == (num(2), var("x"))
        with pytest.raises(ExprSyntaxError):  # ℝ is no type of a ℂ theory
            parse_lean_equation("(2 : ℝ) = x", shipped, "ℂ")
        assert parse_lean_equation("(2 : ℂ) = x", shipped, "ℂ") == (num(2), var("x"))
