"""Checking validated proofs within a request's time: tactic proofs stepped in lockstep through
`ProofEnv` (one kernel batch per round), kernel-syntax proofs in Lean files of `PER_FILE`,
each verdict turned into the answer for its proof (the failing step, Lean's first message).
"""

from __future__ import annotations

import re
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from rpsdg_formal.env.environment import TOO_DEEP, KernelChecker, ProofEnv, StepResult, step_many
from rpsdg_formal.errors import KernelCrashError
from rpsdg_formal.kernel.check import Accepted, Kernel, Rejected, Verdict, check_theorems
from rpsdg_formal.kernel.emit import LeanTheorem, batch_file
from rpsdg_formal.kernel.messages import first_message
from rpsdg_formal.serve.config import MAX_MESSAGE_CHARS, NOT_CLOSED, PER_FILE, Json, ServiceConfig
from rpsdg_formal.serve.requests import KernelProof, TacticProof


@dataclass(frozen=True)
class ProofResult:
    """The verdict on one proof. `failed_step` is the 0-based index of the tactic (or `have`)
    that failed, `len(tactics)` when the goal stays open, None when unknown or accepted."""

    id: str | None
    accepted: bool
    failed_step: int | None
    message: str
    seconds: float

    def to_json(self) -> Json:
        """The result as the JSON object `POST /verify` answers."""
        return {
            "id": self.id,
            "accepted": self.accepted,
            "failed_step": self.failed_step,
            "message": self.message,
            "seconds": round(self.seconds, 4),
        }


def _clip(message: str) -> str:
    return message if len(message) <= MAX_MESSAGE_CHARS else message[:MAX_MESSAGE_CHARS] + " …"


def out_of_time(config: ServiceConfig) -> str:
    """The message for a proof the request's time ran out on."""
    return (
        f"not checked: the request used up its {config.request_timeout:g} s of Lean time; "
        "send fewer proofs per request"
    )


def _seconds_left(kernel: Kernel, remaining: float) -> float:
    """Lean's time limit for the next file: what the request has left, to the millisecond."""
    return round(max(0.001, min(kernel.timeout, remaining)), 3)


def after_step(
    proof: TacticProof, env: ProofEnv, answer: StepResult, step: int, seconds: float
) -> ProofResult | None:
    """The result of a proof once step `step` is judged, or None while tactics remain."""
    if not answer.valid:
        return ProofResult(proof.id, False, step, _clip(answer.message or "rejected"), seconds)
    if step + 1 < len(proof.tactics):
        return None
    if env.done:
        return ProofResult(proof.id, True, None, "", seconds)
    return ProofResult(proof.id, False, len(proof.tactics), NOT_CLOSED, seconds)


def run_tactic_proofs(
    proofs: Sequence[tuple[TacticProof, ProofEnv]],
    checker: KernelChecker,
    deadline: float,
    config: ServiceConfig,
) -> dict[int, ProofResult]:
    """Step every proof's tactics in lockstep, one kernel batch per round (`step_many`), and
    return a result per proof index."""
    started = time.monotonic()
    base = checker.kernel
    results: dict[int, ProofResult] = {}
    active = list(proofs)
    step = 0
    while active and (remaining := deadline - time.monotonic()) > 0:
        checker.kernel = base.limited(timeout=_seconds_left(base, remaining))
        moving, active = active, []
        try:
            answers = step_many([(env, proof.tactics[step]) for proof, env in moving])
        except RecursionError:  # a goal too deep to print: stop these proofs, not the service
            answers = [StepResult("", 0.0, False, False, TOO_DEEP) for _ in moving]
        for (proof, env), answer in zip(moving, answers, strict=True):
            result = after_step(proof, env, answer, step, time.monotonic() - started)
            if result is None:
                active.append((proof, env))
            else:
                results[proof.index] = result
        step += 1
    checker.kernel = base
    for proof, _ in active:
        seconds = time.monotonic() - started
        results[proof.index] = ProofResult(proof.id, False, step, out_of_time(config), seconds)
    return results


@dataclass(frozen=True)
class Checked:
    """A kernel verdict with the first line of its theorem in the file it was checked in."""

    verdict: Verdict
    first_line: int
    seconds: float


def check_kernel_theorems(
    kernel: Kernel,
    theorems: Sequence[LeanTheorem],
    folder: Path,
    deadline: float,
    config: ServiceConfig,
) -> list[Checked]:
    """Verdicts for kernel-syntax theorems in one Lean file; when Lean crashes or times out,
    each theorem is checked alone (time permitting), and one that still fails is rejected with
    the crash as its message."""
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        return [Checked(Rejected(out_of_time(config)), 0, 0.0) for _ in theorems]
    limited = kernel.limited(timeout=_seconds_left(kernel, remaining))
    spans = batch_file(kernel.theory, theorems).spans
    started = time.monotonic()
    try:
        path = folder / f"{theorems[0].name}_{len(theorems)}.lean"
        verdicts = check_theorems(limited, theorems, path, parallel=1, per_file=len(theorems))
    except KernelCrashError as err:
        if len(theorems) == 1 or time.monotonic() >= deadline:
            why = str(err).replace(f"{folder}/", "")
            crash = Rejected(f"Lean could not check the proof: {why}")
            return [Checked(crash, span[0], time.monotonic() - started) for span in spans]
        return [
            c
            for t in theorems
            for c in check_kernel_theorems(kernel, [t], folder, deadline, config)
        ]
    seconds = time.monotonic() - started
    return [Checked(v, span[0], seconds) for v, span in zip(verdicts, spans, strict=True)]


_MESSAGE_LINE = re.compile(r"^[^\n]*?:(?P<line>\d+): (?:error|warning): ")


def failed_have(messages: Sequence[str], first_line: int, proof: KernelProof) -> int | None:
    """The index of the `have` whose lines hold Lean's first error, or None (an error in the
    statement or in the final term, or no position)."""
    errors = [m for m in messages if ": error: " in m] or list(messages)
    found = _MESSAGE_LINE.match(errors[0]) if errors else None
    if found is None:
        return None
    proof_line = int(found.group("line")) - first_line - proof.theorem.statement.count("\n") - 1
    owners = [
        k for k, span in enumerate(proof.haves) if span.first_line <= proof_line <= span.last_line
    ]
    return owners[-1] if owners else None


def kernel_result(proof: KernelProof, checked: Checked) -> ProofResult:
    """The answer for one kernel-syntax proof from its verdict."""
    verdict = checked.verdict
    if isinstance(verdict, Accepted):
        return ProofResult(proof.id, True, None, "", checked.seconds)
    step = failed_have(verdict.messages, checked.first_line, proof)
    message = _clip(first_message(verdict.messages, verdict.reason))
    return ProofResult(proof.id, False, step, message, checked.seconds)


def run_kernel_proofs(
    proofs: Sequence[KernelProof],
    kernel: Kernel,
    folder: Path,
    deadline: float,
    config: ServiceConfig,
) -> dict[int, ProofResult]:
    """Check kernel-syntax proofs, at most `PER_FILE` per Lean file, one file at a time."""
    results: dict[int, ProofResult] = {}
    for start in range(0, len(proofs), PER_FILE):
        chunk = proofs[start : start + PER_FILE]
        checked = check_kernel_theorems(
            kernel, [p.theorem for p in chunk], folder, deadline, config
        )
        for proof, one in zip(chunk, checked, strict=True):
            results[proof.index] = kernel_result(proof, one)
    return results
