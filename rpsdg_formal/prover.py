"""A baseline prover: best-first search over rule applications, every found proof replayed
through the kernel-backed `ProofEnv`, so "proved" always means "the Lean kernel accepted each
step and the last one closed the goal".

The search, in one paragraph (README-ready):

    A node is a goal `lhs = rhs`. Its children are every single rewrite of the lhs and of the
    rhs by a rule of the theory, in either direction, at any position (`rewrite.successors`
    with no fresh variables and a size cap of max(30, largest side) + 4 nodes), each as the
    tactic the exports use (`rw [...]`, or `nth_rewrite k [...]` when the instance occurs
    several times). Goals already seen are skipped. Nodes are expanded best first by
    f = g + w·h, where g is the number of steps taken, h the *mismatch* of the two sides
    (walk both trees together: identical subtrees cost 0, equal heads recurse into the
    arguments, different heads cost size(left) + size(right)), and w = 2 (weighted A*:
    h is not admissible, a step can remove many mismatched nodes, so this is a greedy-leaning
    search, not a shortest-proof search). Ties go to the smaller h, then to the node generated
    first (deterministic). A child whose two sides are identical is a proof (`rw` closes the
    goal by `rfl`). The budget counts expansions: nodes popped and their children generated.

The search is pure Python (no Lean). A child goal is computed from the rewrite step itself,
which is exactly what `actions.apply` does with the rendered tactic (the tactic names the full
instance, and `nth_rewrite` its occurrence); the kernel replay in `prove_many` applies the
tactic *text*, so any disagreement would show as an unproved theorem, never a false success.
"""

from __future__ import annotations

import heapq
import itertools
import multiprocessing
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .actions import Context, Goal
from .env import EnvError, KernelChecker, ProofEnv, step_many
from .errors import ConfigError
from .expr import Expr, Kind
from .rewrite import RuleIndex, Step, successors
from .rules import RuleSet
from .tactics import offered_tactic

PROVED, BUDGET, EXHAUSTED, REJECTED, UNSUPPORTED = (
    "proved",
    "budget",
    "exhausted",
    "rejected",
    "unsupported",
)
"""An outcome's status: kernel-verified proof; budget spent; every reachable goal (under the
size cap) expanded; a found proof the kernel (or the environment) refused; not a rewrite
theorem."""

Progress = Callable[[int, int], None]
"""Called with (done, total) as theorems are searched."""


@dataclass(frozen=True)
class SearchConfig:
    """The search's knobs: heuristic weight w in f = g + w·h, and the size cap on rewritten
    sides, max(max_size, largest side of the goal) + slack nodes."""

    weight: float = 2.0
    max_size: int = 30
    slack: int = 4

    def __post_init__(self) -> None:
        if self.weight < 0:
            raise ConfigError(f"the heuristic weight must be >= 0, got {self.weight}")
        if self.max_size < 1 or self.slack < 0:
            raise ConfigError(f"need max_size >= 1 and slack >= 0, got {self}")


@dataclass(frozen=True)
class SearchResult:
    """What one search found: a proof as tactic texts (empty if none), the expansions spent,
    and whether the whole reachable space was expanded without a proof."""

    proved: bool
    tactics: tuple[str, ...]
    expansions: int
    exhausted: bool = False


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


# --- the heuristic -------------------------------------------------------------------------------


def mismatch(left: Expr, right: Expr) -> int:
    """How far apart two trees are: 0 for identical trees, the sum over the arguments for equal
    heads, size(left) + size(right) for different heads (the heuristic h of the search)."""
    return _mismatch(left, right, {})


def _mismatch(left: Expr, right: Expr, memo: dict[tuple[int, int], int]) -> int:
    """`mismatch`, memoised by node identity: `memo` must not outlive the trees it has seen
    (the search keeps every goal it has generated alive, so an id is never reused there)."""
    if left is right:
        return 0
    key = (id(left), id(right))
    cost = memo.get(key)
    if cost is not None:
        return cost
    if (
        left.kind is Kind.APP
        and right.kind is Kind.APP
        and left.head == right.head
        and len(left.args) == len(right.args)
    ):
        cost = 0
        for a, b in zip(left.args, right.args):  # noqa: B905 (lengths compared above)
            if a is not b:
                cost += _mismatch(a, b, memo)
    else:
        cost = left.size + right.size
    memo[key] = cost
    return cost


# --- the search ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Edge:
    """How a goal was reached: from `parent` by `step` on side `side`."""

    parent: Goal
    side: int
    step: Step


def _path(goal: Goal, edges: Mapping[Goal, _Edge]) -> list[_Edge]:
    """The edges from the root to `goal`, root first."""
    path: list[_Edge] = []
    while goal in edges:
        edge = edges[goal]
        path.append(edge)
        goal = edge.parent
    return path[::-1]


def _tactics(path: Sequence[_Edge], context: Context, rules: RuleSet) -> tuple[str, ...]:
    """The path's steps as the tactic texts the environment reads."""
    return tuple(
        offered_tactic(
            e.step, e.parent, rules.theory, context.assumed, context.carrier_name, side=e.side
        )
        for e in path
    )


def _children(
    goal: Goal, steps_of: Callable[[Expr], tuple[Step, ...]]
) -> Iterator[tuple[Goal, int, Step]]:
    """Every goal one rewrite away: the lhs rewritten, then the rhs."""
    lhs, rhs = goal
    for step in steps_of(lhs):
        yield (step.after, rhs), 0, step
    for step in steps_of(rhs):
        yield (lhs, step.after), 1, step


def search(
    goal: Goal,
    context: Context,
    rules: RuleSet,
    budget: int,
    config: SearchConfig = SearchConfig(),
    index: RuleIndex | None = None,
) -> SearchResult:
    """Best-first search for a rewrite proof of `goal` with at most `budget` expansions."""
    if budget < 1:
        raise ConfigError(f"the search budget must be at least 1 expansion, got {budget}")
    if goal[0] is goal[1]:
        return SearchResult(True, (), 0)
    index = index if index is not None else RuleIndex.build(rules.rules)
    cap = max(config.max_size, goal[0].size, goal[1].size) + config.slack
    cache: dict[Expr, tuple[Step, ...]] = {}
    memo: dict[tuple[int, int], int] = {}

    def steps_of(expr: Expr) -> tuple[Step, ...]:
        found = cache.get(expr)
        if found is None:
            found = cache[expr] = tuple(successors(expr, index, (), cap))
        return found

    order = itertools.count()
    frontier: list[tuple[float, int, int, int, Goal]] = []
    h = _mismatch(goal[0], goal[1], memo)
    heapq.heappush(frontier, (config.weight * h, h, next(order), 0, goal))
    seen: set[Goal] = {goal}
    edges: dict[Goal, _Edge] = {}
    expansions = 0
    while frontier and expansions < budget:
        _, _, _, g, node = heapq.heappop(frontier)
        expansions += 1
        for child, side, step in _children(node, steps_of):
            if child in seen:
                continue
            seen.add(child)
            edges[child] = _Edge(node, side, step)
            if child[0] is child[1]:
                return SearchResult(True, _tactics(_path(child, edges), context, rules), expansions)
            h = _mismatch(child[0], child[1], memo)
            heapq.heappush(frontier, (g + 1 + config.weight * h, h, next(order), g + 1, child))
    return SearchResult(False, (), expansions, exhausted=not frontier)


# --- many theorems: search in a pool, replay through the kernel in lockstep ---------------------

_WORKER: tuple[RuleSet, RuleIndex, int, SearchConfig] | None = None  # the forked workers' copy


def _search_one(task: tuple[Goal, Context]) -> SearchResult:
    assert _WORKER is not None
    rules, index, budget, config = _WORKER
    return search(task[0], task[1], rules, budget, config, index)


def search_all(
    tasks: Sequence[tuple[Goal, Context]],
    rules: RuleSet,
    budget: int,
    config: SearchConfig = SearchConfig(),
    workers: int = 1,
    progress: Progress | None = None,
) -> list[SearchResult]:
    """`search` on every (goal, context), in order, by `workers` forked processes (in this
    process when `workers` is 1)."""
    global _WORKER
    if budget < 1:
        raise ConfigError(f"the search budget must be at least 1 expansion, got {budget}")
    if workers < 1:
        raise ConfigError(f"workers must be at least 1, got {workers}")
    _WORKER = (rules, RuleIndex.build(rules.rules), budget, config)
    results: list[SearchResult] = []
    try:
        if workers == 1 or len(tasks) < 2:
            found: Iterable[SearchResult] = map(_search_one, tasks)
            for result in found:
                results.append(result)
                if progress is not None:
                    progress(len(results), len(tasks))
            return results
        context = multiprocessing.get_context("fork")
        with context.Pool(min(workers, len(tasks))) as pool:
            for result in pool.imap(_search_one, tasks, chunksize=4):
                results.append(result)
                if progress is not None:
                    progress(len(results), len(tasks))
        return results
    finally:
        _WORKER = None


def _recorded_length(record: Mapping[str, Any]) -> int | None:
    value = record.get("proof_length")
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _replay(
    envs: Sequence[ProofEnv], proofs: Sequence[tuple[str, ...]]
) -> list[tuple[bool, str]]:
    """Replay each proof in its environment, all in lockstep (one kernel batch per step
    number): (kernel-verified and closed, why not) per proof."""
    verdicts: list[tuple[bool, str] | None] = [None] * len(envs)
    for k in range(max((len(p) for p in proofs), default=0)):
        live = [i for i, p in enumerate(proofs) if k < len(p) and verdicts[i] is None]
        results = step_many([(envs[i], proofs[i][k]) for i in live])
        for i, result in zip(live, results, strict=True):
            last = k == len(proofs[i]) - 1
            if not result.valid:
                verdicts[i] = (False, f"step {k + 1} `{proofs[i][k]}` refused: {result.message}")
            elif result.done != last:
                verdicts[i] = (False, f"step {k + 1}: the goal is {'' if result.done else 'not '}"
                               "closed, unlike in the search")
            elif last:
                verdicts[i] = (True, "")
    return [v if v is not None else (False, "empty proof") for v in verdicts]


def prove_many(
    records: Sequence[Mapping[str, Any]],
    rules: RuleSet,
    checker: KernelChecker,
    budget: int,
    levels: Sequence[int | None] | None = None,
    config: SearchConfig = SearchConfig(),
    workers: int = 1,
    progress: Progress | None = None,
) -> list[Outcome]:
    """Search a proof of each record (pure Python, `workers` processes), then replay every
    found proof through its own `ProofEnv` in lockstep with `step_many` (one kernel batch per
    step number): an outcome per record, in order, proved only if the kernel agreed."""
    if levels is not None and len(levels) != len(records):
        raise ConfigError(f"{len(levels)} levels given for {len(records)} records")
    marks: Sequence[int | None] = levels if levels is not None else [None] * len(records)
    envs: list[ProofEnv | None] = []
    refusals: list[str] = []
    for record in records:
        env = ProofEnv(rules, checker)
        try:
            env.reset(record)
        except EnvError as err:
            envs.append(None)
            refusals.append(str(err))
            continue
        envs.append(env)
        refusals.append("")
    ready = [i for i, env in enumerate(envs) if env is not None]
    tasks = [(_goal_of(envs[i]), _context_of(envs[i])) for i in ready]
    found = dict(zip(ready, search_all(tasks, rules, budget, config, workers, progress),
                     strict=True))
    proved = [i for i in ready if found[i].proved]
    replayed = dict(zip(proved, _replay([_env(envs[i]) for i in proved],
                                        [found[i].tactics for i in proved]), strict=True))
    outcomes: list[Outcome] = []
    for i, record in enumerate(records):
        name = str(record.get("id", f"record {i + 1}"))
        length = _recorded_length(record)
        if i not in found:
            outcomes.append(Outcome(name, marks[i], False, UNSUPPORTED, 0, (), length,
                                    refusals[i]))
            continue
        result = found[i]
        if not result.proved:
            status = EXHAUSTED if result.exhausted else BUDGET
            outcomes.append(Outcome(name, marks[i], False, status, result.expansions, (), length))
            continue
        ok, why = replayed[i]
        outcomes.append(Outcome(name, marks[i], ok, PROVED if ok else REJECTED,
                                result.expansions, result.tactics, length, why))
    return outcomes


def _env(env: ProofEnv | None) -> ProofEnv:
    assert env is not None
    return env


def _goal_of(env: ProofEnv | None) -> Goal:
    assert env is not None and env.goal is not None
    return env.goal


def _context_of(env: ProofEnv | None) -> Context:
    assert env is not None
    return env.context
