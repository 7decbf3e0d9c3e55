"""Shared fixtures and the test kinds.

Fixtures: the shipped field rules, a kernel whose theory cache lives in a temp dir, the caches in
which the shipped theories have passed the audit, and one small generated run per theory, made
once per session and read by every test that needs a dataset.

Kinds: a test that requests a fixture of `KERNEL_FIXTURES` is marked `kernel` at collection
time; a test that starts Lean any other way without the marker fails (tests/lean_guard.py). So
`pytest -m "not kernel"` is a unit run that never starts Lean. `--update-golden` rewrites the
golden files under tests/golden/ instead of comparing with them.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import lean_guard
import pytest

from rpsdg_formal.kernel.check import Kernel, prepare_kernel
from rpsdg_formal.kernel.config import KernelConfig
from rpsdg_formal.theory.catalogue import rules_path
from rpsdg_formal.theory.rules import RuleSet, load_rules

KERNEL_FIXTURES = frozenset(
    {
        "field_kernel",
        "audited_cache",
        "calculus_cache",
        "equation_cache",
        "field_run",
        "calculus_run",
        "equation_run",
    }
)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="rewrite the golden files under tests/golden/ from the current output",
    )


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark `kernel` every test that requests a Lean-starting fixture (before `-m` selects)."""
    for item in items:
        if KERNEL_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.kernel)


def pytest_sessionstart(session: pytest.Session) -> None:
    del session
    handle, name = tempfile.mkstemp(prefix="rpsdg-lean-guard-", suffix=".log")
    os.close(handle)
    lean_guard.install(Path(name))


def pytest_sessionfinish(session: pytest.Session) -> None:
    del session
    if lean_guard.STATE.log is not None:
        lean_guard.STATE.log.unlink(missing_ok=True)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item) -> Iterator[None]:
    lean_guard.enter(item.nodeid, item.get_closest_marker("kernel") is not None)
    yield
    lean_guard.enter("<between tests>", False)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item) -> Iterator[None]:
    """Fail the phase in which an unmarked test started Lean, even if the caller caught it."""
    del item
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    violations = lean_guard.take_violations()
    if violations:
        report.outcome = "failed"
        report.longrepr = "\n".join(violations)


@pytest.fixture(scope="session")
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture(scope="session")
def field_rules() -> RuleSet:
    return load_rules(rules_path("field"))


@pytest.fixture(scope="session")
def kernel_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("lean-cache")


def _audit(theory: str, cache: Path) -> Path:
    from rpsdg_formal.cli.main import main

    args = ["audit", str(rules_path(theory)), "--cache-dir", str(cache), "--threads", "2"]
    assert main([*args, "--quiet"]) == 0
    return cache


@pytest.fixture(scope="session")
def audited_cache(kernel_cache: Path) -> Path:
    """The kernel cache in which the shipped field rules have passed the audit."""
    return _audit("field", kernel_cache)


@pytest.fixture(scope="session")
def calculus_cache(kernel_cache: Path) -> Path:
    """The kernel cache in which the shipped calculus rules have passed the audit."""
    return _audit("calculus", kernel_cache)


@pytest.fixture(scope="session")
def equation_cache(kernel_cache: Path) -> Path:
    """The kernel cache in which the shipped equation rules have passed the audit."""
    return _audit("equation", kernel_cache)


@pytest.fixture(scope="session")
def field_kernel(field_rules: RuleSet, kernel_cache: Path) -> Kernel:
    """The embedded Lean kernel with the field theory compiled (real Lean, no mock)."""
    return prepare_kernel(field_rules.theory, KernelConfig(cache_dir=kernel_cache, threads=2))


def _generate(tmp: pytest.TempPathFactory, cache: Path, theory: str, *args: str) -> Path:
    from rpsdg_formal.cli.main import main

    out = tmp.mktemp(f"{theory}-run") / "run"
    argv = ["generate", "--theory", theory, *args, "--out", str(out), "--cache-dir", str(cache)]
    assert main([*argv, "--threads", "2", "--quiet"]) == 0
    return out


@pytest.fixture(scope="session")
def field_run(tmp_path_factory: pytest.TempPathFactory, audited_cache: Path) -> Path:
    """`generate --theory field`: 24 theorems of up to 4 steps, up to 2 proofs each (seed 1)."""
    args = ("--count", "24", "--proofs", "2", "--steps", "4", "--seed", "1")
    return _generate(tmp_path_factory, audited_cache, "field", *args)


@pytest.fixture(scope="session")
def calculus_run(tmp_path_factory: pytest.TempPathFactory, calculus_cache: Path) -> Path:
    """`generate --theory calculus`: 30 antiderivative problems (seed 3)."""
    return _generate(tmp_path_factory, calculus_cache, "calculus", "--count", "30", "--seed", "3")


@pytest.fixture(scope="session")
def equation_run(tmp_path_factory: pytest.TempPathFactory, equation_cache: Path) -> Path:
    """`generate --theory equation`: 40 equations (seed 0)."""
    return _generate(tmp_path_factory, equation_cache, "equation", "--count", "40")


@pytest.fixture(scope="session")
def exports(
    tmp_path_factory: pytest.TempPathFactory,
    field_run: Path,
    calculus_run: Path,
    equation_run: Path,
    kernel_cache: Path,
) -> dict[str, tuple[Path, Path]]:
    """`export --format all` of the shared field, calculus and equation runs (read, never
    written, by the tests): theory -> (run, export root)."""
    from rpsdg_formal.cli.main import main

    runs = {"field": field_run, "calculus": calculus_run, "equation": equation_run}
    found = {}
    for theory, run in runs.items():
        out = tmp_path_factory.mktemp(f"{theory}-export")
        argv = ["export", str(run), "--format", "all", "--out", str(out), "--force"]
        assert main([*argv, "--cache-dir", str(kernel_cache), "--quiet"]) == 0
        found[theory] = (run, out)
    return found
