"""Exports: every format is written from a real kernel-checked run, read back, validated
against the field names and types its consumers expect, and counted."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from rpsdg_formal.cli.main import main
from rpsdg_formal.dataset.negative import FORWARD_KINDS as EQUATION_KINDS
from rpsdg_formal.dataset.negative import NegativeRow
from rpsdg_formal.exports.leandojo import _coin, _split_of, novel_splits, random_splits
from rpsdg_formal.exports.writer import FORMATS
from rpsdg_formal.tactics.delab import pretty
from rpsdg_formal.terms.parse import parse_expr
from rpsdg_formal.theory.catalogue import rules_path
from rpsdg_formal.theory.rules import load_rules


@pytest.fixture(scope="module")
def run(field_run: Path, audited_cache: Path) -> tuple[Path, Path]:
    """The shared field run (alternative proofs included), and the cache its audit is in."""
    return field_run, audited_cache


@pytest.fixture(scope="module")
def exports(run: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every format from one `--format all` run (traced and judged once)."""
    folder, cache = run
    out = tmp_path_factory.mktemp("export-all")
    argv = ["export", str(folder), "--format", "all", "--out", str(out), "--force"]
    assert main([*argv, "--cache-dir", str(cache), "--quiet"]) == 0
    assert sorted(p.name for p in out.iterdir()) == sorted([*FORMATS, "README.md"])
    return {kind: out / kind for kind in FORMATS}


def _jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _types(row: dict[str, Any], spec: dict[str, type]) -> None:
    assert set(spec) <= set(row), sorted(set(spec) - set(row))
    for key, kind in spec.items():
        assert isinstance(row[key], kind), (key, row[key])


def _records(run: tuple[Path, Path]) -> list[dict[str, Any]]:
    return _jsonl(run[0] / "theorems.jsonl")


STEP = {
    "theorem": str,
    "proof": int,
    "step": int,
    "state_before": str,
    "tactic": str,
    "state_after": str,
    "rule": str,
    "label": int,
}
NEGATIVE = {
    "theorem": str,
    "proof": int,
    "step": int,
    "kind": str,
    "state_before": str,
    "claimed_after": str,
    "description": str,
    "label": int,
    "kernel_message": str,
}


def test_jsonl_tables_and_card(exports: dict[str, Path], run: tuple[Path, Path]) -> None:
    out = exports["jsonl"]
    records = _records(run)
    theorems = _jsonl(out / "data" / "theorems.jsonl")
    steps = _jsonl(out / "data" / "steps.jsonl")
    negatives = _jsonl(out / "data" / "negatives.jsonl")
    assert [t["id"] for t in theorems] == [r["id"] for r in records]
    proofs = sum(1 + len(r["proofs"]) for r in records)
    assert len(steps) == sum(
        len(r["steps"]) + sum(len(p["steps"]) for p in r["proofs"]) for r in records
    )
    assert len({(s["theorem"], s["proof"]) for s in steps}) == proofs
    for row in steps:
        _types(row, STEP)
        assert row["label"] == 1 and "⊢ " in row["state_before"]
    assert negatives
    for row in negatives:
        _types(row, NEGATIVE)
        assert row["label"] in (-1, 1)
        if row["label"] == -1:
            assert row["kernel_message"], row  # every negative carries Lean's rejection
    card = (out.parent / "README.md").read_text(encoding="utf-8")  # at the export root
    assert not (out / "README.md").exists()
    front = yaml.safe_load(card.split("---")[1])
    assert front["license"] == "apache-2.0"
    assert [c["config_name"] for c in front["configs"]][:3] == ["theorems", "steps", "negatives"]
    assert front["configs"][0]["default"] is True
    assert front["configs"][0]["data_files"][0]["path"] == "jsonl/data/theorems.jsonl"
    sizes = {
        info["config_name"]: info["splits"][0]["num_examples"] for info in front["dataset_info"]
    }
    assert {k: sizes[k] for k in ("theorems", "steps", "negatives")} == {
        "theorems": len(theorems),
        "steps": len(steps),
        "negatives": len(negatives),
    }
    for info in front["dataset_info"]:
        assert all(split["num_bytes"] > 0 for split in info["splits"]), info["config_name"]
    assert "How it was verified" in card and f"| steps | {len(steps)} |" in card


def test_parquet_tables_match_the_jsonl_ones(exports: dict[str, Path]) -> None:
    pq = pytest.importorskip("pyarrow.parquet", reason="parquet needs the `parquet` extra")
    for name in ("theorems", "steps", "negatives"):
        table = pq.read_table(exports["parquet"] / "data" / f"{name}.parquet")
        rows = _jsonl(exports["jsonl"] / "data" / f"{name}.jsonl")
        assert table.num_rows == len(rows)
        assert table.to_pylist() == [{k: row.get(k) for k in table.column_names} for row in rows]
    # datasets builds every config of a card with one builder: with JSON formats beside it,
    # the card lists the JSON Lines tables, never the Parquet ones
    front = yaml.safe_load((exports["parquet"].parent / "README.md").read_text().split("---")[1])
    paths = [f["path"] for c in front["configs"] for f in c["data_files"]]
    assert not any(p.endswith(".parquet") for p in paths)


def test_exported_negatives_read_back_typed_byte_for_byte(exports: dict[str, Path]) -> None:
    """Every line of negatives.jsonl parses as a `NegativeRow` and is written back unchanged."""
    lines = (exports["jsonl"] / "data" / "negatives.jsonl").read_text(encoding="utf-8")
    rows = [NegativeRow.from_json(json.loads(line)) for line in lines.splitlines()]
    assert len(rows) > 50 and any(r.rejected for r in rows)
    again = "".join(json.dumps(r.to_json(), ensure_ascii=False) + "\n" for r in rows)
    assert again == lines


def test_trl_dpo_rows(exports: dict[str, Path]) -> None:
    rows = _jsonl(exports["trl-dpo"] / "dpo.jsonl")
    negatives = _jsonl(exports["jsonl"] / "data" / "negatives.jsonl")
    assert len(rows) == sum(1 for n in negatives if n["label"] == -1)
    for row in rows:
        _types(row, {"prompt": str, "chosen": str, "rejected": str})
        assert row["prompt"].rstrip().splitlines()[-1].startswith("⊢ ")
        assert row["chosen"] != row["rejected"]


def test_trl_stepwise_rows(exports: dict[str, Path], run: tuple[Path, Path]) -> None:
    rows = _jsonl(exports["trl-stepwise"] / "stepwise.jsonl")
    proofs = sum(1 + len(r["proofs"]) for r in _records(run))
    complete = [r for r in rows if all(r["labels"])]
    assert len(complete) >= proofs
    for row in rows:
        _types(row, {"prompt": str, "completions": list, "labels": list, "raw_labels": list})
        assert len(row["completions"]) == len(row["labels"]) == len(row["raw_labels"])
        assert all(isinstance(c, str) for c in row["completions"])
        assert all(isinstance(b, bool) for b in row["labels"])
        assert all(v in (-1, 0, 1) for v in row["raw_labels"])
        assert all(b == (v == 1) for b, v in zip(row["labels"], row["raw_labels"], strict=True))
    assert any(not r["labels"][-1] for r in rows), "rejected steps end some prefixes"


def test_leandojo_layout(exports: dict[str, Path], run: tuple[Path, Path]) -> None:
    out = exports["leandojo"]
    records = _records(run)
    metadata = json.loads((out / "metadata.json").read_text())
    for split in ("random", "novel_premises"):
        entries = []
        for name in ("train", "val", "test"):
            data = json.loads((out / split / f"{name}.json").read_text())
            assert isinstance(data, list)
            entries += data
        assert len(entries) == metadata["counts"]["traced_proofs"]
        for entry in entries:
            _types(
                entry,
                {
                    "url": str,
                    "commit": str,
                    "file_path": str,
                    "full_name": str,
                    "start": list,
                    "end": list,
                    "traced_tactics": list,
                },
            )
            for tactic in entry["traced_tactics"]:
                _types(
                    tactic,
                    {
                        "tactic": str,
                        "annotated_tactic": list,
                        "state_before": str,
                        "state_after": str,
                    },
                )
                text, provenance = tactic["annotated_tactic"]
                assert isinstance(text, str) and isinstance(provenance, list)
            assert entry["traced_tactics"][-1]["state_after"] == "no goals"
    # golden: the first state of every primary proof is Lean's goal display of the statement
    train = json.loads((out / "random" / "train.json").read_text())
    by_lean = {r["lean_name"]: r for r in records}
    sig = load_rules(rules_path("field")).theory.signature
    for entry in train:
        record = by_lean.get(entry["full_name"])
        if record is None:
            continue
        names = " ".join(record["variables"])
        context = f"{names} : ℝ\n" if names else ""
        start, end = (pretty(parse_expr(record[k], sig), sig) for k in ("start", "end"))
        assert entry["traced_tactics"][0]["state_before"] == f"{context}⊢ {start} = {end}"
    # several proofs of one theorem are separate traced proofs of the same statement
    with_two = [r for r in records if r["proofs"]]
    assert with_two
    names = {r["proofs"][0]["lean_name"] for r in with_two}
    everything = train + [
        e for n in ("val", "test") for e in json.loads((out / "random" / f"{n}.json").read_text())
    ]
    assert names <= {e["full_name"] for e in everything}
    held = set(metadata["novel_premises_held_out"])
    novel_train = json.loads((out / "novel_premises" / "train.json").read_text())
    by_name = {r["lean_name"]: r for r in records}
    by_name.update({p["lean_name"]: r for r in records for p in r["proofs"]})
    assert all(not held & set(by_name[e["full_name"]]["rules_used"]) for e in novel_train)
    corpus = _jsonl(out / "corpus.jsonl")
    assert [c["path"] for c in corpus][:2] == [
        "lean/RpsdgFormal/Logic.lean",
        "lean/RpsdgFormal/Field.lean",
    ]
    assert all(c["path"].startswith("Generated/Batch") for c in corpus[2:]) and corpus[2:]
    assert {e["file_path"] for e in everything} <= {c["path"] for c in corpus}
    assert metadata["from_repo"]["url"] == str(exports["lean-project"].resolve())
    premises = [p for c in corpus for p in c["premises"]]
    assert any(p["full_name"] == "RpsdgFormal.Field.mul_comm" for p in premises)


def test_a_large_runs_random_split_is_its_hashes() -> None:
    """Every key of a large run keeps the split its hash gives (the 90/5/5 split before the
    small-run rule), whatever the order the keys come in."""
    for seed in (0, 7):
        keys = [f"field_s{seed}_n{i}" for i in range(5000)]
        split = random_splits(keys, seed)
        assert split == {key: _split_of(key, seed) for key in keys}
        assert random_splits(keys[::-1], seed) == split


def test_a_small_runs_random_split_has_val_and_test() -> None:
    moved_runs = 0
    for seed in range(40):
        for count in (3, 4, 5, 10, 20, 40):
            keys = [f"equation_s{seed}_n{i}" for i in range(count)]
            hashed = {key: _split_of(key, seed) for key in keys}
            split = random_splits(keys, seed)
            assert {"val", "test"} <= set(split.values()), (seed, count)
            moved = {key for key in keys if split[key] != hashed[key]}
            assert len(moved) <= 2 and bool(moved) != ({"val", "test"} <= set(hashed.values()))
            assert random_splits(keys[::-1], seed) == split  # deterministic, order-free
            moved_runs += bool(moved)
    assert moved_runs, "the hashes left val or test empty in none of the runs tried"
    for keys in (["a"], ["a", "b"]):  # fewer than 3 theorems: the hashes alone
        assert random_splits(keys, 0) == {key: _split_of(key, 0) for key in keys}


def test_the_novel_split_has_val_and_test_from_two_held_out_theorems_on() -> None:
    """A large run's novel split is its coins, key for key; a small one the coins leave one-sided
    has one theorem moved to the other side; one theorem alone keeps its coin."""
    keys = [f"field_s3_n{i}" for i in range(3000)]
    assert novel_splits(keys) == {k: "val" if _coin(k) else "test" for k in keys}
    moved_runs = 0
    for seed in range(60):
        for count in (2, 3, 4, 6):
            held = [f"field_s{seed}_n{i}" for i in range(count)]
            coins = {k: "val" if _coin(k) else "test" for k in held}
            split = novel_splits(held)
            assert set(split.values()) == {"val", "test"}, (seed, count)
            moved = {k for k in held if split[k] != coins[k]}
            assert len(moved) == (len(set(coins.values())) == 1)
            assert novel_splits(held[::-1]) == split
            moved_runs += bool(moved)
    assert moved_runs
    assert novel_splits(["only"]) == {"only": "val" if _coin("only") else "test"}


def test_a_20_theorem_leandojo_export_has_val_and_test_in_both_layouts(
    run: tuple[Path, Path], tmp_path: Path
) -> None:
    folder, out = tmp_path / "run", tmp_path / "dojo"
    argv = ["generate", "--count", "20", "--seed", "21", "--out", str(folder)]
    assert main([*argv, "--cache-dir", str(run[1]), "--quiet"]) == 0
    ids = [r["id"] for r in _jsonl(folder / "theorems.jsonl")]
    assert len(ids) == 20
    assert "test" not in {_split_of(i, 0) for i in ids}, "the hashes alone fill test here"
    argv = ["export", str(folder), "--format", "leandojo", "--out", str(out), "--seed", "0"]
    assert main([*argv, "--negatives", "0", "--cache-dir", str(run[1]), "--quiet"]) == 0
    counts = json.loads((out / "metadata.json").read_text())["counts"]
    found = {}
    for name in ("train", "val", "test"):
        entries = json.loads((out / "random" / f"{name}.json").read_text())
        assert entries and counts[f"random_{name}"] == len(entries), name
        found[name] = {e["full_name"] for e in entries}
    assert set().union(*found.values()) >= set(ids)
    assert not (found["val"] & found["train"]) and not (found["test"] & found["train"])
    novel = {n: json.loads((out / "novel_premises" / f"{n}.json").read_text()) for n in found}
    assert novel["val"] and novel["test"], "the coins alone leave one side empty in this run"


def test_lean_project_is_accepted_by_check(
    exports: dict[str, Path], run: tuple[Path, Path]
) -> None:
    out = exports["lean-project"]
    for name in ("lakefile.lean", "lean-toolchain", "theorems.jsonl", "run.json"):
        assert (out / name).is_file(), name
    assert list((out / "Generated").glob("Batch*.lean"))
    assert (out / "lean" / "RpsdgFormal" / "Field.lean").is_file()
    assert main(["check", str(out), "--cache-dir", str(run[1]), "--quiet"]) == 0


@pytest.mark.skipif(
    shutil.which("lake") is None, reason="no standard Lean toolchain (lake) on PATH"
)
def test_lean_project_builds_with_lake(exports: dict[str, Path]) -> None:  # pragma: no cover
    import subprocess

    result = subprocess.run(["lake", "build"], cwd=exports["lean-project"], capture_output=True)
    assert result.returncode == 0, result.stderr.decode()


def test_export_refuses_a_non_empty_folder(
    run: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "x").write_text("")
    argv = ["export", str(run[0]), "--format", "jsonl", "--out", str(tmp_path)]
    assert main([*argv, "--cache-dir", str(run[1]), "--quiet"]) == 2
    assert "not empty" in capsys.readouterr().err


def test_a_single_format_goes_straight_into_out(
    run: tuple[Path, Path], exports: dict[str, Path], tmp_path: Path
) -> None:
    out = tmp_path / "dpo"
    argv = ["export", str(run[0]), "--format", "trl-dpo", "--out", str(out), "--seed", "0"]
    assert main([*argv, "--cache-dir", str(run[1]), "--quiet"]) == 0
    assert (out / "dpo.jsonl").read_text() == (exports["trl-dpo"] / "dpo.jsonl").read_text()


def test_equation_runs_are_traced_as_forward_reasoning(
    run: tuple[Path, Path], tmp_path: Path
) -> None:
    cache = run[1]
    assert main(["audit", str(rules_path("equation")), "--cache-dir", str(cache)]) == 0
    made = []
    for extra in (
        ["--count", "6", "--proofs", "2"],
        ["--family", "equation-system", "--count", "3"],
    ):
        folder = tmp_path / f"eq{len(made)}"
        argv = ["generate", "--theory", "equation", *extra, "--out", str(folder)]
        assert main([*argv, "--cache-dir", str(cache), "--quiet"]) == 0
        out = tmp_path / f"export{len(made)}"
        argv = ["export", str(folder), "--format", "all", "--out", str(out)]
        assert main([*argv, "--cache-dir", str(cache), "--quiet"]) == 0
        made.append((folder, out))
    for folder, out in made:
        records = _jsonl(folder / "theorems.jsonl")
        proofs = sum(1 + len(r["proofs"]) for r in records)
        steps = _jsonl(out / "jsonl" / "data" / "steps.jsonl")
        assert len(steps) == sum(
            len(r["steps"]) + 1 + sum(len(p["steps"]) + 1 for p in r["proofs"]) for r in records
        )  # one `have` per step, then `exact`
        negatives = _jsonl(out / "jsonl" / "data" / "negatives.jsonl")
        assert negatives and {n["kind"] for n in negatives} <= set(EQUATION_KINDS)
        assert all(n["tactic"].startswith("have h") and n["label"] in (1, -1) for n in negatives)
        assert all(n["kernel_message"] for n in negatives if n["label"] == -1)
        entries = [
            e
            for name in ("train", "val", "test")
            for e in json.loads((out / "leandojo" / "random" / f"{name}.json").read_text())
        ]
        assert len(entries) == proofs
        for entry in entries:
            first, last = entry["traced_tactics"][0], entry["traced_tactics"][-1]
            assert first["state_before"].splitlines()[1].startswith("h0 : ")
            assert first["tactic"].startswith("have h")
            assert last["tactic"].startswith("exact ") and last["state_after"] == "no goals"
        stepwise = _jsonl(out / "trl-stepwise" / "stepwise.jsonl")
        assert len(stepwise) == proofs + len(negatives)  # each proof, each prefix ending wrong
        rejected = sum(1 for n in negatives if n["label"] == -1)
        assert len(_jsonl(out / "trl-dpo" / "dpo.jsonl")) == rejected
        assert main(["check", str(out / "lean-project"), "--cache-dir", str(cache), "--quiet"]) == 0
