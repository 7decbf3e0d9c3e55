"""A real install: build the wheel, install it in a fresh venv, and from an unrelated directory
audit the shipped field rules and generate 50 theorems with the embedded Lean kernel.

The wheel is built from a copy of the files it is made of (pyproject.toml, README.md, the
package), so the checkout stays clean and nothing outside the package can be what makes it work.
The venv gets the wheel and its declared dependencies from the configured package index.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]  # the checkout whose wheel is built
pytestmark = [pytest.mark.kernel, pytest.mark.slow]


def _run(argv: list[str | Path], cwd: Path, timeout: float) -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    done = subprocess.run(
        [str(a) for a in argv], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout
    )
    assert done.returncode == 0, f"{argv} exited {done.returncode}:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def _wheel(tmp: Path) -> Path:
    source = tmp / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copyfile(ROOT / name, source / name)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(ROOT / "rpsdg_formal", source / "rpsdg_formal", ignore=ignore)
    pip = [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", tmp / "dist", source]
    _run(pip, tmp, timeout=600)
    (wheel,) = (tmp / "dist").glob("rpsdg_formal-*.whl")
    return wheel


def test_a_wheel_in_a_fresh_venv_audits_and_generates_from_anywhere(tmp_path: Path) -> None:
    wheel = _wheel(tmp_path)
    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", venv], tmp_path, timeout=300)
    _run([venv / "bin" / "python", "-m", "pip", "install", "-q", wheel], tmp_path, timeout=1200)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    cli, cache = venv / "bin" / "rpsdg-formal", elsewhere / "cache"
    audit = _run([cli, "audit", "--theory", "field", "--cache-dir", cache], elsewhere, 600)
    assert "audit PASSED" in audit
    out = elsewhere / "out"
    argv = [cli, "generate", "--theory", "field", "--count", "50", "--out", out]
    _run([*argv, "--cache-dir", cache, "--quiet"], elsewhere, timeout=900)
    records = (out / "theorems.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(records) == 50
    assert all(json.loads(r)["verified"]["kernel"] == "lean4" for r in records)
    used = Path(json.loads((out / "run.json").read_text(encoding="utf-8"))["rules"])
    assert used.is_relative_to(venv) and used.name == "field.yaml", used  # not the checkout's
