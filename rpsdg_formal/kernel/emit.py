"""Lean source for theorems: one theorem per walk, one named `have` per step, chained.

Only validated data reaches the text: expressions are printed from trees, rule names and
variable names were checked when they were loaded or configured, theorem names are built here.
The emitter never runs Lean.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from rpsdg_formal.errors import ConfigError, RewriteError
from rpsdg_formal.kernel.emit_compiled import compiled_parts
from rpsdg_formal.kernel.proofspec import AnySpec, ChainSpec, unpacked
from rpsdg_formal.rewriting.steps import Step
from rpsdg_formal.terms.expr import Expr, Kind, Path, instantiates, substitute
from rpsdg_formal.terms.printers import argument, arguments, kernel_context, to_human
from rpsdg_formal.terms.signature import LEAN_IDENT, LEAN_KEYWORDS, is_lean_ident
from rpsdg_formal.theory import numerals
from rpsdg_formal.theory.rules import Rule
from rpsdg_formal.theory.section import Theory

HOLE = "rpsdg_hole"
HOLE2 = "rpsdg_hole2"
GOAL = "rpsdg_goal"  # the new-goal hypothesis of a proof environment step (`actions`)
_STEP_NAME = re.compile(r"^[sh]\d+\Z")  # step and hypothesis names of emitted proofs

Hypothesis = tuple[Expr, Expr]
"""An instantiated side condition `lhs != rhs` that a theorem assumes."""


class SideConditionError(RewriteError):
    """A step needs a side condition (`x - 1 != 0`) that nothing proves: refused."""


@dataclass(frozen=True)
class LeanTheorem:
    """A theorem in kernel syntax: `theorem name : statement := proof`."""

    name: str
    statement: str
    proof: str
    # what the theorem was built from, for the direct kernel route (not part of its identity)
    origin: AnySpec | None = field(default=None, compare=False, repr=False)

    def source(self) -> str:
        return f"theorem {self.name} : {self.statement} :=\n  {self.proof}\n"

    def renamed(self, name: str) -> LeanTheorem:
        """The same theorem under another name (its spec renamed too)."""
        spec = None if self.origin is None else unpacked(self.origin)
        origin = None if spec is None else dataclasses.replace(spec, name=name)
        return LeanTheorem(name, self.statement, self.proof, origin)


@dataclass(frozen=True)
class BatchFile:
    """A Lean file holding several theorems, with the line span of each (1-based, inclusive)."""

    text: str
    names: tuple[str, ...]
    spans: tuple[tuple[int, int], ...]
    print_lines: tuple[int, ...]  # the `#print axioms` line of each theorem


def check_variable_names(names: Sequence[str], theory: Theory) -> None:
    """Raise ConfigError unless every name can be a theorem variable in generated Lean."""
    short_names = {d.rsplit(".", 1)[-1] for d in theory.declarations}
    for name in names:
        if not is_lean_ident(name) or "." in name:
            raise ConfigError(f"variable {name!r} is not a plain Lean identifier")
        if name in (HOLE, HOLE2, GOAL) or _STEP_NAME.match(name) or name in short_names:
            raise ConfigError(
                f"variable {name!r} clashes with a name in the theory or the emitted proofs; "
                "choose another (e.g. x, y, z)"
            )


def kernel_arg(expr: Expr, theory: Theory) -> str:
    """`expr` in kernel syntax, parenthesised unless it is one token (an argument)."""
    return argument(expr, theory.signature)


def mentions(term: str, name: str) -> bool:
    """True if the identifier `name` occurs in the Lean term `term` (not inside another name)."""
    return re.search(rf"(?<![\w.']){re.escape(name)}(?![\w.'])", term) is not None


def step_hypotheses(step: Step) -> tuple[Hypothesis, ...]:
    """The side conditions of `step`'s rule, instantiated with its substitution."""
    conditions = step.rule.conditions
    if not conditions:
        return ()
    binding = step.binding()
    return tuple([(substitute(c.lhs, binding), substitute(c.rhs, binding)) for c in conditions])


def hypotheses(steps: Sequence[Step], theory: Theory | None = None) -> tuple[Hypothesis, ...]:
    """Every distinct side condition the steps need that the theory cannot prove itself (a
    non-zero numeral, with `theory`), in order of first use: the theorem's hypotheses (`h1`,
    `h2`, …)."""
    return tuple(
        dict.fromkeys(
            h
            for step in steps
            for h in step_hypotheses(step)
            if theory is None or discharge(h, theory) is None
        )
    )


def discharge(hypothesis: Hypothesis, theory: Theory) -> str | None:
    """A proof of `hypothesis` (`a != 0` for a non-zero numeral a) from the theory's `nonzero:`
    lemmas, or None."""
    lhs, rhs = hypothesis
    if rhs.kind is not Kind.NUM or rhs.value != 0:
        return None
    return numerals.nonzero_proof(lhs, dict(theory.nonzero), theory.signature.numerals)


def evaluation_proof(rule: Rule, binding: Mapping[str, Expr], theory: Theory) -> str:
    """The generated proof of one instance of a numeral-only rule (`evaluate:`)."""
    if rule.evaluate is None:
        raise ValueError(f"rule {rule.name!r} is not a numeral-only rule")
    nums = theory.signature.numerals
    nonzero = dict(theory.nonzero)
    return numerals.proof(rule.evaluate, rule.lhs, binding, nums, theory.carrier, nonzero)


def rule_term(step: Step, theory: Theory, assumed: Sequence[Hypothesis] = ()) -> str:
    """The rule instance `name a b h1` proving `lhs = rhs` (or its symmetric for reverse steps).

    A side condition is discharged by the theorem hypothesis in `assumed` that states it; a
    numeral-only rule gets a generated proof term (`numerals`).
    """
    rule = step.rule
    if rule.evaluate is not None:
        term = evaluation_proof(rule, step.binding(), theory)
        return f"Eq.symm ({term})" if step.reverse else term
    return instance_term(step, theory, condition_terms(step, theory, assumed))


Missing = Callable[[int, Hypothesis], str | None]
"""What to give for side condition number k (0-based) that nothing discharges: a term, None to
leave the argument out, or an exception."""


def _in_parentheses(proof: str) -> str:
    return f"({proof})"


def condition_terms(
    step: Step,
    theory: Theory,
    assumed: Sequence[Hypothesis] = (),
    *,
    named: Sequence[str | None] = (),
    proved: Callable[[str], str] = _in_parentheses,
    missing: Missing | None = None,
) -> list[str]:
    """The argument for each side condition of `step`'s rule instance, in order: the word in
    `named` at its number where one is given (a hypothesis an action names), else the theorem
    hypothesis `hK` in `assumed` that states it, else the theory's proof (a non-zero numeral)
    as `proved` spells it, else what `missing` gives (by default SideConditionError).

    The one loop behind the certificate (`rule_term`), the tactic rendering, the parsed
    actions and the negative examples: each differs only in those three choices.
    """
    terms: list[str] = []
    for number, needed in enumerate(step_hypotheses(step)):
        given = named[number] if number < len(named) else None
        if given is not None:
            terms.append(given)
        elif needed in assumed:
            terms.append(f"h{assumed.index(needed) + 1}")
        elif (proof := discharge(needed, theory)) is not None:
            terms.append(proved(proof))
        elif (term := (missing or _refuse(step, theory))(number, needed)) is not None:
            terms.append(term)
    return terms


def _refuse(step: Step, theory: Theory) -> Missing:
    """The default for a side condition nothing discharges: SideConditionError saying which."""

    def refuse(_: int, needed: Hypothesis) -> str | None:
        sig = theory.signature
        raise SideConditionError(
            f"step with {step.rule.name!r} needs {to_human(needed[0], sig)} != "
            f"{to_human(needed[1], sig)}, which is neither a non-zero numeral nor assumed"
        )

    return refuse


def instance_term(step: Step, theory: Theory, hyps: Sequence[str], name: str = "") -> str:
    """`name args hyps` for a step's rule instance (the rule's Lean name unless `name`), under
    `Eq.symm` for a reverse step; `hyps` are the proof terms of its side conditions."""
    args = arguments([value for _, value in step.substitution], theory.signature)
    term = " ".join([name or step.rule.lean_name, *args, *hyps])
    return f"Eq.symm ({term})" if step.reverse else term


def step_proof(step: Step, theory: Theory, assumed: Sequence[Hypothesis] = ()) -> str:
    """A term proving `Eq before after` for one step (congruence into the rewritten position)."""
    return congruence_proof(step.before, step.path, rule_term(step, theory, assumed), theory)


def congruence_proof(before: Expr, path: Path, term: str, theory: Theory) -> str:
    """`term` (a proof of `a = b`, where `a` sits at `path` in `before`) lifted to the whole
    expression by congruence."""
    if not path:
        return term
    context = kernel_context(before, path, HOLE, theory.signature)
    return f"congrArg (fun ({HOLE} : {theory.carrier}) => {context}) ({term})"


def equation_statement(lhs: Expr, rhs: Expr, theory: Theory) -> str:
    """`Eq lhs rhs` in kernel syntax."""
    return f"Eq {kernel_arg(lhs, theory)} {kernel_arg(rhs, theory)}"


def ne_statement(hypothesis: Hypothesis, theory: Theory) -> str:
    """`Ne lhs rhs` in kernel syntax."""
    return f"Ne {kernel_arg(hypothesis[0], theory)} {kernel_arg(hypothesis[1], theory)}"


def rule_statement(rule: Rule, theory: Theory) -> str:
    """The exact proposition a rule's Lean declaration must prove, built from the rule file:
    `∀ (a b : R), Ne b zero → Eq lhs rhs`."""
    parts = [f"{ne_statement((c.lhs, c.rhs), theory)} → " for c in rule.conditions]
    statement = "".join(parts) + equation_statement(rule.lhs, rule.rhs, theory)
    if rule.variables:
        statement = f"∀ ({' '.join(rule.variables)} : {theory.carrier}), {statement}"
    return statement


def theorem(
    name: str,
    binders: Sequence[str],
    start: Expr,
    steps: Sequence[Step],
    theory: Theory,
    typed: bool = False,
) -> LeanTheorem:
    """The kernel certificate for `start = end` along `steps`.

    One `have sK := proof` per step, its type left to Lean: about 2.5 times faster to
    elaborate than stating it. Every intermediate expression is still checked: `Eq.trans`
    needs step K's result to be step K+1's start, which is built from the same tree, and the
    last result must be the statement's right side. `typed` states each step's type, as
    records of schema 2 did.
    """
    return certificate(name, binders, start, steps, theory, typed)[0]


def certificate(
    name: str,
    binders: Sequence[str],
    start: Expr,
    steps: Sequence[Step],
    theory: Theory,
    typed: bool = False,
) -> tuple[LeanTheorem, tuple[str, ...]]:
    """`theorem(...)` and the proof term of each of its steps (what its `have`s say), which
    the dataset's step rows repeat; made in C where `kernel/_certificate.c` is built
    (`emit_compiled`), by `certificate_parts` otherwise, to the same text."""
    if not steps:
        raise ValueError("a theorem needs at least one step")
    if not _plain_ident(name):
        raise ValueError(f"theorem name {name!r} is not a plain Lean identifier")
    parts = compiled_parts(binders, start, steps, theory, typed, HOLE, hypotheses, step_proof)
    statement, proof, terms = parts or certificate_parts(binders, start, steps, theory, typed)
    origin = ChainSpec(name, tuple(binders), start, tuple(steps))
    return LeanTheorem(name, statement, proof, origin), terms


def _plain_ident(name: str) -> bool:
    """`is_lean_ident(name) and "." not in name`, without splitting a name that has no dots
    (a certificate asks it for every theorem)."""
    return LEAN_IDENT.match(name) is not None and "." not in name and name not in LEAN_KEYWORDS


def certificate_parts(
    binders: Sequence[str],
    start: Expr,
    steps: Sequence[Step],
    theory: Theory,
    typed: bool = False,
) -> tuple[str, str, tuple[str, ...]]:
    """The statement, proof text and step terms of `certificate`: the reference the compiled
    certificate must equal."""
    check_chain(start, steps)
    end = steps[-1].after
    assumed = hypotheses(steps, theory)
    statement = "".join(f"{ne_statement(h, theory)} → " for h in assumed) + equation_statement(
        start, end, theory
    )
    if binders:
        statement = f"∀ ({' '.join(binders)} : {theory.carrier}), {statement}"
    names = [*binders, *(f"h{i}" for i in range(1, len(assumed) + 1))]
    lines = [f"fun {' '.join(names)} =>"] if names else []
    terms = tuple([step_proof(step, theory, assumed) for step in steps])
    for i, (step, term) in enumerate(zip(steps, terms, strict=True), 1):
        claim = f" : {equation_statement(step.before, step.after, theory)}" if typed else ""
        lines.append(f"have s{i}{claim} := {term}")
    chain = f"s{len(steps)}"
    for i in range(len(steps) - 1, 0, -1):
        chain = f"Eq.trans s{i} {chain if ' ' not in chain else f'({chain})'}"
    lines.append(chain)
    return statement, "\n  ".join(lines), terms


def check_chain(start: Expr, steps: Sequence[Step]) -> None:
    """Raise ValueError unless each step starts where the previous one ended and produces what
    its rule instance at its position produces. The untyped `have`s rely on it: then the
    kernel's check of the chain pins every recorded intermediate expression."""
    current = start
    for number, step in enumerate(steps, 1):
        if step.before is not current or not _fits(step):
            raise ValueError(f"step {number} ({step.rule.name}) does not fit its recorded states")
        current = step.after


def _fits(step: Step) -> bool:
    """True if `step.after` is `replace(before, path, instance of the rule's result)` and the
    rule's pattern, instantiated, stands at `path` in `step.before`; found by walking down the
    path in both trees and then along the rule's two sides (interned trees are equal when they
    are the same object) instead of building any tree."""
    before, after = step.before, step.after
    for index in step.path:
        here, there = before.args, after.args
        arity = len(here)
        if after.head != before.head or after.kind is not before.kind or len(there) != arity:
            return False
        if not 0 <= index < arity:
            return False
        if arity == 2:
            if here[1 - index] is not there[1 - index]:
                return False
        elif any(here[k] is not there[k] for k in range(arity) if k != index):
            return False
        before, after = here[index], there[index]
    pattern, produced = step.rule.side(step.reverse)
    binding = dict(step.substitution)
    return instantiates(pattern, binding, before) and instantiates(produced, binding, after)


def batch_file(theory: Theory, theorems: Sequence[LeanTheorem]) -> BatchFile:
    """One Lean file checking `theorems`, then printing the axioms each depends on.

    The namespaces are opened in a section that closes before `#print axioms`, so the axioms
    are printed with their full names.
    """
    header = [
        "prelude",
        f"import {theory.lean_module}",
        "set_option autoImplicit false",
        "",
        "section",
        f"open {' '.join(theory.opens)}",
        "",
    ]
    parts = ["\n".join(header), "\n"]
    spans: list[tuple[int, int]] = []
    line = len(header)  # lines written so far
    for thm in theorems:
        body = thm.source().rstrip("\n")
        spans.append((line + 1, line + 1 + body.count("\n")))
        parts += (body, "\n\n")
        line = spans[-1][1] + 1  # its last line, then a blank one
    parts.append("end\n\n")
    print_lines = list(range(line + 3, line + 3 + len(theorems)))
    parts += [f"#print axioms {thm.name}\n" for thm in theorems]
    names = tuple(t.name for t in theorems)
    return BatchFile("".join(parts), names, tuple(spans), tuple(print_lines))
