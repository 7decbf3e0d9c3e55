"""The verification service without HTTP: requests validated into proofs, tactic proofs
replayed in lockstep through `env.ProofEnv`, kernel-syntax proofs checked in batches, all in a
pool of `workers` Lean slots with per-request time and memory limits. `serve` puts it on HTTP.
"""

from __future__ import annotations

import contextlib
import json
import re
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from http import HTTPStatus
from pathlib import Path
from typing import Any

from rpsdg_formal.env.environment import (
    TOO_DEEP,
    EnvError,
    KernelChecker,
    ProofEnv,
    StepResult,
    step_many,
)
from rpsdg_formal.errors import BusyError, ConfigError, KernelCrashError, RequestError
from rpsdg_formal.kernel.check import Accepted, Kernel, Rejected, Verdict, check_theorems
from rpsdg_formal.kernel.emit import LeanTheorem, batch_file
from rpsdg_formal.kernel.messages import first_message
from rpsdg_formal.serve.whitelist import (
    BANNED_WORDS,
    HaveSpan,
    KernelSyntaxError,
    TheoryNames,
    parse_kernel_term,
    theory_names,
)
from rpsdg_formal.theory.rules import RuleSet

Json = dict[str, Any]
Log = Callable[[str], None]


MAX_STATEMENT_CHARS = 10_000
"""The longest human-syntax `statement` of a tactic proof accepted (characters)."""

MAX_ID_CHARS = 200
"""The longest proof `id` accepted (characters)."""


MAX_VARIABLES = 64
"""The most variables a tactic proof's statement may declare."""

MAX_MESSAGE_CHARS = 4000
"""Lean messages longer than this are cut in answers."""

PER_FILE = 30
"""Kernel-syntax theorems per Lean file (Lean stops reporting after 100 errors)."""

DRAIN_LIMIT = 8 << 20
"""At most this many bytes of a refused body are read and dropped, so the client sees the answer."""

NOT_CLOSED = "goal not closed"

PATHS = {"/health": "GET", "/theories": "GET", "/openapi.json": "GET", "/verify": "POST"}
"""Every endpoint and the one method it answers."""


# --- configuration and errors -------------------------------------------------------------------


@dataclass(frozen=True)
class ServiceConfig:
    """How the service listens and how much work one request may ask for."""

    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 2  # Lean checks running at once
    max_body_bytes: int = 1 << 20
    max_proofs: int = 64  # proofs per request
    max_tactics: int = 64  # tactics per proof
    request_timeout: float = 60.0  # seconds of Lean time per request, and per Lean file
    memory_mb: int = 2048  # Lean's --memory per process
    queue_limit: int = 32  # requests waiting for a worker; one more is refused with 503
    io_timeout: float = 30.0  # seconds a client may take to send its request

    def __post_init__(self) -> None:
        problems = [
            f"{name} must be at least {low}, got {value}"
            for name, value, low in (
                ("workers", self.workers, 1),
                ("max_body_bytes", self.max_body_bytes, 1),
                ("max_proofs", self.max_proofs, 1),
                ("max_tactics", self.max_tactics, 1),
                ("memory_mb", self.memory_mb, 0),
                ("queue_limit", self.queue_limit, 0),
            )
            if value < low
        ]
        if not 0 <= self.port <= 65535:
            problems.append(f"port must be in 0..65535, got {self.port}")
        if self.request_timeout <= 0 or self.io_timeout <= 0:
            problems.append("request_timeout and io_timeout must be positive")
        if problems:
            raise ConfigError("service configuration: " + "; ".join(problems))


def bad_request(message: str) -> RequestError:
    return RequestError(HTTPStatus.BAD_REQUEST, message)


def _unprocessable(message: str) -> RequestError:
    return RequestError(HTTPStatus.UNPROCESSABLE_ENTITY, message)


# --- requests -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TacticProof:
    """A proof as tactics in the rendering of the exports, run through `ProofEnv`."""

    index: int
    id: str | None
    statement: str
    variables: tuple[str, ...] | None
    tactics: tuple[str, ...]


@dataclass(frozen=True)
class KernelProof:
    """A proof in kernel syntax, validated, as the theorem that will be checked."""

    index: int
    id: str | None
    theorem: LeanTheorem
    haves: tuple[HaveSpan, ...]


Proof = TacticProof | KernelProof


@dataclass(frozen=True)
class VerifyRequest:
    """A validated `POST /verify` body."""

    theory: str
    proofs: tuple[Proof, ...]


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


_TACTIC_KEYS = frozenset({"id", "statement", "variables", "tactics"})
_KERNEL_KEYS = frozenset({"id", "lean_statement", "lean_proof"})
_HOW = (
    "each proof is either {statement, tactics, optional variables, optional id} (tactic "
    "rendering) or {lean_statement, lean_proof, optional id} (kernel syntax)"
)


def decode_json(body: bytes) -> object:
    """The JSON value of a request body; raises RequestError (400) saying what is wrong."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as err:
        raise bad_request(
            f"the body is not UTF-8 (byte {err.start}); send JSON encoded as UTF-8"
        ) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as err:
        raise bad_request(
            f"the body is not valid JSON: {err.msg} at line {err.lineno}, column {err.colno}"
        ) from None
    except RecursionError:
        raise bad_request("the JSON body is nested too deeply") from None
    except ValueError as err:
        raise bad_request(f"the body is not valid JSON: {err}") from None


def _field(where: str, value: object, kind: type, what: str) -> Any:
    if not isinstance(value, kind) or isinstance(value, bool) != (kind is bool):
        raise bad_request(f"{where} must be {what}, got {_json_type(value)}")
    return value


def _json_type(value: object) -> str:
    names = {dict: "an object", list: "an array", str: "a string", bool: "a boolean"}
    if value is None:
        return "null"
    for kind, name in names.items():
        if isinstance(value, kind):
            return name
    return "a number" if isinstance(value, int | float) else type(value).__name__


def _proof_id(where: str, entry: Mapping[str, object]) -> str | None:
    if entry.get("id") is None:
        return None
    value = _field(f"{where}.id", entry["id"], str, "a string")
    if len(value) > MAX_ID_CHARS:
        raise _unprocessable(f"{where}.id is longer than {MAX_ID_CHARS} characters")
    return str(value)


def _keys(
    where: str, entry: Mapping[str, object], allowed: frozenset[str], needed: Sequence[str]
) -> None:
    unknown = sorted(set(entry) - allowed)
    if unknown:
        raise bad_request(f"{where} has unknown field(s) {unknown}; {_HOW}")
    missing = [k for k in needed if k not in entry]
    if missing:
        raise bad_request(f"{where} misses the field(s) {missing}; {_HOW}")


def parse_tactic_proof(
    where: str, index: int, entry: Mapping[str, object], config: ServiceConfig
) -> TacticProof:
    """A tactic proof from its JSON object; raises RequestError (400 for shapes, 422 for
    values such as a non-string tactic or too many tactics)."""
    _keys(where, entry, _TACTIC_KEYS, ("statement", "tactics"))
    statement = _field(f"{where}.statement", entry["statement"], str, "a string `lhs = rhs`")
    if len(statement) > MAX_STATEMENT_CHARS:
        raise _unprocessable(f"{where}.statement is longer than {MAX_STATEMENT_CHARS} characters")
    variables: tuple[str, ...] | None = None
    if entry.get("variables") is not None:
        names = _field(f"{where}.variables", entry["variables"], list, "an array of names")
        if not all(isinstance(n, str) for n in names):
            raise bad_request(f"{where}.variables must hold strings only (variable names)")
        if len(names) > MAX_VARIABLES:
            raise _unprocessable(f"{where}.variables has more than {MAX_VARIABLES} names")
        variables = tuple(names)
    tactics = _field(f"{where}.tactics", entry["tactics"], list, "an array of tactic strings")
    if not tactics:
        raise _unprocessable(f"{where}.tactics is empty; give at least one tactic")
    if len(tactics) > config.max_tactics:
        raise _unprocessable(
            f"{where} has {len(tactics)} tactics, more than the limit of {config.max_tactics}; "
            "split the proof or raise max_tactics"
        )
    for k, tactic in enumerate(tactics):
        if not isinstance(tactic, str):
            raise _unprocessable(
                f'{where}.tactics[{k}] must be a string such as "rw [mul_comm x y]", '
                f"got {_json_type(tactic)}"
            )
    return TacticProof(index, _proof_id(where, entry), statement, variables, tuple(tactics))


def parse_kernel_proof(
    where: str, index: int, entry: Mapping[str, object], names: TheoryNames
) -> KernelProof:
    """A kernel-syntax proof from its JSON object, checked against the whitelist; raises
    RequestError (400 for shapes, 422 naming the offending token and its position)."""
    _keys(where, entry, _KERNEL_KEYS, ("lean_statement", "lean_proof"))
    statement = _field(f"{where}.lean_statement", entry["lean_statement"], str, "a string")
    proof = _field(f"{where}.lean_proof", entry["lean_proof"], str, "a string")
    name = f"submitted_{index}"
    try:
        parse_kernel_term(statement, names, len(f"theorem {name} : "))
    except KernelSyntaxError as err:
        raise _unprocessable(f"{where}.lean_statement: {err}") from None
    try:
        haves = parse_kernel_term(proof, names, 2)
    except KernelSyntaxError as err:
        raise _unprocessable(f"{where}.lean_proof: {err}") from None
    return KernelProof(index, _proof_id(where, entry), LeanTheorem(name, statement, proof), haves)


def parse_verify(
    payload: object, config: ServiceConfig, names: Mapping[str, TheoryNames]
) -> VerifyRequest:
    """A validated `POST /verify` request; raises RequestError (400 or 422) for anything else."""
    body = _field("the body", payload, dict, "a JSON object {theory, proofs}")
    unknown = sorted(set(body) - {"theory", "proofs"})
    if unknown:
        raise bad_request(f"unknown field(s) {unknown}; a request is {{theory, proofs}}")
    for key in ("theory", "proofs"):
        if key not in body:
            raise bad_request(f"the request misses `{key}`; a request is {{theory, proofs}}")
    theory = _field("theory", body["theory"], str, "a theory name")
    if theory not in names:
        raise _unprocessable(f"unknown theory {theory[:100]!r}; known: {', '.join(sorted(names))}")
    entries = _field("proofs", body["proofs"], list, "an array of proofs")
    if not entries:
        raise _unprocessable("proofs is empty; send at least one proof")
    if len(entries) > config.max_proofs:
        raise _unprocessable(
            f"{len(entries)} proofs in one request, more than the limit of {config.max_proofs}; "
            "split them over several requests"
        )
    proofs: list[Proof] = []
    for index, entry in enumerate(entries):
        where = f"proofs[{index}]"
        item = _field(where, entry, dict, "an object")
        if "tactics" in item or "statement" in item:
            proofs.append(parse_tactic_proof(where, index, item, config))
        elif "lean_proof" in item or "lean_statement" in item:
            proofs.append(parse_kernel_proof(where, index, item, names[theory]))
        else:
            raise bad_request(f"{where}: {_HOW}")
    return VerifyRequest(theory, tuple(proofs))


def start_env(proof: TacticProof, rules: RuleSet, checker: KernelChecker) -> ProofEnv:
    """A `ProofEnv` at the start of `proof`, its variables checked as safe Lean names; raises
    RequestError (422) for a statement the theory cannot read. Runs no Lean."""
    where = f"proofs[{proof.index}]"
    env = ProofEnv(rules, checker)
    theorem: Json = {"statement": proof.statement}
    if proof.variables is not None:
        if len(set(proof.variables)) != len(proof.variables):
            raise _unprocessable(f"{where}.variables repeats a name")
        theorem["variables"] = list(proof.variables)
    try:
        env.reset(theorem)  # also refuses names that clash with the theory or the proofs
    except EnvError as err:
        raise _unprocessable(f"{where}.statement: {err}") from None
    except RecursionError:
        raise _unprocessable(f"{where}.statement is nested too deeply") from None
    clashes = [n for n in env.context.binders if n in BANNED_WORDS]
    if clashes:
        raise _unprocessable(
            f"{where}: variable {clashes[0]!r} is a Lean keyword; rename it (e.g. x, y, z)"
        )
    return env


# --- checking -----------------------------------------------------------------------------------


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


# --- the service --------------------------------------------------------------------------------


class WorkerPool:
    """`workers` Lean slots; a request waits for one unless `queue_limit` requests already
    wait, in which case it is refused at once (503) rather than piling up."""

    def __init__(self, workers: int, queue_limit: int, patience: float) -> None:
        self.workers = workers
        self.queue_limit = queue_limit
        self.patience = patience
        self.active = 0
        self.waiting = 0
        self._cond = threading.Condition()

    @contextlib.contextmanager
    def slot(self) -> Iterator[None]:
        """Hold one Lean slot for the body of the `with`; raises BusyError if none comes."""
        with self._cond:
            if self.active >= self.workers:
                if self.waiting >= self.queue_limit:
                    raise BusyError(
                        f"busy, retry later: {self.workers} Lean workers in use and "
                        f"{self.waiting} requests waiting"
                    )
                self.waiting += 1
                try:
                    free = self._cond.wait_for(lambda: self.active < self.workers, self.patience)
                finally:
                    self.waiting -= 1
                if not free:
                    raise BusyError(
                        f"busy, retry later: no Lean worker became free within {self.patience:g} s"
                    )
            self.active += 1
        try:
            yield
        finally:
            with self._cond:
                self.active -= 1
                self._cond.notify()


@dataclass(frozen=True)
class ServiceStats:
    """Counters since the service started (for tests and monitoring)."""

    requests: int
    theorems_checked: int  # theorems and step obligations sent to Lean
    busy: int  # requests refused with 503
    failures: int  # requests answered with 500


def log_stderr(line: str) -> None:
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
