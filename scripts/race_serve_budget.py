"""The race behind the once-flaky serve test, measured: a service with a 50 ms Lean budget per
request (through `lean`, which needs about 75 ms here) is sent a true tactic proof N times, in a
busy process (a large heap and a thread that keeps allocating, so garbage collections pause the
request thread at random points, as in a long test session). A proof may be accepted only if
Lean really finished within the budget; when the budget was counted from after the spawn
returned, a pause right after it let Lean finish "in time".

    PYTHONPATH=<checkout> python scripts/race_serve_budget.py --requests 100
"""

from __future__ import annotations

import argparse
import threading
from pathlib import Path

from rpsdg_formal.kernel.check import prepare_kernel
from rpsdg_formal.kernel.config import KernelConfig
from rpsdg_formal.serve.service import Service, ServiceConfig
from rpsdg_formal.theory.catalogue import rules_path
from rpsdg_formal.theory.rules import load_rules

PROOF = {"statement": "x * y = y * x", "tactics": ["rw [mul_comm x y]"]}


def _churn(keep: list[list[list[int]]]) -> None:
    """Allocate for ever (a daemon thread): garbage collections over a large heap."""
    while True:
        keep.append([[j] for j in range(2000)])
        if len(keep) > 2000:
            del keep[:1000]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--budget", type=float, default=0.05, help="seconds of Lean per request")
    parser.add_argument("--cache-dir", type=Path, help="compiled theories (default: the usual)")
    args = parser.parse_args()
    rules = load_rules(rules_path("field"))
    config = KernelConfig(cache_dir=args.cache_dir, route="lean")
    kernel = prepare_kernel(rules.theory, config)
    service_config = ServiceConfig(port=0, workers=1, request_timeout=args.budget)
    service = Service(service_config, {"field": rules}, {"field": kernel}, log=lambda _: None)
    heap = [[i] for i in range(3_000_000)]
    threading.Thread(target=_churn, args=([],), daemon=True).start()
    accepted = 0
    for _ in range(args.requests):
        answer = service.verify({"theory": "field", "proofs": [PROOF]})
        accepted += bool(answer["results"][0]["accepted"])
    print(f"accepted {accepted}/{args.requests} under a {args.budget:g} s budget ({len(heap)})")


if __name__ == "__main__":
    main()
