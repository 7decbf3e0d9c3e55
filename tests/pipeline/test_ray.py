"""The Ray backend: the same theorem set as the local backend for the same seed, on a local Ray
instance this test starts itself (skipped where Ray is not installed)."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from rpsdg_formal.kernel import KernelConfig
from rpsdg_formal.kernel.check import Kernel
from rpsdg_formal.pipeline.config import GenerateConfig
from rpsdg_formal.pipeline.ray_backend import generate_ray
from rpsdg_formal.pipeline.run import generate
from rpsdg_formal.rewriting.walk import WalkConfig
from rpsdg_formal.theory.rules import RuleSet

ray = pytest.importorskip("ray", reason="Ray is not installed (pip install 'rpsdg-formal[ray]')")


@pytest.fixture(scope="module")
def local_ray() -> object:
    # A fresh local cluster: never one some other process on this machine started.
    ray.init(address="local", num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield ray
    ray.shutdown()


def _records(out: Path) -> list[dict[str, object]]:
    rows = [json.loads(line) for line in (out / "theorems.jsonl").open(encoding="utf-8")]
    for row in rows:
        row["verified"].pop("lean_file")  # batch_N.lean locally, shard_N.lean on Ray
    return rows


def test_ray_makes_the_theorems_the_local_backend_makes(
    local_ray: object,
    field_rules: RuleSet,
    field_kernel: Kernel,
    kernel_cache: Path,
    tmp_path: Path,
) -> None:
    local = GenerateConfig(
        count=45, seed=9, out=tmp_path / "local", walk=WalkConfig(steps=4), batch_size=20
    )
    generate(field_rules, local, field_kernel, show_progress=False)
    settings = KernelConfig(cache_dir=kernel_cache, sequential=True)
    on_ray = dataclasses.replace(local, out=tmp_path / "ray")
    summary = generate_ray(field_rules, on_ray, settings, field_kernel.version, show_progress=False)
    assert summary.accepted == 45
    assert _records(on_ray.out) == _records(local.out)
    assert len({r["statement"] for r in _records(on_ray.out)}) == 45
    shards = sorted(p.name for p in (on_ray.out / "lean").glob("shard_*.lean"))
    assert shards[0] == "shard_00000.lean" and len(shards) >= 3


def test_a_ray_run_resumes_from_its_checkpoint(
    local_ray: object,
    field_rules: RuleSet,
    field_kernel: Kernel,
    kernel_cache: Path,
    tmp_path: Path,
) -> None:
    settings = KernelConfig(cache_dir=kernel_cache, sequential=True)
    config = GenerateConfig(
        count=30, seed=4, out=tmp_path / "cut", walk=WalkConfig(steps=3), batch_size=10
    )
    whole = dataclasses.replace(config, out=tmp_path / "whole")
    generate_ray(field_rules, whole, settings, field_kernel.version, show_progress=False)
    generate_ray(field_rules, config, settings, field_kernel.version, show_progress=False)
    # cut the finished run back to its first shard, as if it had been killed after it
    lines = (config.out / "theorems.jsonl").read_bytes().splitlines(keepends=True)
    first = json.loads((config.out / "checkpoint.json").read_text())
    assert first["accepted"] == 30
    kept = [line for line in lines if json.loads(line)["index"] < 10]
    (config.out / "theorems.jsonl").write_bytes(b"".join(kept) + b'{"half a li')
    state = {
        **first,
        "batches": 1,
        "position": 10,
        "accepted": len(kept),
        "good_bytes": sum(len(line) for line in kept),
        "bad_bytes": 0,
        "key_bytes": 8 * len(kept),
    }
    (config.out / "checkpoint.json").write_text(json.dumps(state))
    summary = generate_ray(field_rules, config, settings, field_kernel.version, show_progress=False)
    assert summary.resumed_after == len(kept) and summary.accepted == 30
    assert (config.out / "theorems.jsonl").read_bytes() == (
        whole.out / "theorems.jsonl"
    ).read_bytes()
