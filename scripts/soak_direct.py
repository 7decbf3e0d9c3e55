"""Soak: a direct-route worker's resident memory over many declarations.

One worker checks the same pool of field theorems again and again (fresh kernel terms every
time, each checked against the base environment), in batches of 250; its resident memory
(VmRSS of the worker process) is printed every `--every` theorems. Flat means: the figure at
the end is within 10% of the figure after the first `--every` (the warm-up: constants,
axiom sets and the expression pool filled once).

    python scripts/soak_direct.py --total 200000 --every 20000
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from bench_direct import eight_step_theorems
from benchlib import script_parser, shipped_rules

from rpsdg_formal.kernel import KernelConfig
from rpsdg_formal.kernel.check import Accepted, prepare_kernel
from rpsdg_formal.kernel.direct import DirectSetup
from rpsdg_formal.kernel.pool import KernelPool


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status", encoding="ascii") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def main() -> int:
    parser = script_parser(__doc__)
    parser.add_argument("--total", type=int, default=200_000)
    parser.add_argument("--every", type=int, default=20_000)
    parser.add_argument("--distinct", type=int, default=2000, help="theorems in the pool")
    args = parser.parse_args()
    rules = shipped_rules("field")
    theorems = eight_step_theorems(rules, args.distinct, seed=3)
    with tempfile.TemporaryDirectory(prefix="rpsdg-soak-") as tmp:
        kernel = prepare_kernel(rules.theory, KernelConfig(cache_dir=Path(tmp), sequential=True))
        setup = DirectSetup.of(kernel)
        with KernelPool(setup, workers=1) as pool:
            pid = pool.pids()[0]
            print(f"worker {pid}: {rss_mb(pid):.1f} MB after start", flush=True)
            done, first, started = 0, 0.0, time.perf_counter()
            while done < args.total:
                for at in range(0, len(theorems), 250):
                    verdicts = pool.check(theorems[at : at + 250])
                    if not all(isinstance(v, Accepted) for v in verdicts):
                        raise SystemExit("a theorem was not accepted")
                    done += len(verdicts)
                    if done % args.every < 250 and done >= args.every:
                        now = rss_mb(pid)
                        first = first or now
                        print(
                            f"{done:>8} declarations: {now:7.1f} MB "
                            f"({(now / first - 1) * 100:+.1f}% since {args.every}), "
                            f"{time.perf_counter() - started:.0f} s",
                            flush=True,
                        )
                    if done >= args.total:
                        break
    return 0


if __name__ == "__main__":
    sys.exit(main())
