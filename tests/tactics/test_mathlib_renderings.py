"""Golden renderings: one step of every rule of every shipped rule file, as the exports write it
(the Mathlib lemma from the table, its arguments in Mathlib's order, `←` where Mathlib's sides
are the rule's swapped), pinned in `golden/mathlib_renderings.tsv` and diffed.

Read against Mathlib's source when the file was made, for example: `neg_div (a b : K) : -b / a =
-(b / a)` makes `-x / y = -(x / y)` the step `neg_div y x`; `mul_div_cancel_left₀ (b : M₀)
{a : M₀} (ha : a ≠ 0) : a * b / a = b` makes `y * x / y = x` the step `mul_div_cancel_left₀ x h1`;
`pow_two (a : M) : a ^ 2 = a * a` makes `x * x = x ^ 2` the step `← pow_two x`.
"""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from rpsdg_formal.rewriting.steps import apply_step
from rpsdg_formal.tactics.delab import pretty
from rpsdg_formal.tactics.mathlib import load_table
from rpsdg_formal.tactics.render import traced_steps
from rpsdg_formal.terms.expr import Expr, app, num, substitute, var
from rpsdg_formal.terms.parse import parse_expr, parse_lean_expr
from rpsdg_formal.theory import numerals
from rpsdg_formal.theory.catalogue import rules_path
from rpsdg_formal.theory.rules import Rule, load_rules

GOLDEN = Path(__file__).with_name("golden") / "mathlib_renderings.tsv"
VALUES = {"a": "x", "b": "y", "c": "z"}


def _binding(rule: Rule) -> dict[str, Expr]:
    if rule.evaluate is None:
        return {v: var(VALUES[v]) for v in rule.variables}
    if rule.evaluate.kind == numerals.DERIVATIVE:
        return {"n": num(5)}
    return {"m": num(6), "n": num(3)}


def _renderings() -> list[str]:
    lines = []
    for theory in ("field", "equation", "calculus"):
        rules = load_rules(rules_path(theory))
        binders = ("x", "y", "z") if theory != "calculus" else ("y", "z")
        for rule in rules.rules:
            binding = _binding(rule)
            step = apply_step(substitute(rule.lhs, binding), rule, False, (), binding)
            traced = traced_steps(binders, [step], rules.theory)[0]
            lines.append(f"{theory}\t{rule.name}\t{traced.tactic}\t{traced.mathlib}")
    return lines


def test_one_rendering_per_rule_matches_the_golden_file() -> None:
    assert _renderings() == GOLDEN.read_text(encoding="utf-8").splitlines()


def test_every_rendered_lemma_is_the_tables() -> None:
    """A step marked Mathlib names its rule's Mathlib lemma (or states a fact); one marked not
    Mathlib is exactly a rule the table says has no Mathlib rendering."""
    table = load_table()
    for line in GOLDEN.read_text(encoding="utf-8").splitlines():
        _, rule, tactic, mathlib = line.split("\t")
        entry = table.entry(rule)
        assert (mathlib == "True") == entry.is_mathlib, line
        if entry.lemma is not None:
            assert tactic.removeprefix("rw [").removeprefix("← ").startswith(entry.lemma), line
        elif entry.is_mathlib:
            assert tactic.startswith("rw [show ") and tactic.endswith(f"by {entry.tactic}]"), line


def test_goal_states_print_as_lean_does() -> None:
    """Precedences of Lean's `prefix:75 "-"`, `infixr:80 " ^ "` and Mathlib's
    `postfix:max "⁻¹"`; the parser reads each back to the same tree."""
    field = load_rules(rules_path("field")).theory.signature
    calculus = load_rules(rules_path("calculus")).theory.signature
    cases = [
        (field, "-(-y)", "- -y"),
        (field, "(1⁻¹)⁻¹", "1⁻¹⁻¹"),
        (field, "-a * b", "-a * b"),
        (field, "-(a * b)", "-(a * b)"),
        (field, "a * -b", "a * -b"),
        (field, "(-x)⁻¹", "(-x)⁻¹"),
        (field, "-(a⁻¹)", "-a⁻¹"),
        (field, "a - (b - c)", "a - (b - c)"),
        (calculus, "exp(x)^2", "Real.exp x ^ 2"),
        (calculus, "exp(x⁻¹)", "Real.exp x⁻¹"),
        (calculus, "exp(x)⁻¹", "(Real.exp x)⁻¹"),
        (calculus, "(-x)^2", "(-x) ^ 2"),
        (calculus, "-x^2", "-x ^ 2"),
        (calculus, "x⁻¹^2", "x⁻¹ ^ 2"),
        (calculus, "(x^2)^3", "(x ^ 2) ^ 3"),
        (calculus, "exp(-x)", "Real.exp (-x)"),
        (calculus, "D(x * sin(x))", "deriv (fun x => x * Real.sin x) x"),
    ]
    for sig, human, lean in cases:
        tree = parse_expr(human, sig)
        assert pretty(tree, sig) == lean
        assert parse_lean_expr(lean, sig, _CARRIER) is tree


_FIELD_SIG = load_rules(rules_path("field")).theory.signature
_CARRIER = load_rules(rules_path("field")).theory.mathlib_carrier
_CALCULUS_SIG = load_rules(rules_path("calculus")).theory.signature


def _exprs(unary: tuple[str, ...]) -> st.SearchStrategy[Expr]:
    return st.recursive(
        st.sampled_from(["a", "b", "y"]).map(var) | st.integers(0, 12).map(num),
        lambda kids: (
            st.builds(app, st.sampled_from(unary), kids)
            | st.builds(app, st.sampled_from(("add", "sub", "mul", "div")), kids, kids)
        ),
        max_leaves=12,
    )


@settings(max_examples=300, deadline=None)
@given(_exprs(("neg", "inv")))
def test_field_goal_text_reads_back(e: Expr) -> None:
    text = pretty(e, _FIELD_SIG)
    assert parse_lean_expr(text, _FIELD_SIG, _CARRIER) is e
    assert "--" not in text  # a Lean line comment


@settings(max_examples=300, deadline=None)
@given(_exprs(("neg", "inv", "exp", "sin", "log", "pow2", "pow3", "D")))
def test_calculus_goal_text_reads_back(e: Expr) -> None:
    text = pretty(e, _CALCULUS_SIG)
    assert parse_lean_expr(text, _CALCULUS_SIG, _CARRIER) is e
    assert "--" not in text
