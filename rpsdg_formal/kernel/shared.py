"""One direct-route worker pool per theory per process, started on first use, closed at exit.

`check.check_theorems` asks here for the pool of its kernel; the proof environment, the
negatives and the service all end there, so they share the pool without knowing of it. A
pool that cannot start (its self-test failed) is remembered as unavailable, with one warning,
and those theorems go through `lean`.

Every call runs on one long-lived thread of this module: a worker dies with the *thread* that
started it (PR_SET_PDEATHSIG), and the service's request threads come and go. That thread
also serialises the calls: the workers answer in order, and a pool already uses every core.
"""

from __future__ import annotations

import atexit
import sys
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from rpsdg_formal.errors import KernelError
from rpsdg_formal.kernel.check import Kernel, Verdict
from rpsdg_formal.kernel.direct import DirectSetup
from rpsdg_formal.kernel.emit import LeanTheorem
from rpsdg_formal.kernel.pool import KernelPool

_pools: dict[tuple[str, Path], KernelPool | None] = {}  # touched on `_thread` only
_thread: ThreadPoolExecutor | None = None
_guard = threading.Lock()


def routed(kernel: Kernel) -> bool:
    """Whether `kernel` sends theorems with a spec to the direct route: its config says so, and
    it is the embedded Lean (a standard `lean`'s .olean files are not the embedded one's)."""
    return kernel.config.route == "direct" and not kernel.config.lean


def _key(kernel: Kernel) -> tuple[str, Path]:
    return kernel.theory.name, Path(kernel.runner.env["LEAN_PATH"])


def _pool(kernel: Kernel) -> KernelPool | None:
    """The pool for `kernel`'s theory, started now if it is the first call."""
    key = _key(kernel)
    if key not in _pools:
        setup = DirectSetup.of(kernel)
        try:
            _pools[key] = KernelPool(setup)
        except KernelError as err:
            print(f"warning: {err}; checking with `lean` instead", file=sys.stderr)
            _pools[key] = None
    return _pools[key]


def _check(kernel: Kernel, theorems: Sequence[LeanTheorem]) -> list[Verdict] | None:
    pool = _pool(kernel)
    return None if pool is None else pool.check(theorems)


def check_direct(kernel: Kernel, theorems: Sequence[LeanTheorem]) -> list[Verdict] | None:
    """Verdicts for `theorems` (each carrying its spec) from the shared pool, or None when the
    direct route is unavailable here (the caller then uses `lean`)."""
    global _thread
    with _guard:
        if _thread is None:
            _thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="rpsdg-kernel-pool")
        thread = _thread
    return thread.submit(_check, kernel, theorems).result()


def close_all() -> None:
    """Stop every shared pool (at exit; tests call it to start afresh)."""
    global _thread
    with _guard:
        for pool in _pools.values():
            if pool is not None:
                pool.close()
        _pools.clear()
        if _thread is not None:
            _thread.shutdown(wait=False)
        _thread = None


atexit.register(close_all)
