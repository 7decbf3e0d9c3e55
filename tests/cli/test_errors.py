"""Where a newcomer trips, without the kernel: each mistake gets one line on stderr that says
what to do (exit 2, no traceback), before any work is done."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest

from rpsdg_formal.cli.main import main
from rpsdg_formal.pipeline.ray_backend import auth_problem
from rpsdg_formal.theory.catalogue import lean_dir, rules_path


def _error(capsys: pytest.CaptureFixture[str]) -> str:
    """The one error line of a failed command (and no traceback)."""
    err = capsys.readouterr().err
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    return lines[0]


def _field_with(tmp_path: Path, old: str, new: str) -> Path:
    """The shipped field rules with `old` replaced by `new` (the Lean folder made absolute)."""
    text = rules_path("field").read_text(encoding="utf-8")
    assert old in text
    text = text.replace(old, new, 1).replace("lean_dir: ../lean", f"lean_dir: {lean_dir()}")
    path = tmp_path / "edited.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _line_of(path: Path, text: str) -> int:
    return next(n for n, line in enumerate(path.read_text().splitlines(), 1) if text in line)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "precedence: 65, lean: add,",
            "precedence: high, lean: add,",
            "operator 'add': precedence must be a whole number (e.g. precedence: 65), got 'high'",
        ),
        (
            'latex: "{0} + {1}"',
            'latex: "{0} + {2}"',
            "operator 'add' latex template '{0} + {2}' is malformed (Replacement index 2",
        ),
        (
            'latex: "{0} + {1}"',
            'latex: "{0 + {1}"',
            "is malformed (unexpected '{' in field name); use {0} … {1} for the arguments",
        ),
        (
            'latex: "{0} + {1}"',
            'latex: "{x} + {1}"',
            "is malformed (unknown placeholder {x})",
        ),
        (
            "model: add, latex",
            'sympy: "{0} + {1}", latex',
            "operator 'add': the `sympy:` template is no longer read",
        ),
    ],
)
def test_a_bad_operator_entry_is_reported_at_its_line(
    old: str, new: str, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _field_with(tmp_path, old, new)
    assert main(["audit", str(path), "--cache-dir", str(tmp_path / "cache")]) == 2
    line = _error(capsys)
    assert f"{path}:{_line_of(path, new)}: " in line and message in line


def test_negative_steps_are_refused_by_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["generate", "--steps", "-3", "--out", str(tmp_path / "o"), "--quiet"]) == 2
    line = _error(capsys)
    assert "--steps must be at least 1, got -3" in line and "None" not in line


def test_serve_names_its_theories_without_suggesting_rules(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["serve", "--theories", "nosuch"]) == 2
    line = _error(capsys)
    assert "unknown theory 'nosuch'; known: calculus, equation, field" in line
    assert "--rules" not in line


def test_serve_refuses_zero_workers(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--workers", "0"]) == 2
    assert "--workers must be at least 1, got 0; leave it out for one per core" in _error(capsys)


def _records_folder(folder: Path, name: str, *records: dict[str, object]) -> Path:
    folder.mkdir(parents=True)
    lines = "".join(json.dumps(r) + "\n" for r in records)
    (folder / name).write_text(lines, encoding="utf-8")
    return folder


def test_evaluate_refuses_systems_naming_the_family(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    record = {"id": "e1", "theory": "equation", "family": "equation-system"}
    folder = _records_folder(tmp_path / "eq", "level_01.jsonl", record)
    assert main(["evaluate", str(folder), "--quiet"]) == 2
    line = _error(capsys)
    assert "holds equation-system theorems, which the baseline prover cannot search" in line
    assert not (folder / "evaluation.json").exists()


def test_evaluate_infers_the_theory_of_a_curriculum(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A curriculum folder has no run.json: its records name the theory, as `check` infers it
    from a dataset folder. The audit requirement, in an empty cache, names the file chosen."""
    record = {"id": "c1", "theory": "calculus", "family": "antiderivative"}
    folder = _records_folder(tmp_path / "calc", "level_01.jsonl", record)
    assert main(["evaluate", str(folder), "--cache-dir", str(tmp_path / "cache")]) == 2
    line = _error(capsys)
    assert f"{rules_path('calculus')} has not passed the soundness audit" in line


def test_export_into_its_own_dataset_is_refused_before_any_work(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = _records_folder(tmp_path / "run", "theorems.jsonl", {"id": "t1"})
    before = sorted(p.name for p in folder.rglob("*"))
    for out in (folder, folder / "export"):
        assert main(["export", str(folder), "--out", str(out), "--format", "all", "--force"]) == 2
        line = _error(capsys)
        assert f"--out {out} is inside the dataset {folder} it exports" in line
        assert "choose a folder outside it, e.g. --out run-export" in line
    assert sorted(p.name for p in folder.rglob("*")) == before


def test_export_finds_a_truncated_dataset_before_any_work(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = _records_folder(tmp_path / "run", "theorems.jsonl", {"id": "t1"}, {"id": "t2"})
    path = folder / "theorems.jsonl"
    path.write_text(path.read_text()[:-6], encoding="utf-8")  # cut in the middle of line 2
    out = tmp_path / "out"
    assert main(["export", str(folder), "--out", str(out), "--format", "jsonl"]) == 2
    assert f"{path}:2: not valid JSON" in _error(capsys)
    assert not out.exists()


def test_audit_json_to_a_bad_path_fails_before_the_audit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report = tmp_path / "missing" / "report.json"
    assert main(["audit", "--json", str(report), "--cache-dir", str(tmp_path / "c")]) == 2
    assert f"cannot write --json {report}: No such file or directory" in _error(capsys)
    assert capsys.readouterr().out == ""  # no table: nothing was audited
    assert not (tmp_path / "c").exists()  # nor compiled


def test_ray_without_auth_mode_fails_at_once_saying_what_to_set(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("ray")
    monkeypatch.delenv("RAY_AUTH_MODE", raising=False)
    args = ["--backend", "ray", "--ray-address", "127.0.0.1:9", "--count", "1", "--quiet"]
    assert main(["generate", *args, "--out", str(tmp_path / "o")]) == 2
    line = _error(capsys)
    assert "needs RAY_AUTH_MODE=token" in line and "export RAY_AUTH_MODE=token" in line
    assert not (tmp_path / "o").exists()


def test_ray_auth_is_needed_only_to_join_a_recent_cluster() -> None:
    assert auth_problem("2.60.0", "10.0.0.1:6379", {}) is not None
    assert auth_problem("2.60.0", None, {"RAY_ADDRESS": "auto"}) is not None
    assert auth_problem("2.60.0", None, {}) is None  # a new local instance
    assert auth_problem("2.60.0", "auto", {"RAY_AUTH_MODE": "token"}) is None
    assert auth_problem("2.60.0", "auto", {"RAY_AUTH_MODE": "disabled"}) is None
    assert auth_problem("2.40.0", "auto", {}) is None  # before token authentication


def test_ray_address_where_nothing_listens_fails_at_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("ray")
    monkeypatch.setenv("RAY_AUTH_MODE", "token")
    with socket.socket() as probe:  # a port that was free a moment ago and is closed now
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    args = ["--backend", "ray", "--ray-address", f"127.0.0.1:{port}", "--count", "1"]
    assert main(["generate", *args, "--quiet", "--out", str(tmp_path / "o")]) == 2
    line = _error(capsys)
    assert f"nothing answers at 127.0.0.1:{port} (Connection refused)" in line
    assert f"ray start --head --port {port}" in line


@pytest.mark.parametrize(
    "command",
    [
        ["export", "--out", "OUT", "--format", "jsonl"],
        ["check"],
        ["curriculum", "--out", "OUT"],
        ["evaluate"],
    ],
)
def test_a_theory_other_than_the_folders_is_refused_naming_both(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    """Before: `export` failed at the first record with "unknown function 'D'"; `curriculum`
    wrote levels measured with the wrong rules; `check` rejected every record one by one."""
    record = {"id": "c1", "theory": "calculus", "family": "antiderivative"}
    folder = _records_folder(tmp_path / "calc", "theorems.jsonl", record)
    argv = [command[0], str(folder), *[str(tmp_path / a) if a == "OUT" else a for a in command[1:]]]
    cache = [] if command[0] == "curriculum" else ["--cache-dir", str(tmp_path / "cache")]
    assert main([*argv, "--theory", "field", *cache]) == 2
    line = _error(capsys)
    assert (
        f"{folder} holds theorems of theory 'calculus', but --theory field is theory 'field'"
        in line
    )
    assert "pass --theory calculus" in line
    assert not (tmp_path / "OUT").exists()


@pytest.mark.parametrize("command", ["export", "check", "curriculum", "evaluate"])
def test_folder_commands_say_their_theory_comes_from_the_folder(
    command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit):
        main([command, "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "(default: the one the folder's run.json or records name" in text
    assert "(default: field)" not in text
