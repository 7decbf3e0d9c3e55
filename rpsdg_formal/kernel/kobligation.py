"""Kernel terms for the proof environment's step obligations (`tactics.actions`).

The text twin is `actions._obligation`: `fun xs hs goal => Eq.trans L (Eq.trans goal
(Eq.symm R))`, where L and R rewrite the old goal's two sides step by step (`Eq.trans` of
congruences), or `Eq.trans L (Eq.symm R)` when the step closes the goal. Every implicit
argument is read off the recorded trees: where an action claims a goal its rewrites do not
reach, the kernel finds the mismatch, as the elaborator does.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rpsdg_formal.kernel.emit import GOAL
from rpsdg_formal.kernel.kconsts import LOGIC
from rpsdg_formal.kernel.kterms import Scope, Term, TermBuilder
from rpsdg_formal.kernel.proofspec import ObligationSpec, SideRewrite
from rpsdg_formal.terms.expr import Expr


def _side(
    b: TermBuilder, s: Scope, start: Expr, rewrites: Sequence[SideRewrite]
) -> tuple[Term | None, Expr]:
    """A proof of `start = end` and `end`, where the rewrites lead (no proof: no rewrite)."""
    proof: Term | None = None
    end = start
    for rewrite in rewrites:
        step = rewrite.step
        if len(rewrite.hyps) not in (0, len(step.rule.conditions)):
            raise ValueError(f"{step.rule.name}: {len(rewrite.hyps)} side-condition proofs")
        more = b.step_proof(s, step, (), rewrite.hyps or None)
        if proof is not None:
            more = b.trans(s, s.x(start), s.x(end), s.x(step.after), proof, more)
        proof = more
        end = step.after
    return proof, end


def _trans(
    b: TermBuilder, s: Scope, a: Expr, mid: Expr, c: Expr, p: Term | None, q: Term | None
) -> Term | None:
    """`Eq.trans p q` for `p : a = mid`, `q : mid = c`; None stands for reflexivity."""
    if p is None or q is None:
        return p if q is None else q
    return b.trans(s, s.x(a), s.x(mid), s.x(c), p, q)


def _at_depth(
    b: TermBuilder, s: Scope, make: Callable[[Scope, Term, Term], Term], sides: tuple[Expr, Expr]
) -> Callable[[int], Term]:
    """The hypothesis `make lhs rhs` (`Ne` or `Eq`) as a function of the binder depth."""
    return lambda depth: make(s, s.x(sides[0], depth), s.x(sides[1], depth))


def obligation(b: TermBuilder, spec: ObligationSpec) -> tuple[Term, Term, set[str]]:
    """(type, value, constants used) of a step obligation."""
    hyp_names = [f"h{i}" for i in range(1, len(spec.assumed) + 1)]
    premise = [] if spec.closed else [GOAL]
    s = Scope(b, [*spec.binders, *hyp_names, *premise])
    try:
        (g0, g1), (n0, n1) = spec.goal, spec.new
        left, c0 = _side(b, s, g0, spec.sides[0])
        right, c1 = _side(b, s, g1, spec.sides[1])
        back = None if right is None else b.symm(s, s.x(g1), s.x(c1), right)  # c1 = g1
        if spec.closed:
            value = _trans(b, s, g0, c0, g1, left, back)
        else:
            inner = _trans(b, s, n0, n1, g1, s.bvar(GOAL), back)
            value = _trans(b, s, g0, c0, g1, left, inner)
        if value is None:
            value = s.app(s.const(f"{LOGIC}.Eq.refl"), b.R, s.x(g0))
        statement = b.eq(s, s.x(g0), s.x(g1))
        hyps = [_at_depth(b, s, b.ne, h) for h in spec.assumed]
        if not spec.closed:
            hyps.append(_at_depth(b, s, b.eq, spec.new))
        return (*b.close_over(s, spec.binders, hyps, statement, value), s.used)
    finally:
        s.close()
