"""The baseline prover and its per-level evaluation: the heuristic, the search's budget and
determinism, proofs replayed through the real Lean kernel (no mock), and the evaluation's
files (JSON, Markdown, SVG) on a tiny generated curriculum."""

from __future__ import annotations

import json
import random
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from synthetic_records import make_record, write_dataset

from rpsdg_formal.cli.main import main
from rpsdg_formal.env.environment import KernelChecker, ProofEnv
from rpsdg_formal.env.evaluate import (
    EvaluationError,
    EvaluationReport,
    evaluate,
    level_report,
    load_levels,
    markdown_table,
    svg_chart,
)
from rpsdg_formal.env.prover import DEFAULT_SEARCH, PROVED, Outcome, prove_many
from rpsdg_formal.env.search import mismatch, search, search_all
from rpsdg_formal.errors import ConfigError
from rpsdg_formal.families.records import binders_of
from rpsdg_formal.kernel.check import Kernel
from rpsdg_formal.rewriting.steps import RuleIndex
from rpsdg_formal.rewriting.walk import WalkConfig, draw_walk, theorem_rng
from rpsdg_formal.tactics.actions import Context, apply, parse_action
from rpsdg_formal.terms.expr import Expr
from rpsdg_formal.terms.parse import parse_equation, parse_expr
from rpsdg_formal.theory.rules import RuleSet

Goal = tuple[Expr, Expr]
TWO_STEPS = "x * y + z = z + y * x"  # mul_comm and add_comm: no single rewrite closes it


def _goal(rules: RuleSet, text: str) -> tuple[Goal, Context]:
    goal = parse_equation(text, rules.theory.signature)
    return goal, Context(binders_of(*goal))


def _walk_goals(rules: RuleSet, count: int, steps: int = 4) -> list[tuple[Goal, Context]]:
    """Goals `start = end` of random walks (what `generate` states, without the kernel)."""
    index = RuleIndex.build(rules.rules)
    goals = []
    for i in range(count):
        walk = draw_walk(WalkConfig(steps=steps), index, theorem_rng(5, i))
        goal = (walk.start, walk.end)
        goals.append((goal, Context(binders_of(*goal))))
    return goals


def _replay_pure(tactics: tuple[str, ...], goal: Goal, context: Context, rules: RuleSet) -> bool:
    """True if the tactic texts, applied as Lean would (no kernel), close `goal`."""
    closed = False
    for text in tactics:
        assert not closed
        applied = apply(parse_action(text, rules, context), goal, context, rules)
        goal, closed = applied.goal, applied.closed
    return closed


# --- the heuristic and the search, no Lean ----------------------------------------------------


def test_mismatch_is_zero_exactly_on_identical_sides(field_rules: RuleSet) -> None:
    sig = field_rules.theory.signature
    texts = ["x", "y", "0", "1", "x + y", "y + x", "x * (y + z)", "x * (y + 0)", "-x", "x⁻¹"]
    exprs = [parse_expr(t, sig) for t in texts]
    exprs += [g for goal, _ in _walk_goals(field_rules, 20) for g in goal]
    for left in exprs:
        assert mismatch(left, left) == 0
        for right in exprs:
            cost = mismatch(left, right)
            assert cost == mismatch(right, left)
            assert (cost == 0) == (left is right)
            assert cost <= left.size + right.size
    x_plus = parse_expr("x * (y + z)", sig), parse_expr("x * (y + 0)", sig)
    assert mismatch(*x_plus) == 2  # only `z` against `0` differs


def test_search_proves_a_two_step_theorem_as_tactic_text(field_rules: RuleSet) -> None:
    goal, context = _goal(field_rules, TWO_STEPS)
    result = search(goal, context, field_rules, budget=10)
    assert result.proved and len(result.tactics) == 2 and result.expansions <= 10
    assert all(t.startswith(("rw [", "nth_rw ")) for t in result.tactics)
    assert _replay_pure(result.tactics, goal, context, field_rules)


def test_a_budget_of_one_fails_on_a_longer_theorem(field_rules: RuleSet) -> None:
    goal, context = _goal(field_rules, TWO_STEPS)
    result = search(goal, context, field_rules, budget=1)
    assert not result.proved and result.tactics == () and result.expansions == 1
    one_step, context = _goal(field_rules, "x * y + z = y * x + z")
    assert search(one_step, context, field_rules, budget=1).proved  # one expansion suffices
    with pytest.raises(ConfigError, match="at least 1"):
        search(goal, context, field_rules, budget=0)


def test_expansions_never_exceed_the_budget_and_proofs_close(field_rules: RuleSet) -> None:
    proved = 0
    for goal, context in _walk_goals(field_rules, 12):
        for budget in (1, 3, 8):
            result = search(goal, context, field_rules, budget)
            assert 1 <= result.expansions <= budget
            if result.proved:
                proved += 1
                assert _replay_pure(result.tactics, goal, context, field_rules)
    assert proved > 0


def test_search_is_deterministic_and_the_pool_agrees(field_rules: RuleSet) -> None:
    tasks = _walk_goals(field_rules, 6)
    alone = search_all(tasks, field_rules, 6)
    assert alone == search_all(tasks, field_rules, 6)
    seen: list[int] = []
    assert search_all(tasks, field_rules, 6, workers=2, progress=lambda d, _: seen.append(d)) == (
        alone
    )
    assert seen == list(range(1, len(tasks) + 1))


def test_a_goal_may_lose_a_variable(field_rules: RuleSet) -> None:
    goal, context = _goal(field_rules, "x + (z - z) = x")
    found = search(goal, context, field_rules, 20)
    assert found.proved and found.tactics == ("rw [sub_self z]", "rw [add_zero x]")


# --- reading and reporting, no Lean --------------------------------------------------------------


def test_a_folder_without_levels_or_theorems_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(EvaluationError, match="rpsdg-formal curriculum"):
        load_levels(tmp_path)
    with pytest.raises(EvaluationError, match="not a folder"):
        load_levels(tmp_path / "missing")


def test_an_unreadable_level_line_names_file_and_line(tmp_path: Path) -> None:
    good = json.dumps(make_record(0, 1, 1))
    (tmp_path / "level_01.jsonl").write_text(f"{good}\n\n{{oops\n", encoding="utf-8")
    with pytest.raises(EvaluationError, match=r"level_01\.jsonl:3: not valid JSON.*fix or delete"):
        load_levels(tmp_path)


def test_a_dataset_folder_is_split_into_levels_in_memory(tmp_path: Path) -> None:
    records = [make_record(i, 1 + i % 3, 3 + i % 4) for i in range(10)]
    write_dataset(tmp_path, random.Random(1).sample(records, len(records)))
    levels = load_levels(tmp_path, 3)
    assert [lv.number for lv in levels] == [1, 2, 3]
    assert sorted(r["id"] for lv in levels for r in lv.records) == sorted(r["id"] for r in records)
    bounds = [[r["min_length_lower_bound"] for r in lv.records] for lv in levels]
    assert max(bounds[0]) <= min(bounds[1]) and max(bounds[1]) <= min(bounds[2])
    assert all(o.startswith(str(tmp_path / "theorems.jsonl") + ":") for o in levels[0].origins)


def _outcome(i: int, level: int, proved: bool, expansions: int) -> Outcome:
    tactics = ("rw [add_comm x y]",) * (2 if proved else 0)
    status = PROVED if proved else "budget"
    return Outcome(f"t{i}", level, proved, status, expansions, tactics, 3)


def test_table_and_chart_agree_with_the_outcomes() -> None:
    outcomes = [_outcome(0, 1, True, 2), _outcome(1, 1, True, 4), _outcome(2, 2, False, 9)]
    levels = (level_report(1, outcomes[:2]), level_report(2, outcomes[2:]))
    assert levels[0].success_rate == 1.0 and levels[0].mean_length_found == 2.0
    assert levels[1].mean_expansions == 9.0 and levels[1].mean_expansions_proved is None
    report = EvaluationReport("cur", 9, DEFAULT_SEARCH, levels, tuple(outcomes), 1.0, 2.0, 4)
    table = markdown_table(report).splitlines()
    assert len(table) == 2 + 2 + 1
    assert table[2].startswith("| 1 | 2 | 2 | 100.0 % | 3.0 | 3.0 | 2.00 | 3.00 |")
    assert table[4].startswith("| all | 3 | 2 | 66.7 % | 5.0 |")
    root = ET.fromstring(svg_chart(report))
    words = " ".join(t.text or "" for t in root.iter("{http://www.w3.org/2000/svg}text"))
    assert "budget 9" in words and "3 theorems" in words and "mean expansions" in words


# --- with the Lean kernel ------------------------------------------------------------------------


@pytest.mark.kernel
def test_a_found_proof_is_accepted_step_by_step_by_the_kernel(
    field_rules: RuleSet, field_kernel: Kernel, tmp_path: Path
) -> None:
    for text in (TWO_STEPS, "x + (z - z) = x"):
        env = ProofEnv(field_rules, KernelChecker(field_kernel, tmp_path))
        env.reset({"statement": text})
        assert env.goal is not None
        result = search(env.goal, env.context, field_rules, 20)
        assert result.proved
        steps = [env.step(tactic) for tactic in result.tactics]
        assert all(s.valid for s in steps), [s.message for s in steps]
        assert steps[-1].done and not any(s.done for s in steps[:-1])


@pytest.fixture(scope="module")
def tiny_curriculum(audited_cache: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """30 generated field theorems in 3 curriculum levels."""
    folder = tmp_path_factory.mktemp("prover")
    data, levels = folder / "data", folder / "levels"
    args = ["generate", "--count", "30", "--seed", "3", "--out", str(data)]
    assert main([*args, "--cache-dir", str(audited_cache), "--quiet"]) == 0
    assert main(["curriculum", str(data), "--out", str(levels), "--levels", "3"]) == 0
    return levels


@pytest.mark.kernel
def test_evaluate_writes_consistent_json_markdown_and_svg(
    field_rules: RuleSet, field_kernel: Kernel, tiny_curriculum: Path, tmp_path: Path
) -> None:
    checker = KernelChecker(field_kernel, tmp_path, jobs=2)
    out = tmp_path / "eval"
    report = evaluate(tiny_curriculum, field_rules, checker, 15, out, workers=2)
    assert [p.name for p in report.files] == ["evaluation.json", "evaluation.md", "evaluation.svg"]
    data = json.loads((out / "evaluation.json").read_text(encoding="utf-8"))
    assert data["budget"] == 15 and data["theorems_attempted"] == 30 == report.theorems
    assert [lv["theorems"] for lv in data["levels"]] == [10, 10, 10]
    assert sum(lv["proved"] for lv in data["levels"]) == data["proved"] == report.proved > 0
    assert len(data["theorems"]) == 30
    for row in data["theorems"]:
        assert row["expansions"] <= 15
        assert row["proved"] == (row["status"] == PROVED)
        assert (row["found_length"] is not None) == row["proved"]
    assert report.kernel_obligations >= sum(len(o.tactics) for o in report.outcomes if o.proved)
    markdown = (out / "evaluation.md").read_text(encoding="utf-8")
    for level in data["levels"]:
        assert f"| {level['level']} | {level['theorems']} | {level['proved']} |" in markdown
    assert "budget **15**" in markdown
    root = ET.parse(out / "evaluation.svg").getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    # the same outcomes again through prove_many: the checker remembers every verdict
    records = [r for lv in load_levels(tiny_curriculum) for r in lv.records]
    again = prove_many(records, field_rules, checker, 15)
    assert [o.proved for o in again] == [o.proved for o in report.outcomes]


@pytest.mark.kernel
def test_evaluate_shows_progress_from_the_start_reading_then_searching(
    field_rules: RuleSet,
    field_kernel: Kernel,
    tiny_curriculum: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The records are replayed before any search (about a millisecond each, seconds for a few
    thousand): the command says what it evaluates, then shows that replay, then the search."""
    checker = KernelChecker(field_kernel, tmp_path, jobs=2)
    evaluate(tiny_curriculum, field_rules, checker, 5, tmp_path / "eval", workers=1, progress=True)
    err = capsys.readouterr().err
    order = [err.find(s) for s in ("evaluating 30 theorems", "replaying the records", "searching")]
    assert -1 not in order and order == sorted(order), err
    assert "replaying the records [##############################] 30/30" in err
    evaluate(tiny_curriculum, field_rules, checker, 5, tmp_path / "eval", workers=1)
    assert capsys.readouterr().err == ""  # no progress asked, none shown
