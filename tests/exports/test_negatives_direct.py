"""The negatives judged on the direct kernel route: the same labels as through `lean` on a
field and a calculus export, with the kernel's own words for each rejection."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from rpsdg_formal.dataset.jsonl import read_jsonl
from rpsdg_formal.exports.negatives import KINDS, record_negatives
from rpsdg_formal.kernel import KernelConfig
from rpsdg_formal.kernel.check import prepare_kernel
from rpsdg_formal.theory.catalogue import rules_path
from rpsdg_formal.theory.rules import load_rules

pytestmark = pytest.mark.kernel


def _rows(run: Path, theory: str, cache: Path, route: str, folder: Path) -> list[dict[str, object]]:
    rules = load_rules(rules_path(theory))
    kernel = prepare_kernel(rules.theory, KernelConfig(cache_dir=cache, threads=2, route=route))
    rng = random.Random(7)
    out = []
    for number, (_, record) in enumerate(read_jsonl(run / "theorems.jsonl")):
        if number >= 12:
            break
        rows = record_negatives(record, rules, kernel, rng, folder / f"{route}_{number}.lean")
        out += [r.to_json() for r in rows]
    return out


@pytest.mark.parametrize("theory", ["field", "calculus"])
def test_the_same_labels_on_both_routes(
    theory: str, request: pytest.FixtureRequest, kernel_cache: Path, tmp_path: Path
) -> None:
    run: Path = request.getfixturevalue(f"{theory}_run")
    lean = _rows(run, theory, kernel_cache, "lean", tmp_path)
    direct = _rows(run, theory, kernel_cache, "direct", tmp_path)
    assert len(direct) == len(lean) > 50

    def without_message(row: dict[str, object]) -> dict[str, object]:
        return {k: v for k, v in row.items() if k != "kernel_message"}

    assert [without_message(r) for r in direct] == [without_message(r) for r in lean]
    assert {r["kind"] for r in direct} >= set(KINDS) - {"wrong-instantiation"}
    rejected = [r for r in direct if r["label"] == -1]
    assert rejected and all(
        str(r["kernel_message"]).startswith("kernel exception") for r in rejected
    )
    # a lemma the theory lacks reaches the kernel as that constant, and is unknown there
    missing = [r for r in direct if r["kind"] == "missing-rule"]
    assert missing and all("unknownConstant" in str(r["kernel_message"]) for r in missing)
