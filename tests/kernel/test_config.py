"""`KernelConfig`: the one description of the Lean to run, shared by the CLI, the pipeline, Ray
tasks and the service (validated, picklable, the source of Lean's command line)."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from rpsdg_formal.errors import ConfigError
from rpsdg_formal.kernel import KernelConfig, default_cache_dir


def test_defaults_and_lean_arguments() -> None:
    plain = KernelConfig()
    assert plain.cache() == default_cache_dir()
    assert plain.lean_args(Path("b.lean")) == ["--json", "-j1", "b.lean"]
    limited = KernelConfig(threads=3, memory_mb=512, heartbeats=50, sequential=True)
    assert limited.lean_args(Path("b.lean")) == [
        "--json", "-j3", "-D", "Elab.async=false", "--memory=512",
        "-D", "maxHeartbeats=50", "b.lean",
    ]  # fmt: skip


def test_it_travels_by_pickle_unchanged(tmp_path: Path) -> None:
    config = KernelConfig(lean="/opt/lean", cache_dir=tmp_path, threads=2, timeout=5.0)
    assert pickle.loads(pickle.dumps(config)) == config


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"threads": 0}, "--threads must be at least 1, got 0"),
        ({"memory_mb": -1}, "--memory-mb must be 0 (none) or more, got -1"),
        ({"timeout": 0.0}, "--lean-timeout must be positive, got 0"),
        ({"heartbeats": -5}, "--max-heartbeats must be 0 (Lean's default) or more, got -5"),
    ],
)
def test_bad_values_name_their_option(changes: dict[str, float], message: str) -> None:
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(")", r"\)")):
        KernelConfig(**changes)  # type: ignore[arg-type]
