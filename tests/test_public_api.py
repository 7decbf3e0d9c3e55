"""The package's public names are imported on first use, so a process that needs one corner
of it (a direct-kernel worker) starts without SymPy or NetworkX."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import rpsdg_formal

ROOT = Path(__file__).resolve().parents[1]


def test_every_public_name_resolves_to_its_definition() -> None:
    from rpsdg_formal.pipeline.run import generate
    from rpsdg_formal.terms.expr import Expr

    assert rpsdg_formal.generate is generate and rpsdg_formal.Expr is Expr
    for name in rpsdg_formal.__all__:
        assert getattr(rpsdg_formal, name).__name__ == name
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        _ = rpsdg_formal.nothing


def test_a_kernel_worker_imports_without_sympy_or_networkx() -> None:
    probe = (
        "import sys, rpsdg_formal.kernel.worker; "
        "print(sorted({'sympy', 'networkx'} & set(sys.modules)))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert done.stdout.strip() == "[]"
