"""Load test of the verification service (`rpsdg_formal.serve`), on loopback only.

Starts the service in this process on a free port (the field theory's kernel prepared once),
generates a small dataset in a temporary folder and turns its traced proofs into a pool of
real tactic proofs (`POST /verify` bodies of --proofs proofs each), then, for each concurrency
level, runs --requests requests from that many client threads and prints one row per level:
requests/s, latency p50/p90/p99 and the errors (non-200 answers, failed connections, or a
real proof not accepted). The run is bounded: at most --requests per level and --max-seconds
in all (a level cut short says so).

    python scripts/load_serve.py --requests 60 --max-seconds 120 --concurrency 1,4,16
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchlib import script_parser

from rpsdg_formal.audit.record import require_audit
from rpsdg_formal.cli.main import main as cli
from rpsdg_formal.errors import RpsdgError
from rpsdg_formal.kernel import default_cache_dir
from rpsdg_formal.kernel.check import prepare_kernel
from rpsdg_formal.kernel.config import ROUTES, KernelConfig
from rpsdg_formal.serve.http import make_server
from rpsdg_formal.serve.service import ServiceConfig
from rpsdg_formal.tactics.render import record_traces
from rpsdg_formal.theory.catalogue import rules_path
from rpsdg_formal.theory.rules import RuleSet, load_rules

RULES = rules_path("field")


@dataclass(frozen=True)
class Outcome:
    """One request: its latency and whether it failed (status, transport or verdict)."""

    seconds: float
    error: bool


@dataclass(frozen=True)
class Level:
    """The figures of one concurrency level."""

    clients: int
    requests: int
    errors: int
    wall: float
    latencies: tuple[float, ...]
    cut_short: bool


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (nearest rank) of `values`, 0 if there are none."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


def proof_pool(rules: RuleSet, cache: Path, count: int, seed: int) -> list[dict[str, Any]]:
    """Real tactic proofs: every traced proof of a freshly generated dataset."""
    with tempfile.TemporaryDirectory(prefix="rpsdg-load-") as tmp:
        out = Path(tmp) / "out"
        args = ["generate", "--count", str(count), "--seed", str(seed), "--steps", "6"]
        if cli([*args, "--out", str(out), "--cache-dir", str(cache), "--quiet"]) != 0:
            raise SystemExit("generate failed; see above")
        lines = (out / "theorems.jsonl").read_text(encoding="utf-8").splitlines()
    pool = []
    for record in map(json.loads, lines):
        for trace in record_traces(record, rules):
            pool.append(
                {
                    "statement": record["statement"],
                    "variables": record["variables"],
                    "tactics": [step.tactic for step in trace],
                }
            )
    return pool


def send(url: str, body: bytes, proofs: int) -> Outcome:
    """POST one request and time it; an error is anything but 200 with every proof accepted."""
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=300) as response:
            answer = json.loads(response.read())
        ok = len(answer["results"]) == proofs and all(r["accepted"] for r in answer["results"])
    except (urllib.error.URLError, OSError, ValueError, KeyError):
        ok = False
    return Outcome(time.perf_counter() - started, not ok)


def run_level(
    url: str, bodies: Sequence[bytes], proofs: int, clients: int, requests: int, deadline: float
) -> Level:
    """`requests` requests from `clients` threads, round-robin over `bodies`, until the deadline."""
    lock = threading.Lock()
    issued = [0]
    outcomes: list[Outcome] = []

    def client() -> None:
        while time.monotonic() < deadline:
            with lock:
                if issued[0] >= requests:
                    return
                body = bodies[issued[0] % len(bodies)]
                issued[0] += 1
            outcome = send(url, body, proofs)
            with lock:
                outcomes.append(outcome)

    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        for _ in range(clients):
            pool.submit(client)
    wall = time.perf_counter() - started
    latencies = tuple(o.seconds for o in outcomes)
    errors = sum(o.error for o in outcomes)
    return Level(clients, len(outcomes), errors, wall, latencies, len(outcomes) < requests)


def table(levels: Sequence[Level]) -> str:
    """The figures as a fixed-width table."""
    head = f"{'clients':>7} {'requests':>8} {'errors':>6} {'req/s':>7} "
    head += f"{'p50 ms':>8} {'p90 ms':>8} {'p99 ms':>8}"
    rows = [head, "-" * len(head)]
    for level in levels:
        rate = level.requests / level.wall if level.wall else 0.0
        p50, p90, p99 = (1000 * percentile(level.latencies, q) for q in (50, 90, 99))
        note = "  (cut short by --max-seconds)" if level.cut_short else ""
        rows.append(
            f"{level.clients:>7} {level.requests:>8} {level.errors:>6} {rate:>7.2f} "
            f"{p50:>8.0f} {p90:>8.0f} {p99:>8.0f}{note}"
        )
    return "\n".join(rows)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = script_parser(__doc__)
    parser.add_argument("--requests", type=int, default=60, help="requests per level (60)")
    parser.add_argument(
        "--max-seconds", type=float, default=120.0, help="time budget of the load phase (120)"
    )
    parser.add_argument(
        "--concurrency", default="1,4,16", help="client threads per level, comma-separated"
    )
    parser.add_argument("--workers", type=int, default=2, help="Lean workers of the service (2)")
    parser.add_argument("--proofs", type=int, default=1, help="tactic proofs per request (1)")
    parser.add_argument("--count", type=int, default=10, help="theorems to generate (10)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the generated dataset")
    parser.add_argument(
        "--kernel", choices=ROUTES, default="direct", help="the service's kernel route (direct)"
    )
    parser.add_argument(
        "--cache-dir", type=Path, default=None, help="Lean cache (default: rpsdg-formal's own)"
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    levels_wanted = [int(c) for c in args.concurrency.split(",") if c.strip()]
    if args.requests < 1 or args.max_seconds <= 0 or not levels_wanted or min(levels_wanted) < 1:
        raise SystemExit("--requests, --max-seconds and every --concurrency must be positive")
    rules = load_rules(RULES)
    cache = args.cache_dir or default_cache_dir()
    try:
        require_audit(rules, cache)
    except RpsdgError:
        if cli(["audit", str(RULES), "--cache-dir", str(cache)]) != 0:
            raise SystemExit("the field rules failed the audit") from None
    pool = proof_pool(rules, cache, args.count, args.seed)
    bodies = [
        json.dumps(
            {"theory": "field", "proofs": [pool[(i + k) % len(pool)] for k in range(args.proofs)]}
        ).encode("utf-8")
        for i in range(len(pool))
    ]
    kernel = prepare_kernel(
        rules.theory, KernelConfig(cache_dir=cache, sequential=True, route=args.kernel)
    )
    queue = max(levels_wanted)
    config = ServiceConfig(port=0, workers=args.workers, queue_limit=queue)
    server = make_server(config, {"field": rules}, {"field": kernel}, log=lambda line: None)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_address[1]}/verify"
    steps = sum(len(p["tactics"]) for p in pool) / len(pool)
    print(
        f"{len(pool)} real tactic proofs ({steps:.1f} tactics each on average), "
        f"{args.proofs} per request; service with {args.workers} Lean workers on {url}"
    )
    deadline = time.monotonic() + args.max_seconds
    levels = []
    try:
        for clients in levels_wanted:
            levels.append(run_level(url, bodies, args.proofs, clients, args.requests, deadline))
    finally:
        server.shutdown()
        server.server_close()
    print(table(levels))
    return 0 if all(level.errors == 0 for level in levels) else 1


if __name__ == "__main__":
    sys.exit(main())
