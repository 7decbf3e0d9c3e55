"""The guard that keeps `pytest -m "not kernel"` free of Lean: a test that starts Lean without
the `kernel` marker fails, saying how to mark it.

Lean starts in one of three ways, and each is watched in the pytest process and in the worker
processes it forks (they inherit the patches and the current test's permission):
a child process running the embedded-Lean shim, a `lean`/`lake` executable or the rpsdg-formal
command line (`subprocess.Popen`, which `subprocess.run`/`call` use); or `libleanshared.so`
loaded into the process (`ctypes.CDLL`). A violation is written to a file before the exception
is raised, so a caller that catches the exception (a worker turning it into a verdict) cannot
hide it: conftest fails the test from the file.
"""

from __future__ import annotations

import ctypes
import os
import subprocess
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import Any

from rpsdg_formal.kernel.runner import SHIM

_LEAN_EXECUTABLES = {"lean", "lake", "rpsdg-formal"}


class LeanWithoutMarker(RuntimeError):
    """A test without the `kernel` marker started Lean."""


@dataclass
class _State:
    allowed: bool = False
    test: str = "<collection>"
    log: Path | None = None


STATE = _State()


def _argv(args: Any) -> list[str]:
    if isinstance(args, (str, bytes, os.PathLike)):
        return [os.fsdecode(args)]
    return [os.fsdecode(a) for a in args]


def starts_lean(args: Any) -> bool:
    """Whether a child process with these arguments runs Lean (or a command that may)."""
    argv = _argv(args)
    if not argv:
        return False
    if Path(argv[0]).name in _LEAN_EXECUTABLES or str(SHIM) in argv:
        return True
    return any(a == "-m" and b.startswith("rpsdg_formal") for a, b in pairwise(argv))


def _violation(what: str) -> None:
    message = (
        f"{STATE.test} started Lean ({what}) without the `kernel` marker; add "
        "`@pytest.mark.kernel` (or `pytestmark = pytest.mark.kernel`), or request a kernel "
        "fixture from tests/conftest.py, so that `pytest -m 'not kernel'` stays a unit run"
    )
    if STATE.log is not None:
        with STATE.log.open("a", encoding="utf-8") as log:
            log.write(message + "\n")
    raise LeanWithoutMarker(message)


def install(log: Path) -> None:
    """Patch `subprocess.Popen` and `ctypes.CDLL` for the rest of the session."""
    STATE.log = log
    popen_init = subprocess.Popen.__init__
    cdll_init = ctypes.CDLL.__init__

    def guarded_popen(self: Any, args: Any, *rest: Any, **kwargs: Any) -> None:
        if not STATE.allowed and starts_lean(args):
            _violation(" ".join(_argv(args))[:300])
        popen_init(self, args, *rest, **kwargs)

    def guarded_cdll(self: Any, name: Any, *rest: Any, **kwargs: Any) -> None:
        if not STATE.allowed and name is not None and "libleanshared" in os.fsdecode(name):
            _violation(f"ctypes.CDLL({name})")
        cdll_init(self, name, *rest, **kwargs)

    subprocess.Popen.__init__ = guarded_popen  # type: ignore[method-assign]
    ctypes.CDLL.__init__ = guarded_cdll  # type: ignore[method-assign]


def enter(test: str, allowed: bool) -> None:
    """Set the permission for the test about to run (forked workers inherit it)."""
    STATE.test, STATE.allowed = test, allowed


def take_violations() -> list[str]:
    """The violations written since the last call (by this process or its forked workers)."""
    if STATE.log is None or not STATE.log.is_file():
        return []
    lines = STATE.log.read_text(encoding="utf-8").splitlines()
    STATE.log.write_text("", encoding="utf-8")
    return [line for line in lines if line]
