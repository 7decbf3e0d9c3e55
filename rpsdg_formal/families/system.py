"""Systems of two linear equations by the reverse process.

From `x = a` and `y = b`, two combinations `p*x + q*y = p*a + q*b` and `r*x + s*y = …` are
built side by side (`congrArg₂`) and their right sides computed: that is the converse theorem.
The solution eliminates one unknown at a time: multiply the equations by the other's
coefficient, subtract them side by side, distribute, cancel the common term, collect the
coefficient and divide by it. Every step is a rule or a congruence the kernel checks.
"""

from __future__ import annotations

import random

from rpsdg_formal.errors import RewriteError
from rpsdg_formal.families.arithmetic import arithmetic_strategy
from rpsdg_formal.families.equation import Labelled, Problem, compute_right, undo_rule
from rpsdg_formal.families.roles import role
from rpsdg_formal.kernel.emit import HOLE, HOLE2
from rpsdg_formal.rewriting.steps import Sides, apply_step, combine, congruence, rewrite_side
from rpsdg_formal.rewriting.strategies import exhaust
from rpsdg_formal.terms.expr import Expr, Kind, app, num, var
from rpsdg_formal.terms.printers import to_human
from rpsdg_formal.terms.signature import Signature
from rpsdg_formal.theory.rules import Rule, RuleSet

_H, _H2 = var(HOLE), var(HOLE2)

ROLES = {
    "distribute": "a * (b + c) = a * b + a * c",
    "left-comm": "a * (b * c) = b * (a * c)",
    "drop-right": "a + c - (b + c) = a - b",
    "drop-left": "c + a - (c + b) = a - b",
    "assoc": "a * b * c = a * (b * c)",
    "collect": "(a - b) * c = a * c - b * c",
    "one-mul": "1 * a = a",
}
"""The rules elimination uses, by their role tag in the rule file, with the shape expected (the
solver binds a, b and c by name)."""


def _role(rules: RuleSet, tag: str) -> Rule:
    return role(rules, tag, "system solver", ROLES[tag])


class _Proof:
    """Equation steps under construction, numbered after the premises."""

    def __init__(self, premises: tuple[Sides, ...]) -> None:
        self.equations = list(premises)
        self.steps: list[Labelled] = []

    def add(self, link: Labelled) -> int:
        self.steps.append(link)
        self.equations.append(link.step.after)
        return len(self.equations) - 1

    def last(self) -> int:
        return len(self.equations) - 1


def _compute_right(proof: _Proof, at: int, rules: RuleSet, sig: Signature) -> int:
    """Compute the right side of equation `at` down to a numeral, innermost first."""
    for link in compute_right(proof.equations[at], rules, sig, (at,)):
        at = proof.add(link)
    if proof.equations[at][1].kind is not Kind.NUM:
        raise RewriteError("the right side is not positive numeral arithmetic")
    return at


def _rewrite(
    proof: _Proof,
    at: int,
    rule: Rule,
    path: tuple[int, ...],
    binding: dict[str, Expr],
    sig: Signature,
    reverse: bool = False,
) -> int:
    sides = proof.equations[at]
    step = apply_step(sides[0], rule, reverse, path, binding)
    note = f"{rule.name}: {to_human(step.before, sig)} = {to_human(step.after, sig)}"
    sources = () if at == proof.last() else (at,)
    return proof.add(Labelled(rewrite_side(sides, 0, step, sources), note))


def _left_steps(proof: _Proof, at: int, keep: int, rules: RuleSet, sig: Signature) -> int:
    """Turn `m1*(c1*x + c2*y) - m2*(c3*x + c4*y)` into `(m1*c1 - m2*c3) * x` (keep = 0) or the
    same for y (keep = 1): distribute, cancel the common term, collect."""
    for side in (0, 1):
        term = proof.equations[at][0].args[side]
        binding = {"a": term.args[0], "b": term.args[1].args[0], "c": term.args[1].args[1]}
        at = _rewrite(proof, at, _role(rules, "distribute"), (side,), binding, sig)
    drop = 1 - keep
    lhs = proof.equations[at][0]
    first, second = lhs.args[0].args[drop], lhs.args[1].args[drop]
    if first is not second:
        binding = {"a": first.args[0], "b": first.args[1].args[0], "c": first.args[1].args[1]}
        at = _rewrite(proof, at, _role(rules, "left-comm"), (0, drop), binding, sig)
        lhs = proof.equations[at][0]
    if lhs.args[0].args[drop] is not lhs.args[1].args[drop]:
        raise RewriteError("the eliminated terms do not match")
    drop_rule = _role(rules, "drop-right" if drop == 1 else "drop-left")
    common = lhs.args[0].args[drop]
    kept = {"a": lhs.args[0].args[keep], "b": lhs.args[1].args[keep], "c": common}
    at = _rewrite(proof, at, drop_rule, (), kept, sig)
    for side in (0, 1):
        term = proof.equations[at][0].args[side]  # c1 * (c2 * t)
        binding = {"a": term.args[0], "b": term.args[1].args[0], "c": term.args[1].args[1]}
        at = _rewrite(proof, at, _role(rules, "assoc"), (side,), binding, sig, reverse=True)
    lhs = proof.equations[at][0]  # c1*c2 * t - c3*c4 * t
    binding = {"a": lhs.args[0].args[0], "b": lhs.args[1].args[0], "c": lhs.args[0].args[1]}
    at = _rewrite(proof, at, _role(rules, "collect"), (), binding, sig, reverse=True)
    coefficient = proof.equations[at][0].args[0]
    for step in exhaust(arithmetic_strategy(rules), coefficient):  # compute the coefficient
        sides = proof.equations[at]
        full = apply_step(sides[0], step.rule, False, (0, *step.path), step.binding())
        note = f"compute: {to_human(step.before, sig)} = {to_human(step.after, sig)}"
        at = proof.add(Labelled(rewrite_side(sides, 0, full), note))
    if proof.equations[at][0].args[0].kind is not Kind.NUM:
        raise RewriteError("the coefficient is not positive numeral arithmetic")
    return at


def _eliminate(
    proof: _Proof,
    coefficients: tuple[int, int, int, int],
    keep: int,
    rules: RuleSet,
    sig: Signature,
    unknown: str,
) -> int:
    """Derive `unknown = value` from equations 0 and 1 by eliminating the other unknown."""
    p, q, r, s = coefficients
    m1, m2 = (s, q) if keep == 0 else (r, p)
    own1, own2 = (p, r) if keep == 0 else (q, s)
    scaled = []
    for source, m in ((0, m1), (1, m2)):
        link = congruence(proof.equations[source], app("mul", num(m), _H), HOLE, (source,))
        at = proof.add(Labelled(link, f"multiply equation {source + 1} by {m}"))
        scaled.append(_compute_right(proof, at, rules, sig))
    first, second = scaled if m1 * own1 > m2 * own2 else scaled[::-1]
    link = combine(
        proof.equations[first],
        proof.equations[second],
        app("sub", _H, _H2),
        (HOLE, HOLE2),
        (first, second),
    )
    at = proof.add(Labelled(link, "subtract the equations side by side"))
    at = _compute_right(proof, at, rules, sig)
    at = _left_steps(proof, at, keep, rules, sig)
    k = proof.equations[at][0].args[0].value
    if k == 1:
        binding = {"a": proof.equations[at][0].args[1]}
        return _rewrite(proof, at, _role(rules, "one-mul"), (), binding, sig)
    link = congruence(proof.equations[at], app("div", _H, num(k)), HOLE)
    at = proof.add(Labelled(link, f"divide both sides by {k}"))
    x = proof.equations[at][0].args[0].args[1]
    binding = {"a": x, "b": num(k)}
    at = _rewrite(proof, at, undo_rule(rules, "mul"), (), binding, sig)
    return _compute_right(proof, at, rules, sig)


def draw_system(
    rules: RuleSet, rng: random.Random, max_coefficient: int = 6, max_answer: int = 12
) -> Problem | None:
    """One system of two equations in x and y, with its solution and converse (None if the
    coefficients make it singular)."""
    sig = rules.theory.signature
    p, q, r, s = (rng.randint(1, max_coefficient) for _ in range(4))
    if p * s == q * r:
        return None
    a, b = rng.randint(1, max_answer), rng.randint(1, max_answer)
    x, y = var("x"), var("y")
    answers = ((x, num(a)), (y, num(b)))
    construction = _Proof(answers)
    made = []
    for c1, c2 in ((p, q), (r, s)):
        context = app("add", app("mul", num(c1), _H), app("mul", num(c2), _H2))
        link = combine(answers[0], answers[1], context, (HOLE, HOLE2), (0, 1))
        at = construction.add(Labelled(link, f"take {c1} times x = {a} plus {c2} times y = {b}"))
        made.append(_compute_right(construction, at, rules, sig))
    equations = (construction.equations[made[0]], construction.equations[made[1]])
    solution = _Proof(equations)
    try:
        found_x = _eliminate(solution, (p, q, r, s), 0, rules, sig, "x")
        found_y = _eliminate(solution, (p, q, r, s), 1, rules, sig, "y")
    except RewriteError:
        return None
    if (solution.equations[found_x], solution.equations[found_y]) != answers:
        return None
    return Problem(
        "system",
        (("x", a), ("y", b)),
        equations,
        tuple(construction.steps),
        tuple(solution.steps),
        construction_goal=tuple(made),
        solution_goal=(found_x, found_y),
    )
