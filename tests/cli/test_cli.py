"""The command line end to end, with the real kernel: generate, check, and clear errors."""

from __future__ import annotations

import itertools
import json
import shutil
from pathlib import Path

import pytest

from rpsdg_formal.cli.main import main
from rpsdg_formal.theory.catalogue import lean_dir, rules_path

pytestmark = pytest.mark.kernel


def _generate(out: Path, cache: Path, batch_size: int) -> int:
    """The shared small run: 30 six-step theorems from seed 5."""
    args = ["--count", "30", "--seed", "5", "--steps", "6", "--batch-size", str(batch_size)]
    args += ["--proofs", "3"]
    return main(["generate", *args, "--out", str(out), "--cache-dir", str(cache), "--quiet"])


def _generate_one(out: Path, cache: Path) -> int:
    """A one-theorem run into `out` (for the output-location errors)."""
    return main(
        ["generate", "--count", "1", "--out", str(out), "--cache-dir", str(cache), "--quiet"]
    )


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory, audited_cache: Path) -> Path:
    out = tmp_path_factory.mktemp("run") / "out"
    assert _generate(out, audited_cache, batch_size=12) == 0
    return out


def _records(out: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in (out / "theorems.jsonl").read_text().splitlines()]


def test_generate_writes_verified_records_and_the_checked_files(generated: Path) -> None:
    records = _records(generated)
    assert len(records) == 30
    assert len({r["id"] for r in records}) == 30
    files = sorted(p.name for p in (generated / "lean").glob("*.lean"))
    assert files == ["batch_00000.lean", "batch_00001.lean", "batch_00002.lean"]
    for record in records:
        length = record["proof_length"]
        assert isinstance(length, int) and 1 <= length == len(record["steps"]) <= 6  # type: ignore[arg-type]
        assert 1 <= record["min_length_lower_bound"] <= length  # type: ignore[operator]
        verified = record["verified"]
        assert isinstance(verified, dict) and verified["lean_version"] == "4.35.0"
        lean_text = (generated / str(verified["lean_file"])).read_text()
        assert f"theorem {record['lean_name']} : {record['lean_statement']} :=" in lean_text
        assert (
            record["statement"]
            == f"{record['steps'][0]['state_before']} = {record['steps'][-1]['state_after']}"
        )  # type: ignore[index]
    assert (generated / "rejected.jsonl").read_text() == ""
    alternatives = [p for r in records for p in r["proofs"]]  # type: ignore[attr-defined]
    assert alternatives, "expected some theorems with several shortest proofs"
    for record in records:
        lean_text = (generated / record["verified"]["lean_file"]).read_text()  # type: ignore[index]
        for alt in record["proofs"]:  # type: ignore[attr-defined]
            assert f"theorem {alt['lean_name']} : {record['lean_statement']} :=" in lean_text
            assert len(alt["steps"]) == record["proof_length"]
    manifest = json.loads((generated / "run.json").read_text())
    assert manifest["seed"] == 5 and manifest["count"] == 30
    assert Path(manifest["rules"]) == rules_path("field")


def test_same_seed_same_output(generated: Path, tmp_path: Path, audited_cache: Path) -> None:
    out = tmp_path / "again"
    assert _generate(out, audited_cache, batch_size=7) == 0

    def content(records: list[dict[str, object]]) -> list[dict[str, object]]:
        for r in records:
            r["verified"] = {k: v for k, v in r["verified"].items() if k != "lean_file"}  # type: ignore[attr-defined]
        return records

    assert content(_records(out)) == content(
        _records(generated)
    )  # batch size changes only the file names


def test_the_pure_python_walk_and_search_change_nothing_but_speed(
    generated: Path, tmp_path: Path, audited_cache: Path
) -> None:
    """`--python-walk --python-search` run the references of the compiled walk and search:
    the same theorems, byte for byte."""
    out = tmp_path / "python"
    args = ["--count", "30", "--seed", "5", "--steps", "6", "--batch-size", "12", "--proofs", "3"]
    args += ["--python-walk", "--python-search", "--cache-dir", str(audited_cache), "--quiet"]
    assert main(["generate", *args, "--out", str(out)]) == 0
    assert (out / "theorems.jsonl").read_bytes() == (generated / "theorems.jsonl").read_bytes()


def test_check_accepts_the_generated_folder_and_files(
    generated: Path, audited_cache: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["--batch-size", "7", "--cache-dir", str(audited_cache), "--quiet"]
    assert main(["check", str(generated), *args]) == 0  # five batches
    assert "30/30 theorems accepted" in capsys.readouterr().out
    lean_file = generated / "lean" / "batch_00001.lean"
    assert main(["check", str(lean_file), "--cache-dir", str(audited_cache), "--quiet"]) == 0
    count = lean_file.read_text().count("\ntheorem ")  # 12 theorems and their alternative proofs
    assert count > 12
    assert f"{count}/{count} theorems accepted" in capsys.readouterr().out


def test_check_rejects_a_tampered_record(
    generated: Path, tmp_path: Path, audited_cache: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    copy = tmp_path / "tampered"
    shutil.copytree(generated, copy)
    records = _records(copy)
    records[3]["end"] = "x + 1"
    records[4]["lean_proof"] = str(records[4]["lean_proof"]).replace("s1", "s2", 1)
    lines = "".join(json.dumps(r) + "\n" for r in records) + "{not json\n"
    (copy / "theorems.jsonl").write_text(lines)
    assert main(["check", str(copy), "--cache-dir", str(audited_cache), "--quiet"]) == 1
    out = capsys.readouterr().out
    assert f"REJECTED {records[3]['id']}" in out and f"REJECTED {records[4]['id']}" in out
    assert "REJECTED line 31: not valid JSON" in out
    assert "28/31 theorems accepted" in out


def test_check_accepts_schema_2_records_whose_haves_state_their_types(
    generated: Path, tmp_path: Path, audited_cache: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from rpsdg_formal.dataset.record import TheoremRecord
    from rpsdg_formal.families.records import make_candidate, replay
    from rpsdg_formal.theory.rules import load_rules

    rules = load_rules(rules_path("field"))
    copy = tmp_path / "schema2"
    shutil.copytree(generated, copy)
    records = _records(copy)
    for record in records:
        now = replay(TheoremRecord.from_json(record), rules)
        steps = [p.steps for p in now.proofs]
        old = make_candidate(now.id, now.index, now.start, steps, rules.theory, typed=True)
        assert " : Eq " in old.lean.proof and old.lean.proof != record["lean_proof"]
        record["schema"], record["lean_proof"] = 2, old.lean.proof
        for alternative, proof in zip(record["proofs"], old.proofs[1:], strict=True):
            alternative["lean_proof"] = proof.lean.proof
    (copy / "theorems.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    assert main(["check", str(copy), "--cache-dir", str(audited_cache), "--quiet"]) == 0
    assert "30/30 theorems accepted" in capsys.readouterr().out
    records[0]["schema"] = 3  # a typed certificate is not what schema 3 emits
    (copy / "theorems.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    assert main(["check", str(copy), "--cache-dir", str(audited_cache), "--quiet"]) == 1
    assert f"REJECTED {records[0]['id']}" in capsys.readouterr().out


def test_check_rejects_a_lean_file_with_a_false_theorem(
    generated: Path, tmp_path: Path, audited_cache: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (generated / "lean" / "batch_00000.lean").read_text()
    records = _records(generated)
    stmt = str(records[0]["lean_statement"])
    broken = text.replace(stmt, stmt.replace("Eq (", "Eq (neg ", 1).replace(") (", ")) (", 1), 1)
    assert broken != text
    path = tmp_path / "broken.lean"
    path.write_text(broken)
    assert main(["check", str(path), "--cache-dir", str(audited_cache), "--quiet"]) == 1
    assert f"REJECTED {records[0]['lean_name']}" in capsys.readouterr().out


def test_lean_passthrough_prints_the_version(capfd: pytest.CaptureFixture[str]) -> None:
    assert main(["lean", "--version"]) == 0
    assert "version 4.35.0" in capfd.readouterr().out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--count", "0"], "--count must be at least 1"),
        (["--steps", "0"], "steps must be at least 1"),
        (["--vars", "x,add"], "clashes"),
        (["--vars", "x,fun"], "not a plain Lean identifier"),
        (["--theory", "nosuch"], "unknown theory 'nosuch'"),
        (["--operators", "add,pow"], "unknown ['pow']"),
        (["--difficulty", "9-10", "--steps", "8"], "cannot be met with --steps 8"),
        (["--difficulty", "hard"], "--difficulty takes LO-HI"),
        (["--difficulty", "2:x"], "must be K:W pairs"),
        (["--proofs", "0"], "--proofs must be at least 1"),
    ],
)
def test_bad_generate_options_fail_clearly(
    args: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["generate", "--out", str(tmp_path / "o"), "--quiet", *args]) == 2
    assert message in capsys.readouterr().err


def test_unwritable_out_fails_clearly(
    tmp_path: Path, audited_cache: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    assert _generate_one(blocker / "out", audited_cache) == 2
    assert "cannot write to --out" in capsys.readouterr().err


def test_existing_output_is_not_overwritten_without_force(
    generated: Path, audited_cache: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _generate_one(generated, audited_cache) == 2
    assert "already exists" in capsys.readouterr().err


def _rule_file(tmp_path: Path, rules_text: str) -> Path:
    text = rules_path("field").read_text()
    head = text[: text.index("\nrules:")].replace("lean_dir: ../lean", f"lean_dir: {lean_dir()}")
    path = tmp_path / "bad.yaml"
    path.write_text(head + "\nrules:\n" + rules_text)
    return path


@pytest.mark.parametrize(
    ("rules_text", "message"),
    [
        ('  - {name: comm, rule: "a + b = b + a"\n  - {name: x}\n', "malformed YAML"),
        (
            "  - name: comm\n    rule: a + b = b + d\n    vars: [a, b]\n    lean: add_comm\n",
            "not listed in vars",
        ),
        ("  - {name: comm, rule: a + b = b + a, lean: add_comm_missing}\n", "add_comm_missing"),
        ("  - {name: comm, rule: a + = b, lean: add_comm}\n", "rule 'comm'"),
    ],
)
def test_bad_rule_files_fail_with_file_and_line(
    rules_text: str, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _rule_file(tmp_path, rules_text)
    assert main(["generate", "--rules", str(path), "--out", str(tmp_path / "o"), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert message in err and f"{path}:" in err


def test_curriculum_and_stats_of_a_generated_folder(
    generated: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import yaml

    argv = ["curriculum", str(generated), "--levels", "3", "--out", str(tmp_path / "cur")]
    assert main([*argv, "--quiet"]) == 0
    assert "searching" not in capsys.readouterr().err  # --quiet: no progress line
    assert main(argv) == 0  # prover effort breaks ties between bounds by default
    assert "searching (prover effort)" in capsys.readouterr().err
    manifest = yaml.safe_load((tmp_path / "cur" / "manifest.yaml").read_text())
    assert "budget of 50" in manifest["prover_effort"]
    medians = [(e["median_lower_bound"], e["median_prover_effort"]) for e in manifest["levels"]]
    assert medians == sorted(medians)
    assert main([*argv, "--effort-budget", "0"]) == 0  # without the prover: bound, then size
    manifest = yaml.safe_load((tmp_path / "cur" / "manifest.yaml").read_text())
    assert manifest["prover_effort"] is None
    keys = []
    for level in manifest["levels"]:
        rows = [json.loads(x) for x in (tmp_path / "cur" / level["file"]).read_text().splitlines()]
        assert len(rows) == level["count"]
        keys.append(
            [
                (
                    r["min_length_lower_bound"],
                    r["measures"]["start_size"] + r["measures"]["end_size"],
                )
                for r in rows
            ]
        )  # the curriculum's order: bound, then size
    assert sum(len(k) for k in keys) == manifest["total"] == 30
    for easier, harder in itertools.pairwise(keys):
        assert max(easier) <= min(harder)
    pytest.importorskip("matplotlib")
    assert main(["stats", str(generated), "--out", str(tmp_path / "stats")]) == 0
    assert (tmp_path / "stats" / "difficulty.png").read_bytes()[:4] == b"\x89PNG"


def test_requested_difficulty_is_certified(tmp_path: Path, audited_cache: Path) -> None:
    """`--difficulty 6-10` yields only theorems whose certified lower bound is at least 6."""
    out = tmp_path / "hard"
    args = ["--count", "1", "--difficulty", "6-10", "--bound-budget", "5000", "--steps", "10"]
    assert (
        main(["generate", *args, "--out", str(out), "--cache-dir", str(audited_cache), "--quiet"])
        == 0
    )
    (record,) = _records(out)
    assert 6 <= record["min_length_lower_bound"] <= record["proof_length"]  # type: ignore[operator]
    assert record["bound_search"]["forward_radius"] + record["bound_search"]["backward_radius"] >= 5  # type: ignore[index]


def test_difficulty_alone_plans_the_run(tmp_path: Path, audited_cache: Path) -> None:
    """`--difficulty 6-12` with no other knob makes kernel-verified theorems of bound >= 6,
    with deceptive sides, certified with a node of room above the walk's cap of 8."""
    from rpsdg_formal.rewriting.difficulty import deceptive
    from rpsdg_formal.terms.parse import parse_expr
    from rpsdg_formal.theory.rules import load_rules

    sig = load_rules(rules_path("field")).theory.signature
    out = tmp_path / "planned"
    args = ["--count", "3", "--difficulty", "6-12", "--out", str(out)]
    assert main(["generate", *args, "--cache-dir", str(audited_cache), "--quiet"]) == 0
    records = _records(out)
    assert len(records) == 3
    for record in records:
        assert 6 <= record["min_length_lower_bound"] <= record["proof_length"]  # type: ignore[operator]
        assert record["bound_search"]["size_cap"] <= 9  # type: ignore[index]
        sides = (parse_expr(str(record["start"]), sig), parse_expr(str(record["end"]), sig))
        assert deceptive(*sides)


def test_exclude_avoids_an_earlier_runs_statements(
    generated: Path, tmp_path: Path, audited_cache: Path
) -> None:
    from rpsdg_formal.terms.expr import canonical_pair
    from rpsdg_formal.terms.parse import parse_expr
    from rpsdg_formal.theory.rules import load_rules

    sig = load_rules(rules_path("field")).theory.signature

    def keys(out: Path) -> set[object]:
        return {
            canonical_pair(parse_expr(str(r["start"]), sig), parse_expr(str(r["end"]), sig))
            for r in _records(out)
        }

    out = tmp_path / "more"
    args = ["--count", "10", "--seed", "5", "--steps", "6", "--exclude", str(generated)]
    assert (
        main(["generate", *args, "--out", str(out), "--cache-dir", str(audited_cache), "--quiet"])
        == 0
    )
    assert len(keys(out)) == 10
    assert not keys(out) & keys(generated)
