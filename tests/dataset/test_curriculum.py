"""Curriculum levels from synthetic records: ordering, manifest truthfulness, balancing, errors."""

from __future__ import annotations

import itertools
import json
import random
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from synthetic_records import RULES, make_record, write_dataset

from rpsdg_formal.cli.main import main
from rpsdg_formal.dataset.curriculum import (
    difficulty_key,
    plan_levels,
    read_dataset,
    read_records,
    write_curriculum,
)
from rpsdg_formal.errors import ConfigError, OutputError


def synthetic(count: int, seed: int = 1) -> list[dict[str, Any]]:
    """`count` varied records in shuffled order, with many ties in (bound, length)."""
    rng = random.Random(seed)
    records = []
    for i in range(count):
        bound = rng.randint(1, 4)
        rules = tuple(rng.sample(RULES, rng.randint(1, 3)))
        records.append(
            make_record(
                i, bound, bound + rng.randint(0, 2), rng.randint(3, 9), rng.randint(3, 9), rules
            )
        )
    return records


def level_records(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def assert_non_decreasing(levels: list[list[dict[str, Any]]]) -> None:
    for group in levels:
        keys = [difficulty_key(r) for r in group]
        assert keys == sorted(keys)
    for easier, harder in itertools.pairwise(levels):
        assert max(map(difficulty_key, easier)) <= min(map(difficulty_key, harder))


def test_levels_are_non_decreasing_contiguous_and_near_equal() -> None:
    records = synthetic(37)
    levels = plan_levels(records, 5, balanced=False, seed=0)
    assert len(levels) == 5
    assert_non_decreasing(levels)
    assert sorted(len(g) for g in levels) == [7, 7, 7, 8, 8]
    assert [r["id"] for g in levels for r in g] == [
        r["id"] for r in sorted(records, key=difficulty_key)
    ]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 3), st.integers(0, 2), st.integers(1, 6)), min_size=1),
    st.integers(1, 8),
    st.booleans(),
    st.integers(0, 3),
)
def test_any_split_is_non_decreasing(
    shape: list[tuple[int, int, int]], levels: int, balanced: bool, seed: int
) -> None:
    records = [make_record(i, b, b + d, size) for i, (b, d, size) in enumerate(shape)]
    planned = plan_levels(records, levels, balanced, seed)
    assert len(planned) == min(levels, len(records))
    assert all(planned)
    assert_non_decreasing(planned)
    if balanced:
        assert len({len(g) for g in planned}) == 1
    else:
        assert sum(len(g) for g in planned) == len(records)


def test_difficulty_key_orders_by_bound_then_size_then_length() -> None:
    easy = make_record(9, 1, 5, 20, 20)
    small = make_record(7, 2, 3, 2, 2)
    short_big = make_record(8, 2, 2, 20, 20)
    big = make_record(6, 2, 3, 20, 20)
    ordered = sorted([big, short_big, small, easy], key=difficulty_key)
    assert ordered == [easy, small, short_big, big]


def test_levels_that_share_their_bound_separate_by_size(tmp_path: Path) -> None:
    rng = random.Random(5)
    records = [
        make_record(i, 3 if i < 80 else 4, 8, rng.randint(5, 25), rng.randint(5, 25))
        for i in range(100)
    ]  # four fifths share bound 3 and proof length 8, as in a default run
    dataset = write_dataset(tmp_path / "data", records)
    manifest = yaml.safe_load(write_curriculum(dataset, tmp_path / "cur", 5).read_text())
    levels = manifest["levels"]
    assert [e["separated_by"] for e in levels] == [None, "size", "size", "size", "lower_bound"]
    assert manifest["strictly_increasing"] is True
    for before, after in itertools.pairwise(levels):
        assert (after["median_lower_bound"], after["median_size"]) > (
            before["median_lower_bound"],
            before["median_size"],
        )


def test_a_tie_in_both_measures_is_reported(tmp_path: Path) -> None:
    records = [make_record(i, 3, 8, 6, 6) for i in range(10)]
    dataset = write_dataset(tmp_path / "data", records)
    manifest = yaml.safe_load(write_curriculum(dataset, tmp_path / "cur", 2).read_text())
    assert [e["separated_by"] for e in manifest["levels"]] == [None, None]
    assert manifest["strictly_increasing"] is False


def test_fewer_records_than_levels_gives_fewer_levels(tmp_path: Path) -> None:
    dataset = write_dataset(tmp_path / "data", synthetic(3))
    manifest = yaml.safe_load(write_curriculum(dataset, tmp_path / "cur", 5).read_text())
    assert [entry["count"] for entry in manifest["levels"]] == [1, 1, 1]
    assert sorted(p.name for p in (tmp_path / "cur").glob("level_*.jsonl")) == [
        "level_01.jsonl",
        "level_02.jsonl",
        "level_03.jsonl",
    ]


def test_manifest_matches_the_level_files(tmp_path: Path) -> None:
    records = [*synthetic(41), make_record(100, 2, 3, seed=7)]
    dataset = write_dataset(tmp_path / "data", records)
    out = tmp_path / "cur"
    path = write_curriculum(dataset, out, 4, seed=3)
    assert path == out / "manifest.yaml"
    manifest = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert manifest["source"] == str(dataset / "theorems.jsonl")
    assert manifest["seed"] == [0, 7]
    assert manifest["sampling_seed"] == 3
    assert manifest["balanced"] is False
    assert manifest["total"] == len(records)
    assert sum(entry["count"] for entry in manifest["levels"]) == manifest["total"]
    files = []
    overall: dict[str, int] = {}
    for number, entry in enumerate(manifest["levels"], 1):
        assert entry["level"] == number
        assert entry["file"] == f"level_{number:02d}.jsonl"
        text = (out / entry["file"]).read_text(encoding="utf-8")
        assert entry["count"] == len(text.splitlines())
        group = level_records(out / entry["file"])
        files.append(group)
        bounds = [r["min_length_lower_bound"] for r in group]
        lengths = [r["proof_length"] for r in group]
        assert entry["lower_bound"] == [min(bounds), max(bounds)]
        assert entry["proof_length"] == [min(lengths), max(lengths)]
        coverage: dict[str, int] = {}
        for record in group:
            for rule in record["rules_used"]:
                coverage[rule] = coverage.get(rule, 0) + 1
                overall[rule] = overall.get(rule, 0) + 1
        assert entry["rule_coverage"] == coverage
    assert manifest["rule_coverage"] == overall
    assert_non_decreasing(files)
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]


def test_rerun_with_fewer_levels_removes_stale_level_files(tmp_path: Path) -> None:
    dataset = write_dataset(tmp_path / "data", synthetic(20))
    out = tmp_path / "cur"
    write_curriculum(dataset, out, 6)
    write_curriculum(dataset, out, 2)
    assert sorted(p.name for p in out.glob("level_*.jsonl")) == ["level_01.jsonl", "level_02.jsonl"]


def test_balanced_levels_are_equal_and_deterministic(tmp_path: Path) -> None:
    dataset = write_dataset(tmp_path / "data", synthetic(23))
    runs = []
    for name, seed in (("a", 11), ("b", 11), ("c", 12)):
        out = tmp_path / name
        manifest = yaml.safe_load(write_curriculum(dataset, out, 4, True, seed).read_text())
        assert manifest["balanced"] is True
        assert [entry["count"] for entry in manifest["levels"]] == [5, 5, 5, 5]
        assert manifest["total"] == 20
        runs.append([(out / e["file"]).read_bytes() for e in manifest["levels"]])
        assert_non_decreasing([level_records(out / e["file"]) for e in manifest["levels"]])
    assert runs[0] == runs[1]


def test_balanced_down_sampling_depends_only_on_the_seed() -> None:
    records = synthetic(31)
    first = plan_levels(records, 3, balanced=True, seed=5)
    again = plan_levels(list(reversed(records)), 3, balanced=True, seed=5)
    assert first == again
    assert {len(g) for g in first} == {10}


def test_unknown_fields_are_preserved(tmp_path: Path) -> None:
    records = synthetic(6)
    records[2]["provenance"] = {"tool": "x", "nested": [1, 2.5, None, "ü"]}
    records[4]["note"] = "keep me"
    dataset = write_dataset(tmp_path / "data", records)
    manifest = yaml.safe_load(write_curriculum(dataset, tmp_path / "cur", 2).read_text())
    copied = [r for e in manifest["levels"] for r in level_records(tmp_path / "cur" / e["file"])]
    assert sorted(copied, key=lambda r: str(r["id"])) == sorted(records, key=lambda r: str(r["id"]))


def test_missing_file_is_an_output_error(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match=r"theorems\.jsonl not found"):
        write_curriculum(tmp_path / "nowhere", tmp_path / "cur", 3)
    with pytest.raises(OutputError, match=r"nope\.jsonl not found"):
        read_records(tmp_path / "nope.jsonl")


@pytest.mark.parametrize("bad", ["{not json", "[1, 2]", '"text"'])
def test_bad_line_names_file_and_line(tmp_path: Path, bad: str) -> None:
    dataset = tmp_path / "data"
    write_dataset(dataset, synthetic(2))
    path = dataset / "theorems.jsonl"
    path.write_text(path.read_text() + "\n" + bad + "\n", encoding="utf-8")
    with pytest.raises(OutputError) as info:
        write_curriculum(dataset, tmp_path / "cur", 2)
    assert f"{path}:4:" in str(info.value)
    assert not (tmp_path / "cur").exists()


def test_record_without_a_needed_field_names_the_line(tmp_path: Path) -> None:
    records = synthetic(3)
    del records[1]["measures"]["end_size"]
    dataset = write_dataset(tmp_path / "data", records)
    with pytest.raises(OutputError, match=r"theorems\.jsonl:2: field 'measures\.end_size'"):
        read_dataset(dataset)


def test_bad_options_are_config_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="at least 1"):
        plan_levels(synthetic(4), 0, balanced=False, seed=0)
    with pytest.raises(ConfigError, match="empty"):
        plan_levels([], 3, balanced=False, seed=0)
    dataset = write_dataset(tmp_path / "data", synthetic(4))
    with pytest.raises(ConfigError):
        write_curriculum(dataset, tmp_path / "cur", 0)
    with pytest.raises(ConfigError):
        write_curriculum(write_dataset(tmp_path / "empty", []), tmp_path / "cur", 2)


def test_prover_effort_breaks_ties_before_size(tmp_path: Path) -> None:
    rng = random.Random(6)
    records = [
        make_record(i, 3 if i < 80 else 4, 8, rng.randint(5, 25), rng.randint(5, 25))
        for i in range(100)
    ]
    efforts = {r["id"]: rng.randint(1, 51) for r in records}
    dataset = write_dataset(tmp_path / "data", records)

    def effort(seen: list[dict[str, Any]]) -> tuple[dict[str, int], str]:
        assert [r["id"] for r in seen] == [r["id"] for r in records]
        return efforts, "made up for the test"

    path = write_curriculum(dataset, tmp_path / "cur", 5, effort=effort)
    manifest = yaml.safe_load(path.read_text())
    levels = manifest["levels"]
    assert [e["separated_by"] for e in levels] == [
        None, "prover_effort", "prover_effort", "prover_effort", "lower_bound",
    ]  # fmt: skip
    assert manifest["strictly_increasing"] is True and manifest["prover_effort"]
    for before, after in itertools.pairwise(levels[:4]):
        assert after["median_prover_effort"] > before["median_prover_effort"]
    written = [level_records(tmp_path / "cur" / e["file"]) for e in levels]
    keys = [[difficulty_key(r, efforts) for r in group] for group in written]
    assert keys == [sorted(k) for k in keys]
    assert all(max(a) <= min(b) for a, b in itertools.pairwise(keys))


def test_without_efforts_the_manifest_says_none(tmp_path: Path) -> None:
    dataset = write_dataset(tmp_path / "data", synthetic(10))
    manifest = yaml.safe_load(write_curriculum(dataset, tmp_path / "cur", 2).read_text())
    assert manifest["prover_effort"] is None
    assert all("median_prover_effort" not in e for e in manifest["levels"])


def test_the_command_says_how_many_levels_it_wrote(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Before, `--levels 5` on three theorems printed only the manifest's path: that it wrote
    three levels was left for the reader to find."""
    folder = write_dataset(tmp_path / "run", [make_record(i, 1 + i, 2 + i) for i in range(3)])
    out = tmp_path / "cur"
    argv = ["curriculum", str(folder), "--out", str(out), "--effort-budget", "0"]
    assert main([*argv, "--levels", "5"]) == 0
    line = capsys.readouterr().out.strip()
    assert line == (
        "curriculum written: 3 levels (not 5: a level holds a theorem at least), 3 theorems, "
        f"{out / 'manifest.yaml'}"
    )
    assert main([*argv, "--levels", "2"]) == 0
    assert capsys.readouterr().out.startswith("curriculum written: 2 levels, 3 theorems, ")
