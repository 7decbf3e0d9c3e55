"""Rewrite steps: enumerate every applicable step, and replay a recorded one.

A `Step` is the single source of truth for one rewrite: the Lean `have`, the graph edge, the
dataset row and the pretty tactic are all derived from it. Rules apply in both directions at
any position; variables that appear only on the produced side are instantiated explicitly
from a caller-supplied set of candidate terms.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field

from rpsdg_formal.errors import RewriteError
from rpsdg_formal.rewriting.matcher import Matcher, compile_pattern
from rpsdg_formal.terms.expr import (
    Expr,
    Kind,
    Path,
    match,
    positions,
    replace,
    substitute,
    subterm,
    variables,
)
from rpsdg_formal.theory import numerals
from rpsdg_formal.theory.rules import Rule


@dataclass(frozen=True)
class Step:
    """One rule application: `before` rewritten to `after` at `path`."""

    rule: Rule
    reverse: bool
    path: Path
    substitution: tuple[tuple[str, Expr], ...]  # every rule variable, in the rule's order
    before: Expr
    after: Expr

    @property
    def direction(self) -> str:
        return "reverse" if self.reverse else "forward"

    def binding(self) -> dict[str, Expr]:
        return dict(self.substitution)


@dataclass(frozen=True)
class RuleIndex:
    """Rules indexed by the head of the side they rewrite from, for fast enumeration."""

    by_head: Mapping[str, tuple[tuple[Rule, bool], ...]]
    anywhere: tuple[tuple[Rule, bool], ...]  # patterns that are a bare variable

    @classmethod
    def build(cls, rules: Iterable[Rule]) -> RuleIndex:
        """Index the directions a walk may use.

        Rules with side conditions are left out (nothing discharges their hypotheses in a
        walk), so are numeral-only rules (`evaluate:`, applied by the calculus engine), and so
        is a direction that would invent a variable the rule does not list in `introduces`.
        """
        by_head: dict[str, list[tuple[Rule, bool]]] = {}
        anywhere: list[tuple[Rule, bool]] = []
        for rule in rules:
            if rule.conditions or rule.evaluate is not None:
                continue
            for reverse in (False, True):
                pattern, produced = rule.side(reverse)
                invented = set(variables(produced)) - set(variables(pattern))
                if not invented <= set(rule.introduces):
                    continue
                if pattern.kind is Kind.VAR:
                    anywhere.append((rule, reverse))
                else:
                    by_head.setdefault(_head_key(pattern), []).append((rule, reverse))
        return cls({k: tuple(v) for k, v in by_head.items()}, tuple(anywhere))

    def candidates(self, expr: Expr) -> tuple[tuple[Rule, bool], ...]:
        return self.by_head.get(_head_key(expr), ()) + self.anywhere

    @functools.cached_property
    def plans(self) -> dict[str, tuple[_Plan, ...]]:
        """Per head, every direction that may apply to a node with that head (its own, then
        those whose pattern is a bare variable, the only ones under the key ""), with what
        `successors` needs precomputed."""
        anywhere = tuple(_Plan.of(r, rev) for r, rev in self.anywhere)
        plans = {
            head: tuple(_Plan.of(r, rev) for r, rev in entries) + anywhere
            for head, entries in self.by_head.items()
        }
        plans[""] = anywhere
        return plans


@dataclass(frozen=True)
class _Plan:
    """One rule direction, ready for enumeration: its two sides, the variables only the
    produced side has (in the rule's order), and the produced side's size as fixed nodes plus
    occurrences per variable."""

    rule: Rule
    reverse: bool
    pattern: Expr
    produced: Expr
    missing: tuple[str, ...]
    fixed: int
    counts: tuple[tuple[str, int], ...]
    dropped: tuple[str, ...]  # variables only the consumed side has (a collapse forgets them)
    least: int  # the produced side's smallest possible size (every variable a leaf)
    matcher: Matcher = field(compare=False, repr=False)

    @classmethod
    def of(cls, rule: Rule, reverse: bool) -> _Plan:
        pattern, produced = rule.side(reverse)
        bound = set(variables(pattern))
        missing = tuple(v for v in rule.variables if v not in bound)
        kept = set(variables(produced))
        dropped = tuple(v for v in rule.variables if v in bound and v not in kept)
        fixed, counts = _size_form(produced)
        least = fixed + sum(n for _, n in counts)
        return cls(
            rule, reverse, pattern, produced, missing, fixed, counts, dropped, least,
            compile_pattern(pattern),
        )  # fmt: skip


def _head_key(expr: Expr) -> str:
    return f"#{expr.value}" if expr.kind is Kind.NUM else expr.head


@dataclass(frozen=True)
class Match:
    """A rule side that matches at a position; building the rewritten tree is left for later."""

    path: Path
    rule: Rule
    reverse: bool
    bindings: Mapping[str, Expr]

    def missing(self) -> tuple[str, ...]:
        """Variables that occur only on the produced side (they need explicit values)."""
        return tuple(v for v in self.rule.variables if v not in self.bindings)

    def step(self, expr: Expr, extra: Mapping[str, Expr] | None = None) -> Step:
        """The step this match makes on `expr`, with `extra` values for the missing variables."""
        full = {**self.bindings, **(extra or {})}
        _, produced = self.rule.side(self.reverse)
        after = replace(expr, self.path, substitute(produced, full))
        subst = tuple((v, full[v]) for v in self.rule.variables)
        return Step(self.rule, self.reverse, self.path, subst, expr, after)


def matches(expr: Expr, index: RuleIndex) -> Iterator[Match]:
    """Every (position, rule, direction) whose rewritten-from side matches `expr` there (in
    `index.candidates` order, through the compiled patterns of `index.plans`)."""
    plans = index.plans
    anywhere = plans[""]
    for path, sub in positions(expr):
        head = f"#{sub.value}" if sub.kind is Kind.NUM else sub.head
        for plan in plans.get(head, anywhere):
            bindings = plan.matcher(sub)
            if bindings is not None:
                yield Match(path, plan.rule, plan.reverse, bindings)


@functools.lru_cache(maxsize=4096)
def _size_form(produced: Expr) -> tuple[int, tuple[tuple[str, int], ...]]:
    """`produced`'s size as (fixed nodes, occurrences of each variable)."""
    fixed = 0
    counts: dict[str, int] = {}
    for _, node in positions(produced):
        if node.kind is Kind.VAR:
            counts[node.head] = counts.get(node.head, 0) + 1
        else:
            fixed += 1
    return fixed, tuple(counts.items())


def _produced_size(produced: Expr, bindings: Mapping[str, Expr]) -> int:
    """The size of `produced` with `bindings` substituted, without building it."""
    fixed, counts = _size_form(produced)
    return fixed + sum(n * bindings[v].size for v, n in counts)


def successors(
    expr: Expr,
    index: RuleIndex,
    fresh: tuple[Expr, ...] = (),
    max_size: int | None = None,
    symmetric: bool = False,
) -> Iterator[Step]:
    """Every step that rewrites `expr` to a different expression (of at most `max_size` nodes).

    `fresh` are the terms a variable that occurs only on the produced side may be instantiated
    with (each choice is its own step); with no `fresh` such directions are skipped. With
    `symmetric`, a variable that occurs only on the consumed side must match one of `fresh`
    too, so every step's reverse is a step as well (`in_step_set`: the set the certified bound
    and the proofs share). Steps over `max_size` are pruned before their result is built. (The
    search's hot path: `matches` and `Match.step` in one loop over precomputed plans and
    compiled patterns.)
    """
    plans = index.plans
    anywhere = plans[""]
    # the room a produced side has at a position is `outside + sub.size` nodes
    outside = 1 << 60 if max_size is None else max_size - expr.size
    for path, sub in positions(expr):
        head = f"#{sub.value}" if sub.kind is Kind.NUM else sub.head
        space = outside + sub.size
        for plan in plans.get(head, anywhere):
            if plan.least > space:
                continue  # too large whatever the variables are: prune before matching
            bindings = plan.matcher(sub)
            if bindings is None:
                continue
            if symmetric and plan.dropped and any(bindings[v] not in fresh for v in plan.dropped):
                continue
            rule = plan.rule
            for choice in itertools.product(fresh, repeat=len(plan.missing)):
                full = bindings
                if choice:
                    full = {**bindings, **dict(zip(plan.missing, choice, strict=True))}
                if max_size is not None:
                    grown = sum([n * full[v].size for v, n in plan.counts])
                    if expr.size - sub.size + plan.fixed + grown > max_size:
                        continue
                after = replace(expr, path, substitute(plan.produced, full))
                if after is not expr:
                    subst = tuple([(v, full[v]) for v in rule.variables])
                    yield Step(rule, plan.reverse, path, subst, expr, after)


_ONE_SIDED: dict[int, tuple[Rule, tuple[str, ...], tuple[int, ...]]] = {}
"""`one_sided`'s answers by the rule's identity, with the rule, and where those variables are in
the rule's order (a rule's dataclass hash hashes all its fields: it cost more than the answer)."""


def one_sided(rule: Rule) -> tuple[str, ...]:
    """The rule's variables that occur on one side only (in the rule's order; remembered per
    rule: every selected theorem asks it of each of its steps)."""
    return _one_sided(rule)[1]


def _one_sided(rule: Rule) -> tuple[Rule, tuple[str, ...], tuple[int, ...]]:
    """The rule, `one_sided(rule)`, and their places in `rule.variables` (a step's
    substitution lists its values in that order)."""
    known = _ONE_SIDED.get(id(rule))
    if known is not None and known[0] is rule:
        return known
    lhs, rhs = set(variables(rule.lhs)), set(variables(rule.rhs))
    places = tuple(k for k, v in enumerate(rule.variables) if (v in lhs) != (v in rhs))
    if len(_ONE_SIDED) >= 4096:  # a bounded memo: a run has a few hundred rules
        _ONE_SIDED.clear()
    found = _ONE_SIDED[id(rule)] = (rule, tuple(rule.variables[k] for k in places), places)
    return found


def in_step_set(step: Step, fresh: tuple[Expr, ...]) -> bool:
    """Whether `step` is in the step set of the certified bound and of proofs: every variable
    on one side of its rule only is instantiated with one of `fresh` (the theorem's variables),
    whichever direction the step reads. The set is closed under `reverse_step`."""
    one = one_sided(step.rule)
    if not one:
        return True
    binding = step.binding()
    return all(binding[v] in fresh for v in one)


def all_in_step_set(steps: tuple[Step, ...], fresh: tuple[Expr, ...]) -> bool:
    """Whether every one of `steps` is `in_step_set` (in one loop, each value looked up in a
    set: selection asks it of every walk step)."""
    values = None
    for step in steps:
        rule = step.rule
        known = _ONE_SIDED.get(id(rule))  # (`_one_sided` inlined where it knows the rule)
        places = known[2] if known is not None and known[0] is rule else _one_sided(rule)[2]
        if places:
            values = frozenset(fresh) if values is None else values
            pairs = step.substitution  # (every rule variable, in the rule's order)
            for k in places:
                if pairs[k][1] not in values:
                    return False
    return True


def reverse_step(step: Step) -> Step:
    """The same rewrite read backwards: from `step.after` to `step.before`."""
    return Step(step.rule, not step.reverse, step.path, step.substitution, step.after, step.before)


def apply_step(
    expr: Expr, rule: Rule, reverse: bool, path: Path, substitution: Mapping[str, Expr]
) -> Step:
    """Replay a recorded step, checking that it really applies. Raises RewriteError if not.

    For a numeral-only rule the result variable may be left out: it is computed.
    """
    if rule.evaluate is not None and all(v in substitution for v in variables(rule.lhs)):
        substitution = numerals.instance(rule.evaluate.kind, rule.lhs, rule.rhs, substitution)
    missing = [v for v in rule.variables if v not in substitution]
    if missing:
        raise RewriteError(f"step with rule {rule.name!r} gives no value for {missing}")
    try:
        if any(i < 0 for i in path):
            raise IndexError(path)
        sub = subterm(expr, path)
    except IndexError:
        raise RewriteError(f"position {list(path)} does not exist in the expression") from None
    pattern, produced = rule.side(reverse)
    bindings = match(pattern, sub)
    if bindings is None or any(bindings[v] is not substitution[v] for v in bindings):
        raise RewriteError(
            f"rule {rule.name!r} ({'reverse' if reverse else 'forward'}) does not match "
            f"at position {list(path)} with the recorded substitution"
        )
    full = {v: substitution[v] for v in rule.variables}
    after = replace(expr, path, substitute(produced, full))
    return Step(rule, reverse, path, tuple((v, full[v]) for v in rule.variables), expr, after)


Sides = tuple[Expr, Expr]

Keep = Callable[[Expr], bool]
"""Which expressions a walk may step to (a natural walk keeps those without artifacts)."""
"""An equation `lhs = rhs` as its two sides."""


@dataclass(frozen=True)
class EquationStep:
    """One step from an equation to the next (reasoning forward from hypotheses).

    With `context` (a tree with the hole variable), the function `hole ↦ context` is applied
    to both sides; with `other` too, `(hole, hole2) ↦ context` combines two equations side by
    side. Otherwise `step` rewrites side `side` (0 left, 1 right). `sources` are the indices
    of the equations used (premises first, then derived ones); empty means the previous one.
    """

    before: Sides
    after: Sides
    context: Expr | None = None
    side: int = 0
    step: Step | None = None
    other: Sides | None = None
    sources: tuple[int, ...] = ()


def congruence(
    before: Sides, context: Expr, hole: str, sources: tuple[int, ...] = ()
) -> EquationStep:
    """Apply `hole ↦ context` to both sides of `before`."""
    after = (substitute(context, {hole: before[0]}), substitute(context, {hole: before[1]}))
    return EquationStep(before, after, context=context, sources=sources)


def combine(
    first: Sides, second: Sides, context: Expr, holes: tuple[str, str], sources: tuple[int, int]
) -> EquationStep:
    """From `a = b` and `c = d`, the equation `context[a, c] = context[b, d]`."""
    left = substitute(context, {holes[0]: first[0], holes[1]: second[0]})
    right = substitute(context, {holes[0]: first[1], holes[1]: second[1]})
    return EquationStep(first, (left, right), context=context, other=second, sources=sources)


def rewrite_side(
    before: Sides, side: int, step: Step, sources: tuple[int, ...] = ()
) -> EquationStep:
    """Rewrite one side of `before` by `step` (which must start from that side)."""
    if step.before is not before[side]:
        raise RewriteError("the step does not start from that side of the equation")
    after = (step.after, before[1]) if side == 0 else (before[0], step.after)
    return EquationStep(before, after, side=side, step=step, sources=sources)
