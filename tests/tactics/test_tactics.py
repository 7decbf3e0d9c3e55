"""Tactic traces: goal states in Lean's display format and one Mathlib-style tactic per step.

Golden tests on steps built by hand (no kernel), one test on a real generated dataset (kernel),
and one that compiles the rendered scripts against Mathlib when a full toolchain is present.
"""

from __future__ import annotations

import dataclasses
import itertools
import json
import os
import shutil
import subprocess
from collections.abc import Mapping
from pathlib import Path

import pytest

from rpsdg_formal.rewriting.steps import Step, apply_step
from rpsdg_formal.tactics.delab import pretty
from rpsdg_formal.tactics.mathlib import load_table
from rpsdg_formal.tactics.render import TacticStep, goal_state, record_traces, traced_steps
from rpsdg_formal.terms.expr import Expr
from rpsdg_formal.terms.expr import Path as TreePath
from rpsdg_formal.terms.parse import parse_expr
from rpsdg_formal.theory.catalogue import rules_path
from rpsdg_formal.theory.rules import RuleSet, load_rules

FIELD = load_rules(rules_path("field"))
CALCULUS = load_rules(rules_path("calculus"))


def _step(
    rules: RuleSet,
    expr: Expr | str,
    rule: str,
    path: TreePath = (),
    reverse: bool = False,
    **values: str,
) -> Step:
    sig = rules.theory.signature
    tree = parse_expr(expr, sig) if isinstance(expr, str) else expr
    substitution: Mapping[str, Expr] = {k: parse_expr(v, sig) for k, v in values.items()}
    return apply_step(tree, rules.by_name(rule), reverse, path, substitution)


def _chain(
    rules: RuleSet, start: str, *specs: tuple[str, TreePath, bool, dict[str, str]]
) -> list[Step]:
    steps: list[Step] = []
    current: Expr | str = start
    for rule, path, reverse, values in specs:
        step = _step(rules, current, rule, path, reverse, **values)
        steps.append(step)
        current = step.after
    return steps


# --- goal_state -----------------------------------------------------------------------------------


def test_goal_state_merges_consecutive_binders_then_hypotheses() -> None:
    context = [("x", "ℝ"), ("y", "ℝ"), ("h1", "x ^ 2 + 1 ≠ 0"), ("h2", "y ≠ 0")]
    assert goal_state(context, "x * y = y * x") == (
        "x y : ℝ\nh1 : x ^ 2 + 1 ≠ 0\nh2 : y ≠ 0\n⊢ x * y = y * x"
    )


def test_goal_state_merges_only_identical_consecutive_types() -> None:
    context = [("x", "ℝ"), ("h1", "x ≠ 0"), ("h2", "x ≠ 0"), ("y", "ℝ")]
    assert goal_state(context, "x = x") == "x : ℝ\nh1 h2 : x ≠ 0\ny : ℝ\n⊢ x = x"


def test_goal_state_without_context_is_just_the_goal() -> None:
    assert goal_state([], "1 + 1 = 2") == "⊢ 1 + 1 = 2"


# --- field proofs built by hand -------------------------------------------------------------------


def test_two_step_field_proof_golden() -> None:
    steps = _chain(
        FIELD,
        "x * (y + 0)",
        ("add_zero", (1,), False, {"a": "y"}),
        ("mul_comm", (), False, {"a": "x", "b": "y"}),
    )
    assert traced_steps(("x", "y"), steps, FIELD.theory) == [
        TacticStep(
            "x y : ℝ\n⊢ x * (y + 0) = y * x",
            "rw [add_zero y]",
            "x y : ℝ\n⊢ x * y = y * x",
        ),
        TacticStep("x y : ℝ\n⊢ x * y = y * x", "rw [mul_comm x y]", "no goals"),
    ]


def test_reverse_step_uses_the_left_arrow() -> None:
    steps = _chain(FIELD, "x * (y * z)", ("mul_assoc", (), True, {"a": "x", "b": "y", "c": "z"}))
    assert traced_steps(("x", "y", "z"), steps, FIELD.theory) == [
        TacticStep("x y z : ℝ\n⊢ x * (y * z) = x * y * z", "rw [← mul_assoc x y z]", "no goals")
    ]


def test_repeated_occurrence_uses_nth_rw() -> None:
    # Goal `x * y + x * y = y * x + x * y`: `x * y` occurs at lhs.0, lhs.1 and rhs.1; the step
    # rewrites lhs.1, the second in pre-order (left side first). `rw` would rewrite all three.
    steps = _chain(
        FIELD,
        "x * y + x * y",
        ("mul_comm", (1,), False, {"a": "x", "b": "y"}),
        ("add_comm", (), False, {"a": "x * y", "b": "y * x"}),
    )
    assert [s.tactic for s in traced_steps(("x", "y"), steps, FIELD.theory)] == [
        "nth_rw 2 [mul_comm x y]",
        "rw [add_comm (x * y) (y * x)]",
    ]


def test_occurrences_on_the_right_side_count_too() -> None:
    # `x = x + 0`: the rewritten `x` is the first of two (the second is inside the right side).
    steps = _chain(FIELD, "x", ("add_zero", (), True, {"a": "x"}))
    assert traced_steps(("x",), steps, FIELD.theory) == [
        TacticStep("x : ℝ\n⊢ x = x + 0", "nth_rw 1 [← add_zero x]", "no goals")
    ]


def test_closed_arguments_are_typed_and_the_carrier_name_is_used() -> None:
    steps = _chain(FIELD, "2 + 0", ("add_zero", (), False, {"a": "2"}))
    theory = dataclasses.replace(FIELD.theory, mathlib_carrier="R")
    assert traced_steps((), steps, theory) == [
        TacticStep("⊢ 2 + 0 = 2", "rw [add_zero (2 : R)]", "no goals")
    ]


def test_states_chain_and_end_with_no_goals() -> None:
    steps = _chain(
        FIELD,
        "(x + y) * z",
        ("right_distrib", (), False, {"a": "x", "b": "y", "c": "z"}),
        ("mul_comm", (0,), False, {"a": "x", "b": "z"}),
        ("add_comm", (), False, {"a": "z * x", "b": "y * z"}),
    )
    trace = traced_steps(("x", "y", "z"), steps, FIELD.theory)
    assert len(trace) == 3
    assert trace[0].state_before == "x y z : ℝ\n⊢ (x + y) * z = y * z + z * x"
    for before, after in itertools.pairwise(trace):
        assert before.state_after == after.state_before
    assert trace[-1].state_after == "no goals"


def test_a_proof_needs_steps() -> None:
    with pytest.raises(ValueError):
        traced_steps((), [], FIELD.theory)


# --- calculus -------------------------------------------------------------------------------------


def test_side_condition_is_discharged_by_its_hypothesis() -> None:
    steps = _chain(CALCULUS, "D(log(x^2 + 1))", ("D_log", (), False, {"a": "x^2 + 1"}))
    assert traced_steps((), steps, CALCULUS.theory) == [
        TacticStep(
            "x : ℝ\nh1 : x ^ 2 + 1 ≠ 0\n"
            "⊢ deriv (fun x => Real.log (x ^ 2 + 1)) x"
            " = deriv (fun x => x ^ 2 + 1) x / (x ^ 2 + 1)",
            "rw [D_log (x ^ 2 + 1) h1]",
            "no goals",
            mathlib=False,  # Mathlib's deriv lemmas need differentiability: not rendered as them
        )
    ]


def test_hypotheses_are_numbered_in_order_of_first_use() -> None:
    steps = _chain(
        CALCULUS,
        "D(log(x) + log(exp(x)))",
        ("D_add", (), False, {"a": "log(x)", "b": "log(exp(x))"}),
        ("D_log", (1,), False, {"a": "exp(x)"}),
        ("D_log", (0,), False, {"a": "x"}),
    )
    trace = traced_steps((), steps, CALCULUS.theory)
    assert trace[0].state_before.split("\n")[:3] == ["x : ℝ", "h1 : Real.exp x ≠ 0", "h2 : x ≠ 0"]
    assert [s.tactic for s in trace] == [
        "rw [D_add (Real.log x) (Real.log (Real.exp x))]",
        "rw [D_log (Real.exp x) h1]",
        "rw [D_log x h2]",
    ]
    assert trace[-1].state_after == "no goals"


def test_numeral_product_is_a_norm_num_show() -> None:
    steps = _chain(CALCULUS, "6 * 7 * x", ("num_mul", (0,), False, {"m": "6", "n": "7"}))
    assert traced_steps((), steps, CALCULUS.theory) == [
        TacticStep(
            "x : ℝ\n⊢ 6 * 7 * x = 42 * x", "rw [show (6 : ℝ) * 7 = 42 by norm_num]", "no goals"
        )
    ]


def test_numeral_derivative_is_a_simp_show() -> None:
    steps = _chain(CALCULUS, "D(5)", ("D_num", (), False, {"n": "5"}))
    assert traced_steps((), steps, CALCULUS.theory) == [
        TacticStep(
            "x : ℝ\n⊢ deriv (fun x => 5) x = 0",
            "rw [show deriv (fun x => (5 : ℝ)) x = 0 by simp]",
            "no goals",
        )
    ]


# --- a real generated dataset (kernel) ------------------------------------------------------------


def _load(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.mark.kernel
def test_record_traces_on_generated_records(field_run: Path) -> None:
    records = _load(field_run / "theorems.jsonl")
    assert len(records) == 24
    alternatives = 0
    for record in records:
        traces = record_traces(record, FIELD)
        proofs = [record["steps"], *(p["steps"] for p in record["proofs"])]  # type: ignore[attr-defined]
        alternatives += len(proofs) - 1
        assert len(traces) == len(proofs)
        for trace, steps in zip(traces, proofs, strict=True):
            assert len(trace) == len(steps)
            variables = " ".join(record["variables"])  # type: ignore[arg-type]
            context = f"{variables} : ℝ\n" if variables else ""
            sig = FIELD.theory.signature
            start, end = (parse_expr(str(record[k]), sig) for k in ("start", "end"))
            shown = f"{pretty(start, sig)} = {pretty(end, sig)}"
            assert trace[0].state_before == f"{context}⊢ {shown}"
            for step, raw in zip(trace, steps, strict=True):
                assert step.tactic.startswith(("rw [", "nth_rw "))
                lemma = load_table().entry(str(raw["rule"])).lemma
                assert (lemma or "norm_num") in step.tactic
            for before, after in itertools.pairwise(trace):
                assert before.state_after == after.state_before
            assert trace[-1].state_after == "no goals"
    assert alternatives > 0, "expected at least one alternative proof among the theorems"


# --- compiling the scripts against Mathlib (needs a full toolchain) -------------------------------

LAKE = shutil.which("lake")
LEAN = shutil.which("lean")
MATHLIB_PROJECT = os.environ.get("RPSDG_MATHLIB_PROJECT")


def _lean_example(record: Mapping[str, object], trace: list[TacticStep]) -> str:
    variables = record["variables"]
    assert isinstance(variables, list)
    binders = f"({' '.join(variables)} : ℝ) " if variables else ""
    tactics = "\n  ".join(step.tactic for step in trace)
    return f"example {binders}: {record['statement']} := by\n  {tactics}\n"


@pytest.mark.full_lean
@pytest.mark.kernel
@pytest.mark.skipif(
    LAKE is None or LEAN is None or MATHLIB_PROJECT is None,
    reason="needs `lake` and `lean` on PATH and RPSDG_MATHLIB_PROJECT naming a Lake project that "
    "depends on Mathlib (built); the rendered tactic scripts are compiled there with "
    "`lake env lean`",
)
def test_rendered_field_scripts_compile_with_mathlib(field_dataset: Path, tmp_path: Path) -> None:
    assert LAKE is not None and MATHLIB_PROJECT is not None
    blocks = ["import Mathlib", ""]
    for record in _load(field_dataset):
        for trace in record_traces(record, FIELD):
            blocks.append(_lean_example(record, trace))
    source = tmp_path / "Traces.lean"
    source.write_text("\n".join(blocks), encoding="utf-8")
    result = subprocess.run(
        [LAKE, "env", "lean", str(source)],
        cwd=MATHLIB_PROJECT,
        capture_output=True,
        text=True,
        timeout=1800,
        check=False,
    )
    assert result.returncode == 0, source.read_text() + result.stdout + result.stderr
    assert "error" not in result.stdout, result.stdout


# --- equations: forward reasoning from hypotheses ----------------------------------------------


def test_equation_trace_golden() -> None:
    """`2 * x + 5 = 11 → x = 3`: each step a `have`, then `exact` of the last one."""
    from rpsdg_formal.kernel.emit import HOLE
    from rpsdg_formal.rewriting.steps import apply_step, congruence, rewrite_side
    from rpsdg_formal.tactics.render import equation_trace
    from rpsdg_formal.terms.expr import var

    rules = load_rules(rules_path("equation"))
    sig = rules.theory.signature
    two, five, six, eleven = (parse_expr(n, sig) for n in ("2", "5", "6", "11"))
    premise = (parse_expr("2 * x + 5", sig), eleven)
    first = congruence(premise, parse_expr(f"{HOLE} - 5", sig), HOLE)
    binding = {"a": parse_expr("2 * x", sig), "b": five}
    cancel = apply_step(first.after[0], rules.by_name("add_sub_cancel_right"), False, (), binding)
    second = rewrite_side(first.after, 0, cancel)
    subtract = apply_step(
        second.after[1], rules.by_name("num_sub"), False, (), {"m": eleven, "n": five}
    )
    third = rewrite_side(second.after, 1, subtract)
    fourth = congruence(third.after, parse_expr(f"{HOLE} / 2", sig), HOLE)
    cancel_two = apply_step(
        fourth.after[0], rules.by_name("mul_div_cancel_left"), False, (), {"a": var("x"), "b": two}
    )
    fifth = rewrite_side(fourth.after, 0, cancel_two)
    divide = apply_step(fifth.after[1], rules.by_name("num_div"), False, (), {"m": six, "n": two})
    sixth = rewrite_side(fifth.after, 1, divide)
    assert sixth.after == (var("x"), parse_expr("3", sig))
    steps = [first, second, third, fourth, fifth, sixth]
    trace = equation_trace(("x",), [premise], steps, [sixth.after], rules.theory)
    # Mathlib: mul_div_cancel_left₀ (b : M₀) {a : M₀} (ha : a ≠ 0) : a * b / a = b; `a` is given by
    # name because `by norm_num` cannot fix it by unification
    cancel_tactic = "rw [mul_div_cancel_left₀ (a := (2 : ℝ)) x (by norm_num)] at h4; exact h4"
    assert [t.tactic for t in trace] == [
        "have h1 : 2 * x + 5 - 5 = 11 - 5 := congrArg (fun t => t - 5) h0",
        "have h2 : 2 * x = 11 - 5 := by rw [add_sub_cancel_right (2 * x) (5 : ℝ)] at h1; exact h1",
        "have h3 : 2 * x = 6 := by rw [show (11 : ℝ) - 5 = 6 by norm_num] at h2; exact h2",
        "have h4 : 2 * x / 2 = 6 / 2 := congrArg (fun t => t / 2) h3",
        f"have h5 : x = 6 / 2 := by {cancel_tactic}",
        "have h6 : x = 3 := by rw [show (6 : ℝ) / 2 = 3 by norm_num] at h5; exact h5",
        "exact h6",
    ]
    assert trace[0].state_before == "x : ℝ\nh0 : 2 * x + 5 = 11\n⊢ x = 3"
    assert trace[1].state_before == (
        "x : ℝ\nh0 : 2 * x + 5 = 11\nh1 : 2 * x + 5 - 5 = 11 - 5\n⊢ x = 3"
    )
    for before, after in itertools.pairwise(trace):
        assert before.state_after == after.state_before
    assert trace[-1].state_after == "no goals"
