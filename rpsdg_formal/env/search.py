"""Best-first search for a rewrite proof of a goal, pure Python (no Lean): the baseline
prover's search, which `prover` replays through the kernel.

The search, in one paragraph (README-ready):

    A node is a goal `lhs = rhs`. Its children are every single rewrite of the lhs and of the
    rhs by a rule of the theory, in either direction, at any position (`rewrite.successors`
    with no fresh variables and a size cap of max(30, largest side) + 4 nodes), each as the
    tactic the exports use (`rw [...]`, or `nth_rw k [...]` when the instance occurs
    several times). Goals already seen are skipped. Nodes are expanded best first by
    f = g + w·h, where g is the number of steps taken, h the *mismatch* of the two sides
    (walk both trees together: identical subtrees cost 0, equal heads recurse into the
    arguments, different heads cost size(left) + size(right)), and w = 0.5. h is not
    admissible (one step can remove many mismatched nodes), so this is weighted best-first
    search, not a shortest-proof search; w = 0.5 proved the most theorems of w in
    {0.25, 0.5, 1, 2, 4} on a sample of field theorems (smaller w drifts towards breadth-first
    search, larger w is greedy and gets stuck in a valley of h). Ties go to the smaller h,
    then to the node generated first (deterministic). A child whose two sides are identical
    is a proof (`rw` closes the goal by `rfl`). The budget counts expansions: nodes popped and
    their children generated, so a one-step theorem needs one expansion.

The search is pure Python (no Lean). A child goal is computed from the rewrite step itself,
which is exactly what `actions.apply` does with the rendered tactic (the tactic names the full
instance, and `nth_rw` its occurrence); the kernel replay in `prove_many` applies the
tactic *text*, so any disagreement would show as an unproved theorem, never a false success.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import closing
from dataclasses import dataclass, field

from rpsdg_formal.env.forked import forked_map
from rpsdg_formal.errors import ConfigError
from rpsdg_formal.rewriting.steps import RuleIndex, Step, successors
from rpsdg_formal.tactics.actions import Context, Goal
from rpsdg_formal.tactics.render import offered_tactic
from rpsdg_formal.terms.expr import Expr, Kind, var
from rpsdg_formal.theory.rules import RuleSet

Progress = Callable[[int, int], None]
"""Called with (done, total) as theorems are searched."""


@dataclass(frozen=True)
class SearchConfig:
    """The search's knobs: heuristic weight w in f = g + w·h, and the size cap on rewritten
    sides, max(max_size, largest side of the goal) + slack nodes."""

    weight: float = 0.5
    max_size: int = 30
    slack: int = 4
    fresh: bool = False  # let rules introduce a variable (`0 → x - x`), choosing the goal's own

    def __post_init__(self) -> None:
        if self.weight < 0:
            raise ConfigError(f"the heuristic weight must be >= 0, got {self.weight}")
        if self.max_size < 1 or self.slack < 0:
            raise ConfigError(f"need max_size >= 1 and slack >= 0, got {self}")


DEFAULT_SEARCH = SearchConfig()
"""The documented settings: w = 0.5, cap max(30, largest side) + 4, no fresh variables."""


@dataclass(frozen=True)
class SearchResult:
    """What one search found: a proof as tactic texts (empty if none), the expansions spent,
    and whether the whole reachable space was expanded without a proof."""

    proved: bool
    tactics: tuple[str, ...]
    expansions: int
    exhausted: bool = False


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
        offered_tactic(e.step, e.parent, rules.theory, context.assumed, side=e.side).text
        for e in path
    )


@dataclass
class _Space:
    """One search's space: the children of a goal and their heuristic, with the caches that
    make them cheap (the successors of each side, its variables, mismatches of subtrees)."""

    index: RuleIndex
    fresh: tuple[Expr, ...]
    cap: int
    steps: dict[Expr, tuple[Step, ...]] = field(default_factory=dict)
    memo: dict[tuple[int, int], int] = field(default_factory=dict)

    def steps_of(self, expr: Expr) -> tuple[Step, ...]:
        """Every rewrite of `expr` under the size cap."""
        found = self.steps.get(expr)
        if found is None:
            found = self.steps[expr] = tuple(successors(expr, self.index, self.fresh, self.cap))
        return found

    def h(self, goal: Goal) -> int:
        """The heuristic: the mismatch of the two sides."""
        return _mismatch(goal[0], goal[1], self.memo)

    def children(self, goal: Goal) -> Iterator[tuple[Goal, int, Step]]:
        """Every goal one rewrite away: the lhs rewritten, then the rhs."""
        lhs, rhs = goal
        for step in self.steps_of(lhs):
            yield (step.after, rhs), 0, step
        for step in self.steps_of(rhs):
            yield (lhs, step.after), 1, step


def _space(goal: Goal, context: Context, rules: RuleSet, config: SearchConfig) -> _Space:
    """The search space of `goal` under `config`."""
    cap = max(config.max_size, goal[0].size, goal[1].size) + config.slack
    fresh = tuple(var(v) for v in context.binders) if config.fresh else ()
    return _Space(_index(rules), fresh, cap)


_INDICES: dict[int, tuple[RuleSet, RuleIndex]] = {}


def _index(rules: RuleSet) -> RuleIndex:
    """The rule index of `rules`, built once per rule set."""
    found = _INDICES.get(id(rules))
    if found is None or found[0] is not rules:
        found = _INDICES[id(rules)] = (rules, RuleIndex.build(rules.rules))
    return found[1]


def search(
    goal: Goal,
    context: Context,
    rules: RuleSet,
    budget: int,
    config: SearchConfig = DEFAULT_SEARCH,
) -> SearchResult:
    """Best-first search for a rewrite proof of `goal` with at most `budget` expansions."""
    if budget < 1:
        raise ConfigError(f"the search budget must be at least 1 expansion, got {budget}")
    if goal[0] is goal[1]:  # open until a tactic closes it, as in Lean
        return SearchResult(True, ("rfl",), 0)
    space = _space(goal, context, rules, config)
    order = itertools.count()
    h = space.h(goal)
    frontier = [(config.weight * h, h, next(order), 0, goal)]
    seen: set[Goal] = {goal}  # keeps every tree alive: `space.memo` relies on it
    edges: dict[Goal, _Edge] = {}
    expansions = 0
    while frontier and expansions < budget:
        _, _, _, g, node = heapq.heappop(frontier)
        expansions += 1
        for child, side, step in space.children(node):
            if child in seen:
                continue
            seen.add(child)
            edges[child] = _Edge(node, side, step)
            if child[0] is child[1]:
                return SearchResult(True, _tactics(_path(child, edges), context, rules), expansions)
            h = space.h(child)
            heapq.heappush(frontier, (g + 1 + config.weight * h, h, next(order), g + 1, child))
    return SearchResult(False, (), expansions, exhausted=not frontier)


# --- many theorems: search on every core ---------------------------------------------------------


def search_all(
    tasks: Sequence[tuple[Goal, Context]],
    rules: RuleSet,
    budget: int,
    config: SearchConfig = DEFAULT_SEARCH,
    workers: int = 1,
    progress: Progress | None = None,
) -> list[SearchResult]:
    """`search` on every (goal, context), in order, by `workers` forked processes (in this
    process when `workers` is 1): `forked.forked_map`, so a dead worker raises
    `SearchWorkerDiedError` and Ctrl-C stops the workers at once."""
    if budget < 1:
        raise ConfigError(f"the search budget must be at least 1 expansion, got {budget}")
    if workers < 1:
        raise ConfigError(f"workers must be at least 1, got {workers}")
    _index(rules)  # built before forking, so every worker inherits it

    def one(task: tuple[Goal, Context]) -> SearchResult:
        return search(task[0], task[1], rules, budget, config)

    results: list[SearchResult] = []
    with closing(forked_map(one, tasks, workers)) as found:  # (an exception here stops them)
        for result in found:
            results.append(result)
            if progress is not None:
                progress(len(results), len(tasks))
    return results
