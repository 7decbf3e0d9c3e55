"""A proof environment backed by the Lean kernel: `reset(theorem)` shows the goal as Lean's
infoview would, `step(action)` applies a tactic in the rendering the exports use and answers
with the next goal, a reward and `done`.

Every step that changes the goal is a theorem the kernel must accept (`actions`): the new goal
implies the old one, or the old one holds outright when the step closes it. Anything Lean
would refuse (bad syntax, unknown lemma, a pattern that does not occur, a false claim) is an
answer with the invalid-step penalty, never an exception. `step_many` steps many environments
with one batch of Lean processes, for rollouts and replays at scale.
"""

from __future__ import annotations

import copy
import itertools
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rpsdg_formal.dataset.negative import NegativeRow
from rpsdg_formal.dataset.record import TheoremRecord
from rpsdg_formal.env.forward import ForwardStartError, from_candidate, from_mapping, show
from rpsdg_formal.errors import (
    ConfigError,
    ExprSyntaxError,
    KernelCrashError,
    RewriteError,
    RpsdgError,
)
from rpsdg_formal.families.base import expect_rewrite
from rpsdg_formal.families.equation_records import EquationCandidate
from rpsdg_formal.families.records import binders_of
from rpsdg_formal.families.registry import REGISTRY
from rpsdg_formal.kernel.check import Accepted, Kernel, Rejected, Verdict, check_theorems
from rpsdg_formal.kernel.emit import LeanTheorem, check_variable_names, hypotheses
from rpsdg_formal.kernel.messages import first_message
from rpsdg_formal.tactics.actions import ActionError, Applied, Context, Goal, apply, parse_action
from rpsdg_formal.tactics.delab import pretty
from rpsdg_formal.tactics.forward import Forward, ForwardApplied, apply_forward
from rpsdg_formal.tactics.render import NO_GOALS, goal_context, goal_state
from rpsdg_formal.terms.parse import parse_equation
from rpsdg_formal.theory.rules import RuleSet

TOO_DEEP = "the tactic is nested too deeply to be parsed"
"""The answer to an action nested beyond Python's recursion limit."""


class EnvError(RpsdgError, ValueError):
    """A theorem the environment cannot start from (of an unknown family, or unreadable)."""


@dataclass(frozen=True)
class Rewards:
    """The reward scheme: `solved` when a step closes the goal, `invalid` for a refused step
    (a penalty, so normally negative), `step` for any other valid step."""

    solved: float = 1.0
    invalid: float = -0.1
    step: float = 0.0


@dataclass(frozen=True)
class StepResult:
    """What one step returns. `valid` is False when Lean (or the kernel) refused the action;
    `message` is then Lean's words (or ours, for what never reaches Lean)."""

    state: str
    reward: float
    done: bool
    valid: bool
    message: str = ""


@dataclass
class KernelChecker:
    """Checks step obligations with the Lean kernel, `jobs` processes at a time, remembering
    every verdict (the same step from the same goal is checked once)."""

    kernel: Kernel
    work: Path | None = None
    jobs: int = 2
    verdicts: dict[tuple[str, str], Verdict] = field(default_factory=dict)
    checked: int = 0  # obligations sent to Lean
    _files: itertools.count[int] = field(default_factory=itertools.count)

    def check(self, theorems: Sequence[LeanTheorem]) -> list[Verdict]:
        """A verdict per theorem (names are ignored: each is renamed for its file)."""
        keys = [(t.statement, t.proof) for t in theorems]
        todo = list(dict.fromkeys(k for k in keys if k not in self.verdicts))
        if todo:
            first = dict(zip(keys, theorems, strict=True))
            named = [first[k].renamed(f"step_{i}") for i, k in enumerate(todo)]
            for key, verdict in zip(todo, self._run(named), strict=True):
                self.verdicts[key] = verdict
            self.checked += len(todo)
        return [self.verdicts[k] for k in keys]

    def _run(self, theorems: list[LeanTheorem]) -> list[Verdict]:
        with tempfile.TemporaryDirectory(dir=self.work, prefix="env_") as folder:
            path = Path(folder) / f"steps_{next(self._files):06d}.lean"
            try:
                return check_theorems(self.kernel, theorems, path, self.jobs)
            except KernelCrashError as err:
                if len(theorems) == 1:  # a step Lean cannot finish is not a valid step
                    return [Rejected(f"Lean could not check the step: {err}")]
        return [v for t in theorems for v in self._run([t])]


@dataclass(frozen=True)
class Proposal:
    """An action parsed and applied, waiting for the kernel's verdict (or refused already)."""

    applied: Applied | ForwardApplied | None
    refusal: str = ""


class ProofEnv:
    """One proof attempt at a time over the rules of one theory.

    `reset(theorem)` takes a dataset record (`theorems.jsonl` of `generate`, replayed and so
    re-derived from the rules), any mapping with a `statement` `lhs = rhs` in human syntax
    (and optionally its `variables` in binder order), or one with `hypotheses` and a `goal`
    (a forward proof, as for equation and system records), and returns the goal state.
    """

    def __init__(
        self,
        rules: RuleSet,
        checker: KernelChecker,
        rewards: Rewards = Rewards(),
    ) -> None:
        self.rules = rules
        self.checker = checker
        self.rewards = rewards
        self.context = Context(())
        self.shown: list[tuple[str, str]] = []
        self.goal: Goal | None = None
        self.forward: Forward | None = None  # the state of a forward proof (equations)
        self.done = True
        self.steps = 0

    # --- starting ---

    def reset(self, theorem: Mapping[str, Any]) -> str:
        """Start a proof of `theorem`; returns the goal state. Raises EnvError if the theorem
        is not a rewrite theorem this theory can read."""
        label = theorem.get("id", "theorem")
        family = str(theorem.get("family", "rewrite"))
        try:
            REGISTRY.reading(family)
        except RewriteError as err:
            raise EnvError(f"{label}: {err}") from err
        if "steps" not in theorem and "hypotheses" in theorem:
            try:
                return self.start_forward(from_mapping(theorem, self.rules))
            except ForwardStartError as err:
                raise EnvError(f"{label}: {err}") from err
        if "steps" in theorem:
            try:
                record = TheoremRecord.from_json(theorem)
                replayed = REGISTRY.for_record(record).replay(record, self.rules)
                if isinstance(replayed, EquationCandidate):
                    return self.start_forward(from_candidate(replayed))
                candidate = expect_rewrite(replayed)
            except RewriteError as err:
                raise EnvError(f"{label}: {err}") from err
            goal = (candidate.start, candidate.steps[-1].after)
            assumed = hypotheses(candidate.steps, self.rules.theory)
            return self.start(goal, candidate.binders, assumed)
        statement = theorem.get("statement")
        if not isinstance(statement, str):
            raise EnvError("a theorem needs a `statement` string `lhs = rhs` (human syntax)")
        try:
            goal = parse_equation(statement, self.rules.theory.signature)
        except ExprSyntaxError as err:
            raise EnvError(f"cannot read the statement: {err}") from err
        names = theorem.get("variables")
        binders = tuple(names) if isinstance(names, list) else binders_of(*goal)
        if set(binders_of(*goal)) - set(binders):
            raise EnvError(f"`variables` {list(binders)} miss some of the statement's")
        try:
            check_variable_names(binders, self.rules.theory)
        except ConfigError as err:
            raise EnvError(str(err)) from err
        return self.start(goal, binders, ())

    def start(
        self, goal: Goal, binders: Sequence[str], assumed: Sequence[tuple[Any, Any]] = ()
    ) -> str:
        """Start from an explicit goal over `binders` with hypotheses `assumed` (`a ≠ b`)."""
        self.forward = None
        self.context = Context(tuple(binders), tuple(assumed))
        # Lean's context does not shrink when the goal stops mentioning a variable
        self.shown = goal_context(binders, goal, assumed, self.rules.theory)
        self.goal = goal
        self.done = False  # Lean shows `⊢ e = e` too: only a tactic (`rfl`, `rw`) closes a goal
        self.steps = 0
        return self.state

    def start_forward(self, state: Forward) -> str:
        """Start a forward proof: hypotheses to reason from, a goal to reach (`exact`)."""
        self.forward, self.goal = state, None
        self.context = Context(state.binders)
        self.done = False
        self.steps = 0
        return self.state

    @property
    def state(self) -> str:
        """The goal state as Lean shows it (`no goals` once the proof is complete)."""
        if self.forward is not None:
            return show(self.forward, self.done, self.rules)
        if self.goal is None or self.done:
            return NO_GOALS
        sig = self.rules.theory.signature
        goal = f"{pretty(self.goal[0], sig)} = {pretty(self.goal[1], sig)}"
        return goal_state(self.shown, goal)

    # --- stepping ---

    def propose(self, action: str) -> Proposal:
        """Parse and apply `action` without the kernel: a refusal, or the obligation to check."""
        if not isinstance(action, str):
            return Proposal(None, "an action is a string")
        if self.goal is None and self.forward is None:
            return Proposal(None, "no theorem: call reset first")
        if self.done:
            return Proposal(None, "no goals to be proved")
        try:
            if self.forward is not None:
                return Proposal(apply_forward(action, self.forward, self.rules))
            assert self.goal is not None
            parsed = parse_action(action, self.rules, self.context)
            return Proposal(apply(parsed, self.goal, self.context, self.rules))
        except ActionError as err:
            return Proposal(None, str(err))
        except RecursionError:  # a term nested thousands deep
            return Proposal(None, TOO_DEEP)

    def resolve(self, proposal: Proposal, verdict: Verdict | None) -> StepResult:
        """Move on by a proposal the kernel judged (`verdict` None for a refusal)."""
        self.steps += 1
        if proposal.applied is None or not isinstance(verdict, Accepted):
            if proposal.applied is None:
                message = proposal.refusal
            else:
                assert isinstance(verdict, Rejected)
                message = first_message(verdict.messages, verdict.reason)
            return StepResult(self.state, self.rewards.invalid, self.done, False, message)
        if isinstance(proposal.applied, ForwardApplied):
            self.forward = proposal.applied.state
        else:
            self.goal = proposal.applied.goal
        self.done = proposal.applied.closed
        reward = self.rewards.solved if self.done else self.rewards.step
        return StepResult(self.state, reward, self.done, True)

    def step(self, action: str) -> StepResult:
        """Apply one action, checked by the kernel."""
        return step_many([(self, action)])[0]


def step_many(moves: Sequence[tuple[ProofEnv, str]]) -> list[StepResult]:
    """Step several environments at once: every obligation goes to the kernel in one batch
    (per checker), so a rollout of N environments costs one round of Lean processes."""
    proposals = [env.propose(action) for env, action in moves]
    verdicts: list[Verdict | None] = [None] * len(moves)
    by_checker: dict[int, list[int]] = {}
    for i, ((env, _), proposal) in enumerate(zip(moves, proposals, strict=True)):
        if proposal.applied is not None:
            by_checker.setdefault(id(env.checker), []).append(i)
    for indices in by_checker.values():
        checker = moves[indices[0]][0].checker
        obligations = [a.obligation for i in indices if (a := proposals[i].applied) is not None]
        found = checker.check(obligations)
        for i, verdict in zip(indices, found, strict=True):
            verdicts[i] = verdict
    return [
        env.resolve(proposal, verdict)
        for (env, _), proposal, verdict in zip(moves, proposals, verdicts, strict=True)
    ]


# --- replaying an export -------------------------------------------------------------------------


@dataclass(frozen=True)
class ReplayReport:
    """How an export's proofs and wrong steps fared in the environment."""

    proofs: int
    closed: int  # proofs whose every step was valid and whose last step closed the goal
    steps: int
    invalid_steps: tuple[str, ...]  # "theorem/proof/step: message" for each refused true step
    state_mismatches: int  # steps whose resulting state differs from the exported state_after
    negatives: int  # exported wrong steps with label -1
    negatives_invalid: int  # of those, the ones the environment refused
    valid_after_all: int  # exported wrong steps with label +1
    valid_after_all_accepted: int  # of those, the ones the environment accepted

    @property
    def faithful(self) -> bool:
        """Every proof closed with every state as exported, and every step labelled -1 refused."""
        return (
            self.closed == self.proofs
            and not self.invalid_steps
            and not self.state_mismatches
            and self.negatives_invalid == self.negatives
        )


def replay_exported(
    records: Mapping[str, Mapping[str, Any]],
    steps: Sequence[Mapping[str, Any]],
    negatives: Sequence[NegativeRow],
    rules: RuleSet,
    checker: KernelChecker,
) -> ReplayReport:
    """Replay every exported proof (`steps` rows of an export, grouped by theorem and proof) from
    its dataset record, all proofs in lockstep; then each wrong step from the state its proof
    reached before it. Records of every family (rewrite chains and forward proofs)."""
    proofs: dict[tuple[str, int], list[Mapping[str, Any]]] = {}
    for row in steps:
        proofs.setdefault((str(row["theorem"]), int(row["proof"])), []).append(row)
    for rows in proofs.values():
        rows.sort(key=lambda r: int(r["step"]))
    episodes = []
    for (theorem, _), rows in proofs.items():
        env = ProofEnv(rules, checker)
        env.reset(records[theorem])
        episodes.append((env, rows))
    invalid: list[str] = []
    mismatches = 0
    before: dict[tuple[str, int, int], ProofEnv] = {}  # each environment before each step
    for k in range(max((len(rows) for _, rows in episodes), default=0)):
        live = [(env, rows[k]) for env, rows in episodes if k < len(rows)]
        for env, row in live:
            key = (str(row["theorem"]), int(row["proof"]), int(row["step"]))
            before[key] = copy.copy(env)
        results = step_many([(env, str(row["tactic"])) for env, row in live])
        for (_, row), result in zip(live, results, strict=True):
            if not result.valid:
                invalid.append(f"{row['theorem']}/{row['proof']}/{row['step']}: {result.message}")
            mismatches += result.state != row["state_after"]
    closed = sum(1 for env, _ in episodes if env.done)
    # a step replaces the environment's fields, never mutates them: a shallow copy is a snapshot
    moves = [
        (copy.copy(before[(row.theorem, row.proof, row.step)]), row.tactic) for row in negatives
    ]
    labels = [row.label for row in negatives]
    valid = [r.valid for r in step_many(moves)]
    return ReplayReport(
        proofs=len(episodes),
        closed=closed,
        steps=len(steps),
        invalid_steps=tuple(invalid),
        state_mismatches=mismatches,
        negatives=labels.count(-1),
        negatives_invalid=sum(
            1 for lab, ok in zip(labels, valid, strict=True) if lab == -1 and not ok
        ),
        valid_after_all=labels.count(1),
        valid_after_all_accepted=sum(
            1 for lab, ok in zip(labels, valid, strict=True) if lab == 1 and ok
        ),
    )
