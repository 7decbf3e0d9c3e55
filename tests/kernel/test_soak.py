"""Soak of the direct route: a worker's resident memory stays flat over 100,000 declarations.

Each declaration is a fresh kernel term for one of 200 short field theorems, checked against the
base environment; a leak of Lean objects (a missing `lean_dec`, an environment that grows) shows
as resident memory that keeps rising after the warm-up. The 8-step, 200,000-theorem figure is
measured by `scripts/soak_direct.py`; this test is its small, always-run form.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from rpsdg_formal.families.rewrite_family import RewriteFamily
from rpsdg_formal.kernel import KernelConfig
from rpsdg_formal.kernel.check import Accepted, prepare_kernel
from rpsdg_formal.kernel.direct import DirectSetup
from rpsdg_formal.kernel.pool import KernelPool
from rpsdg_formal.kernel.runner import embedded_library
from rpsdg_formal.pipeline.prepare import Preparer, first_theorems
from rpsdg_formal.rewriting.walk import WalkConfig
from rpsdg_formal.theory.catalogue import rules_path
from rpsdg_formal.theory.rules import load_rules

TOTAL = 100_000
WARM = 20_000
BATCH = 1_000

pytestmark = pytest.mark.kernel


def _resident_mb(pid: int) -> float:
    """VmRSS of a process, in MB."""
    for line in Path(f"/proc/{pid}/status").read_text(encoding="ascii").splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError(f"no VmRSS for process {pid}")


def test_worker_memory_is_flat_over_100000_declarations(tmp_path: Path) -> None:
    rules = load_rules(rules_path("field"))
    theorems = first_theorems(Preparer(rules, RewriteFamily(WalkConfig(steps=2)), 5), 200)
    round_ = theorems * (BATCH // len(theorems))
    kernel = prepare_kernel(rules.theory, KernelConfig(cache_dir=tmp_path, sequential=True))
    setup = DirectSetup(rules.theory, Path(kernel.runner.env["LEAN_PATH"]), embedded_library())
    with KernelPool(setup, workers=1) as pool:
        pid = pool.pids()[0]
        done, warm = 0, 0.0
        while done < TOTAL:
            verdicts = pool.check(round_)
            assert all(isinstance(v, Accepted) for v in verdicts)
            done += len(verdicts)
            if done == WARM:
                warm = _resident_mb(pid)
        end = _resident_mb(pid)
        assert pool.pids() == [pid], "the worker was restarted: the soak measured two processes"
    assert warm > 0
    assert end <= warm * 1.10, f"resident memory rose from {warm:.1f} MB to {end:.1f} MB"
