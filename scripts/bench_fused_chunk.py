"""The fused workers' request size: CPU per index of two direct-route workers preparing and
checking the same default field indices, with each request (`chunk` indices) prepared whole and
then checked, for several chunk sizes in one run (interleaved, best of `--repeats`).

Chunk 1 is preparing and checking in alternation, one index at a time; 4 was the request size
before `fused.CHUNK`. CPU is the workers' (read from /proc, so their start-up is left out) and
this process's (the parent's reading and unpickling), user + system.

    python scripts/bench_fused_chunk.py --count 6000
"""

from __future__ import annotations

import itertools
import os
import resource
import tempfile
from pathlib import Path

from benchlib import one_lean_per_core, script_parser, shipped_rules

from rpsdg_formal.families.rewrite_family import RewriteFamily
from rpsdg_formal.kernel.direct import DirectSetup
from rpsdg_formal.pipeline.fused import CHUNK, FusedWorkers
from rpsdg_formal.pipeline.prepare import Preparer
from rpsdg_formal.rewriting.selection import SelectConfig
from rpsdg_formal.rewriting.walk import WalkConfig

TICK = os.sysconf("SC_CLK_TCK")


def _cpu(fused: FusedWorkers) -> float:
    """CPU seconds so far of this process and the live workers of `fused`, user + system."""
    mine = resource.getrusage(resource.RUSAGE_SELF)
    total = mine.ru_utime + mine.ru_stime
    for worker in fused.pool:
        fields = Path(f"/proc/{worker.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / TICK  # utime, stime
    return total


def _run(preparer: Preparer, setup: DirectSetup, count: int, chunk: int) -> float:
    """CPU ms per index of two fused workers judging `count` indices, start-up excluded."""
    fused = FusedWorkers(preparer, setup, "bench", 2)
    try:
        source = fused.items(0, count, chunk)
        before = _cpu(fused)
        list(itertools.islice(source, count))
        after = _cpu(fused)
    finally:
        fused.close()
    return (after - before) * 1000 / count


def main() -> None:
    parser = script_parser(__doc__)
    parser.add_argument("--count", type=int, default=6000, help="indices a run (default 6000)")
    parser.add_argument("--chunks", default=f"1,4,{CHUNK}", help="request sizes to compare")
    parser.add_argument("--repeats", type=int, default=2, help="runs of each, the best kept")
    args = parser.parse_args()
    chunks = [int(c) for c in args.chunks.split(",")]
    rules = shipped_rules("field")
    kernel = one_lean_per_core(rules.theory, Path(tempfile.mkdtemp()))
    setup = DirectSetup.of(kernel)
    preparer = Preparer(rules, RewriteFamily(WalkConfig(), SelectConfig()), 1)
    best: dict[int, float] = {}
    for _ in range(args.repeats):
        for chunk in chunks:
            ms = _run(preparer, setup, args.count, chunk)
            best[chunk] = min(ms, best.get(chunk, ms))
            print(f"  chunk {chunk:3d}: {ms:.3f} ms per index", flush=True)
    base = best[4] if 4 in best else best[chunks[0]]
    print(f"best of {args.repeats}, {args.count} indices, load {os.getloadavg()[0]:.1f}:")
    for chunk in chunks:
        ratio = best[chunk] / base
        print(f"  chunk {chunk:3d}: {best[chunk]:.3f} ms per index, {ratio:.2f}x chunk 4")


if __name__ == "__main__":
    main()
