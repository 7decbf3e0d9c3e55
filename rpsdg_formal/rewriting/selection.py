"""Select a theorem from a walk's graph: shortest proofs, never the raw walk, and a certified
lower bound on proof length (see `graph` for exactly what the bound means)."""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass, field, fields

from rpsdg_formal.errors import ConfigError
from rpsdg_formal.rewriting.certify import Certified, certify
from rpsdg_formal.rewriting.difficulty import collapses, deceptive
from rpsdg_formal.rewriting.graph import LowerBound, ProofGraph, SearchBounds, largest_expression
from rpsdg_formal.rewriting.steps import RuleIndex, Step, all_in_step_set
from rpsdg_formal.rewriting.walk import Walk
from rpsdg_formal.terms.expr import Expr, var, variables


@dataclass(frozen=True, repr=False)
class SelectConfig:
    """How theorems are chosen from walks."""

    proofs: int = 1  # shortest proofs kept per theorem (each checked by the kernel)
    difficulty: tuple[int, int] | None = None  # keep only certified lower bounds in this range
    histogram: tuple[tuple[int, float], ...] | None = None  # bound -> relative weight
    explore: bool = False  # also add every neighbour of every walk node (about 3x slower)
    explore_max_size: int = 30
    bounds: SearchBounds = field(default_factory=SearchBounds)
    # the C certifying search where built; it gives the Python search's results, so it is no
    # part of a run's settings (left out of repr: the run's config hash)
    compiled: bool = field(default=True, repr=False)
    # theorems whose sides offer a collapse outside the step set are left out (`difficulty.
    # collapses`); set by the difficulty plan, which `--difficulty` (in the hash) implies
    shortcut_free: bool = field(default=False, repr=False)
    # only theorems whose sides look alike (`difficulty.deceptive`: same outermost operator and,
    # with `numeral_free`, no numeral); set by the plan alone, like `shortcut_free`
    deceptive: bool = field(default=False, repr=False)
    numeral_free: bool = field(default=False, repr=False)
    # nodes the certifying search may use above the proof's largest expression (the plan's)
    room: int = field(default=0, repr=False)
    # the optional adversarial filter (`generate --adversarial N`): a theorem is kept only if
    # this says so; None keeps every theorem (the default)
    keep: Callable[[Selected], bool] | None = field(default=None, repr=False)

    def __repr__(self) -> str:
        """The settings that change the output (a run's config hash is made from this): the
        dataclass repr of the shown fields, and the filter only when there is one (so runs
        without it hash as they did before it existed)."""
        shown = [f"{f.name}={getattr(self, f.name)!r}" for f in fields(self) if f.repr]
        if self.keep is not None:
            shown.append(f"keep={self.keep!r}")
        return f"{type(self).__qualname__}({', '.join(shown)})"

    def __post_init__(self) -> None:
        if self.proofs < 1:
            raise ConfigError(f"--proofs must be at least 1, got {self.proofs}")
        if self.difficulty is not None:
            lo, hi = self.difficulty
            if not 1 <= lo <= hi:
                raise ConfigError(f"--difficulty needs 1 <= LO <= HI, got {lo}-{hi}")
        if self.histogram is not None:
            if not self.histogram or any(k < 1 or w <= 0 for k, w in self.histogram):
                raise ConfigError(
                    "--difficulty K:W,... needs bounds K >= 1 with positive weights W"
                )


@dataclass(frozen=True)
class Selected:
    """A theorem chosen from a graph: its shortest proofs and their certified bound."""

    start: Expr
    proofs: tuple[tuple[Step, ...], ...]
    bound: LowerBound
    graph: ProofGraph = field(compare=False, repr=False)  # dropped by the pipeline


def _lowest_wanted(config: SelectConfig) -> int:
    """The smallest certified bound the configuration accepts."""
    if config.difficulty is not None:
        return config.difficulty[0]
    if config.histogram is not None:
        return min(k for k, _ in config.histogram)
    return 1


_FRESH: dict[tuple[str, ...], tuple[Expr, ...]] = {}
"""The fresh values of a theorem by its variables' names (theorems share a few name lists)."""


def _fresh(start: Expr) -> tuple[Expr, ...]:
    """The values a step may introduce: the start's variables, in their order."""
    names = variables(start)
    found = _FRESH.get(names)
    if found is None:
        if len(_FRESH) >= 1024:
            _FRESH.clear()
        found = _FRESH[names] = tuple(var(v) for v in names)
    return found


def _first_proof(
    graph: ProofGraph, walk: Walk, nodes: tuple[Expr, ...], explored: bool
) -> tuple[Step, ...]:
    """The graph's first shortest proof before any search: a walk that never revisits an
    expression is the graph's only path (one step between consecutive nodes), so it is the
    walk itself; otherwise the graph is asked. (Unexplored, such a walk's steps are all new
    rewrites, none between the same two nodes as another: the graph need not be built to
    know it.)"""
    if walk.steps and len(set(nodes)) == len(nodes):
        if not explored or graph.version == len(walk.steps):
            return walk.steps
    return graph.first_proof(walk.start, walk.end)


def _retraces(link: tuple[Step, ...], steps: tuple[Step, ...]) -> bool:
    """Whether `link` is a prefix or a suffix of the walk's `steps`, the same objects (as the
    search gives links that retrace the walk: `along.Along`), so it adds nothing to a graph
    that holds the walk. (A link of equal but other steps counts as new: adding it changes
    nothing either, but comparing steps field by field costs more than it saves.)"""
    n = len(link)
    if n > len(steps):
        return False
    return all(map(operator.is_, link, steps)) or all(map(operator.is_, link, steps[-n:]))


def _grow(
    graph: ProofGraph, found: Certified, walk: Walk, primary: tuple[Step, ...]
) -> tuple[Step, ...]:
    """The first shortest proof once the search's meeting path and links are in the graph:
    where they met, and their ways to the walk's nodes, may shorten it. Those that retrace
    the walk are left out (they add nothing); the graph itself is built only if read later
    (`ProofGraph.first_proof` reads the proof off the steps given)."""
    new = [link for link in (found.path or (), *found.links) if not _retraces(link, walk.steps)]
    if not new:
        return primary  # the graph, so its first proof, is as it was
    for link in new:
        graph.add_walk(link)
    return graph.first_proof(walk.start, walk.end)


def select_theorem(walk: Walk, index: RuleIndex, config: SelectConfig) -> Selected | None:
    """The theorem `walk.start = walk.end` with its shortest proofs in the walk's graph, or None
    if its certified difficulty is outside the requested range."""
    start, end = walk.start, walk.end
    fresh = _fresh(start)
    if not all_in_step_set(walk.steps, fresh):
        return None  # the walk collapsed a compound value: its reverse is no step (see graph)
    graph = ProofGraph()
    graph.add_walk(walk.steps)
    nodes = (start, *[s.after for s in walk.steps])
    if config.explore:
        for node in nodes:
            graph.explore(node, index, fresh, config.explore_max_size)
    primary = _first_proof(graph, walk, nodes, config.explore)
    if len(primary) < _lowest_wanted(config):
        return None  # the bound never exceeds the proof length: skip the search
    if config.deceptive and not deceptive(start, end, config.numeral_free):
        return None
    if config.shortcut_free and (collapses(start, index, fresh) or collapses(end, index, fresh)):
        return None
    for _ in range(4):
        cap = largest_expression(primary) + config.room
        found = certify(
            start, end, index, fresh, cap, len(primary), config.bounds, nodes, config.compiled,
            walk.steps,
        )  # fmt: skip
        bound = found.bound
        primary = _grow(graph, found, walk, primary)
        if bound.value <= len(primary):
            break
    else:
        return None  # the graph's proof keeps leaving the searched space: no sound bound
    if config.difficulty is not None:
        lo, hi = config.difficulty
        if not lo <= bound.value <= hi:
            return None
    if config.histogram is not None and bound.value not in dict(config.histogram):
        return None
    proofs = (
        (primary,)
        if config.proofs == 1
        else tuple(graph.shortest_proofs(start, end, config.proofs))
    )
    selected = Selected(start, proofs, bound, graph)
    if config.keep is not None and not config.keep(selected):
        return None
    return selected


def quotas(histogram: tuple[tuple[int, float], ...], count: int) -> dict[int, int]:
    """How many of `count` theorems each bound gets, in proportion to its weight (largest
    remainders get the leftover units, ties to the smaller bound)."""
    total = sum(w for _, w in histogram)
    exact = {k: count * w / total for k, w in histogram}
    result = {k: int(v) for k, v in exact.items()}
    leftover = count - sum(result.values())
    by_remainder = sorted(exact, key=lambda k: (-(exact[k] - result[k]), k))
    for k in by_remainder[:leftover]:
        result[k] += 1
    return result
