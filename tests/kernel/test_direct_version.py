"""The version check of the direct route against the real library: the version the loaded
library states is the one `lean --version` prints, and a process whose library is not of its
run's version refuses to start."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from pathlib import Path

import pytest

from rpsdg_formal.kernel import KernelConfig
from rpsdg_formal.kernel.check import Kernel, prepare_kernel
from rpsdg_formal.kernel.direct import DirectSetup
from rpsdg_formal.kernel.pool import DirectUnavailable, KernelPool
from rpsdg_formal.kernel.runner import LeanRunner
from rpsdg_formal.theory.rules import RuleSet

pytestmark = pytest.mark.kernel
ROOT = Path(__file__).resolve().parents[2]


def test_the_library_states_the_version_lean_prints() -> None:
    probe = (  # in a child: the Lean runtime never enters pytest's process
        "from rpsdg_formal.kernel.lean_abi import runtime\n"
        "from rpsdg_formal.kernel.runner import embedded_library\n"
        "print(runtime(embedded_library()).version())"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert done.stdout.strip() == LeanRunner.embedded().version() == "4.35.0"


def test_a_known_version_skips_lean_and_names_the_same_compiled_theory(
    field_rules: RuleSet, field_kernel: Kernel, kernel_cache: Path
) -> None:
    config = KernelConfig(cache_dir=kernel_cache)
    known = prepare_kernel(field_rules.theory, config, field_kernel.version)
    assert known.version == field_kernel.version
    assert known.runner.env == field_kernel.runner.env  # the same LEAN_PATH


def test_a_process_whose_library_is_of_another_version_does_not_start(
    field_kernel: Kernel,
) -> None:
    setup = DirectSetup.of(field_kernel)
    assert setup.version == "4.35.0"
    with KernelPool(setup, workers=1):
        pass  # the right version starts
    wrong = dataclasses.replace(setup, version="9.9.9")
    with pytest.raises(DirectUnavailable, match=r"is Lean 4\.35\.0, but this run was prepared"):
        KernelPool(wrong, workers=1)
