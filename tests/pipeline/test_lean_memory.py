"""`generate` remembers what `lean` confirmed (`kernel.confirmed`): a later run of the same code
shows `lean` only the names it has not confirmed and one theorem, and that one theorem still
catches a direct kernel that lies about every theorem."""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from pathlib import Path

import pytest
from lying_kernel import lie_about

from rpsdg_formal.cli.main import main
from rpsdg_formal.kernel.emit import LeanTheorem
from rpsdg_formal.kernel.route import (
    SPREAD_CONFIRMED,
    Coverage,
    DirectRoute,
    Sample,
    lean_sample,
    names_in,
)
from rpsdg_formal.pipeline import run


def _generate(out: Path, cache: Path, seed: int, count: int, batch: int) -> int:
    args = ["--count", str(count), "--seed", str(seed), "--steps", "6", "--batch-size", str(batch)]
    return main(["generate", *args, "--out", str(out), "--cache-dir", str(cache), "--quiet"])


def _memories(cache: Path) -> list[Path]:
    return sorted((cache / "lean-confirmed").glob("*.txt"))


@pytest.fixture
def shown(monkeypatch: pytest.MonkeyPatch) -> list[list[LeanTheorem]]:
    """The theorems each batch of the runs in the test showed `lean`."""
    samples: list[list[LeanTheorem]] = []

    def spying(route: DirectRoute, cover: Coverage, batch: Sequence[LeanTheorem], n: int) -> Sample:
        sample = lean_sample(route, cover, batch, n)
        samples.append(list(sample.theorems))
        return sample

    monkeypatch.setattr(run, "lean_sample", spying)
    return samples


@pytest.mark.kernel
def test_a_later_run_shows_lean_only_new_names_and_its_first_theorem(
    tmp_path: Path, audited_cache: Path, shown: list[list[LeanTheorem]]
) -> None:
    shutil.rmtree(audited_cache / "lean-confirmed", ignore_errors=True)
    assert _generate(tmp_path / "first", audited_cache, 4, 250, 250) == 0
    assert len(shown) == 1 and len(shown[0]) >= 25  # the whole spread: nothing confirmed yet
    shown_first = shown[0]
    [memory] = _memories(audited_cache)
    remembered = memory.read_text(encoding="utf-8").splitlines()
    assert int(remembered[0].split()[-1]) >= SPREAD_CONFIRMED
    shown[:] = []
    assert _generate(tmp_path / "later", audited_cache, 5, 30, 10) == 0
    assert _memories(audited_cache) == [memory]  # same code, theory, rules and library
    first = (tmp_path / "later" / "lean" / "batch_00000.lean").read_text(encoding="utf-8")
    assert len(shown) == 3 and shown[0]
    assert first.index(f"theorem {shown[0][0].name} ") == first.index("theorem ")
    later = [t for batch in shown for t in batch]
    assert len(later) < len(shown_first)
    names = set(remembered[1:])
    for theorem in later[1:]:  # the others each bring a name `lean` had not confirmed
        assert set(names_in(theorem)) - names


@pytest.mark.kernel
def test_a_later_run_still_catches_a_lying_direct_kernel_and_remembers_nothing_from_it(
    tmp_path: Path,
    audited_cache: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert _generate(tmp_path / "earlier", audited_cache, 6, 250, 250) == 0
    [memory] = _memories(audited_cache)
    before = memory.read_bytes()
    lie_about(monkeypatch)
    assert _generate(tmp_path / "out", audited_cache, 7, 30, 10) == 2
    err = capsys.readouterr().err
    assert "disagree" in err and "batch_00000.lean" in err
    assert memory.read_bytes() == before
