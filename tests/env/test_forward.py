"""Forward proofs (equations and systems) in the proof environment: actions parsed and applied
as Lean would, every step judged by the real Lean kernel (no mock), the baseline prover's
forward search, and exported equation and system proofs replayed through the environment."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from rpsdg_formal.cli.main import main
from rpsdg_formal.dataset.jsonl import read_jsonl
from rpsdg_formal.dataset.negative import FORWARD_KINDS as KINDS
from rpsdg_formal.dataset.negative import NegativeRow
from rpsdg_formal.env.environment import EnvError, KernelChecker, ProofEnv, Rewards, replay_exported
from rpsdg_formal.env.evaluate import evaluate
from rpsdg_formal.env.forward import from_mapping, show
from rpsdg_formal.env.forward_search import search_forward, searchable
from rpsdg_formal.env.levels import EvaluationError
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


# --- with the kernel ---------------------------------------------------------------------------


SOLVE_ONE = [
    "have h1 : 2 * x + 1 - 1 = 9 - 1 := congrArg (fun t => t - 1) h0",
    "have h2 : 2 * x = 9 - 1 := by rw [add_sub_cancel_right (2 * x) (1 : ℝ)] at h1; exact h1",
    "have h3 : 2 * x = 8 := by rw [show (9 : ℝ) - 1 = 8 by norm_num] at h2; exact h2",
    "have h4 : 2 * x / 2 = 8 / 2 := congrArg (fun t => t / 2) h3",
    "have h5 : x = 8 / 2 := by rw [mul_div_cancel_left₀ (a := (2 : ℝ)) x (by norm_num)] at h4; "
    "exact h4",
    "have h6 : x = 4 := by rw [show (8 : ℝ) / 2 = 4 by norm_num] at h5; exact h5",
    "exact h6",
]


@pytest.mark.kernel
def test_an_equation_is_solved_step_by_step_and_wrong_steps_are_answered(
    rules: RuleSet, equation_kernel: Kernel, tmp_path: Path
) -> None:
    checker = KernelChecker(equation_kernel, tmp_path)
    env = ProofEnv(rules, checker, Rewards(invalid=-0.5))
    start = env.reset(ONE)
    wrong = [
        # one side only: the kernel refuses the claim (type mismatch)
        "have h1 : 2 * x + 1 - 1 = 9 := congrArg (fun t => t - 1) h0",
        # a wrong cancellation: rewriting gives `2 * x`, not `1`
        "have h1 : 1 = 9 := by rw [add_sub_cancel_right (2 * x) (1 : ℝ)] at h0; exact h0",
    ]
    for action in wrong:
        answer = env.step(action)
        assert (answer.valid, answer.reward, answer.state) == (False, -0.5, start), action
    assert checker.checked == 1  # the second never reached Lean: the pattern is not in h0
    results = [env.step(action) for action in SOLVE_ONE]
    assert all(r.valid for r in results), [r.message for r in results]
    assert results[2].state.endswith("h3 : 2 * x = 8\n⊢ x = 4")
    assert results[-1].done and results[-1].state == NO_GOALS and results[-1].reward == 1.0
    assert not any(r.done for r in results[:-1])


@pytest.mark.kernel
def test_a_system_closes_with_a_pair_and_not_with_one_equation(
    rules: RuleSet, equation_kernel: Kernel, tmp_path: Path
) -> None:
    env = ProofEnv(rules, KernelChecker(equation_kernel, tmp_path))
    env.reset(TWO)
    steps = [
        "have h2 : x + y + (x - y) = 5 + 1 := congrArg₂ (fun t s => t + s) h0 h1",
        "have h3 : x + y + (x - y) = 6 := by rw [show (5 : ℝ) + 1 = 6 by norm_num] at h2; exact h2",
    ]
    assert all(env.step(a).valid for a in steps)
    assert not env.step("exact h3").valid  # one equation for a pair: refused before Lean
    wrong_pair = env.step("exact ⟨h3, h1⟩")
    assert not wrong_pair.valid and "mismatch" in wrong_pair.message  # the kernel's words
    fresh = ProofEnv(rules, KernelChecker(equation_kernel, tmp_path))
    fresh.reset({"hypotheses": ["x = 3", "y = 2"], "goal": "x = 3 ∧ y = 2"})
    closed = fresh.step("exact ⟨h0, h1⟩")
    assert closed.valid and closed.done


@pytest.fixture(scope="module")
def forward_exports(
    equation_cache: Path, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, tuple[Path, Path]]:
    """8 equations (2 proofs where there are) and 3 systems, generated and exported with their
    kernel-judged wrong steps."""
    folder = tmp_path_factory.mktemp("forward")
    cache = ["--cache-dir", str(equation_cache), "--quiet"]
    made = {}
    for family, count in (("equation", "8"), ("equation-system", "3")):
        data, export = folder / family / "data", folder / family / "export"
        assert main(["generate", "--theory", "equation", "--family", family, "--count", count,
                     "--proofs", "2", "--seed", "5", "--out", str(data), *cache]) == 0  # fmt: skip
        assert main(["export", str(data), "--format", "jsonl,trl-dpo,trl-stepwise",
                     "--out", str(export), *cache]) == 0  # fmt: skip
        made[family] = (data, export)
    return made


@pytest.mark.kernel
@pytest.mark.parametrize("family", ["equation", "equation-system"])
def test_exported_forward_proofs_close_and_wrong_steps_are_refused(
    rules: RuleSet,
    equation_kernel: Kernel,
    forward_exports: dict[str, tuple[Path, Path]],
    family: str,
    tmp_path: Path,
) -> None:
    data, export = forward_exports[family]
    records = {str(r["id"]): r for _, r in read_jsonl(data / "theorems.jsonl")}
    steps = [r for _, r in read_jsonl(export / "jsonl" / "data" / "steps.jsonl")]
    rows = read_jsonl(export / "jsonl" / "data" / "negatives.jsonl")
    wrong = [NegativeRow.from_json(r) for _, r in rows]
    assert {r.kind for r in wrong} == set(KINDS)
    checker = KernelChecker(equation_kernel, tmp_path, jobs=2)
    report = replay_exported(records, steps, wrong, rules, checker)
    assert report.proofs >= len(records) and report.closed == report.proofs
    assert report.steps == len(steps) and not report.invalid_steps
    assert report.state_mismatches == 0
    assert report.negatives > 20 and report.negatives_invalid == report.negatives
    dpo = [r for _, r in read_jsonl(export / "trl-dpo" / "dpo.jsonl")]
    assert len(dpo) == report.negatives and {r["kind"] for r in dpo} == set(KINDS)
    stepwise = [r for _, r in read_jsonl(export / "trl-stepwise" / "stepwise.jsonl")]
    assert sum(1 for r in stepwise if not r["labels"][-1]) == report.negatives


@pytest.mark.kernel
def test_evaluate_reports_equation_levels_and_refuses_systems(
    rules: RuleSet,
    equation_kernel: Kernel,
    equation_run: Path,
    forward_exports: dict[str, tuple[Path, Path]],
    tmp_path: Path,
) -> None:
    levels = tmp_path / "levels"
    assert main(["curriculum", str(equation_run), "--out", str(levels), "--levels", "2"]) == 0
    checker = KernelChecker(equation_kernel, tmp_path, jobs=2)
    report = evaluate(levels, rules, checker, 20, tmp_path / "eval", workers=1)
    assert [level.theorems for level in report.levels] == [20, 20] and report.forward == 40
    assert report.proved >= 30  # the undo moves solve most generated equations
    proved = [o for o in report.outcomes if o.proved]
    assert all(o.expansions <= 20 and o.tactics[-1].startswith("exact h") for o in proved)
    # every step of every proof went to the kernel; identical obligations are checked once, and
    # two steps that differ only in their hypotheses' names can be one obligation
    steps = {re.sub(r"\bh\d+\b", "h", t) for o in proved for t in o.tactics[:-1]}
    assert report.kernel_obligations >= len(steps)
    markdown = (tmp_path / "eval" / "evaluation.md").read_text(encoding="utf-8")
    assert "searched forward" in markdown and "| 1 | 20 |" in markdown
    systems, _ = forward_exports["equation-system"]
    with pytest.raises(EvaluationError, match="systems need elimination"):
        evaluate(systems, rules, checker, 20, tmp_path / "sys", workers=1)
    assert not (tmp_path / "sys").exists()
