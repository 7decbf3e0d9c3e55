"""The certifying search's links that retrace the walk, recognised without replaying them.

The compiled search reports each link (its shortest way from the start to a walk node, or from a
walk node to the end) as (rule direction, position, choice) triples, which `fastsearch` replays
into `Step`s, and selection adds them to the theorem's graph. About three links in four on
default walks are the walk's own prefix or suffix, already in the graph. `Along` gives each
walk step's triple (computed when a link first asks for it) and takes a link whose triples are
the walk's as the walk's own steps: the same steps replay would build, since the expression
rewritten, the rule direction, the position and the fresh values fix a step.
"""

from __future__ import annotations

from rpsdg_formal.rewriting.steps import Step, _Plan
from rpsdg_formal.terms.expr import Expr, Path

Triple = tuple[int, int, int]
"""A step as the compiled search reports it: plan number, pre-order position, fresh choice."""


def position(tree: Expr, path: Path) -> int:
    """The pre-order number of the node at `path` in `tree` (the root is 0)."""
    at = 0
    node = tree
    for child in path:
        args = node.args
        at += 1
        if child:  # the sizes of the siblings before it (a binary node's: one)
            at += args[0].size if child == 1 else sum([arg.size for arg in args[:child]])
        node = args[child]
    return at


def plan_numbers(plans: tuple[_Plan, ...]) -> dict[tuple[str, bool], int]:
    """Each rule direction's plan number, leaving out any that two plans share."""
    numbers: dict[tuple[str, bool], int] = {}
    shared: set[tuple[str, bool]] = set()
    for k, plan in enumerate(plans):
        key = (plan.rule.name, plan.reverse)
        if key in numbers:
            shared.add(key)
        numbers[key] = k
    return {key: k for key, k in numbers.items() if key not in shared}


class Along:
    """A walk's steps with their triples, read forwards (from the start) and backwards (from
    the end); the triples are remembered as they are computed (mutable by design)."""

    def __init__(
        self,
        steps: tuple[Step, ...],
        plans: tuple[_Plan, ...],
        numbers: dict[tuple[str, bool], int],
        fresh: tuple[Expr, ...],
    ) -> None:
        self.steps, self.plans, self.numbers, self.fresh = steps, plans, numbers, fresh
        self._triples: dict[tuple[int, bool], Triple | None] = {}

    def prefix(self, k: int, triples: list[Triple]) -> tuple[Step, ...] | None:
        """The walk's first `k` steps if the link from the start to its `k`-th node is them."""
        if len(triples) != k:
            return None
        for i, triple in enumerate(triples):
            if triple != self._triple(i, False):
                return None
        return self.steps[:k]

    def suffix(self, k: int, triples: list[Triple]) -> tuple[Step, ...] | None:
        """The walk's steps from its `k`-th node if the link from the end to that node (read
        from the end) is them, reversed."""
        last = len(self.steps) - 1
        if len(triples) != last + 1 - k:
            return None
        for j, triple in enumerate(triples):
            if triple != self._triple(last - j, True):
                return None
        return self.steps[k:]

    def _triple(self, i: int, backward: bool) -> Triple | None:
        """Step `i`'s triple, or (`backward`) its reverse's; None where the search could not
        have reported it (a direction or value the index does not have)."""
        memo = (i, backward)
        try:
            return self._triples[memo]
        except KeyError:
            found = self._triples[memo] = self._compute(self.steps[i], backward)
            return found

    def _compute(self, step: Step, backward: bool) -> Triple | None:
        number = self.numbers.get((step.rule.name, step.reverse != backward))
        if number is None or self.plans[number].rule is not step.rule:
            return None
        plan, fresh = self.plans[number], self.fresh
        choice = 0
        if plan.missing:
            binding = step.binding()
            for name in plan.missing:
                if binding[name] not in fresh:
                    return None
                choice = choice * len(fresh) + fresh.index(binding[name])
        return number, position(step.after if backward else step.before, step.path), choice
