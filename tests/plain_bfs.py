"""A plain breadth-first search, the reference the bound searches are tested against."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable

from rpsdg_formal.terms.expr import Expr


def plain_distance(
    start: Expr, end: Expr, neighbours: Callable[[Expr], Iterable[Expr]], limit: int
) -> int | None:
    """The number of steps from `start` to `end` through `neighbours`, if at most `limit`
    (one-sided, no budget)."""
    seen = {start: 0}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        if node is end:
            return seen[node]
        if seen[node] >= limit:
            continue
        for after in neighbours(node):
            if after not in seen:
                seen[after] = seen[node] + 1
                queue.append(after)
    return None
