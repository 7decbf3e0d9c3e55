"""Forward proofs (equations and systems) in the proof environment: actions parsed and applied
as Lean would, every step judged by the real Lean kernel (no mock), the baseline prover's
forward search, and exported equation and system proofs replayed through the environment."""

from __future__ import annotations

from pathlib import Path

import pytest

from rpsdg_formal.env.environment import EnvError, KernelChecker, ProofEnv
from rpsdg_formal.env.forward import from_mapping, show
from rpsdg_formal.env.forward_search import search_forward, searchable
from rpsdg_formal.kernel.check import Kernel, prepare_kernel
from rpsdg_formal.kernel.config import KernelConfig
from rpsdg_formal.rewriting.steps import RuleIndex
from rpsdg_formal.tactics.actions import ActionError
from rpsdg_formal.tactics.forward import Forward, apply_forward
from rpsdg_formal.tactics.render import NO_GOALS
from rpsdg_formal.terms.printers import to_lean
from rpsdg_formal.theory.catalogue import rules_path
from rpsdg_formal.theory.rules import RuleSet, load_rules

ONE = {"hypotheses": ["2 * x + 1 = 9"], "goal": "x = 4"}
TWO = {"hypotheses": ["x + y = 5", "x - y = 1"], "goal": "x = 3 ∧ y = 2"}


@pytest.fixture(scope="module")
def rules() -> RuleSet:
    return load_rules(rules_path("equation"))


@pytest.fixture(scope="module")
def equation_kernel(rules: RuleSet, equation_cache: Path) -> Kernel:
    """The embedded Lean kernel with the equation theory compiled (real Lean, no mock)."""
    return prepare_kernel(rules.theory, KernelConfig(cache_dir=equation_cache, threads=2))


def _claim(applied_state: Forward, rules: RuleSet) -> str:
    lhs, rhs = applied_state.facts[-1][1]
    sig = rules.theory.signature
    return f"{to_lean(lhs, sig)} = {to_lean(rhs, sig)}"


# --- parsing and applying, no Lean ----------------------------------------------------------------


def test_a_bare_problem_shows_as_lean_shows_it(rules: RuleSet) -> None:
    assert show(from_mapping(ONE, rules), False, rules) == "x : ℝ\nh0 : 2 * x + 1 = 9\n⊢ x = 4"
    two = from_mapping(TWO, rules)
    assert show(two, False, rules) == "x y : ℝ\nh0 : x + y = 5\nh1 : x - y = 1\n⊢ x = 3 ∧ y = 2"
    assert show(two, True, rules) == NO_GOALS


def test_have_by_congruence_adds_the_claimed_hypothesis(rules: RuleSet) -> None:
    state = from_mapping(TWO, rules)
    action = "have h2 : x + y + (x - y) = 5 + 1 := congrArg₂ (fun t s => t + s) h0 h1"
    applied = apply_forward(action, state, rules)
    assert not applied.closed and _claim(applied.state, rules) == "x + y + (x - y) = 5 + 1"
    assert "congrArg₂" in applied.obligation.proof
    assert applied.obligation.origin is not None  # the claim is what the proof reaches
    wrong = "have h2 : x + y + (x - y) = 6 := congrArg₂ (fun t s => t + s) h0 h1"
    claimed = apply_forward(wrong, state, rules)
    assert claimed.obligation.origin is None  # only `lean` can judge a claim up to defeq
    assert claimed.obligation.statement.endswith("(bit0 (bit1 one))")


def test_a_later_hypothesis_of_the_same_name_hides_the_earlier(rules: RuleSet) -> None:
    state = from_mapping(ONE, rules)
    applied = apply_forward("have h0 : 2 * x + 1 - 1 = 9 - 1 := congrArg (fun t => t - 1) h0",
                            state, rules)  # fmt: skip
    shown = show(applied.state, False, rules)
    assert "h0✝ : 2 * x + 1 = 9\nh0 : 2 * x + 1 - 1 = 9 - 1" in shown


@pytest.mark.parametrize(
    ("action", "words"),
    [
        ("have h1 : x = 4 := congrArg (fun t => t - 1) h7", "unknown identifier 'h7'"),
        ("have h1 : z = 4 := congrArg (fun t => t - 1) h0", "unknown identifier 'z'"),
        ("have h1 : x = 4 := congrArg (fun t => t - w) h0", "unknown identifier 'w'"),
        ("have h1 : x = 4 := congrArg (fun t s => t) h0", "needs `fun` of 1 name"),
        ("have h1 : x = 4 := congrArg (fun t => t) h0 h0", "takes a function and 1 equation"),
        ("have x : x = 4 := congrArg (fun t => t) h0", "would hide the variable x"),
        ("have h1 : x = = 4 := congrArg (fun t => t) h0", "cannot parse the equation"),
        ("have h1 : x = 4 := by simp", "a `have` is proven by"),
        ("have h1 : x = 4 := by rw [add_comm] at h0; exact h9", "only `exact hJ`"),
        ("exact ⟨h0, h0⟩", "the goal needs one hypothesis"),
        ("exact h3", "unknown identifier 'h3'"),
        ("intro h", "unknown tactic"),
    ],
)
def test_actions_lean_would_refuse(rules: RuleSet, action: str, words: str) -> None:
    with pytest.raises(ActionError, match=words.replace("(", r"\(").replace(")", r"\)")):
        apply_forward(action, from_mapping(ONE, rules), rules)


def test_an_unreadable_problem_is_an_env_error(rules: RuleSet) -> None:
    env = ProofEnv(rules, KernelChecker(None))  # type: ignore[arg-type]  # never reaches Lean
    for bad, words in [
        ({"hypotheses": [], "goal": "x = 1"}, "non-empty list"),
        ({"hypotheses": ["x + = 1"], "goal": "x = 1"}, "cannot read `hypotheses`"),
        ({"hypotheses": ["x = 1"], "goal": "x = 1 ∧ y = 2 ∧ z = 3"}, "one equation or a pair"),
        ({"hypotheses": ["x = 1"], "goal": "x = 1", "variables": ["y"]}, "miss some"),
        ({"hypotheses": ["h1 = 1"], "goal": "h1 = 1"}, "clashes"),
    ]:
        with pytest.raises(EnvError, match=words):
            env.reset(bad)


# --- the forward search, no Lean -----------------------------------------------------------------


def test_the_search_solves_an_equation_by_undoing_it(rules: RuleSet) -> None:
    state = from_mapping({"hypotheses": ["(3 * x + 5) / 2 = 13"], "goal": "x = 7"}, rules)
    result = search_forward(state, rules, RuleIndex.build(rules.rules), 20, 2.0)
    assert result.proved and result.expansions <= 20
    assert (
        result.tactics[0]
        == "have h1 : (3 * x + 5) / 2 * 2 = 13 * 2 := congrArg (fun t => t * 2) h0"
    )
    assert result.tactics[-1] == f"exact h{len(result.tactics) - 1}"


def test_the_search_respects_its_budget_and_refuses_systems(rules: RuleSet) -> None:
    state = from_mapping({"hypotheses": ["(3 * x + 5) / 2 = 13"], "goal": "x = 7"}, rules)
    result = search_forward(state, rules, RuleIndex.build(rules.rules), 1, 2.0)
    assert not result.proved and result.expansions == 1 and not result.tactics
    assert searchable(state) == ""
    assert "systems need elimination" in searchable(from_mapping(TWO, rules))
