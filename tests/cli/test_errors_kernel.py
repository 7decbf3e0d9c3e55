"""Where a newcomer trips, with the real kernel: a busy port, an --out full of other files, a
finished run started again, and progress that shows per theorem or audit row."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest

from rpsdg_formal.cli.main import main

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.kernel


def _generate(out: Path, cache: Path, *extra: str) -> int:
    args = ["--count", "6", "--seed", "3", "--steps", "4", "--batch-size", "3"]
    return main(["generate", *args, "--out", str(out), "--cache-dir", str(cache), *extra])


def test_serve_on_a_busy_port_says_so(
    audited_cache: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["serve", "--port", str(port), "--cache-dir", str(audited_cache)]) == 2
    err = capfd.readouterr().err
    assert "Traceback" not in err
    assert f"cannot listen on 127.0.0.1:{port}: Address already in use; pass another --port" in err


def test_generate_refuses_a_folder_of_other_files(
    tmp_path: Path, audited_cache: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "papers"
    out.mkdir()
    (out / "thesis.tex").write_text("mine")
    for extra in ((), ("--force",)):
        assert _generate(out, audited_cache, "--quiet", *extra) == 2
        err = capfd.readouterr().err
        assert (
            f"--out {out} already holds files that are not an rpsdg-formal run (thesis.tex)" in err
        )
    assert sorted(p.name for p in out.iterdir()) == ["thesis.tex"]


def test_a_finished_run_started_again_says_it_is_finished_and_progress_is_per_theorem(
    tmp_path: Path, audited_cache: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "run"
    assert _generate(out, audited_cache) == 0
    first = capfd.readouterr()
    assert "verified [" in first.err and ", 1 prepared" in first.err  # before any batch is done
    assert "6/6" in first.err
    (out / "notes.txt").write_text("a run's folder may hold the user's notes")
    before = (out / "theorems.jsonl").read_bytes()
    assert _generate(out, audited_cache, "--quiet") == 0
    again = capfd.readouterr().out
    assert f"{out} already holds this finished run (6 theorems); nothing to do" in again
    assert "resumed an interrupted run" not in again
    assert (out / "theorems.jsonl").read_bytes() == before
    assert main(["check", str(out), "--cache-dir", str(audited_cache)]) == 0
    checked = capfd.readouterr().err
    assert "checked [" in checked and ", 1 replayed" in checked and "6/6" in checked


def test_audit_shows_progress_per_row(
    tmp_path: Path, kernel_cache: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    unsound = ROOT / "tests" / "fixtures" / "unsound" / "rules.yaml"
    report = tmp_path / "report.json"
    args = ["audit", str(unsound), "--cache-dir", str(kernel_cache), "--json", str(report)]
    assert main(args) == 1
    err = capfd.readouterr().err
    rows = [line for line in err.splitlines() if line.startswith("audited [")]
    total = len(json.loads(report.read_text(encoding="utf-8"))["rows"])
    assert rows and rows[0].split("] ")[1].startswith("1/") and f"{total}/{total}" in rows[-1]


def test_check_of_a_lean_file_takes_the_theory_it_imports(
    calculus_run: Path,
    calculus_cache: Path,
    audited_cache: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Before, `check` read every Lean file with the field theory unless told otherwise, and
    refused a generated calculus file for importing `RpsdgFormal.Calculus`."""
    lean = sorted((calculus_run / "lean").glob("*.lean"))[0]
    theorems = lean.read_text(encoding="utf-8").count("\ntheorem ")
    assert main(["check", str(lean), "--cache-dir", str(calculus_cache), "--quiet"]) == 0
    assert f"{theorems}/{theorems} theorems accepted by the kernel" in capsys.readouterr().out
    argv = ["check", str(lean), "--theory", "field", "--cache-dir", str(calculus_cache)]
    assert main([*argv, "--quiet"]) == 1  # told otherwise, it still reads it as told
    assert "may import only the theory (RpsdgFormal.Field)" in capsys.readouterr().out
