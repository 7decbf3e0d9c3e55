"""The exports read as a trainer reads them: the `theorems` config (loaded with `datasets`)
states each problem fully, the card says how each family's theorems were made and checked,
and a DPO pair differs in what the step does, never by the presence of a claimed goal alone.
Field, calculus and equation runs, exported and judged by the real kernel."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from rpsdg_formal.env.environment import KernelChecker, replay_exported
from rpsdg_formal.exports.writer import CLAIM
from rpsdg_formal.kernel.check import prepare_kernel
from rpsdg_formal.kernel.config import KernelConfig
from rpsdg_formal.tactics.render import NO_GOALS
from rpsdg_formal.theory.catalogue import rules_path
from rpsdg_formal.theory.rules import load_rules

pytestmark = pytest.mark.kernel


def _jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _card(root: Path) -> str:
    return (root / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("theory", ["field", "calculus", "equation"])
def test_the_theorems_config_states_the_problem_its_answer_and_hypotheses(
    exports: dict[str, tuple[Path, Path]], theory: str, tmp_path: Path
) -> None:
    """A calculus statement holds only under its side conditions (`deriv (fun x => Real.log x
    * x) x = 1 + Real.log x` is false at 0 in Mathlib): the row carries them, with the problem
    and answer a reasoning model is trained on, as `datasets` loads the default config."""
    datasets = pytest.importorskip("datasets", reason="needs the `test` extra (datasets)")
    datasets.disable_progress_bars()
    run, root = exports[theory]
    rows = datasets.load_dataset(str(root), cache_dir=str(tmp_path))["train"]
    records = {r["id"]: r for r in _jsonl(run / "theorems.jsonl")}
    firsts = {
        s["theorem"]: s["state_before"]
        for s in _jsonl(root / "jsonl" / "data" / "steps.jsonl")
        if s["proof"] == 0 and s["step"] == 0
    }
    assert len(rows) == len(records)
    for row in rows:
        record = records[row["id"]]
        assert row["problem"] == record.get("problem", "")
        assert row["answer"] == record.get("answer", "")
        assert row["hypotheses"] == record.get("hypotheses", [])
        shown = [line for line in firsts[row["id"]].splitlines() if line.startswith("h")]
        if theory == "calculus":  # the first goal state assumes exactly these
            assert len(shown) == len(row["hypotheses"]), row["id"]
    if theory == "field":
        assert all(row["problem"] == "" and row["answer"] == "" for row in rows)
    else:
        assert all(row["problem"] and row["answer"] for row in rows)
    if theory == "calculus":
        assert any(row["hypotheses"] for row in rows)
    assert "`hypotheses` the statement assumes" in _card(root)


def test_the_card_says_how_each_family_was_made(exports: dict[str, tuple[Path, Path]]) -> None:
    """Schema 3 certificates leave each `have`'s type to Lean, only rewrite theorems come from
    random rewrites, and the `D_*` caveat belongs to cards that have such steps."""
    field, calculus, equation = (_card(exports[t][1]) for t in ("field", "calculus", "equation"))
    for card in (field, calculus, equation):
        assert "typed `have`" not in card and "one `have` per step" in card
    assert "random rewrites of a random expression" in field
    assert "differentiated step by step" in calculus and "random rewrites" not in calculus
    assert "same operation done to both sides" in equation and "random rewrites" not in equation
    assert "Equations are solved forward" in equation and "solved forward" not in field
    assert "D_*" not in field and "D_*" not in equation and "D_*" in calculus
    steps = len(_jsonl(exports["field"][1] / "jsonl" / "data" / "steps.jsonl"))
    assert f"All {steps} steps name a Mathlib lemma" in field
    assert "+1 the claimed step holds (its `tactic` may still fail in Lean)" in field


@pytest.mark.parametrize("theory", ["field", "calculus"])
def test_dpo_pairs_differ_in_the_step_not_in_the_claim(
    exports: dict[str, tuple[Path, Path]], kernel_cache: Path, theory: str, tmp_path: Path
) -> None:
    """Where the rejected tactic claims its goal (`; show G`: the tactic alone would succeed),
    the chosen one claims the true goal, and that claimed step is valid in the kernel-backed
    environment with the exported states; only a step that closes the goal claims nothing."""
    run, root = exports[theory]
    steps = _jsonl(root / "jsonl" / "data" / "steps.jsonl")
    at: dict[tuple[str, str], list[dict[str, Any]]] = {}  # two proofs may share a state
    for s in steps:
        at.setdefault((s["theorem"], s["state_before"]), []).append(s)
    claimed: dict[tuple[str, int, int], str] = {}
    for row in _jsonl(root / "trl-dpo" / "dpo.jsonl"):
        found = at[(row["theorem"], row["prompt"][:-1])]
        step = next(s for s in found if row["chosen"].split(CLAIM)[0] == s["tactic"])
        closes = step["state_after"] == NO_GOALS
        assert (CLAIM in row["chosen"]) == (CLAIM in row["rejected"] and not closes), row
        if CLAIM in row["chosen"]:
            assert row["chosen"] != row["rejected"]
            claimed[(step["theorem"], step["proof"], step["step"])] = row["chosen"]
    assert len(claimed) >= 10
    changed = [
        {**s, "tactic": claimed.get((s["theorem"], s["proof"], s["step"]), s["tactic"])}
        for s in steps
    ]
    rules = load_rules(rules_path(theory))
    kernel = prepare_kernel(rules.theory, KernelConfig(cache_dir=kernel_cache, threads=2))
    records = {str(r["id"]): r for r in _jsonl(run / "theorems.jsonl")}
    report = replay_exported(records, changed, [], rules, KernelChecker(kernel, tmp_path, jobs=2))
    assert not report.invalid_steps and report.state_mismatches == 0
    assert report.closed == report.proofs


@pytest.mark.parametrize("theory", ["field", "calculus", "equation"])
def test_a_wrong_step_starts_from_the_goal_state_the_steps_table_shows(
    exports: dict[str, tuple[Path, Path]], theory: str
) -> None:
    """Before, a rewrite negative's `state_before` was the rewritten side alone, printed unlike
    the goal states (`x * (-z * x)`), its claim another printer's (`(Real.log x) ^ 2`), and its
    description said `rw [mul_comm (-z) x] at []`; equation negatives already started from the
    goal state."""
    root = exports[theory][1]
    steps = {
        (s["theorem"], s["proof"], s["step"]): s
        for s in _jsonl(root / "jsonl" / "data" / "steps.jsonl")
    }
    negatives = _jsonl(root / "jsonl" / "data" / "negatives.jsonl")
    claims = 0
    for row in negatives:
        state = steps[(row["theorem"], row["proof"], row["step"])]["state_before"]
        assert row["state_before"] == state, row
        assert " at [" not in row["description"], row  # a position, not Lean's `rw … at h`
        if CLAIM in row["tactic"]:
            claims += 1
            assert row["tactic"].endswith(f"{CLAIM}{row['claimed_after']}"), row
    assert claims or theory == "equation"
    if theory != "equation":
        assert any("at the root" in row["description"] for row in negatives)
        assert any("at position [" in row["description"] for row in negatives)


@pytest.mark.parametrize("theory", ["field", "calculus"])
def test_stepwise_labels_a_claim_by_its_truth_and_no_refused_tactic_true(
    exports: dict[str, tuple[Path, Path]], theory: str
) -> None:
    """A prefix ending True is a whole proof or the true step claiming the true goal (valid in
    the environment: see the DPO test); the kernel-accepted wrong steps, whose tactic Lean may
    refuse, are not rows. Every rejected step that claims a goal the true step does not close
    has a True twin that claims one too."""
    root = exports[theory][1]
    steps = _jsonl(root / "jsonl" / "data" / "steps.jsonl")
    proofs: dict[tuple[str, int], list[str]] = {}
    closing: dict[tuple[str, int], list[bool]] = {}
    for s in sorted(steps, key=lambda s: s["step"]):
        proofs.setdefault((s["theorem"], s["proof"]), []).append(s["tactic"])
        closing.setdefault((s["theorem"], s["proof"]), []).append(s["state_after"] == NO_GOALS)
    rejected = [n for n in _jsonl(root / "jsonl" / "data" / "negatives.jsonl") if n["label"] == -1]
    rows = _jsonl(root / "trl-stepwise" / "stepwise.jsonl")
    true_ends, false_ends = set(), []
    for row in rows:
        tactics = proofs[(row["theorem"], row["proof"])]
        *before, last = row["completions"]
        assert before == tactics[: len(before)] and row["labels"][:-1] == [True] * len(before)
        if row["labels"][-1]:
            assert last == tactics[len(before)] or (
                last.startswith(f"{tactics[len(before)]}{CLAIM}")
            ), row
            true_ends.add((row["theorem"], row["proof"], len(before), CLAIM in last))
        else:
            false_ends.append((row["theorem"], row["proof"], len(before), CLAIM in last))
    assert len(false_ends) == len(rejected)
    for theorem, proof, k, claims in false_ends:
        if claims and not closing[(theorem, proof)][k]:
            assert (theorem, proof, k, True) in true_ends
