"""Dataset statistics from synthetic records: every plot is a real PNG, the summary is right."""

from __future__ import annotations

import random
import sys
from pathlib import Path
from typing import Any

import pytest
from synthetic_records import RULES, make_record, write_dataset

from rpsdg_formal.dataset.stats import write_stats
from rpsdg_formal.errors import ConfigError


def synthetic(count: int) -> list[dict[str, Any]]:
    rng = random.Random(4)
    records = []
    for i in range(count):
        bound = rng.randint(1, 4)
        rules = tuple(rng.sample(RULES, rng.randint(1, 3)))
        sizes = {"start_size": 3 + i % 5, "end_size": 2 + i % 7}
        records.append(make_record(i, bound, bound + rng.randint(0, 2), rules=rules, **sizes))
    return records


PNGS = ("difficulty.png", "length_vs_bound.png", "rule_usage.png", "expression_size.png")


@pytest.fixture
def matplotlib_available() -> None:
    pytest.importorskip("matplotlib", reason="plots need matplotlib (the `plots` extra)")


@pytest.mark.usefixtures("matplotlib_available")
def test_every_plot_is_a_png_and_the_summary_counts(tmp_path: Path) -> None:
    records = synthetic(24)
    records[0]["proofs"] = [{"steps": [], "lean_proof": "rfl"}]
    records[1]["proofs"] = [{"steps": [], "lean_proof": "rfl"}, {"steps": [], "lean_proof": "x"}]
    records.append(make_record(50, 2, 2, rules=("mul_one", "add_zero"), seed=3))
    dataset = write_dataset(tmp_path / "data", records)
    out = tmp_path / "stats"
    written = write_stats(dataset, out)
    assert [p.name for p in written] == [*PNGS, "summary.md"]
    for name in PNGS:
        assert (out / name).read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    summary = (out / "summary.md").read_text(encoding="utf-8")
    optimal = sum(1 for r in records if r["proof_length"] == r["min_length_lower_bound"])
    assert "- theorems: 25\n" in summary
    assert f"{optimal}/25 ({100 * optimal / 25:.1f}%)" in summary
    assert "proven optimal within the search" in summary
    assert "- theorems with alternative proofs: 2\n" in summary
    assert "- seeds: 0, 3\n" in summary
    for name in PNGS:
        assert f"]({name})" in summary


@pytest.mark.usefixtures("matplotlib_available")
def test_empty_dataset_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no theorems"):
        write_stats(write_dataset(tmp_path / "data", []), tmp_path / "stats")


def test_missing_matplotlib_says_how_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    dataset = write_dataset(tmp_path / "data", synthetic(3))
    with pytest.raises(ConfigError, match=r"pip install 'rpsdg-formal\[plots\]'"):
        write_stats(dataset, tmp_path / "stats")
    assert not (tmp_path / "stats").exists()
