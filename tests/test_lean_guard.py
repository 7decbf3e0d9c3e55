"""The guard behind `pytest -m "not kernel"`: an unmarked test that starts Lean fails.

Each case provokes the guard with the current test marked as not allowed; the guard raises
before any process starts or library loads, so no Lean runs here. The violation it logs is taken
back inside the test (otherwise conftest would fail this test for it, as it should).
"""

from __future__ import annotations

import ctypes
import subprocess
import sys
from collections.abc import Iterator

import lean_guard
import pytest

from rpsdg_formal.kernel.runner import SHIM, LeanRunner


@pytest.fixture
def forbidden(request: pytest.FixtureRequest) -> Iterator[None]:
    before = (lean_guard.STATE.test, lean_guard.STATE.allowed)
    lean_guard.enter(request.node.nodeid, False)
    yield
    lean_guard.enter(*before)


@pytest.mark.parametrize(
    "argv",
    [
        [sys.executable, "-I", "-S", str(SHIM), "/x/libleanshared.so", "--version"],
        ["/usr/bin/lean", "--json", "f.lean"],
        ["lake", "build"],
        ["/venv/bin/rpsdg-formal", "audit"],
        [sys.executable, "-m", "rpsdg_formal.cli", "generate"],
    ],
)
def test_these_children_start_lean(argv: list[str]) -> None:
    assert lean_guard.starts_lean(argv)


@pytest.mark.parametrize(
    "argv", [[sys.executable, "-m", "pip", "wheel", "."], ["git", "status"], "echo lean"]
)
def test_these_children_do_not(argv: list[str] | str) -> None:
    assert not lean_guard.starts_lean(argv)


@pytest.mark.usefixtures("forbidden")
def test_an_unmarked_test_cannot_start_the_embedded_lean() -> None:
    runner = LeanRunner((sys.executable, "-I", "-S", str(SHIM), "/nonexistent.so"), "test")
    with pytest.raises(lean_guard.LeanWithoutMarker, match="without the `kernel` marker"):
        runner.run(["--version"])
    (logged,) = lean_guard.take_violations()  # also seen by conftest if a caller swallowed it
    assert "test_an_unmarked_test_cannot_start_the_embedded_lean" in logged


@pytest.mark.usefixtures("forbidden")
def test_an_unmarked_test_cannot_load_the_lean_library() -> None:
    with pytest.raises(lean_guard.LeanWithoutMarker):
        ctypes.CDLL("/nonexistent/libleanshared.so")
    assert len(lean_guard.take_violations()) == 1


@pytest.mark.usefixtures("forbidden")
def test_other_children_still_start() -> None:
    done = subprocess.run([sys.executable, "-c", "print(6 * 7)"], capture_output=True, text=True)
    assert done.stdout.strip() == "42" and lean_guard.take_violations() == []
