"""Kernel terms from proof specs: the same proofs `emit` writes as Lean text, as Lean `Expr`s.

A rewrite chain `∀ xs, Ne … → Eq start end` is proven by
`fun xs hs => Eq.trans x0 x1 xn p1 (Eq.trans x1 x2 xn p2 (… pn))`, each step
`p = congrArg R R a b (fun hole => context) instance`, the instance being the rule applied to
its arguments and side-condition proofs (under `Eq.symm` in reverse), or a numeral certificate
(`knumerals`). An implication reasons forward from its premises with `congrArg`, `congrArg₂`
and `Eq.trans`, concluding one equation or `And` of two. Every implicit argument is given
explicitly (the kernel does not elaborate): it is read off the recorded expressions.

Only theorem declarations are built here, for statements built here from the spec's trees;
there is no way to build any other kind of declaration (see `declaration`).

Ownership: `Scope.x` hands out one reference per call; fresh terms are used exactly once;
constants are persistent. `Scope.close` drops the memo's references.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rpsdg_formal.errors import KernelCrashError
from rpsdg_formal.kernel.emit import HOLE, HOLE2, SideConditionError, hypotheses, step_hypotheses
from rpsdg_formal.kernel.kconsts import LOGIC, Constants
from rpsdg_formal.kernel.knumerals import NumeralProofs
from rpsdg_formal.kernel.lean_abi import LeanRuntime, Obj, box, inc
from rpsdg_formal.kernel.proofspec import ChainSpec, ImplicationSpec
from rpsdg_formal.rewriting.steps import EquationStep, Sides, Step
from rpsdg_formal.terms.expr import Expr, Kind, subterm
from rpsdg_formal.theory.section import Theory

Term = Obj


class Scope:
    """One theorem under construction: its binders (by level), memoized subterms, and the
    constants it uses (for its axioms)."""

    def __init__(self, builder: TermBuilder, names: Sequence[str]) -> None:
        self.b = builder
        self.rt = builder.rt
        self.levels: dict[str, int] = {name: i for i, name in enumerate(names)}
        self.depth = len(names)
        self.levels[HOLE] = self.depth
        self.levels[HOLE2] = self.depth + 1
        self.memo: dict[tuple[Expr, int], Term] = {}
        self.base: dict[Expr, Term] = {}  # the memo at the theorem's own depth (most lookups)
        self.used: set[str] = set(builder.fixed)

    def const(self, full: str) -> Term:
        self.used.add(full)
        return self.b.consts.expr(full)

    def x(self, e: Expr, depth: int | None = None) -> Term:
        """An owned reference to `e` as a kernel term at binder depth `depth` (default: the
        theorem's own)."""
        if depth is None or depth == self.depth:
            got = self.base.get(e)
            if got is None:
                got = self.base[e] = self._build(e, self.depth)
            return inc(got)
        key = (e, depth)
        got = self.memo.get(key)
        if got is None:
            got = self.memo[key] = self._build(e, depth)
        return inc(got)

    def _build(self, e: Expr, depth: int) -> Term:
        rt = self.rt
        if e.kind is Kind.VAR:
            level = self.levels.get(e.head)
            if level is None:
                raise KernelCrashError(f"variable {e.head!r} is not bound by the theorem")
            return int(rt.mk_bvar(box(depth - 1 - level)))
        if e.kind is Kind.NUM:
            return self.b.nums.numeral(self, e.value)
        out = self.const(self.b.operator(e.head))
        for a in e.args:
            out = int(rt.mk_app(out, self.x(a, depth)))
        return out

    def app(self, f: Term, *args: Term) -> Term:
        for a in args:
            f = int(self.rt.mk_app(f, a))
        return f

    def bvar(self, name: str) -> Term:
        return int(self.rt.mk_bvar(box(self.depth - 1 - self.levels[name])))

    def close(self) -> None:
        for memo in (self.memo, self.base):
            for term in memo.values():
                self.rt.dec(term)
            memo.clear()


class TermBuilder:
    """Builds theorem declarations for one theory from proof specs."""

    def __init__(self, rt: LeanRuntime, consts: Constants, theory: Theory) -> None:
        self.rt, self.consts, self.theory = rt, consts, theory
        self.sig = theory.signature
        c = consts.expr
        self.carrier_name = consts.full(theory.carrier)
        self.R = c(self.carrier_name)
        self.fixed = {self.carrier_name}
        # `Eq R`, `Eq.trans R`, … applied to the carrier once (persistent): used by every
        # theorem. Logic.lean declares no axioms, so counting them as used changes no axiom set.
        self._at_carrier: dict[str, Term] = {}
        for short, times in (("Eq", 1), ("Eq.trans", 1), ("Eq.symm", 1), ("congrArg", 2)):
            full = f"{LOGIC}.{short}"
            self.fixed.add(full)
            term = c(full)
            for _ in range(times):
                term = int(rt.mk_app(term, self.R))
            self._at_carrier[short] = rt.persist(term)
        self._ops: dict[str, str] = {}
        self._names: dict[str, Obj] = {}
        self.hole_name = rt.persist(rt.name(HOLE))
        self.hole2_name = rt.persist(rt.name(HOLE2))
        self.nums = NumeralProofs(self)

    def logic(self, scope: Scope, short: str) -> Term:
        return scope.const(f"{LOGIC}.{short}")

    def operator(self, head: str) -> str:
        full = self._ops.get(head)
        if full is None:
            full = self._ops[head] = self.consts.full(self.sig.by_name(head).lean)
        return full

    # --- logic ---------------------------------------------------------------------------
    def eq(self, s: Scope, a: Term, b: Term) -> Term:
        return s.app(self._at_carrier["Eq"], a, b)

    def ne(self, s: Scope, a: Term, b: Term) -> Term:
        return s.app(self.logic(s, "Ne"), self.R, a, b)

    def trans(self, s: Scope, a: Term, b: Term, c: Term, p: Term, q: Term) -> Term:
        return s.app(self._at_carrier["Eq.trans"], a, b, c, p, q)

    def symm(self, s: Scope, a: Term, b: Term, p: Term) -> Term:
        return s.app(self._at_carrier["Eq.symm"], a, b, p)

    def lam(self, name: Obj, body: Term) -> Term:
        return int(self.rt.mk_lambda(name, self.R, body, 0))

    def congr(self, s: Scope, a: Term, b: Term, fn: Term, p: Term) -> Term:
        """`congrArg R R a b fn p`: from `a = b`, `fn a = fn b`."""
        return s.app(self._at_carrier["congrArg"], a, b, fn, p)

    def context(self, s: Scope, context: Expr, holes: int) -> Term:
        """`fun hole (hole2) => context` under the theorem's binders."""
        body = s.x(context, s.depth + holes)
        if holes == 2:
            body = self.lam(self.hole2_name, body)
        return self.lam(self.hole_name, body)

    # --- steps ---------------------------------------------------------------------------
    def rule_instance(
        self,
        s: Scope,
        step: Step,
        a: Expr,
        b: Expr,
        assumed: Sequence[tuple[Expr, Expr]],
        chosen: Sequence[str] | None = None,
    ) -> Term:
        """A proof of `a = b`, the rewritten sub-terms (the rule instance, or its symmetric);
        `chosen` names the proof of each side condition (`hK`, or "" for a numeral's)."""
        rule = step.rule
        if rule.evaluate is not None:
            inst = self.nums.evaluation(s, rule, step.binding())
        else:
            inst = s.const(self.consts.full(rule.lean_name))
            for _, value in step.substitution:
                inst = int(self.rt.mk_app(inst, s.x(value)))
            if rule.conditions:
                for k, needed in enumerate(step_hypotheses(step)):
                    if chosen is not None and chosen[k]:
                        proof = s.bvar(chosen[k])
                    else:
                        proof = self.side_condition(s, needed, assumed, rule.name)
                    inst = int(self.rt.mk_app(inst, proof))
        if step.reverse:
            inst = self.symm(s, s.x(b), s.x(a), inst)
        return inst

    def side_condition(
        self, s: Scope, needed: tuple[Expr, Expr], assumed: Sequence[tuple[Expr, Expr]], rule: str
    ) -> Term:
        if needed in assumed:
            return s.bvar(f"h{assumed.index(needed) + 1}")
        proof = self.nums.nonzero_of(s, needed)
        if proof is None:
            raise SideConditionError(f"step with {rule!r} needs a side condition nothing proves")
        return proof

    def step_proof(
        self,
        s: Scope,
        step: Step,
        assumed: Sequence[tuple[Expr, Expr]] = (),
        chosen: Sequence[str] | None = None,
    ) -> Term:
        """A proof of `Eq before after` (congruence into the rewritten position). The
        rewritten sub-terms are read off `before` and `after` at the step's path, which
        `emit.check_chain` ties to the rule instance."""
        path = step.path
        a, b = subterm(step.before, path), subterm(step.after, path)
        inst = self.rule_instance(s, step, a, b, assumed, chosen)
        if not path:
            return inst
        fn = self.lam(self.hole_name, self.path_context(s, step.before, path, s.depth + 1))
        return self.congr(s, s.x(a), s.x(b), fn, inst)

    def path_context(self, s: Scope, e: Expr, path: Sequence[int], depth: int) -> Term:
        """The body of `fun hole => e[hole at path]` (at `depth`, under the hole's binder),
        built along the path: the siblings are memoized terms."""
        if not path:
            return int(self.rt.mk_bvar(1))  # bvar 0: the hole (1 is box(0))
        out = s.const(self.operator(e.head))
        first = path[0]
        for i, arg in enumerate(e.args):
            term = self.path_context(s, arg, path[1:], depth) if i == first else s.x(arg, depth)
            out = int(self.rt.mk_app(out, term))
        return out

    # --- theorems ------------------------------------------------------------------------
    def chain(self, spec: ChainSpec) -> tuple[Term, Term, set[str]]:
        """(type, value, constants used) of a rewrite-chain theorem."""
        if not spec.steps:
            raise ValueError("a theorem needs at least one step")
        conditional = any(step.rule.conditions for step in spec.steps)
        assumed = hypotheses(spec.steps, self.theory) if conditional else ()
        hyp_names = [f"h{i}" for i in range(1, len(assumed) + 1)]
        s = Scope(self, [*spec.binders, *hyp_names])
        try:
            end = spec.steps[-1].after
            proofs = [self.step_proof(s, step, assumed) for step in spec.steps]
            value = proofs[-1]
            for k in range(len(spec.steps) - 2, -1, -1):
                step = spec.steps[k]
                value = self.trans(s, s.x(step.before), s.x(step.after), s.x(end), proofs[k], value)
            statement = self.eq(s, s.x(spec.start), s.x(end))
            hyps = [(lambda d, h=h: self.ne(s, s.x(h[0], d), s.x(h[1], d))) for h in assumed]
            return (*self.close_over(s, spec.binders, hyps, statement, value), s.used)
        finally:
            s.close()

    def close_over(
        self,
        s: Scope,
        binders: Sequence[str],
        hyps: Sequence[Callable[[int], Term]],
        ty: Term,
        value: Term,
    ) -> tuple[Term, Term]:
        """`∀ binders hyps, ty` and `fun binders hyps => value`; `hyps` are functions of the
        binder depth giving each hypothesis's type there."""
        rt = self.rt
        names = [*binders, *(f"h{i}" for i in range(len(hyps)))]
        types: list[tuple[Obj, Term, Term]] = []
        for i, name in enumerate(names):
            make = hyps[i - len(binders)] if i >= len(binders) else None
            kind = self.R if make is None else make(i)
            types.append((self.b_name(name), kind, rt.inc(kind)))
        for name_obj, for_type, lam_type in reversed(types):
            ty = int(rt.mk_forall(rt.inc(name_obj), for_type, ty, 0))
            value = int(rt.mk_lambda(rt.inc(name_obj), lam_type, value, 0))
        return ty, value

    def b_name(self, name: str) -> Obj:
        """A binder's name (persistent, cached)."""
        got = self._names.get(name)
        if got is None:
            got = self._names[name] = self.rt.persist(self.rt.name(name))
        return got

    def implication(self, spec: ImplicationSpec) -> tuple[Term, Term, set[str]]:
        """(type, value, constants used) of an implication theorem."""
        premises = list(spec.premises)
        hyp_names = [f"h{i}" for i in range(len(premises))]
        s = Scope(self, [*spec.binders, *hyp_names])
        try:
            proofs: list[Term] = [s.bvar(h) for h in hyp_names]
            equations: list[Sides] = list(premises)
            for link in spec.steps:
                sources = link.sources or (len(equations) - 1,)
                proofs.append(
                    self.link(
                        s, link, [equations[i] for i in sources], [proofs[i] for i in sources]
                    )
                )
                equations.append(link.after)
            value, goal = self.conclude(
                s, spec.conclusion or (len(equations) - 1,), equations, proofs
            )
            hyps = [(lambda d, p=p: self.eq(s, s.x(p[0], d), s.x(p[1], d))) for p in premises]
            return (*self.close_over(s, spec.binders, hyps, goal, value), s.used)
        finally:
            for p in proofs:
                self.rt.dec(p)
            s.close()

    def link(self, s: Scope, link: EquationStep, given: list[Sides], proofs: list[Term]) -> Term:
        """The proof of one forward step from the equations it uses."""
        rt = self.rt
        if link.context is not None:
            if link.other is not None:
                (a, a2), (b, b2) = given[0], given[1]
                fn = self.context(s, link.context, 2)
                return s.app(
                    self.logic(s, "congrArg₂"),
                    self.R,
                    self.R,
                    self.R,
                    fn,
                    s.x(a),
                    s.x(a2),
                    s.x(b),
                    s.x(b2),
                    rt.inc(proofs[0]),
                    rt.inc(proofs[1]),
                )
            a, b = given[0]
            return self.congr(
                s, s.x(a), s.x(b), self.context(s, link.context, 1), rt.inc(proofs[0])
            )
        if link.step is None:
            raise ValueError("an equation step needs a context or a rewrite")
        step, (left, right) = link.step, given[0]
        rewrite = self.step_proof(s, step)
        if link.side == 0:
            back = self.symm(s, s.x(step.before), s.x(step.after), rewrite)
            return self.trans(
                s, s.x(step.after), s.x(step.before), s.x(right), back, rt.inc(proofs[0])
            )
        return self.trans(
            s, s.x(left), s.x(step.before), s.x(step.after), rt.inc(proofs[0]), rewrite
        )

    def conclude(
        self, s: Scope, concluded: Sequence[int], equations: list[Sides], proofs: list[Term]
    ) -> tuple[Term, Term]:
        """(proof, statement) of the conclusion: one equation, or `And` of two."""
        rt = self.rt
        goals = [self.eq(s, s.x(equations[i][0]), s.x(equations[i][1])) for i in concluded]
        if len(concluded) == 1:
            return rt.inc(proofs[concluded[0]]), goals[0]
        if len(concluded) != 2:
            raise ValueError("a conclusion is one equation or a pair")
        both = s.app(self.logic(s, "And"), rt.inc(goals[0]), rt.inc(goals[1]))
        intro = s.app(
            self.logic(s, "And.intro"),
            goals[0],
            goals[1],
            rt.inc(proofs[concluded[0]]),
            rt.inc(proofs[concluded[1]]),
        )
        return intro, both

    def build(self, spec: ChainSpec | ImplicationSpec) -> tuple[Term, Term, set[str]]:
        """(type, value, constants used) of the theorem `spec` describes."""
        if isinstance(spec, ChainSpec):
            return self.chain(spec)
        return self.implication(spec)

    def declaration(self, name: str, ty: Term, value: Term) -> Obj:
        """`Declaration.thmDecl {name, levelParams := [], type, value, all := [name]}`,
        consuming `ty` and `value`. The only declaration this route ever makes."""
        rt = self.rt
        theorem = int(rt.mk_theorem_val(rt.name(name), box(0), ty, value, rt.list([rt.name(name)])))
        return rt.ctor(2, [theorem])  # Declaration.thmDecl is constructor 2
