"""The verification service without HTTP: requests validated into proofs (`requests`), tactic
proofs replayed in lockstep through `env.ProofEnv` and kernel-syntax proofs checked in batches
(`checking`), all in a pool of `workers` Lean slots (`pool`) with per-request time and memory
limits (`config`). `serve` puts it on HTTP.
"""

from __future__ import annotations

import sys
import tempfile
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from rpsdg_formal.env.environment import KernelChecker
from rpsdg_formal.errors import ConfigError
from rpsdg_formal.kernel.check import Kernel
from rpsdg_formal.serve.checking import ProofResult, run_kernel_proofs, run_tactic_proofs
from rpsdg_formal.serve.config import Json, Log, ServiceConfig
from rpsdg_formal.serve.errors import BusyError
from rpsdg_formal.serve.pool import WorkerPool
from rpsdg_formal.serve.requests import (
    KernelProof,
    TacticProof,
    VerifyRequest,
    parse_verify,
    start_env,
)
from rpsdg_formal.serve.whitelist import theory_names
from rpsdg_formal.theory.rules import RuleSet

__all__ = ["Service", "ServiceConfig", "ServiceStats", "log_stderr"]


@dataclass(frozen=True)
class ServiceStats:
    """Counters since the service started (for tests and monitoring)."""

    requests: int
    theorems_checked: int  # theorems and step obligations sent to Lean
    busy: int  # requests refused with 503
    failures: int  # requests answered with 500


def log_stderr(line: str) -> None:
    """The default log: one line to stderr, flushed at once."""
    print(line, file=sys.stderr, flush=True)


class Service:
    """What the endpoints answer, independent of HTTP: theories, kernels with the request
    limits applied, the worker pool and the counters."""

    def __init__(
        self,
        config: ServiceConfig,
        theories: Mapping[str, RuleSet],
        kernels: Mapping[str, Kernel],
        log: Log = log_stderr,
    ) -> None:
        if set(theories) != set(kernels) or not theories:
            raise ConfigError(
                f"the service needs a kernel for every theory and at least one theory; theories "
                f"{sorted(theories)}, kernels {sorted(kernels)}"
            )
        self.config = config
        self.theories = dict(theories)
        self.kernels = {
            name: kernel.limited(timeout=config.request_timeout, memory_mb=config.memory_mb)
            for name, kernel in kernels.items()
        }
        self.names = {name: theory_names(rules.theory) for name, rules in theories.items()}
        self.pool = WorkerPool(config.workers, config.queue_limit, config.request_timeout)
        self.log = log
        self._lock = threading.Lock()
        self._counts = {"requests": 0, "theorems_checked": 0, "busy": 0, "failures": 0}

    def count(self, key: str, amount: int = 1) -> None:
        """Add `amount` to one counter (thread-safe)."""
        with self._lock:
            self._counts[key] += amount

    def stats(self) -> ServiceStats:
        """A snapshot of the counters."""
        with self._lock:
            return ServiceStats(**self._counts)

    def health(self) -> Json:
        """`GET /health`: the service is up."""
        return {"status": "ok"}

    def describe(self) -> Json:
        """`GET /theories`: each theory's carrier, rule lemmas and usable constants."""
        return {
            "theories": [
                {
                    "name": name,
                    "carrier": rules.theory.carrier,
                    "lean_module": rules.theory.lean_module,
                    "lemmas": list(dict.fromkeys(r.lean_name for r in rules.rules)),
                    "constants": self.names[name].short_names(),
                }
                for name, rules in sorted(self.theories.items())
            ]
        }

    def verify(self, payload: object) -> Json:
        """`POST /verify`: validate everything, then check the proofs holding one Lean slot."""
        started = time.monotonic()
        request = parse_verify(payload, self.config, self.names)
        try:
            results = self.check(request)
        except BusyError:
            self.count("busy")
            raise
        return {
            "theory": request.theory,
            "results": [results[p.index].to_json() for p in request.proofs],
            "seconds": round(time.monotonic() - started, 4),
        }

    def check(self, request: VerifyRequest) -> dict[int, ProofResult]:
        """Results for a validated request, by proof index (waits for a Lean slot)."""
        rules = self.theories[request.theory]
        kernel = self.kernels[request.theory]
        tactic = [p for p in request.proofs if isinstance(p, TacticProof)]
        kernel_proofs = [p for p in request.proofs if isinstance(p, KernelProof)]
        with tempfile.TemporaryDirectory(prefix="rpsdg-serve-") as work:
            checker = KernelChecker(kernel, Path(work), jobs=1)
            envs = [(p, start_env(p, rules, checker)) for p in tactic]
            try:
                with self.pool.slot():
                    deadline = time.monotonic() + self.config.request_timeout
                    results = run_kernel_proofs(
                        kernel_proofs, kernel, Path(work), deadline, self.config
                    )
                    self.count("theorems_checked", len(kernel_proofs))
                    results.update(run_tactic_proofs(envs, checker, deadline, self.config))
            finally:
                self.count("theorems_checked", checker.checked)
        return results
