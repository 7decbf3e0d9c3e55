"""The proof environment: tactic actions parsed and applied as Lean would, every step judged by
the real Lean kernel (no mock), and exported proofs and wrong steps replayed through it."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from rpsdg_formal.cli.main import main
from rpsdg_formal.dataset.jsonl import read_jsonl
from rpsdg_formal.dataset.negative import NegativeRow
from rpsdg_formal.env.environment import (
    TOO_DEEP,
    EnvError,
    KernelChecker,
    ProofEnv,
    Rewards,
    replay_exported,
    step_many,
)
from rpsdg_formal.families.records import binders_of
from rpsdg_formal.kernel.check import Kernel
from rpsdg_formal.tactics.actions import ActionError, Context, apply, parse_action
from rpsdg_formal.tactics.render import NO_GOALS
from rpsdg_formal.terms.parse import parse_equation, parse_lean_expr
from rpsdg_formal.terms.printers import to_lean
from rpsdg_formal.terms.sample import ExprShape, random_expr
from rpsdg_formal.theory.catalogue import rules_path
from rpsdg_formal.theory.rules import RuleSet, load_rules


@pytest.fixture
def env(field_rules: RuleSet, field_kernel: Kernel) -> ProofEnv:
    """A fresh proof environment over the field theory, its steps checked by the kernel."""
    return ProofEnv(field_rules, KernelChecker(field_kernel))


def _apply(action: str, text: str, rules: RuleSet) -> str:
    """The goal after `action` on the goal `text`, in the Lean rendering."""
    goal = parse_equation(text, rules.theory.signature)
    context = Context(binders_of(*goal))
    applied = apply(parse_action(action, rules, context), goal, context, rules)
    sig = rules.theory.signature
    return f"{to_lean(applied.goal[0], sig)} = {to_lean(applied.goal[1], sig)}"


# --- parsing and applying, no Lean ----------------------------------------------------------------


@pytest.mark.parametrize("theory", ["field", "calculus", "equation"])
def test_the_lean_rendering_parses_back_to_the_same_tree(theory: str) -> None:
    rules = load_rules(rules_path(theory))
    sig = rules.theory.signature
    unary = tuple(op.name for op in sig.operators if op.arity == 1)
    binary = tuple(op.name for op in sig.operators if op.arity == 2)
    shape = ExprShape(unary, binary, ("u", "y", "z"), (0, 1, 2, 3, 12), 0.3, 1, 9)
    rng = random.Random(7)
    for _ in range(600):
        expr = random_expr(shape, rng)
        text = to_lean(expr, sig)
        assert parse_lean_expr(text, sig, rules.theory.mathlib_carrier) is expr, text


def test_rw_rewrites_every_instance_and_nth_rewrite_one(field_rules: RuleSet) -> None:
    text = "x * y + x * y = z"
    assert _apply("rw [mul_comm x y]", text, field_rules) == "y * x + y * x = z"
    assert _apply("nth_rewrite 2 [mul_comm x y]", text, field_rules) == "x * y + y * x = z"
    assert _apply("rw [← mul_comm y x]", text, field_rules) == "y * x + y * x = z"
    # a missing argument is found by the first instance, as Lean's kabstract does
    assert _apply("rw [mul_comm]", "z * x + x * y = z", field_rules) == "x * z + x * y = z"
    assert _apply("rw [mul_comm x y, add_comm]", text, field_rules) == "y * x + y * x = z"
    # the right side is rewritten too
    assert _apply("rw [add_zero z]", "x = z + 0", field_rules) == "x = z"


def _closed(action: str, text: str, rules: RuleSet) -> tuple[str, bool]:
    goal = parse_equation(text, rules.theory.signature)
    context = Context(binders_of(*goal))
    applied = apply(parse_action(action, rules, context), goal, context, rules)
    sig = rules.theory.signature
    return f"{to_lean(applied.goal[0], sig)} = {to_lean(applied.goal[1], sig)}", applied.closed


@pytest.mark.parametrize(
    ("action", "closed"),
    [
        ("rw [mul_comm x y]", True),  # Lean: `rewrite`, then `try (with_reducible rfl)`
        ("nth_rw 1 [mul_comm x y]", True),  # Mathlib: `nth_rewrite`, then the same
        ("rewrite [mul_comm x y]", False),
        ("nth_rewrite 1 [mul_comm x y]", False),  # Mathlib's `nth_rewrite` never tries `rfl`
        ("nth_rewrite 1 [mul_comm x y]; show y * x = y * x", False),  # nor does `show`
    ],
)
def test_only_rw_and_nth_rw_close_the_goal_by_rfl(
    field_rules: RuleSet, action: str, closed: bool
) -> None:
    assert _closed(action, "x * y = y * x", field_rules) == ("y * x = y * x", closed)


def test_rfl_closes_equal_sides_only(field_rules: RuleSet) -> None:
    assert _closed("rfl", "x * y = x * y", field_rules) == ("x * y = x * y", True)
    with pytest.raises(ActionError, match="rfl tactic failed"):
        _closed("rfl", "x * y = y * x", field_rules)
    with pytest.raises(ActionError, match="no goals"):  # `rw` closed it: nothing to `show`
        _closed("rw [mul_comm x y]; show y * x = y * x", "x * y = y * x", field_rules)


def test_rewrites_run_in_sequence_and_instantiate_as_kabstract(field_rules: RuleSet) -> None:
    # `rw [a, b]` tries `rfl` once, after `b`: equal sides after `a` are rewritten by `b`
    assert _closed("rw [mul_comm x y, mul_comm y x]", "x * y = y * x", field_rules) == (
        "x * y = x * y",
        True,
    )
    # a given argument is the goal's `x`, never a pattern variable: `x * ?b` skips `z * x`
    assert _apply("rw [mul_comm x]", "z * x + x * y = z", field_rules) == "z * x + y * x = z"
    # `nth_rewrite n` instantiates the metavariables at the n-th instance (pre-order)
    assert _apply("nth_rewrite 2 [mul_comm]", "x * y * z = z", field_rules) == "y * x * z = z"
    # and rewrites the n-th instance of each term, in order (Mathlib/Tactic/NthRewrite.lean)
    text = "x * y + z = z + x * y"
    assert _apply("nth_rewrite 2 [mul_comm x y, add_comm]", text, field_rules) == (
        "x * y + z = y * x + z"
    )


@pytest.mark.parametrize(
    ("action", "words"),
    [
        ("simp", "unknown tactic"),
        ("rw [mul_com x y]", "unknown identifier 'mul_com'"),
        ("rw [mul_comm w y]", "unknown identifier 'w'"),
        ("rw [mul_comm x y z]", "takes 2 explicit argument(s)"),
        ("nth_rewrite 3 [mul_comm x y]", "occurs only 2 time(s)"),
        ("rw [mul_comm y z]", "did not find instance"),
        ("rw [mul_comm (x y]", "unbalanced"),
        ("rw [mul_comm x y]; exact h", "only `; show GOAL`"),
        ("rw [#eval x]", "not a lemma name"),
        ("rw [mul_comm x y]" + " " * 5000, "longer than"),
    ],
)
def test_actions_lean_would_refuse(field_rules: RuleSet, action: str, words: str) -> None:
    with pytest.raises(ActionError, match=words.replace("(", r"\(").replace(")", r"\)")):
        _apply(action, "x * y + x * y = z", field_rules)


def test_a_record_of_an_unknown_family_is_refused_with_a_reason(env: ProofEnv) -> None:
    with pytest.raises(EnvError, match=r"e: .*'limits'"):
        env.reset({"id": "e", "family": "limits", "statement": "x = 1"})


# --- with the kernel ---------------------------------------------------------------------------


@pytest.mark.kernel
def test_rewards_done_and_answers_instead_of_exceptions(
    field_rules: RuleSet, field_kernel: Kernel
) -> None:
    env = ProofEnv(field_rules, KernelChecker(field_kernel), Rewards(invalid=-0.5))
    start = env.reset({"statement": "x * (y + 0) = y * x"})
    assert start == "x y : ℝ\n⊢ x * (y + 0) = y * x"
    refused = env.step("rw [mul_comm x z]")
    assert (refused.valid, refused.reward, refused.done, refused.state) == (
        False,
        -0.5,
        False,
        start,
    )
    assert "unknown identifier 'z'" in refused.message
    moved = env.step("rw [add_zero y]")
    assert (moved.valid, moved.reward, moved.done) == (True, 0.0, False)
    assert moved.state == "x y : ℝ\n⊢ x * y = y * x"
    closed = env.step("rw [mul_comm x y]")
    assert (closed.valid, closed.reward, closed.done, closed.state) == (True, 1.0, True, NO_GOALS)
    after = env.step("rw [mul_comm x y]")
    assert (after.valid, after.done) == (False, True)
    assert "no goals" in after.message


@pytest.mark.kernel
def test_nth_rewrite_leaves_e_eq_e_open_until_rfl(env: ProofEnv) -> None:
    env.reset({"statement": "x * y = y * x"})
    moved = env.step("nth_rewrite 1 [mul_comm x y]")
    assert (moved.valid, moved.done, moved.reward) == (True, False, 0.0)
    assert moved.state == "x y : ℝ\n⊢ y * x = y * x"  # what Mathlib shows: the goal is open
    assert not env.step("rfl; show y * x = y * x").valid
    closed = env.step("rfl")
    assert (closed.valid, closed.done, closed.state) == (True, True, NO_GOALS)
    assert env.reset({"statement": "x = x"}) == "x : ℝ\n⊢ x = x"  # open until a tactic
    assert not env.step("rw [mul_comm x x]").valid  # no instance of `x * x`
    assert env.step("rfl").done


@pytest.mark.kernel
def test_a_false_claim_is_rejected_by_the_kernel(
    field_rules: RuleSet, field_kernel: Kernel
) -> None:
    checker = KernelChecker(field_kernel)
    env = ProofEnv(field_rules, checker)
    env.reset({"statement": "x * y + z = z + y * x"})
    wrong = env.step("rw [mul_comm x y]; show y * x + z = z + x * y")
    assert not wrong.valid
    assert "type mismatch" in wrong.message  # Lean's words: the kernel saw the step
    assert checker.checked == 1
    right = env.step("rw [mul_comm x y]; show y * x + z = z + y * x")
    assert right.valid and not right.done


@pytest.mark.kernel
def test_garbage_actions_are_answered(field_rules: RuleSet, field_kernel: Kernel) -> None:
    rng = random.Random(3)
    alphabet = "rw[]←()*+-/⁻¹ xyz012;show=nth_rewrite mul_comm add_zero h1 #sorry\n"
    actions: list[object] = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
                             for _ in range(150)]  # fmt: skip
    actions += [None, 3, ["rw"], "rw [mul_comm x y]"]
    envs = [ProofEnv(field_rules, KernelChecker(field_kernel)) for _ in actions]
    for env in envs:
        env.reset({"statement": "x * y = y * x"})
    results = step_many([(env, a) for env, a in zip(envs, actions, strict=True)])  # type: ignore[misc]
    assert len(results) == len(actions)
    assert results[-1].valid and results[-1].done
    assert all(not r.valid for r in results[-4:-1])


@pytest.mark.kernel
def test_exported_proofs_close_and_wrong_steps_are_refused(
    field_rules: RuleSet, field_kernel: Kernel, audited_cache: Path, field_run: Path, tmp_path: Path
) -> None:
    data, export = field_run, tmp_path / "export"
    cache = ["--cache-dir", str(audited_cache), "--quiet"]
    assert main(["export", str(data), "--format", "jsonl", "--out", str(export), *cache]) == 0
    records = {str(r["id"]): r for _, r in read_jsonl(data / "theorems.jsonl")}
    steps = [r for _, r in read_jsonl(export / "data" / "steps.jsonl")]
    wrong = [NegativeRow.from_json(r) for _, r in read_jsonl(export / "data" / "negatives.jsonl")]
    checker = KernelChecker(field_kernel, tmp_path, jobs=2)
    report = replay_exported(records, steps, wrong, field_rules, checker)
    assert report.proofs >= 8 and report.closed == report.proofs
    assert report.steps == len(steps) and not report.invalid_steps
    assert report.state_mismatches == 0
    assert report.negatives > 50
    assert report.negatives_invalid == report.negatives
    assert checker.checked >= len({(r["state_before"], r["tactic"]) for r in steps})


@pytest.mark.kernel
def test_a_step_that_drops_a_variable_keeps_it_in_the_context(env: ProofEnv) -> None:
    env.reset({"statement": "x - x + y = y"})
    moved = env.step("rw [sub_self x]")
    assert moved.valid, moved.message  # no unused `∀ x` for Lean's linter to reject
    assert moved.state == "x y : ℝ\n⊢ 0 + y = y"  # Lean's context does not shrink
    assert env.step("rw [zero_add y]").done


@pytest.mark.kernel
def test_variable_names_cannot_shadow_the_obligation(env: ProofEnv) -> None:
    env.reset({"statement": "g + y = y + g + 0"})
    assert env.step("rw [add_comm g y]").valid  # `g` is a variable like any other
    for name in ("rpsdg_goal", "h1", "mul_comm"):
        with pytest.raises(EnvError, match="clashes"):
            env.reset({"statement": f"{name} + y = y + {name}"})


def test_an_action_nested_too_deeply_is_answered(env: ProofEnv) -> None:
    env.reset({"statement": "x * y = y * x"})
    deep = "rw [mul_comm " + "(" * 1900 + "x" + ")" * 1900 + " y]"
    answer = env.step(deep)
    assert not answer.valid and answer.message == TOO_DEEP
