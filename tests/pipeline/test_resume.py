"""Resume without loss: a generate run killed with SIGKILL mid-run and started again with the
same command ends with exactly the files of an uninterrupted run."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from rpsdg_formal.cli.main import main
from rpsdg_formal.theory.catalogue import rules_path

pytestmark = pytest.mark.kernel  # the runs are `rpsdg-formal generate` child processes


def _command(out: Path, cache: Path, theory: str = "field") -> list[str]:
    extra = ["--steps", "4"] if theory == "field" else []
    return [
        sys.executable, "-m", "rpsdg_formal.cli", "generate", "--theory", theory,
        "--count", "120", "--batch-size", "10", "--seed", "5", *extra,
        "--out", str(out), "--cache-dir", str(cache), "--quiet",
    ]  # fmt: skip


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory, kernel_cache: Path) -> Path:
    folder = tmp_path_factory.mktemp("resume-cache")
    for item in kernel_cache.iterdir():
        if item.is_dir() and item.name.startswith("lean-"):
            shutil.copytree(item, folder / item.name)
    for theory in ("field", "calculus"):
        rules = str(rules_path(theory))
        assert main(["audit", rules, "--cache-dir", str(folder)]) == 0
    return folder


def _lines(path: Path) -> int:
    return path.read_bytes().count(b"\n") if path.exists() else 0


@pytest.mark.parametrize("theory", ["field", "calculus"])
def test_kill_and_resume_gives_the_uninterrupted_output(
    cache: Path, tmp_path: Path, theory: str
) -> None:
    whole, killed = tmp_path / "whole", tmp_path / "killed"
    env = {**os.environ, "PYTHONHASHSEED": "random"}
    assert subprocess.run(_command(whole, cache, theory), env=env, check=False).returncode == 0
    # What `lean` confirmed in the whole run would spare the killed run's later batches their
    # `lean` checks, and it could then finish between two looks at its output.
    shutil.rmtree(cache / "lean-confirmed", ignore_errors=True)
    child = subprocess.Popen(_command(killed, cache, theory), env=env)
    deadline = time.monotonic() + 120
    while _lines(killed / "theorems.jsonl") < 30 and time.monotonic() < deadline:
        time.sleep(0.01)
    child.send_signal(signal.SIGKILL)
    child.wait()
    written = _lines(killed / "theorems.jsonl")
    assert 0 < written < 120, "the run was killed mid-way"
    resumed = subprocess.run(
        _command(killed, cache, theory), env=env, check=False, capture_output=True, text=True
    )
    assert resumed.returncode == 0, resumed.stderr
    assert "resumed an interrupted run after" in resumed.stdout
    for name in ("theorems.jsonl", "rejected.jsonl", "run.json"):
        assert (killed / name).read_bytes() == (whole / name).read_bytes(), name
    assert _lines(killed / "theorems.jsonl") == 120
    batches = sorted(p.name for p in (whole / "lean").glob("batch_*.lean"))
    assert batches == sorted(p.name for p in (killed / "lean").glob("batch_*.lean"))
    for name in batches:
        assert (killed / "lean" / name).read_bytes() == (whole / "lean" / name).read_bytes()


def test_a_half_written_line_is_dropped_on_resume(cache: Path, tmp_path: Path) -> None:
    out = tmp_path / "run"
    env = {**os.environ}
    assert subprocess.run(_command(out, cache), env=env, check=False).returncode == 0
    complete = (out / "theorems.jsonl").read_bytes()
    with open(out / "theorems.jsonl", "ab") as stream:
        stream.write(b'{"id": "half')  # a crash in the middle of an append
    assert subprocess.run(_command(out, cache), env=env, check=False).returncode == 0
    assert (out / "theorems.jsonl").read_bytes() == complete


def test_another_command_does_not_resume(cache: Path, tmp_path: Path) -> None:
    out = tmp_path / "run"
    assert subprocess.run(_command(out, cache), check=False).returncode == 0
    other = [a if a != "5" else "6" for a in _command(out, cache)]  # another seed
    result = subprocess.run(other, check=False, capture_output=True, text=True)
    assert result.returncode == 2 and "already exists" in result.stderr
