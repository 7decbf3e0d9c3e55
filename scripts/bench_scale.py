"""Benchmark for scale: throughput per CPU-hour, CPU per theorem by process and by stage, the
end-to-end / kernel-only ratio, and peak memory, all measured in this one run.

For each size, `rpsdg-formal generate` runs as a child process at default settings (the real
command: default workers, kernel route and `--lean-sample`) while `cputree` samples its whole
process tree (the parent, the preparing workers, the direct-kernel workers and every `lean`).
Its CPU is `getrusage` of the finished tree (user + system). Then, on the same theorems:

- kernel only, direct route: the run's records are read back, each proof rebuilt from the
  record's steps (with its spec, as `check` does), and a fresh direct-route pool checks them;
  then this process alone checks them again, with no pool and no pipes (as a default-route
  worker checks its own items), the stricter baseline;
- kernel only, `lean`: `lean` alone re-checks the files the run wrote, one process per core
  (the baseline of earlier versions of this table, kept for comparison).

Each checkout first runs `generate` for WARM_UP theorems, unmeasured, so the measured runs
start as a user's second run does: with the package's bytecode written (kept in the run's cache
folder, since an installed package has it and this machine's environment sets
PYTHONDONTWRITEBYTECODE) and with Lean's version remembered in the run's cache.

For each size, what `lean` confirmed is then forgotten (`kernel.confirmed`), and two runs are
measured: the first run of this code (seed 1, `lean` shown the whole spread and every name),
and a later run (seed 2, after the first: `lean` shown its first theorem and the names not
confirmed yet), each against the kernel alone on its own theorems.

With `--before-root DIR` (e.g. /work/main, a checkout of the code before a change), the same
command also runs with DIR's package in the same run, and its outputs are compared byte for
byte. With `--before`, it also runs with `--python-search --python-walk` (the pure-Python
certifying search and walk, as before they were compiled), compared the same way. `--stages
N` times the preparing workers' stages in this process over N indices.

    python scripts/bench_scale.py --sizes 2000,20000 --before-root /work/main --before
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from benchlib import children_cpu, kernel_only, one_lean_per_core, script_parser, shipped_rules
from cputree import KINDS, CpuTree
from scalestages import (
    direct_kernel_in_process,
    direct_kernel_only,
    replayed_theorems,
    stage_split,
)

CORES = os.cpu_count() or 1
WARM_UP = 20  # theorems of each checkout's first, unmeasured run
HERE = Path(__file__).resolve().parents[1]  # the checkout this script belongs to


@dataclass(frozen=True)
class Run:
    """One `generate` run: wall and CPU seconds, CPU by kind of process, peak memory."""

    made: int
    wall: float
    cpu: float
    by_kind: dict[str, tuple[float, int]]
    peak: tuple[int, int, int]


def _generate(
    count: int, out: Path, cache: Path, extra: list[str], root: Path | None, seed: int = 1
) -> Run:
    command = [
        sys.executable, "-m", "rpsdg_formal.cli", "generate", "--count", str(count),
        "--seed", str(seed), "--out", str(out), "--cache-dir", str(cache), "--quiet", "--force",
        *extra,
    ]  # fmt: skip
    env = dict(os.environ, PYTHONPATH=str(root or HERE), PYTHONPYCACHEPREFIX=str(cache / "pyc"))
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # bytecode kept, as an installed package has it
    cpu = children_cpu()
    started = time.perf_counter()
    child = subprocess.Popen(command, env=env, cwd=root or HERE)  # `-m` looks in cwd first
    tree = CpuTree(child.pid).start()
    if child.wait() != 0:
        raise SystemExit(f"generate failed: {' '.join(command)}")
    wall = time.perf_counter() - started
    tree.stop()
    made = (out / "theorems.jsonl").read_bytes().count(b"\n")
    return Run(made, wall, children_cpu() - cpu, tree.by_kind(), tree.peak)


def _same_outputs(a: Path, b: Path) -> bool:
    """theorems.jsonl, rejected.jsonl and every Lean file byte for byte the same."""
    names = ["theorems.jsonl", "rejected.jsonl"]
    names += sorted(f"lean/{p.name}" for p in (a / "lean").glob("*.lean"))
    if sorted(p.name for p in (b / "lean").glob("*.lean")) != [n[5:] for n in names[2:]]:
        return False
    return all((a / n).read_bytes() == (b / n).read_bytes() for n in names)


def _show_run(label: str, run: Run) -> None:
    ms = 1000 / run.made
    print(f"  {label}: {run.wall:.1f} s wall, {run.cpu:.1f} s CPU of the whole tree = "
          f"{run.cpu * ms:.2f} ms per theorem, {run.made / run.cpu * 3600:,.0f} verified "
          "theorems per CPU-hour")  # fmt: skip
    attributed = 0.0
    for what in KINDS:
        seconds, count = run.by_kind[what]
        attributed += seconds
        if count:
            print(f"    {what:24} {count} process(es) {seconds:7.2f} s  {seconds * ms:6.2f} ms/thm")
    print(f"    {'unattributed (sampling)':37} {run.cpu - attributed:7.2f} s")
    tree, python, lean = (round(p / 2**20) for p in run.peak)
    print(f"    peak memory: tree {tree:,} MB, Python processes {python:,} MB, "
          f"largest lean {lean:,} MB")  # fmt: skip


def _measure_size(size: int, base: Path, cache: Path, args: object) -> Run:
    extra: list[str] = getattr(args, "extra")  # noqa: B009
    root: Path | None = getattr(args, "before_root")  # noqa: B009
    shutil.rmtree(cache / "lean-confirmed", ignore_errors=True)  # what `lean` confirmed
    first = _generate(size, base / f"first_{size}", cache, extra, None)
    out = base / f"run_{size}"
    now = _generate(size, out, cache, extra, None, seed=2)
    steps = json.loads((out / "run.json").read_text(encoding="utf-8"))["steps"]
    print(f"\nrun of {size} theorems ({steps}-step walks), load average {os.getloadavg()[0]:.1f}")
    _show_run("now, the first run of this code (seed 1; nothing confirmed by `lean` yet)", first)
    _kernel_only(base / f"first_{size}", first, cache, in_process=False)
    _show_run("now, a later run (seed 2; what `lean` confirmed in the first remembered)", now)
    _kernel_only(out, now, cache, in_process=True)
    befores = [(f"before ({root})", f"before_{size}", extra, root)] if root else []
    if getattr(args, "before"):  # noqa: B009
        python = [*extra, "--python-search", "--python-walk"]
        befores.append(("pure-Python search and walk", f"python_{size}", python, None))
    for label, folder, options, code in befores:
        before = _generate(size, base / folder, cache, options, code)
        _show_run(f"{label}, seed 1", before)
        same = _same_outputs(base / f"first_{size}", base / folder)
        print(f"  first run now / {label}, CPU: {first.cpu / before.cpu:.2f} "
              f"({before.cpu / before.made * 1000:.2f} -> {first.cpu / first.made * 1000:.2f} ms "
              f"per theorem); outputs byte-identical: {same}")  # fmt: skip
    return now


def _kernel_only(out: Path, run: Run, cache: Path, in_process: bool) -> None:
    """The kernel alone on the theorems of the run in `out`: a direct-route pool, and (with
    `in_process`) this process alone and `lean` re-checking the files."""
    rules = shipped_rules("field")
    kernel = one_lean_per_core(rules.theory, cache)
    theorems = replayed_theorems(out, rules, kernel.version)
    wall, cpu, accepted = direct_kernel_only(theorems, kernel)
    print(f"  kernel only, direct route ({len(theorems)} proofs replayed from the records, "
          f"{accepted} accepted): {wall:.1f} s wall, {cpu:.1f} s CPU = {cpu / run.made * 1000:.2f} "
          "ms per theorem")  # fmt: skip
    print(f"    end-to-end / kernel-only: CPU {run.cpu / cpu:.2f}, wall {run.wall / wall:.2f}")
    if not in_process:
        return
    alone, accepted = direct_kernel_in_process(theorems, kernel)
    print(f"  kernel only, direct route in one process (no pool, no pipes; {accepted} accepted): "
          f"{alone:.1f} s CPU = {alone / run.made * 1000:.2f} ms per theorem; end-to-end / that: "
          f"CPU {run.cpu / alone:.2f}")  # fmt: skip
    children = children_cpu()
    lean_wall = kernel_only(kernel, out / "lean")
    lean_cpu = children_cpu() - children
    print(f"  kernel only, `lean` re-checking the written files (the earlier baseline): "
          f"{lean_wall:.1f} s wall, {lean_cpu:.1f} s CPU; end-to-end / that: wall "
          f"{run.wall / lean_wall:.2f}, CPU {run.cpu / lean_cpu:.2f}")  # fmt: skip


def main() -> int:
    parser = script_parser(__doc__)
    parser.add_argument("--sizes", default="2000,20000", help="run sizes (comma-separated)")
    parser.add_argument("--keep", type=Path, help="keep the runs' folders here")
    parser.add_argument(
        "--before-root", type=Path, help="also run the code of this checkout (PYTHONPATH)"
    )
    parser.add_argument(
        "--before", action="store_true", help="also run with --python-search --python-walk"
    )
    parser.add_argument("--stages", type=int, default=300, help="indices for the stage split")
    parser.add_argument("extra", nargs="*", help="more generate options, after --")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    print(f"{CORES} cores; field theory, seed 1, default generate options {args.extra or ''}")
    with tempfile.TemporaryDirectory(prefix="rpsdg-scale-") as tmp:
        base = (args.keep or Path(tmp)).resolve()
        cache = base / "cache"
        audit = [sys.executable, "-m", "rpsdg_formal.cli", "audit", "--theory", "field"]
        subprocess.run([*audit, "--cache-dir", str(cache)], check=True, capture_output=True)
        roots = [None, args.before_root] if args.before_root else [None]
        for number, code in enumerate(roots):  # the warm-up runs
            _generate(WARM_UP, base / f"warm_{number}", cache, args.extra, code)
        runs = [_measure_size(size, base, cache, args) for size in sizes]
    if len(runs) >= 2:
        small, large = runs[0], runs[-1]
        print(f"\npeak memory, {sizes[-1]} vs {sizes[0]} theorems: whole tree "
              f"{large.peak[0] / small.peak[0]:.2f}x, Python processes "
              f"{large.peak[1] / small.peak[1]:.2f}x")  # fmt: skip
    if args.stages:
        print(f"\npreparing workers' stages in this process ({args.stages} indices, seed 1, "
              "CPU ms per index):")  # fmt: skip
        for name, ms in stage_split(shipped_rules("field"), 1, args.stages):
            print(f"  {name:66} {ms:6.3f}")
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
