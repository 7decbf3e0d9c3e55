"""The proof environment on the direct kernel route: a replay of an export gives the same
states and verdicts as through `lean`, and a wrong step is still rejected, by the kernel."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from rpsdg_formal.cli.main import main
from rpsdg_formal.dataset.jsonl import read_jsonl
from rpsdg_formal.dataset.negative import NegativeRow
from rpsdg_formal.env.environment import KernelChecker, ProofEnv, replay_exported
from rpsdg_formal.kernel.check import Accepted, Kernel, Rejected
from rpsdg_formal.theory.rules import RuleSet

pytestmark = pytest.mark.kernel


def _route(kernel: Kernel, route: str) -> Kernel:
    return dataclasses.replace(kernel, config=dataclasses.replace(kernel.config, route=route))


def test_a_replay_gives_the_same_states_and_verdicts_on_both_routes(
    field_rules: RuleSet, field_kernel: Kernel, audited_cache: Path, field_run: Path, tmp_path: Path
) -> None:
    export = tmp_path / "export"
    cache = ["--cache-dir", str(audited_cache), "--quiet"]
    assert main(["export", str(field_run), "--format", "jsonl", "--out", str(export), *cache]) == 0
    records = {str(r["id"]): r for _, r in read_jsonl(field_run / "theorems.jsonl")}
    steps = [r for _, r in read_jsonl(export / "data" / "steps.jsonl")]
    wrong = [NegativeRow.from_json(r) for _, r in read_jsonl(export / "data" / "negatives.jsonl")]
    checkers = {
        route: KernelChecker(_route(field_kernel, route), tmp_path, jobs=2)
        for route in ("lean", "direct")
    }
    reports = {
        route: replay_exported(records, steps, wrong, field_rules, checker)
        for route, checker in checkers.items()
    }
    assert reports["direct"] == reports["lean"]
    assert reports["direct"].closed == reports["direct"].proofs >= 8
    assert reports["direct"].negatives_invalid == reports["direct"].negatives > 50
    lean, direct = checkers["lean"].verdicts, checkers["direct"].verdicts
    assert set(lean) == set(direct) and len(direct) > 100
    for key, verdict in lean.items():
        assert type(direct[key]) is type(verdict), key
        if isinstance(verdict, Accepted):
            assert direct[key] == verdict
    # the direct verdicts came from the kernel through the pool, not from `lean`
    rejected = [v for v in direct.values() if isinstance(v, Rejected)]
    assert rejected and all(v.messages[0].startswith("kernel exception") for v in rejected)


def test_a_wrong_step_is_still_rejected_by_the_direct_route(
    field_rules: RuleSet, field_kernel: Kernel, tmp_path: Path
) -> None:
    env = ProofEnv(field_rules, KernelChecker(_route(field_kernel, "direct"), tmp_path))
    env.reset({"statement": "x * y + z = z + y * x"})
    wrong = env.step("rw [mul_comm x y]; show x * y + z = y * x + z")
    assert not wrong.valid and "kernel exception" in wrong.message
    good = env.step("rw [mul_comm x y, add_comm]")
    assert good.valid and good.done, good.message
