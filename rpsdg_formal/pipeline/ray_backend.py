"""Generation on Ray (`--backend ray`): the same pipeline, sharded by theorem-index range.

Shard k is the index range [k·B, (k+1)·B) for batch size B. A Ray task prepares the shard's
items, checks their theorems with the Lean kernel of the node it runs on (faults settled by
halves there) and returns each item with its finished record. The driver takes shards in order
and admits their items in index order exactly as the local backend does (`admission`), so the
theorem set is the local backend's for the same seed, duplicates across shards are dropped, and
the run checkpoints after every shard and resumes like a local one. Every node needs this
project and its Lean kernel installed (`pip install 'rpsdg-formal[ray]'`).
"""

from __future__ import annotations

import dataclasses
import importlib.metadata
import os
import socket
import tempfile
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rpsdg_formal.errors import ConfigError
from rpsdg_formal.families.base import Family
from rpsdg_formal.kernel import KernelConfig
from rpsdg_formal.kernel.check import Rejected, prepare_kernel, start_check
from rpsdg_formal.kernel.emit import batch_file
from rpsdg_formal.kernel.faults import Settled, require_progress, settle
from rpsdg_formal.pipeline.admission import Admission
from rpsdg_formal.pipeline.config import GenerateConfig, GenerateSummary
from rpsdg_formal.pipeline.outputs import Outputs, json_line, rejected_row
from rpsdg_formal.pipeline.prepare import Prepared, Preparer, finish
from rpsdg_formal.pipeline.run import open_run, room_left
from rpsdg_formal.progress import Progress
from rpsdg_formal.theory.rules import RuleSet


@dataclass(frozen=True)
class ShardResult:
    """A checked shard: each item (without its theorems) with its record if verified and its
    rejected rows, the Lean files (name → text), and the node's Lean version."""

    shard: int
    items: tuple[tuple[Prepared, Mapping[str, Any] | None, tuple[Mapping[str, Any], ...]], ...]
    files: Mapping[str, str]
    lean_version: str


def run_shard(
    rules: RuleSet, family: Family, seed: int, shard: int, size: int, settings: KernelConfig
) -> ShardResult:
    """Prepare and check the items of shard `shard` (run by a Ray task, or directly); the node
    builds its own kernel from `settings` (the kernel object itself does not travel)."""
    preparer = Preparer(rules, family, seed)
    items = [preparer(i) for i in range(shard * size, (shard + 1) * size)]
    kernel = prepare_kernel(rules.theory, settings)
    theorems = [t for i in items if i.key is not None and i.error is None for t in i.theorems]
    with tempfile.TemporaryDirectory(prefix="rpsdg-shard-") as tmp:
        settled = Settled({}, {})
        if theorems:
            path = Path(tmp) / f"shard_{shard:05d}.lean"
            pending = start_check(kernel, batch_file(rules.theory, theorems), path)
            settled = settle(pending, theorems)
            require_progress(settled, path)
        files = {p.name: p.read_text(encoding="utf-8") for p in Path(tmp).glob("*.lean")}
    where = {name: f"lean/{file}" for name, file in settled.files.items()}
    results = []
    for item in items:
        record: Mapping[str, Any] | None = None
        rows: tuple[Mapping[str, Any], ...] = ()
        if item.key is not None and item.error is None:
            record = finish(item, settled.verdicts, kernel.version, where)
            rows = tuple(
                rejected_row(t.name, v, where[t.name])
                for t in item.theorems
                if isinstance(v := settled.verdicts[t.name], Rejected)
            )
        light = dataclasses.replace(item, theorems=(), record=None)
        results.append((light, record, rows))
    return ShardResult(shard, tuple(results), files, kernel.version)


AUTH_MODE = "RAY_AUTH_MODE"
TOKEN_AUTH = (2, 52)  # Ray versions from this one on start clusters with token authentication


def _version(text: str) -> tuple[int, int]:
    major, minor = [*(int(p) if p.isdigit() else 0 for p in text.split(".")[:2]), 0, 0][:2]
    return major, minor


def auth_problem(version: str, address: str | None, environ: Mapping[str, str]) -> str | None:
    """Why joining the cluster at `address` (None: RAY_ADDRESS, else a new local instance)
    would fail: a cluster of Ray 2.52 or later started with `ray start --head` refuses a driver
    (InvalidAuthToken, after a minute of retries) unless RAY_AUTH_MODE is set."""
    joins = address is not None or bool(environ.get("RAY_ADDRESS"))
    if not joins or _version(version) < TOKEN_AUTH or environ.get(AUTH_MODE):
        return None
    return (
        f"--backend ray: joining a Ray {version} cluster needs {AUTH_MODE}=token (clusters "
        f"started with `ray start --head` require an auth token); run `export {AUTH_MODE}=token` "
        "here and on every node before `ray start`, then run this command again"
    )


def require_ray(address: str | None) -> None:
    """Fail now, before any work, when Ray is missing or the cluster would refuse this driver."""
    try:
        version = importlib.metadata.version("ray")
    except importlib.metadata.PackageNotFoundError as err:
        raise ConfigError(
            "--backend ray needs Ray: pip install 'rpsdg-formal[ray]' (on every node)"
        ) from err
    problem = auth_problem(version, address, os.environ)
    if problem:
        raise ConfigError(problem)


def require_listening(address: str | None, seconds: float = 5.0) -> None:
    """Fail now when nothing listens at a HOST:PORT address (Ray would retry for minutes)."""
    host, sep, port = (address or "").rpartition(":")
    if not sep or not port.isdigit() or not host:
        return  # `auto`, RAY_ADDRESS or a new local instance: Ray finds it
    try:
        socket.create_connection((host.strip("[]"), int(port)), timeout=seconds).close()
    except OSError as err:
        raise ConfigError(
            f"--backend ray: nothing answers at {address} ({err.strerror or err}); start the "
            f"head node with `ray start --head --port {port}` or fix --ray-address"
        ) from err


def connect(ray: Any, address: str | None) -> None:
    """Join the cluster (or start a local one), failing at once with one line when it cannot."""
    require_ray(address)
    require_listening(address)
    try:
        ray.init(address=address, log_to_driver=False)
    except (ConnectionError, RuntimeError) as err:
        reason = str(err).strip().splitlines()[-1] if str(err).strip() else type(err).__name__
        raise ConfigError(
            f"--backend ray: cannot join the Ray cluster at {address or 'RAY_ADDRESS'}: "
            f"{reason[:300]}; check the address, `ray status` on the head node and "
            f"{AUTH_MODE}=token"
        ) from err


def _admit(
    result: ShardResult, admission: Admission, room: int
) -> tuple[list[Prepared], list[Mapping[str, Any]], list[Mapping[str, Any]]]:
    """The shard's items admitted in index order (until `room` records are taken), their
    records, and their rejected rows (preparation errors and kernel rejections)."""
    good_rows: list[Mapping[str, Any]] = []
    bad_rows: list[Mapping[str, Any]] = []
    taken: list[Prepared] = []
    for item, record, rows in result.items:
        if len(good_rows) >= room:
            break
        if not admission.admit(item):
            continue
        taken.append(item)
        if item.error is not None:
            bad_rows.append(item.error)
            continue
        bad_rows += rows
        if record is not None:
            good_rows.append(record)
    return taken, good_rows, bad_rows


def joined(address: str | None) -> Any:
    """The `ray` module, joined to the cluster at `address` unless this process already is."""
    try:
        import ray
    except ImportError as err:
        raise ConfigError(
            "--backend ray needs Ray: pip install 'rpsdg-formal[ray]' (on every node)"
        ) from err
    if not ray.is_initialized():
        connect(ray, address)
    return ray


def generate_ray(
    rules: RuleSet,
    config: GenerateConfig,
    settings: KernelConfig,
    lean_version: str,
    address: str | None = None,
    show_progress: bool = True,
) -> GenerateSummary:
    """`generate.generate` on Ray: connect to the cluster at `address` (None: the one this
    process already joined, else RAY_ADDRESS, else a new local instance)."""
    ray = joined(address)
    Preparer(rules, config.family, config.seed)  # validates the family before anything starts
    task = ray.remote(num_cpus=settings.threads)(run_shard)
    run = open_run(rules, config, lean_version, backend="ray")
    state, admission, out = run.state, run.admission, config.out
    size = config.batch_size
    if state.position % size:
        raise ConfigError(f"{out}: the checkpoint is not at a shard boundary; use --force")
    window = max(2, 2 * int(ray.cluster_resources().get("CPU", 1)))
    family, progress = config.family, Progress(config.count, "verified", show_progress)
    refs: deque[Any] = deque()
    following = state.position // size
    try:
        with Outputs(out) as outputs:
            while state.accepted < config.count:
                while len(refs) < window:
                    refs.append(task.remote(rules, family, config.seed, following, size, settings))
                    following += 1
                result: ShardResult = ray.get(refs.popleft())
                for name, text in result.files.items():
                    (out / "lean" / name).write_text(text, encoding="utf-8")
                taken, good_rows, bad_rows = _admit(
                    result, admission, config.count - state.accepted
                )
                state = outputs.commit(
                    state,
                    taken,
                    [json_line(row).encode() for row in good_rows],
                    bad_rows,
                    batches=state.batches + 1,
                    position=(result.shard + 1) * size,
                    sizes=(),
                    room=room_left(admission),
                )
                progress.update(state.accepted)
    finally:
        for ref in refs:
            ray.cancel(ref, force=True)
        progress.close()
    s = state
    return GenerateSummary(
        s.accepted, s.rejected, s.batches, out, s.disagreements, s.refused, run.state.accepted
    )
