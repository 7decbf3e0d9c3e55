"""Kernel terms for one-step claims with an offered proof: the wrong steps of the negatives.

The text twin is `exports.negatives.wrong_theorem`: `fun xs hs => congrArg (fun hole =>
context) (Eq.symm … (rule args hyps))`. The implicit arguments are read off the offered rule
instance (not off the claim), so a claim the instance does not prove fails in the kernel, as
it fails in the elaborator. A lemma name the theory does not declare is sent as the constant
of that name: the kernel answers `unknownConstant`.
"""

from __future__ import annotations

from collections.abc import Callable

from rpsdg_formal.kernel.emit import step_hypotheses
from rpsdg_formal.kernel.kterms import Scope, Term, TermBuilder
from rpsdg_formal.kernel.proofspec import Offer, OfferedSpec
from rpsdg_formal.terms.expr import Expr, substitute


def _lemma(b: TermBuilder, s: Scope, name: str) -> Term:
    """The constant `name` resolves to in the opened namespaces, or the bare unknown name."""
    for prefix in [*reversed(b.theory.opens), ""]:
        full = f"{prefix}.{name}" if prefix else name
        if b.rt.find(b.consts.env, full) is not None:
            return s.const(full)
    return int(b.rt.mk_const(b.rt.name(name), b.rt.list([])))


def _lemma_instance(
    b: TermBuilder, s: Scope, offer: Offer, x: Expr, y: Expr, assumed: tuple[tuple[Expr, Expr], ...]
) -> Term:
    """`lemma args hyps` (under `Eq.symm` for a reverse step), as `negatives` writes it."""
    step = offer.step
    inst = _lemma(b, s, offer.lemma)
    for _, value in step.substitution:
        inst = int(b.rt.mk_app(inst, s.x(value)))
    for k, needed in enumerate(step_hypotheses(step)):
        word = offer.hyps[k] if offer.hyps is not None else ""
        proof = s.bvar(word) if word else b.side_condition(s, needed, assumed, step.rule.name)
        inst = int(b.rt.mk_app(inst, proof))
    return b.symm(s, s.x(y), s.x(x), inst) if step.reverse else inst


def offered(b: TermBuilder, spec: OfferedSpec) -> tuple[Term, Term, set[str]]:
    """(type, value, constants used) of a one-step claim proven by its offer."""
    offer, step = spec.offer, spec.offer.step
    if offer.hyps is not None and len(offer.hyps) != len(step.rule.conditions):
        raise ValueError(f"{step.rule.name}: {len(offer.hyps)} side-condition proofs")
    s = Scope(b, [*spec.binders, *(f"h{i}" for i in range(1, len(spec.assumed) + 1))])
    try:
        pattern, produced = step.rule.side(step.reverse)
        binding = step.binding()
        left, right = substitute(pattern, binding), substitute(produced, binding)
        if offer.lemma:
            value = _lemma_instance(b, s, offer, left, right, spec.assumed)
        else:
            value = b.rule_instance(s, step, left, right, spec.assumed, offer.hyps)
        for _ in range(offer.symms):
            value = b.symm(s, s.x(left), s.x(right), value)
            left, right = right, left
        if step.path:
            context = b.path_context(s, spec.before, step.path, s.depth + 1)
            fn = b.lam(b.hole_name, context)
            value = b.congr(s, s.x(left), s.x(right), fn, value)
        statement = b.eq(s, s.x(spec.before), s.x(spec.claimed))
        hyps = [_ne(b, s, h) for h in spec.assumed]
        return (*b.close_over(s, spec.binders, hyps, statement, value), s.used)
    finally:
        s.close()


def _ne(b: TermBuilder, s: Scope, sides: tuple[Expr, Expr]) -> Callable[[int], Term]:
    return lambda depth: b.ne(s, s.x(sides[0], depth), s.x(sides[1], depth))
