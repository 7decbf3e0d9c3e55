"""Shared fixtures: the shipped field rules and a kernel whose theory cache lives in a temp dir."""

from __future__ import annotations

from pathlib import Path

import pytest

from rpsdg_formal.kernel.check import Kernel, prepare_kernel
from rpsdg_formal.theory.rules import RuleSet, load_rules

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def field_rules() -> RuleSet:
    return load_rules(ROOT / "rules" / "field.yaml")


@pytest.fixture(scope="session")
def kernel_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("lean-cache")


@pytest.fixture(scope="session")
def audited_cache(kernel_cache: Path) -> Path:
    """The kernel cache in which rules/field.yaml has passed the audit (generate needs it)."""
    from rpsdg_formal.cli.main import main

    assert (
        main(["audit", str(ROOT / "rules" / "field.yaml"), "--cache-dir", str(kernel_cache)]) == 0
    )
    return kernel_cache


@pytest.fixture(scope="session")
def field_kernel(field_rules: RuleSet, kernel_cache: Path) -> Kernel:
    """The embedded Lean kernel with the field theory compiled (real Lean, no mock)."""
    return prepare_kernel(field_rules.theory, cache_dir=kernel_cache, threads=2)
