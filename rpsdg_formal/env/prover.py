"""A baseline prover: best-first search over rule applications (`search`; for an equation,
forward steps from its hypothesis, `forward_search`), every found proof replayed through the
kernel-backed `ProofEnv`, so "proved" always means "the Lean kernel accepted each step and the
last one closed the goal".

The search runs in a pool without Lean; `prove_many` then replays the tactic *text* of every
proof found through its own environment, in lockstep (one kernel batch per step number), so any
disagreement between the search and Lean shows as an unproved theorem, never a false success.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from rpsdg_formal.env.environment import EnvError, KernelChecker, ProofEnv, StepResult, step_many
from rpsdg_formal.env.forward_search import FORWARD_WEIGHT, search_forward, searchable
from rpsdg_formal.env.search import (
    DEFAULT_SEARCH,
    Progress,
    SearchConfig,
    SearchResult,
    search_all,
)
from rpsdg_formal.errors import ConfigError, RewriteError
from rpsdg_formal.families.registry import REGISTRY
from rpsdg_formal.rewriting.steps import RuleIndex
from rpsdg_formal.tactics.actions import Goal
from rpsdg_formal.theory.rules import RuleSet

__all__ = [
    "BUDGET",
    "DEFAULT_SEARCH",
    "EXHAUSTED",
    "PROVED",
    "REJECTED",
    "UNSUPPORTED",
    "Outcome",
    "SearchConfig",
    "prove_many",
    "supported",
]


PROVED, BUDGET, EXHAUSTED, REJECTED, UNSUPPORTED = (
    "proved",
    "budget",
    "exhausted",
    "rejected",
    "unsupported",
)
"""An outcome's status: kernel-verified proof; budget spent; every reachable goal (under the
size cap) expanded; a found proof the kernel (or the environment) refused; a theorem the
prover cannot search (a system of equations, or a record that does not replay)."""


@dataclass(frozen=True)
class Outcome:
    """One theorem's result: `proved` only when the kernel accepted every step of the found
    proof and the last closed the goal; `status` says what happened otherwise."""

    id: str
    level: int | None
    proved: bool
    status: str
    expansions: int
    tactics: tuple[str, ...]
    recorded_length: int | None
    message: str = ""

    @property
    def found_length(self) -> int | None:
        """The length of the kernel-verified proof, None when there is none."""
        return len(self.tactics) if self.proved else None

    def as_dict(self) -> dict[str, Any]:
        """The outcome as JSON-ready data."""
        return {
            "id": self.id,
            "level": self.level,
            "proved": self.proved,
            "status": self.status,
            "expansions": self.expansions,
            "found_length": self.found_length,
            "recorded_length": self.recorded_length,
            "tactics": list(self.tactics),
            "message": self.message,
        }


def _recorded_length(record: Mapping[str, Any]) -> int | None:
    """The record's `proof_length`, None if it has none."""
    value = record.get("proof_length")
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _judge(k: int, proof: tuple[str, ...], result: StepResult) -> tuple[bool, str] | None:
    """The verdict on a proof after its step `k` (0-based), None while it goes on."""
    if not result.valid:
        return False, f"step {k + 1} `{proof[k]}` refused: {result.message}"
    last = k == len(proof) - 1
    if result.done and not last:
        return False, f"step {k + 1} closed the goal early, unlike in the search"
    if last and not result.done:
        return False, f"the last step left the goal open: {result.state}"
    return (True, "") if last else None


def _replay(envs: Sequence[ProofEnv], proofs: Sequence[tuple[str, ...]]) -> list[tuple[bool, str]]:
    """Replay each proof in its environment, all in lockstep (one kernel batch per step
    number): (kernel-verified and closed, why not) per proof."""
    verdicts: list[tuple[bool, str] | None] = [
        None if proof else (env.done, "" if env.done else "an empty proof of an open goal")
        for env, proof in zip(envs, proofs, strict=True)
    ]
    for k in range(max((len(p) for p in proofs), default=0)):
        live = [i for i, p in enumerate(proofs) if k < len(p) and verdicts[i] is None]
        results = step_many([(envs[i], proofs[i][k]) for i in live])
        for i, result in zip(live, results, strict=True):
            verdicts[i] = _judge(k, proofs[i], result)
    return [v if v is not None else (False, "the replay ended early") for v in verdicts]


def supported(record: Mapping[str, Any]) -> bool:
    """True if the record's family is one the environment starts (every registered one)."""
    try:
        REGISTRY.reading(str(record.get("family", "rewrite")))
    except RewriteError:
        return False
    return True


def _start(record: Mapping[str, Any], rules: RuleSet, checker: KernelChecker) -> ProofEnv | str:
    """An environment reset to the record's theorem, or why it cannot be."""
    env = ProofEnv(rules, checker)
    try:
        env.reset(record)
    except EnvError as err:
        return str(err)
    return env


def _outcome(
    record: Mapping[str, Any],
    number: int,
    level: int | None,
    result: SearchResult | str,
    replayed: tuple[bool, str] | None,
) -> Outcome:
    """One record's outcome from its search result (or refusal) and kernel replay."""
    name = str(record.get("id", f"record {number + 1}"))
    length = _recorded_length(record)
    if isinstance(result, str):
        return Outcome(name, level, False, UNSUPPORTED, 0, (), length, result)
    if not result.proved or replayed is None:
        status = EXHAUSTED if result.exhausted else BUDGET
        return Outcome(name, level, False, status, result.expansions, (), length)
    ok, why = replayed
    status = PROVED if ok else REJECTED
    return Outcome(name, level, ok, status, result.expansions, result.tactics, length, why)


def prove_many(
    records: Sequence[Mapping[str, Any]],
    rules: RuleSet,
    checker: KernelChecker,
    budget: int,
    levels: Sequence[int | None] | None = None,
    config: SearchConfig = DEFAULT_SEARCH,
    workers: int = 1,
    progress: Progress | None = None,
    timings: dict[str, float] | None = None,
) -> list[Outcome]:
    """Search a proof of each record (pure Python, `workers` processes), then replay every
    found proof through its own `ProofEnv` in lockstep with `step_many` (one kernel batch per
    step number): an outcome per record, in order, proved only if the kernel agreed. Equations
    are searched forward in this process (`forward_search`); systems of equations and records
    that do not replay are UNSUPPORTED outcomes, with the reason; `timings`, if given, receives
    the wall seconds of "search" and "replay"."""
    if levels is not None and len(levels) != len(records):
        raise ConfigError(f"{len(levels)} levels given for {len(records)} records")
    marks: Sequence[int | None] = levels if levels is not None else [None] * len(records)
    started = [_start(r, rules, checker) for r in records]
    envs = {i: env for i, env in enumerate(started) if isinstance(env, ProofEnv)}
    chains = {i: env for i, env in envs.items() if env.forward is None}
    tasks = [(_goal_of(env), env.context) for env in chains.values()]
    clock = time.monotonic()
    searched = search_all(tasks, rules, budget, config, workers, progress)
    results: dict[int, SearchResult] = dict(zip(chains, searched, strict=True))
    forward = [i for i, env in envs.items() if env.forward is not None]
    for k, i in enumerate(forward, len(tasks) + 1):
        attempt = _search_forward(envs[i], rules, budget)
        if isinstance(attempt, str):
            started[i] = attempt
        else:
            results[i] = attempt
        if progress is not None:
            progress(k, len(tasks) + len(forward))
    clock, search_seconds = time.monotonic(), time.monotonic() - clock
    found = [i for i, result in results.items() if result.proved]
    replays = _replay([envs[i] for i in found], [results[i].tactics for i in found])
    replayed = dict(zip(found, replays, strict=True))
    if timings is not None:
        timings["search"] = search_seconds
        timings["replay"] = time.monotonic() - clock
    return [
        _outcome(record, i, marks[i], results.get(i, str(started[i])), replayed.get(i))
        for i, record in enumerate(records)
    ]


def _search_forward(env: ProofEnv, rules: RuleSet, budget: int) -> SearchResult | str:
    """The forward search of an equation's environment, or why it cannot be searched."""
    assert env.forward is not None
    reason = searchable(env.forward)
    if reason:
        return reason
    return search_forward(env.forward, rules, _forward_index(rules), budget, FORWARD_WEIGHT)


_INDICES: dict[int, tuple[RuleSet, RuleIndex]] = {}


def _forward_index(rules: RuleSet) -> RuleIndex:
    """The rule index of `rules`, built once per rule set."""
    found = _INDICES.get(id(rules))
    if found is None or found[0] is not rules:
        found = _INDICES[id(rules)] = (rules, RuleIndex.build(rules.rules))
    return found[1]


def _goal_of(env: ProofEnv) -> Goal:
    """The goal of an environment that has been reset."""
    assert env.goal is not None
    return env.goal
